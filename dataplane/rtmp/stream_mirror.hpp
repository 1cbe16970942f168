#pragma once
// A stream owned by another shard, as seen by this shard's players: the owner sends one task per
// message to this shard (not per player), and the mirror fans it out locally from proxies of the
// owner's buffers. The generation tells its messages from those of an earlier mirror of the same
// stream that is already gone.

#include <cstdint>
#include <string>

#include "rtmp/rtmp_counters.hpp"
#include "rtmp/stream_fanout.hpp"

namespace ringcast::rtmp {

class StreamMirror {
 public:
  StreamMirror(std::string key, uint32_t owner, uint64_t generation, bool cache_gop,
               size_t gop_max_bytes)
      : key_(std::move(key)),
        owner_(owner),
        generation_(generation),
        fanout_(cache_gop, gop_max_bytes) {}

  const std::string& key() const { return key_; }
  uint32_t owner() const { return owner_; }
  uint64_t generation() const { return generation_; }
  StreamFanout& fanout() { return fanout_; }
  StreamCounters& counters() { return counters_; }
  const StreamCounters& counters() const { return counters_; }

 private:
  std::string key_;
  uint32_t owner_;
  uint64_t generation_;
  StreamFanout fanout_;
  StreamCounters counters_;
};

}  // namespace ringcast::rtmp
