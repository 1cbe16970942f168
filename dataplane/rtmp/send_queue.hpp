#pragma once
// What is waiting to be sent on one connection: references to shared, already chunk-encoded
// buffers, in order. The whole queue leaves in one sendmsg with an iovec per buffer; a player
// that cannot keep up skips to the next keyframe, and one that stays stuck is disconnected.
// Pure logic (no sockets), see docs/rtmp.md, "Slow players".

#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "rtmp/shared_buffer.hpp"

namespace ringcast::rtmp {

struct SendQueueLimits {
  // Queued bytes (not yet handed to the kernel) beyond which media is skipped.
  size_t queue_bytes = 2u << 20;
  // Bytes dropped since the last send that made progress beyond which the player is cut off.
  size_t disconnect_bytes = 8u << 20;
};

enum class PushResult : uint8_t { kQueued, kDropped, kDisconnect };

class SendQueue {
 public:
  explicit SendQueue(SendQueueLimits limits = {});
  ~SendQueue();
  SendQueue(const SendQueue&) = delete;
  SendQueue& operator=(const SendQueue&) = delete;

  // A connection's own bytes (replies, status): always queued. Takes the caller's reference.
  void push_owned(SharedBuffer* buffer);
  // Shared media or headers. Adds its own reference when queued. Until the player has a start
  // point (set wait_for_start()) frames are dropped; past queue_bytes the queued frames are
  // dropped and the player waits for the next start point (a skip).
  PushResult push(SharedBuffer* buffer);
  // Frames are dropped until a buffer flagged kBufferStartPoint arrives.
  void wait_for_start() { waiting_for_start_ = true; }
  bool waiting_for_start() const { return waiting_for_start_; }

  // Fills `iov` with everything queued (from the partly sent head on), at most `max` entries,
  // and marks those entries in flight. Returns 0 when a send is already in flight or nothing is
  // queued.
  size_t prepare(iovec* iov, size_t max);
  // The in-flight send wrote `bytes` (maybe fewer than prepared): sent buffers are released;
  // the rest is sent again by the next prepare().
  void complete(size_t bytes);
  // The send failed: nothing more goes out; entries stay until clear().
  void abort_in_flight() { in_flight_ = 0; }

  bool in_flight() const { return in_flight_ > 0; }
  bool empty() const { return count_ == 0; }
  size_t queued_bytes() const { return queued_bytes_; }
  size_t entries() const { return count_; }
  // Releases every entry (the connection is going away).
  void clear();

  uint64_t skips() const { return skips_; }
  uint64_t dropped_messages() const { return dropped_messages_; }
  uint64_t dropped_bytes() const { return dropped_bytes_; }

 private:
  SharedBuffer*& at(size_t i) { return ring_[(head_ + i) & (ring_.size() - 1)]; }
  void append(SharedBuffer* buffer);
  // Drops every droppable entry not already (partly) handed to the kernel.
  size_t drop_queued_media();

  SendQueueLimits limits_;
  std::vector<SharedBuffer*> ring_;  // power-of-two capacity, grows by doubling (rarely)
  size_t head_ = 0;
  size_t count_ = 0;
  // Bytes of the head entry already sent.
  size_t head_offset_ = 0;
  // Entries handed to the kernel by the last prepare().
  size_t in_flight_ = 0;
  size_t queued_bytes_ = 0;
  bool waiting_for_start_ = false;
  size_t dropped_since_progress_ = 0;
  uint64_t skips_ = 0;
  uint64_t dropped_messages_ = 0;
  uint64_t dropped_bytes_ = 0;
};

}  // namespace ringcast::rtmp
