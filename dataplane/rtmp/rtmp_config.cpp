#include "rtmp/rtmp_config.hpp"

#include <arpa/inet.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "core/config.hpp"
#include "core/toml_reader.hpp"
#include "rtmp/rtmp_url.hpp"

namespace ringcast::rtmp {
namespace {

using core::ConfigError;

const core::TomlSectionReader kReader("rtmp");

[[noreturn]] void fail(const toml::node& node, std::string_view key, std::string_view problem) {
  kReader.fail(node, key, problem);
}

int64_t read_integer(const toml::node& node, std::string_view key, int64_t min, int64_t max) {
  return kReader.integer(node, key, min, max);
}

bool read_bool(const toml::node& node, std::string_view key) { return kReader.boolean(node, key); }

std::string read_string(const toml::node& node, std::string_view key) {
  return kReader.string(node, key);
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
  const toml::table root = core::parse_config_text(toml_text, source_name);
  RtmpConfig config;
  const toml::table* section = kReader.section_table(root);
  if (section == nullptr) {
    return config;
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
  return parse_rtmp_config(core::read_config_file(file), file.string());
}

}  // namespace ringcast::rtmp
