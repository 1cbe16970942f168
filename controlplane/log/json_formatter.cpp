#include "log/json_formatter.hpp"

#include <nlohmann/json.hpp>

#include "log/log_line.hpp"
#include "log/timestamp.hpp"

namespace ringcast::controlplane::log {

void JsonFormatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
  const LogLine line = LogLine::decode(std::string_view(msg.payload.data(), msg.payload.size()));
  // ordered_json keeps ts, level and msg first, where a reader scanning lines expects them.
  nlohmann::ordered_json object;
  object["ts"] = format_timestamp(msg.time);
  const auto level = spdlog::level::to_string_view(msg.level);
  object["level"] = std::string_view(level.data(), level.size());
  object["msg"] = line.msg;
  const nlohmann::json fields = line.fields();
  for (const auto& [key, value] : fields.items()) {
    if (key == "ts" || key == "level" || key == "msg") {
      object["_" + key] = value;
    } else {
      object[key] = value;
    }
  }
  // A message is not guaranteed to be UTF-8 (a peer's bytes may end up in it); replace rather
  // than throw from inside the logger.
  const std::string text = object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  dest.append(text.data(), text.data() + text.size());
  dest.push_back('\n');
}

std::unique_ptr<spdlog::formatter> JsonFormatter::clone() const {
  return std::make_unique<JsonFormatter>();
}

}  // namespace ringcast::controlplane::log
