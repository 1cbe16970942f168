#pragma once

#include <memory>

#include <spdlog/formatter.h>

namespace ringcast::controlplane::log {

// "<UTC ISO 8601, ms> <level> <msg> key=value ...": the same content as JsonFormatter, for a
// person at a terminal. String values are quoted only when they hold a space, quote or '='.
class TextFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override;
};

}  // namespace ringcast::controlplane::log
