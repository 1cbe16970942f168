#pragma once
// What the RTMP servers of all shards share, made in main() before the runtime starts: the
// [rtmp] config and the listening sockets (one per shard, SO_REUSEPORT on one port), bound
// early so that a port in use stops start-up before anything runs.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "net/socket.hpp"
#include "rtmp/rtmp_config.hpp"

namespace ringcast::rtmp {

class RtmpNode {
 public:
  // Binds `shards` listening sockets; throws core::ConfigError naming rtmp.listen on failure.
  RtmpNode(RtmpConfig config, size_t shards);

  const RtmpConfig& config() const { return config_; }
  size_t shards() const { return listeners_.size(); }
  int listener(size_t shard) const { return listeners_[shard].get(); }
  // The bound port (the configured one, or the one the kernel picked for port 0).
  uint16_t port() const { return port_; }

 private:
  RtmpConfig config_;
  std::vector<net::FileDescriptor> listeners_;
  uint16_t port_ = 0;
};

// The shard that owns stream "app/name": every shard computes the same answer, so a player on
// any shard knows where to subscribe and a publisher where to go.
uint32_t stream_shard(std::string_view stream_key, size_t shards);

}  // namespace ringcast::rtmp
