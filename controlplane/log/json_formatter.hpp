#pragma once

#include <memory>

#include <spdlog/formatter.h>

namespace ringcast::controlplane::log {

// One JSON object per line: {"ts":"<UTC ISO 8601, ms>","level":"info","msg":"...",<fields>}.
// Fields named ts, level or msg are prefixed with '_' rather than overwrite the line's own.
class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override;
};

}  // namespace ringcast::controlplane::log
