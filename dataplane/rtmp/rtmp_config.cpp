#include "rtmp/rtmp_config.hpp"

#include <arpa/inet.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "core/config.hpp"
#include "rtmp/rtmp_url.hpp"

namespace ringcast::rtmp {
namespace {

using core::ConfigError;

std::string where(const toml::node& node) {
  const auto& source = node.source();
  if (source.begin.line == 0) {
    return {};
  }
  return fmt::format(" (line {})", source.begin.line);
}

[[noreturn]] void fail(const toml::node& node, std::string_view key, std::string_view problem) {
  throw ConfigError(fmt::format("rtmp.{}{}: {}", key, where(node), problem));
}

int64_t read_integer(const toml::node& node, std::string_view key, int64_t min, int64_t max) {
  const auto* value = node.as_integer();
  if (value == nullptr) {
    fail(node, key, "must be an integer");
  }
  if (value->get() < min || value->get() > max) {
    fail(node, key, fmt::format("{} is outside {}..{}", value->get(), min, max));
  }
  return value->get();
}

bool read_bool(const toml::node& node, std::string_view key) {
  const auto* value = node.as_boolean();
  if (value == nullptr) {
    fail(node, key, "must be true or false");
  }
  return value->get();
}

std::string read_string(const toml::node& node, std::string_view key) {
  const auto* value = node.as_string();
  if (value == nullptr || value->get().empty()) {
    fail(node, key, "must be a non-empty string");
  }
  return value->get();
}

std::vector<std::string> read_keys(const toml::node& node, std::string_view key) {
  const auto* array = node.as_array();
  if (array == nullptr) {
    fail(node, key, "must be an array of strings");
  }
  std::vector<std::string> keys;
  for (size_t i = 0; i < array->size(); ++i) {
    keys.push_back(read_string(*array->get(i), fmt::format("{}[{}]", key, i)));
  }
  return keys;
}

void read_listen(const toml::node& node, RtmpConfig& config) {
  const std::string text = read_string(node, "listen");
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos) {
    fail(node, "listen", fmt::format("'{}' is not ip:port", text));
  }
  const std::string ip = text.substr(0, colon);
  in_addr parsed{};
  if (inet_pton(AF_INET, ip.c_str(), &parsed) != 1) {
    fail(node, "listen", fmt::format("'{}' is not an IPv4 address", ip));
  }
  char* end = nullptr;
  const std::string port_text = text.substr(colon + 1);
  const long port = strtol(port_text.c_str(), &end, 10);
  if (port_text.empty() || *end != '\0' || port < 0 || port > 65535) {
    fail(node, "listen", fmt::format("'{}' is not a port (0..65535)", port_text));
  }
  config.listen_ip = ip;
  config.listen_port = static_cast<uint16_t>(port);
}

const toml::table& read_table(const toml::node& node, std::string_view key) {
  const auto* table = node.as_table();
  if (table == nullptr) {
    fail(node, key, "must be a table");
  }
  return *table;
}

RtmpAppConfig read_app(const toml::node& node, size_t index) {
  const std::string prefix = fmt::format("app[{}]", index);
  RtmpAppConfig app;
  for (const auto& [key_node, value] : read_table(node, prefix)) {
    const std::string key = fmt::format("{}.{}", prefix, key_node.str());
    if (key_node.str() == "name") {
      app.name = read_string(value, key);
    } else if (key_node.str() == "publish_keys") {
      app.publish_keys = read_keys(value, key);
    } else if (key_node.str() == "play_keys") {
      app.play_keys = read_keys(value, key);
    } else {
      fail(value, key, "unknown key");
    }
  }
  if (app.name.empty()) {
    fail(node, prefix, "needs a name");
  }
  return app;
}

RtmpPushConfig read_push(const toml::node& node, size_t index) {
  const std::string prefix = fmt::format("push[{}]", index);
  RtmpPushConfig push;
  for (const auto& [key_node, value] : read_table(node, prefix)) {
    const std::string key = fmt::format("{}.{}", prefix, key_node.str());
    if (key_node.str() == "app") {
      push.app = read_string(value, key);
    } else if (key_node.str() == "url") {
      push.url = read_string(value, key);
      if (!parse_rtmp_url(push.url)) {
        fail(value, key, fmt::format("'{}' is not rtmp://ipv4-or-localhost[:port]/app", push.url));
      }
    } else {
      fail(value, key, "unknown key");
    }
  }
  if (push.app.empty() || push.url.empty()) {
    fail(node, prefix, "needs app and url");
  }
  return push;
}

template <typename Read>
auto read_array_of_tables(const toml::node& node, std::string_view key, Read read) {
  const auto* array = node.as_array();
  if (array == nullptr) {
    fail(node, key, fmt::format("must be an array of tables ([[rtmp.{}]])", key));
  }
  std::vector<decltype(read(node, 0))> items;
  for (size_t i = 0; i < array->size(); ++i) {
    items.push_back(read(*array->get(i), i));
  }
  return items;
}

}  // namespace

