#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "log/log_format.hpp"

namespace ringcast::controlplane::log {

// Structured context for one log line: a JSON object, e.g. {{"addr", "127.0.0.1:8080"}}. In the
// JSON format each field becomes a top-level member beside ts, level and msg.
using Fields = nlohmann::json;

// Installs the process-wide logger (spdlog's default, writing to stderr) in the given format.
// Call once, before the first log line; lines logged earlier use spdlog's own default pattern.
void setup(LogFormat format);

void debug(std::string_view msg, const Fields& fields = Fields::object());
void info(std::string_view msg, const Fields& fields = Fields::object());
void warn(std::string_view msg, const Fields& fields = Fields::object());
void error(std::string_view msg, const Fields& fields = Fields::object());

}  // namespace ringcast::controlplane::log
