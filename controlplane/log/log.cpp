#include "log/log.hpp"

#include <memory>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "log/json_formatter.hpp"
#include "log/log_line.hpp"
#include "log/text_formatter.hpp"

namespace ringcast::controlplane::log {
namespace {

void write(spdlog::level::level_enum level, std::string_view msg, const Fields& fields) {
  spdlog::logger* logger = spdlog::default_logger_raw();
  if (!logger->should_log(level)) {
    return;
  }
  logger->log(level, "{}", LogLine::encode(msg, fields));
}

}  // namespace

void setup(LogFormat format) {
  // stderr keeps stdout free for the one machine-read line ("listening http HOST:PORT").
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  if (format == LogFormat::kJson) {
    sink->set_formatter(std::make_unique<JsonFormatter>());
  } else {
    sink->set_formatter(std::make_unique<TextFormatter>());
  }
  auto logger = std::make_shared<spdlog::logger>("controlplane", std::move(sink));
  logger->set_level(spdlog::level::info);
  // A control plane logs little; flushing every line means a crash never eats the last ones.
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(std::move(logger));
}

void debug(std::string_view msg, const Fields& fields) { write(spdlog::level::debug, msg, fields); }

void info(std::string_view msg, const Fields& fields) { write(spdlog::level::info, msg, fields); }

void warn(std::string_view msg, const Fields& fields) { write(spdlog::level::warn, msg, fields); }

void error(std::string_view msg, const Fields& fields) { write(spdlog::level::err, msg, fields); }

}  // namespace ringcast::controlplane::log
