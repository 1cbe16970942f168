#pragma once

#include <cstdint>
#include <string_view>

namespace ringcast::rtmp {

// The RTMP server's counters on one shard (docs/rtmp.md, "Counters"), reported by GetStats.
struct RtmpCounters {
  uint64_t rtmp_accepted = 0;
  uint64_t rtmp_connections = 0;  // open now
  uint64_t rtmp_closed = 0;
  uint64_t rtmp_handshake_errors = 0;
  uint64_t rtmp_protocol_errors = 0;  // chunk stream or command violations: connection closed
  uint64_t rtmp_timeouts = 0;
  uint64_t rtmp_auth_refused = 0;
  uint64_t rtmp_publish_refused = 0;  // stream already has a publisher, bad name
  uint64_t rtmp_publishers = 0;       // publishing now (connections on this shard)
  uint64_t rtmp_players = 0;          // playing now (connections on this shard)
  uint64_t rtmp_migrations = 0;       // publishers handed to the stream's shard
  uint64_t rtmp_rx_bytes = 0;
  uint64_t rtmp_rx_messages = 0;
  uint64_t rtmp_rx_no_buffer = 0;
  uint64_t rtmp_rx_rearms = 0;
  uint64_t rtmp_tx_bytes = 0;
  uint64_t rtmp_sends = 0;        // sendmsg operations
  uint64_t rtmp_send_iovecs = 0;  // buffers they carried (iovecs / sends = coalescing)
  uint64_t rtmp_send_errors = 0;
  uint64_t rtmp_player_skips = 0;  // a slow player skipped to the next keyframe
  uint64_t rtmp_player_dropped_messages = 0;
  uint64_t rtmp_player_disconnects = 0;    // a player too far behind was cut off
  uint64_t rtmp_cross_shard_messages = 0;  // buffers forwarded to other shards
  uint64_t rtmp_streams = 0;               // streams owned by this shard now
  uint64_t rtmp_buffers_allocated = 0;
  uint64_t rtmp_buffers_in_use = 0;

  template <typename Visit>
  void for_each(Visit&& visit) const {
#define RINGCAST_RTMP_COUNTER(name) visit(std::string_view(#name), name)
    RINGCAST_RTMP_COUNTER(rtmp_accepted);
    RINGCAST_RTMP_COUNTER(rtmp_connections);
    RINGCAST_RTMP_COUNTER(rtmp_closed);
    RINGCAST_RTMP_COUNTER(rtmp_handshake_errors);
    RINGCAST_RTMP_COUNTER(rtmp_protocol_errors);
    RINGCAST_RTMP_COUNTER(rtmp_timeouts);
    RINGCAST_RTMP_COUNTER(rtmp_auth_refused);
    RINGCAST_RTMP_COUNTER(rtmp_publish_refused);
    RINGCAST_RTMP_COUNTER(rtmp_publishers);
    RINGCAST_RTMP_COUNTER(rtmp_players);
    RINGCAST_RTMP_COUNTER(rtmp_migrations);
    RINGCAST_RTMP_COUNTER(rtmp_rx_bytes);
    RINGCAST_RTMP_COUNTER(rtmp_rx_messages);
    RINGCAST_RTMP_COUNTER(rtmp_rx_no_buffer);
    RINGCAST_RTMP_COUNTER(rtmp_rx_rearms);
    RINGCAST_RTMP_COUNTER(rtmp_tx_bytes);
    RINGCAST_RTMP_COUNTER(rtmp_sends);
    RINGCAST_RTMP_COUNTER(rtmp_send_iovecs);
    RINGCAST_RTMP_COUNTER(rtmp_send_errors);
    RINGCAST_RTMP_COUNTER(rtmp_player_skips);
    RINGCAST_RTMP_COUNTER(rtmp_player_dropped_messages);
    RINGCAST_RTMP_COUNTER(rtmp_player_disconnects);
    RINGCAST_RTMP_COUNTER(rtmp_cross_shard_messages);
    RINGCAST_RTMP_COUNTER(rtmp_streams);
    RINGCAST_RTMP_COUNTER(rtmp_buffers_allocated);
    RINGCAST_RTMP_COUNTER(rtmp_buffers_in_use);
#undef RINGCAST_RTMP_COUNTER
  }
};

// Per stream, on each shard that has a part of it.
struct StreamCounters {
  uint64_t player_skips = 0;
  uint64_t player_disconnects = 0;
  uint64_t player_dropped_messages = 0;
};

}  // namespace ringcast::rtmp
