#pragma once

#include <filesystem>
#include <string_view>

#include "config/listen_address.hpp"
#include "log/log_format.hpp"

namespace ringcast::controlplane::config {

// The [controlplane] section of the TOML file the data plane also reads (docs/controlplane.md
// lists every key). Defaults are what runs without --config.
struct ControlplaneConfig {
  ListenAddress listen{"127.0.0.1", 8080};
  // The data plane's control socket ([dataplane] control_socket); the node link connects to it.
  std::filesystem::path dataplane_socket = "var/dataplane.sock";
  log::LogFormat log_format = log::LogFormat::kJson;
};

// Parses and validates TOML text. Unknown keys in [controlplane] and unknown sections are errors
// naming the key and its line; [dataplane] and [rtmp] belong to the data plane and are skipped.
// Throws ConfigError.
ControlplaneConfig parse_controlplane_config(std::string_view toml_text,
                                             std::string_view source_name);

// Reads and parses a file. Throws ConfigError, also when the file cannot be read.
ControlplaneConfig load_controlplane_config(const std::filesystem::path& file);

}  // namespace ringcast::controlplane::config
