#include "rtmp/send_queue.hpp"

#include <algorithm>

namespace ringcast::rtmp {

SendQueue::SendQueue(SendQueueLimits limits) : limits_(limits), ring_(64, nullptr) {}

SendQueue::~SendQueue() { clear(); }

void SendQueue::append(SharedBuffer* buffer) {
  if (count_ == ring_.size()) {
    std::vector<SharedBuffer*> grown(ring_.size() * 2, nullptr);
    for (size_t i = 0; i < count_; ++i) {
      grown[i] = at(i);
    }
    ring_.swap(grown);
    head_ = 0;
  }
  at(count_) = buffer;
  ++count_;
  queued_bytes_ += buffer->size;
}

void SendQueue::push_owned(SharedBuffer* buffer) { append(buffer); }

PushResult SendQueue::push(SharedBuffer* buffer) {
  const bool start = buffer->is(kBufferStartPoint);
  if (waiting_for_start_ && buffer->droppable()) {
    if (!start) {
      ++dropped_messages_;
      dropped_bytes_ += buffer->size;
      return PushResult::kDropped;
    }
    waiting_for_start_ = false;
  }
  if (buffer->droppable() && queued_bytes_ + buffer->size > limits_.queue_bytes) {
    // Behind: what is queued is stale. Skip to the next start point (this one, if it is one),
    // keeping headers and replies so the player can still decode what comes next.
    ++skips_;
    const size_t dropped = drop_queued_media();
    dropped_since_progress_ += dropped;
    if (!start) {
      ++dropped_messages_;
      dropped_bytes_ += buffer->size;
      dropped_since_progress_ += buffer->size;
      waiting_for_start_ = true;
    }
    if (dropped_since_progress_ >= limits_.disconnect_bytes) {
      return PushResult::kDisconnect;
    }
    if (!start) {
      return PushResult::kDropped;
    }
  }
  retain(buffer);
  append(buffer);
  return PushResult::kQueued;
}

size_t SendQueue::drop_queued_media() {
  // Entries handed to the kernel, or the partly sent head, must go out whole: the chunk stream
  // would be corrupt otherwise.
  const size_t keep = std::max(in_flight_, head_offset_ > 0 ? size_t{1} : size_t{0});
  size_t write = keep;
  size_t dropped = 0;
  for (size_t read = keep; read < count_; ++read) {
    SharedBuffer* buffer = at(read);
    if (buffer->droppable()) {
      ++dropped_messages_;
      dropped_bytes_ += buffer->size;
      dropped += buffer->size;
      queued_bytes_ -= buffer->size;
      release(buffer);
    } else {
      at(write++) = buffer;
    }
  }
  count_ = write;
  return dropped;
}

size_t SendQueue::prepare(iovec* iov, size_t max) {
  if (in_flight_ > 0 || count_ == 0) {
    return 0;
  }
  const size_t n = std::min(count_, max);
  for (size_t i = 0; i < n; ++i) {
    SharedBuffer* buffer = at(i);
    const size_t offset = i == 0 ? head_offset_ : 0;
    iov[i].iov_base = const_cast<uint8_t*>(buffer->data + offset);
    iov[i].iov_len = buffer->size - offset;
  }
  in_flight_ = n;
  return n;
}

void SendQueue::complete(size_t bytes) {
  in_flight_ = 0;
  if (bytes > 0) {
    dropped_since_progress_ = 0;
  }
  queued_bytes_ -= std::min(bytes, queued_bytes_);
  while (bytes > 0 && count_ > 0) {
    SharedBuffer* buffer = at(0);
    const size_t left = buffer->size - head_offset_;
    if (bytes < left) {
      head_offset_ += bytes;
      return;
    }
    bytes -= left;
    head_offset_ = 0;
    at(0) = nullptr;
    head_ = (head_ + 1) & (ring_.size() - 1);
    --count_;
    release(buffer);
  }
}

void SendQueue::clear() {
  for (size_t i = 0; i < count_; ++i) {
    release(at(i));
    at(i) = nullptr;
  }
  count_ = 0;
  head_ = 0;
  head_offset_ = 0;
  in_flight_ = 0;
  queued_bytes_ = 0;
}

}  // namespace ringcast::rtmp
