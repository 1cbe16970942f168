#pragma once

#include <liburing.h>

#include <cstdint>
#include <span>

namespace ringcast::core {

// Receive buffers the kernel picks from as datagrams arrive (a provided-buffer ring, kernel 5.19+).
// liburing 2.3 has no io_uring_setup_buf_ring, so the ring memory is mapped and registered here
// by hand. Buffers are handed back with recycle() and published once per loop turn by commit().
class ProvidedBufferRing {
 public:
  // `count` must be a power of two (at most 32768).
  ProvidedBufferRing(io_uring* ring, uint16_t group_id, uint32_t count, uint32_t buffer_size);
  ~ProvidedBufferRing();
  ProvidedBufferRing(const ProvidedBufferRing&) = delete;
  ProvidedBufferRing& operator=(const ProvidedBufferRing&) = delete;

  uint16_t group_id() const { return group_id_; }
  uint32_t buffer_size() const { return buffer_size_; }
  uint32_t count() const { return count_; }

  std::span<uint8_t> buffer(uint16_t buffer_id) {
    return {buffers_ + size_t{buffer_id} * buffer_size_, buffer_size_};
  }

  // Queues a buffer to be given back to the kernel.
  void recycle(uint16_t buffer_id);
  // Publishes every recycled buffer to the kernel with one tail update.
  void commit();

 private:
  io_uring* ring_;
  uint16_t group_id_;
  uint32_t count_;
  uint32_t buffer_size_;
  io_uring_buf_ring* entries_ = nullptr;
  size_t entries_bytes_ = 0;
  uint8_t* buffers_ = nullptr;
  size_t buffers_bytes_ = 0;
  int pending_ = 0;
};

}  // namespace ringcast::core
