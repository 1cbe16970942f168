#include "core/config.hpp"

#include <arpa/inet.h>
#include <sched.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <toml++/toml.h>
#include <set>

namespace ringcast::core {
namespace {

// Sections owned by other parts of ringcast that share the same file.
const std::set<std::string, std::less<>> kOtherSections = {"controlplane", "rtmp"};

std::string where(const toml::node& node) {
  const auto& source = node.source();
  if (source.begin.line == 0) {
    return {};
  }
  return fmt::format(" (line {})", source.begin.line);
}

[[noreturn]] void fail(const toml::node& node, std::string_view key, std::string_view problem) {
  throw ConfigError(fmt::format("dataplane.{}{}: {}", key, where(node), problem));
}

std::string read_ip(const toml::node& node, std::string_view key) {
  const auto* value = node.as_string();
  if (value == nullptr) {
    fail(node, key, "must be a string holding an IPv4 address");
  }
  in_addr parsed{};
  if (inet_pton(AF_INET, value->get().c_str(), &parsed) != 1) {
    fail(node, key, fmt::format("'{}' is not an IPv4 address", value->get()));
  }
  return value->get();
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

}  // namespace

DataplaneConfig default_dataplane_config() { return DataplaneConfig{}; }

DataplaneConfig parse_dataplane_config(std::string_view toml_text, std::string_view source_name) {
  toml::table root;
  try {
    root = toml::parse(toml_text, source_name);
  } catch (const toml::parse_error& error) {
    throw ConfigError(fmt::format("{} (line {}): {}", source_name, error.source().begin.line,
                                  error.description()));
  }

  DataplaneConfig config = default_dataplane_config();
  for (const auto& [section_key, section_node] : root) {
    const std::string_view section = section_key.str();
    if (section == "dataplane") {
      continue;
    }
    if (kOtherSections.count(section) == 0) {
      throw ConfigError(fmt::format("{}{}: unknown section", section, where(section_node)));
    }
  }

  const toml::node* section_node = root.get("dataplane");
  if (section_node == nullptr) {
    return config;
  }
  const toml::table* section = section_node->as_table();
  if (section == nullptr) {
    throw ConfigError(fmt::format("dataplane{}: must be a table", where(*section_node)));
  }

  for (const auto& [key_node, node] : *section) {
    const std::string_view key = key_node.str();
    if (key == "listen_ip") {
      config.listen_ip = read_ip(node, key);
    } else if (key == "announced_ip") {
      config.announced_ip = read_ip(node, key);
    } else if (key == "udp_port_base") {
      config.udp_port_base = static_cast<uint16_t>(read_integer(node, key, 1, 65535));
    } else if (key == "cores") {
      const auto* cores = node.as_array();
      if (cores == nullptr) {
        fail(node, key, "must be an array of core numbers");
      }
      config.cores.clear();
      for (size_t i = 0; i < cores->size(); ++i) {
        const std::string element = fmt::format("cores[{}]", i);
        config.cores.push_back(
            static_cast<unsigned>(read_integer(*cores->get(i), element, 0, CPU_SETSIZE - 1)));
      }
      std::set<unsigned> unique(config.cores.begin(), config.cores.end());
      if (unique.size() != config.cores.size()) {
        fail(node, key, "lists a core twice; one shard per core");
      }
    } else if (key == "control_socket") {
      const auto* path = node.as_string();
      if (path == nullptr || path->get().empty()) {
        fail(node, key, "must be a non-empty path");
      }
      // sun_path holds 108 bytes including the terminator.
      if (path->get().size() >= 108) {
        fail(node, key, "is longer than a Unix socket path may be (107 bytes)");
      }
      config.control_socket = path->get();
    } else if (key == "sqpoll") {
      const auto* flag = node.as_boolean();
      if (flag == nullptr) {
        fail(node, key, "must be true or false");
      }
      config.sqpoll = flag->get();
    } else if (key == "receive_buffers") {
      // The provided-buffer ring size must be a power of two no larger than 32768.
      const auto count = read_integer(node, key, 64, 32768);
      if ((count & (count - 1)) != 0) {
        fail(node, key, fmt::format("{} is not a power of two", count));
      }
      config.receive_buffers = static_cast<uint32_t>(count);
    } else if (key == "receive_buffer_size") {
      config.receive_buffer_size = static_cast<uint32_t>(read_integer(node, key, 1500, 65536));
    } else if (key == "send_buffers") {
      config.send_buffers = static_cast<uint32_t>(read_integer(node, key, 64, 1 << 20));
    } else if (key == "send_mode") {
      const auto* mode = node.as_string();
      if (mode == nullptr || (mode->get() != "sendmmsg" && mode->get() != "io_uring")) {
        fail(node, key, "must be \"sendmmsg\" or \"io_uring\"");
      }
      config.send_mode = mode->get() == "sendmmsg" ? DataplaneConfig::SendMode::kSendmmsg
                                                   : DataplaneConfig::SendMode::kIoUring;
    } else {
      fail(node, key, "unknown key");
    }
  }
  return config;
}

DataplaneConfig load_dataplane_config(const std::filesystem::path& file) {
  std::string text;
  {
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
  }
  return parse_dataplane_config(text, file.string());
}

void resolve_cores(DataplaneConfig& config) {
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) {
    throw ConfigError(fmt::format("dataplane.cores: cannot read this process's CPU affinity: {}",
                                  strerror(errno)));
  }
  std::vector<unsigned> available;
  for (unsigned cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, &allowed)) {
      available.push_back(cpu);
    }
  }
  if (config.cores.empty()) {
    config.cores = available;
    return;
  }
  for (size_t i = 0; i < config.cores.size(); ++i) {
    if (!CPU_ISSET(config.cores[i], &allowed)) {
      throw ConfigError(fmt::format(
          "dataplane.cores[{}]: core {} does not exist on this machine or is not allowed for "
          "this process (available: {})",
          i, config.cores[i], fmt::join(available, ", ")));
    }
  }
  if (config.udp_port_base + config.cores.size() - 1 > 65535) {
    throw ConfigError(fmt::format("dataplane.udp_port_base: {} + {} shards runs past port 65535",
                                  config.udp_port_base, config.cores.size()));
  }
}

}  // namespace ringcast::core
