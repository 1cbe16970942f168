#include "core/config.hpp"

#include <arpa/inet.h>
#include <sched.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <toml++/toml.h>

#include "core/toml_reader.hpp"

namespace ringcast::core {
namespace {

// Sections owned by other parts of ringcast that share the same file.
const std::set<std::string, std::less<>> kOtherSections = {"controlplane", "rtmp"};

const TomlSectionReader kReader("dataplane");
}  // namespace

DataplaneConfig default_dataplane_config() { return DataplaneConfig{}; }

DataplaneConfig parse_dataplane_config(std::string_view toml_text, std::string_view source_name) {
  const toml::table root = parse_config_text(toml_text, source_name);

  DataplaneConfig config = default_dataplane_config();
  for (const auto& [section_key, section_node] : root) {
    const std::string_view section = section_key.str();
    if (section == "dataplane") {
      continue;
    }
    if (kOtherSections.count(section) == 0) {
      throw ConfigError(
          fmt::format("{}{}: unknown section", section, TomlSectionReader::where(section_node)));
    }
  }

  const toml::table* section = kReader.section_table(root);
  if (section == nullptr) {
    return config;
  }

  for (const auto& [key_node, node] : *section) {
    const std::string_view key = key_node.str();
    if (key == "listen_ip") {
      config.listen_ip = kReader.ipv4(node, key);
    } else if (key == "announced_ip") {
      config.announced_ip = kReader.ipv4(node, key);
    } else if (key == "udp_port_base") {
      config.udp_port_base = static_cast<uint16_t>(kReader.integer(node, key, 1, 65535));
    } else if (key == "cores") {
      const auto* cores = node.as_array();
      if (cores == nullptr) {
        kReader.fail(node, key, "must be an array of core numbers");
      }
      config.cores.clear();
      for (size_t i = 0; i < cores->size(); ++i) {
        const std::string element = fmt::format("cores[{}]", i);
        config.cores.push_back(
            static_cast<unsigned>(kReader.integer(*cores->get(i), element, 0, CPU_SETSIZE - 1)));
      }
      std::set<unsigned> unique(config.cores.begin(), config.cores.end());
      if (unique.size() != config.cores.size()) {
        kReader.fail(node, key, "lists a core twice; one shard per core");
      }
    } else if (key == "control_socket") {
      const auto* path = node.as_string();
      if (path == nullptr || path->get().empty()) {
        kReader.fail(node, key, "must be a non-empty path");
      }
      // sun_path holds 108 bytes including the terminator.
      if (path->get().size() >= 108) {
        kReader.fail(node, key, "is longer than a Unix socket path may be (107 bytes)");
      }
      config.control_socket = path->get();
    } else if (key == "sqpoll") {
      config.sqpoll = kReader.boolean(node, key);
    } else if (key == "receive_buffers") {
      // The provided-buffer ring size must be a power of two no larger than 32768.
      const auto count = kReader.integer(node, key, 64, 32768);
      if ((count & (count - 1)) != 0) {
        kReader.fail(node, key, fmt::format("{} is not a power of two", count));
      }
      config.receive_buffers = static_cast<uint32_t>(count);
    } else if (key == "receive_buffer_size") {
      config.receive_buffer_size = static_cast<uint32_t>(kReader.integer(node, key, 1500, 65536));
    } else if (key == "send_buffers") {
      config.send_buffers = static_cast<uint32_t>(kReader.integer(node, key, 64, 1 << 20));
    } else if (key == "send_mode") {
      const auto* mode = node.as_string();
      if (mode == nullptr || (mode->get() != "sendmmsg" && mode->get() != "io_uring")) {
        kReader.fail(node, key, "must be \"sendmmsg\" or \"io_uring\"");
      }
      config.send_mode = mode->get() == "sendmmsg" ? DataplaneConfig::SendMode::kSendmmsg
                                                   : DataplaneConfig::SendMode::kIoUring;
    } else {
      kReader.fail(node, key, "unknown key");
    }
  }
  return config;
}

DataplaneConfig load_dataplane_config(const std::filesystem::path& file) {
  return parse_dataplane_config(read_config_file(file), file.string());
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
