#include "config/controlplane_config.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "config/config_error.hpp"

namespace ringcast::controlplane::config {
namespace {

constexpr std::string_view kSection = "controlplane";

// Sections of the shared file that the data plane owns and validates.
const std::set<std::string, std::less<>> kOtherSections = {"dataplane", "rtmp"};

// sun_path holds 108 bytes including the terminator.
constexpr size_t kMaxUnixSocketPath = 107;

std::string where(const toml::source_region& source) {
  if (source.begin.line == 0) {
    return {};
  }
  return fmt::format(" (line {})", source.begin.line);
}

[[noreturn]] void fail(const toml::source_region& source, std::string_view key,
                       std::string_view problem) {
  throw ConfigError(fmt::format("{}.{}{}: {}", kSection, key, where(source), problem));
}

std::string_view type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
    case toml::node_type::time:
    case toml::node_type::date_time:
      return "a date or time";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

const std::string& read_string(const toml::node& node, std::string_view key) {
  const auto* value = node.as_string();
  if (value == nullptr) {
    fail(node.source(), key, fmt::format("must be a string, not {}", type_name(node)));
  }
  return value->get();
}

}  // namespace

ControlplaneConfig parse_controlplane_config(std::string_view toml_text,
                                             std::string_view source_name) {
  toml::table root;
  try {
    root = toml::parse(toml_text, source_name);
  } catch (const toml::parse_error& error) {
    throw ConfigError(fmt::format("{} (line {}): {}", source_name, error.source().begin.line,
                                  error.description()));
  }

  for (const auto& [section_key, section_node] : root) {
    const std::string_view section = section_key.str();
    if (section != kSection && kOtherSections.count(section) == 0) {
      throw ConfigError(
          fmt::format("{}{}: unknown section (this file may hold [controlplane], "
                      "[dataplane] and [rtmp])",
                      section, where(section_key.source())));
    }
  }

  ControlplaneConfig config;
  const toml::node* section_node = root.get(kSection);
  if (section_node == nullptr) {
    return config;
  }
  const toml::table* section = section_node->as_table();
  if (section == nullptr) {
    throw ConfigError(
        fmt::format("{}{}: must be a table", kSection, where(section_node->source())));
  }

  for (const auto& [key_node, node] : *section) {
    const std::string_view key = key_node.str();
    if (key == "listen") {
      const std::string& text = read_string(node, key);
      try {
        config.listen = ListenAddress::parse(text);
      } catch (const ConfigError& error) {
        fail(node.source(), key, error.what());
      }
    } else if (key == "dataplane_socket") {
      const std::string& path = read_string(node, key);
      if (path.empty()) {
        fail(node.source(), key, "must be a non-empty path");
      }
      if (path.size() > kMaxUnixSocketPath) {
        fail(
            node.source(), key,
            fmt::format("is longer than a Unix socket path may be ({} bytes)", kMaxUnixSocketPath));
      }
      config.dataplane_socket = path;
    } else if (key == "log_format") {
      const std::string& format = read_string(node, key);
      if (format == "json") {
        config.log_format = log::LogFormat::kJson;
      } else if (format == "text") {
        config.log_format = log::LogFormat::kText;
      } else {
        fail(node.source(), key, fmt::format("'{}' is not one of \"json\", \"text\"", format));
      }
    } else {
      fail(key_node.source(), key, "unknown key (known: listen, dataplane_socket, log_format)");
    }
  }
  return config;
}

ControlplaneConfig load_controlplane_config(const std::filesystem::path& file) {
  std::ifstream input(file, std::ios::binary);
  if (!input) {
    throw ConfigError(fmt::format("{}: cannot open: {}", file.string(), std::strerror(errno)));
  }
  std::ostringstream text;
  text << input.rdbuf();
  if (input.bad()) {
    throw ConfigError(fmt::format("{}: cannot read: {}", file.string(), std::strerror(errno)));
  }
  return parse_controlplane_config(text.str(), file.string());
}

}  // namespace ringcast::controlplane::config
