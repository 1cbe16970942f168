#pragma once
// A stream ("app/name") on the shard that owns it (stream_shard()): its publisher, the players
// on this shard, the other shards that have players, its push relays and its numbers.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "rtmp/push_relay.hpp"
#include "rtmp/rtmp_counters.hpp"
#include "rtmp/stream_fanout.hpp"

namespace ringcast::rtmp {

class RtmpConnection;

class RtmpStream {
 public:
  RtmpStream(std::string key, size_t shards, bool cache_gop, size_t gop_max_bytes)
      : key_(std::move(key)), fanout_(cache_gop, gop_max_bytes), remotes_(shards) {}

  const std::string& key() const { return key_; }
  StreamFanout& fanout() { return fanout_; }
  StreamCounters& counters() { return counters_; }
  const StreamCounters& counters() const { return counters_; }

  RtmpConnection* publisher = nullptr;
  bool has_video = false;
  uint32_t local_players = 0;
  uint64_t rx_bytes = 0;
  uint64_t rx_bytes_at_last_tick = 0;
  uint64_t kbps = 0;

  // Another shard with players of this stream: its mirror's generation and its player count.
  struct Remote {
    uint64_t generation = 0;
    uint32_t players = 0;
    bool subscribed = false;
  };
  std::vector<Remote>& remotes() { return remotes_; }
  const std::vector<Remote>& remotes() const { return remotes_; }
  uint32_t players() const {
    uint32_t total = local_players;
    for (const Remote& remote : remotes_) {
      total += remote.players;
    }
    return total;
  }
  bool has_remotes() const {
    for (const Remote& remote : remotes_) {
      if (remote.subscribed) {
        return true;
      }
    }
    return false;
  }

  std::vector<std::unique_ptr<PushRelay>>& relays() { return relays_; }
  const std::vector<std::unique_ptr<PushRelay>>& relays() const { return relays_; }

 private:
  std::string key_;
  StreamFanout fanout_;
  std::vector<Remote> remotes_;
  StreamCounters counters_;
  std::vector<std::unique_ptr<PushRelay>> relays_;
};

}  // namespace ringcast::rtmp
