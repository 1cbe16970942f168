#pragma once

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace ringcast::core {

// The [dataplane] section of the TOML file (see docs/configuration.md for every key).
struct DataplaneConfig {
  std::string listen_ip = "127.0.0.1";
  std::string announced_ip = "127.0.0.1";
  uint16_t udp_port_base = 40000;
  // One shard per entry, shard i pinned to cores[i]. Empty means one shard per core this
  // process may run on.
  std::vector<unsigned> cores;
  std::filesystem::path control_socket = "var/dataplane.sock";
  bool sqpoll = false;
  // Provided receive buffers per shard and their size in bytes.
  uint32_t receive_buffers = 4096;
  uint32_t receive_buffer_size = 2048;
  // Send buffers per shard.
  uint32_t send_buffers = 8192;
  // How a shard's UDP sends reach the kernel: one sendmmsg(2) per loop turn, or one
  // IORING_OP_SENDMSG per packet. sendmmsg measured about 12% cheaper per packet here
  // (docs/benchmarks.md, sfu-fanout), so it is the default.
  enum class SendMode { kSendmmsg, kIoUring };
  SendMode send_mode = SendMode::kSendmmsg;
};

// A configuration problem, with the offending key (and source line when there is one) already in
// what(). The data plane exits with status 2 on one.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The embedded defaults: what runs without --config.
DataplaneConfig default_dataplane_config();

// Parses and validates a TOML file. Unknown keys and unknown sections are errors.
DataplaneConfig load_dataplane_config(const std::filesystem::path& file);
DataplaneConfig parse_dataplane_config(std::string_view toml_text, std::string_view source_name);

// Replaces an empty core list with every core this process may run on, and checks each listed
// core exists and is allowed. Throws ConfigError naming dataplane.cores.
void resolve_cores(DataplaneConfig& config);

}  // namespace ringcast::core
