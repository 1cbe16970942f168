#include "log/text_formatter.hpp"

#include <nlohmann/json.hpp>

#include "log/log_line.hpp"
#include "log/timestamp.hpp"

namespace ringcast::controlplane::log {
namespace {

void append(spdlog::memory_buf_t& dest, std::string_view text) {
  dest.append(text.data(), text.data() + text.size());
}

std::string render_value(const nlohmann::json& value) {
  if (value.is_string()) {
    const auto& text = value.get_ref<const std::string&>();
    if (!text.empty() && text.find_first_of(" \"=") == std::string::npos) {
      return text;
    }
  }
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

void TextFormatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
  const LogLine line = LogLine::decode(std::string_view(msg.payload.data(), msg.payload.size()));
  append(dest, format_timestamp(msg.time));
  dest.push_back(' ');
  const auto level = spdlog::level::to_string_view(msg.level);
  append(dest, std::string_view(level.data(), level.size()));
  dest.push_back(' ');
  append(dest, line.msg);
  const nlohmann::json fields = line.fields();
  for (const auto& [key, value] : fields.items()) {
    dest.push_back(' ');
    append(dest, key);
    dest.push_back('=');
    append(dest, render_value(value));
  }
  dest.push_back('\n');
}

std::unique_ptr<spdlog::formatter> TextFormatter::clone() const {
  return std::make_unique<TextFormatter>();
}

}  // namespace ringcast::controlplane::log
