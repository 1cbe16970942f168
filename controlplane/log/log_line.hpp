#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace ringcast::controlplane::log {

// spdlog 1.10 carries only a text payload from the call site to the formatter, so a structured
// line travels as "msg" kFieldsMarker "fields as JSON". The marker is a control character that
// nlohmann::json always escapes inside strings, so the last one in a payload is ours; a payload
// without it (a line logged straight through spdlog) is all message.
struct LogLine {
  static constexpr char kFieldsMarker = '\x1e';

  std::string_view msg;
  // Empty when the line carries no fields.
  std::string_view fields_json;

  static std::string encode(std::string_view msg, const nlohmann::json& fields);
  static LogLine decode(std::string_view payload);

  // The fields as an object; an object with one "fields" member holding the raw text if they do
  // not parse, so a malformed line still reaches the log.
  nlohmann::json fields() const;
};

}  // namespace ringcast::controlplane::log
