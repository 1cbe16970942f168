#include "log/log_line.hpp"

namespace ringcast::controlplane::log {

std::string LogLine::encode(std::string_view msg, const nlohmann::json& fields) {
  std::string payload(msg);
  if (fields.is_object() && !fields.empty()) {
    payload += kFieldsMarker;
    payload += fields.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  return payload;
}

LogLine LogLine::decode(std::string_view payload) {
  const size_t marker = payload.rfind(kFieldsMarker);
  if (marker == std::string_view::npos) {
    return LogLine{payload, {}};
  }
  return LogLine{payload.substr(0, marker), payload.substr(marker + 1)};
}

nlohmann::json LogLine::fields() const {
  if (fields_json.empty()) {
    return nlohmann::json::object();
  }
  nlohmann::json parsed = nlohmann::json::parse(fields_json, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return nlohmann::json{{"fields", std::string(fields_json)}};
  }
  return parsed;
}

}  // namespace ringcast::controlplane::log
