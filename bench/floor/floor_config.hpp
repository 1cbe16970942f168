#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "rtc/srtp_suite.hpp"

namespace ringcast::bench::floor {

enum class FloorIo : uint8_t {
  kUring,     // provided-buffer multishot recvmsg + sendmsg SQEs, one submit per turn
  kSendmmsg,  // poll + recvmmsg batch, one sendmmsg per batch
};

struct FloorProducer {
  uint32_t ssrc = 0;
  std::vector<uint8_t> srtp_key;  // master key + salt the producer protects with
};

struct FloorConsumer {
  uint32_t producer = 0;  // index into producers
  std::string ip = "127.0.0.1";
  uint16_t port = 0;
  std::vector<uint8_t> srtp_key;  // master key + salt the floor protects with
};

// What ringcast-floor forwards, written by ringcast-bench as a small JSON file:
//   {"core": 0, "port": 40000, "io": "uring", "suite": "gcm",
//    "producers": [{"ssrc": 1, "key": "<hex>"}],
//    "consumers": [{"producer": 0, "ip": "127.0.0.1", "port": 50000, "key": "<hex>"}]}
struct FloorConfig {
  int core = -1;
  std::string ip = "127.0.0.1";
  uint16_t port = 0;
  FloorIo io = FloorIo::kUring;
  rtc::SrtpSuite suite = rtc::SrtpSuite::kAeadAes128Gcm;
  // The data plane's defaults (docs/configuration.md), so both servers have the same headroom.
  uint32_t receive_buffers = 4096;
  uint32_t receive_buffer_size = 2048;
  uint32_t send_buffers = 8192;
  std::vector<FloorProducer> producers;
  std::vector<FloorConsumer> consumers;
};

// Throws std::runtime_error naming the problem.
FloorConfig load_floor_config(const std::filesystem::path& path);
void save_floor_config(const FloorConfig& config, const std::filesystem::path& path);

std::string to_string(FloorIo io);
FloorIo floor_io_from_string(const std::string& name);  // throws std::invalid_argument

}  // namespace ringcast::bench::floor
