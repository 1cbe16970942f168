#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace ringcast::core {

// One outgoing datagram. Everything sendmsg needs (iovec, msghdr, destination) lives inside the
// buffer, so queueing a send allocates nothing.
struct SendBuffer {
  static constexpr size_t kCapacity = 2048;

  uint8_t data[kCapacity];
  uint32_t length = 0;
  uint32_t index = 0;  // position in the pool; travels in the completion's user_data
  sockaddr_in destination{};
  iovec iov{};
  msghdr header{};

  std::span<uint8_t> bytes() { return {data, kCapacity}; }
};

// A fixed set of send buffers allocated once per shard. acquire() returns null when every buffer
// is in flight; the caller drops the packet and counts it (no_send_buffer).
class SendBufferPool {
 public:
  explicit SendBufferPool(uint32_t count);
  SendBufferPool(const SendBufferPool&) = delete;
  SendBufferPool& operator=(const SendBufferPool&) = delete;

  SendBuffer* acquire() {
    if (free_.empty()) {
      return nullptr;
    }
    SendBuffer* buffer = &buffers_[free_.back()];
    free_.pop_back();
    buffer->length = 0;
    return buffer;
  }

  void release(SendBuffer* buffer) { free_.push_back(buffer->index); }
  SendBuffer* at(uint32_t index) { return &buffers_[index]; }

  uint32_t capacity() const { return capacity_; }
  uint32_t available() const { return static_cast<uint32_t>(free_.size()); }
  uint32_t in_flight() const { return capacity_ - available(); }

 private:
  uint32_t capacity_;
  std::unique_ptr<SendBuffer[]> buffers_;
  // Indices of free buffers, used as a stack so recently released (cache-warm) buffers go first.
  // Reserved to full capacity up front: push_back never reallocates.
  std::vector<uint32_t> free_;
};

}  // namespace ringcast::core
