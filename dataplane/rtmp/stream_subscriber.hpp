#pragma once

#include "rtmp/shared_buffer.hpp"

namespace ringcast::rtmp {

// Receives a stream's messages on one shard: a player connection or a push relay's session.
// Calls come from the shard's own thread; a subscriber that wants to leave during a call only
// marks itself and is detached later (the fan-out loop is iterating).
class StreamSubscriber {
 public:
  virtual ~StreamSubscriber() = default;
  // A message of the stream (cached ones first when joining). Take a reference to keep it.
  virtual void on_stream_message(SharedBuffer* buffer) = 0;
  // The publisher went away (players are told, relays stop).
  virtual void on_stream_unpublished() = 0;
  // A publisher started (a waiting relay starts its session).
  virtual void on_stream_published() {}
};

}  // namespace ringcast::rtmp