RtmpConfig parse_rtmp_config(std::string_view toml_text, std::string_view source_name) {
  toml::table root;
  try {
    root = toml::parse(toml_text, source_name);
  } catch (const toml::parse_error& error) {
    throw ConfigError(fmt::format("{} (line {}): {}", source_name, error.source().begin.line,
                                  error.description()));
  }
  RtmpConfig config;
  const toml::node* section_node = root.get("rtmp");
  if (section_node == nullptr) {
    return config;
  }
  const toml::table* section = section_node->as_table();
  if (section == nullptr) {
    throw ConfigError(fmt::format("rtmp{}: must be a table", where(*section_node)));
  }
  config.enabled = true;
  for (const auto& [key_node, node] : *section) {
    const std::string_view key = key_node.str();
    if (key == "enabled") {
      config.enabled = read_bool(node, key);
    } else if (key == "listen") {
      read_listen(node, config);
    } else if (key == "chunk_size") {
      // Every player is told this size once; messages are encoded with it once for all.
      config.chunk_size = static_cast<uint32_t>(read_integer(node, key, 128, 65536));
    } else if (key == "gop_cache") {
      config.gop_cache = read_bool(node, key);
    } else if (key == "gop_cache_max_bytes") {
      config.gop_cache_max_bytes =
          static_cast<uint32_t>(read_integer(node, key, 64 * 1024, 256 << 20));
    } else if (key == "player_queue_bytes") {
      config.player_queue_bytes =
          static_cast<uint32_t>(read_integer(node, key, 16 * 1024, 1 << 30));
    } else if (key == "player_disconnect_bytes") {
      config.player_disconnect_bytes =
          static_cast<uint32_t>(read_integer(node, key, 16 * 1024, 1 << 30));
    } else if (key == "max_message_size") {
      config.max_message_size = static_cast<uint32_t>(read_integer(node, key, 64 * 1024, 16 << 20));
    } else if (key == "handshake_timeout_ms") {
      config.handshake_timeout_ms = static_cast<uint32_t>(read_integer(node, key, 100, 600000));
    } else if (key == "publish_keys") {
      config.publish_keys = read_keys(node, key);
    } else if (key == "play_keys") {
      config.play_keys = read_keys(node, key);
    } else if (key == "app") {
      config.apps = read_array_of_tables(node, key, read_app);
    } else if (key == "push") {
      config.push = read_array_of_tables(node, key, read_push);
    } else {
      fail(node, key, "unknown key");
    }
  }
  return config;
}

RtmpConfig load_rtmp_config(const std::filesystem::path& file) {
  std::string text;
  FILE* handle = fopen(file.c_str(), "rb");
  if (handle == nullptr) {
    throw ConfigError(fmt::format("{}: cannot open: {}", file.string(), strerror(errno)));
  }
  char chunk[4096];
  size_t got = 0;
  while ((got = fread(chunk, 1, sizeof chunk, handle)) > 0) {
    text.append(chunk, got);
  }
  fclose(handle);
  return parse_rtmp_config(text, file.string());
}

}  // namespace ringcast::rtmp
