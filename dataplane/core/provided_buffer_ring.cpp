#include "core/provided_buffer_ring.hpp"

#include <sys/mman.h>

#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

namespace ringcast::core {

ProvidedBufferRing::ProvidedBufferRing(io_uring* ring, uint16_t group_id, uint32_t count,
                                       uint32_t buffer_size)
    : ring_(ring), group_id_(group_id), count_(count), buffer_size_(buffer_size) {
  if (count == 0 || (count & (count - 1)) != 0 || count > 32768) {
    throw std::invalid_argument("provided buffer count must be a power of two <= 32768");
  }
  // The kernel reads the ring entries directly: they must be page-aligned memory.
  entries_bytes_ = size_t{count} * sizeof(io_uring_buf);
  void* entries =
      mmap(nullptr, entries_bytes_, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
  if (entries == MAP_FAILED) {
    throw std::runtime_error(fmt::format("mmap of buffer ring: {}", strerror(errno)));
  }
  entries_ = static_cast<io_uring_buf_ring*>(entries);

  buffers_bytes_ = size_t{count} * buffer_size;
  void* buffers =
      mmap(nullptr, buffers_bytes_, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
  if (buffers == MAP_FAILED) {
    munmap(entries_, entries_bytes_);
    throw std::runtime_error(fmt::format("mmap of receive buffers: {}", strerror(errno)));
  }
  buffers_ = static_cast<uint8_t*>(buffers);

  io_uring_buf_reg registration{};
  registration.ring_addr = reinterpret_cast<uint64_t>(entries_);
  registration.ring_entries = count;
  registration.bgid = group_id;
  const int result = io_uring_register_buf_ring(ring_, &registration, 0);
  if (result != 0) {
    munmap(buffers_, buffers_bytes_);
    munmap(entries_, entries_bytes_);
    throw std::runtime_error(fmt::format("io_uring_register_buf_ring: {}", strerror(-result)));
  }

  io_uring_buf_ring_init(entries_);
  const int mask = io_uring_buf_ring_mask(count);
  for (uint32_t id = 0; id < count; ++id) {
    io_uring_buf_ring_add(entries_, buffers_ + size_t{id} * buffer_size, buffer_size,
                          static_cast<unsigned short>(id), mask, static_cast<int>(id));
  }
  io_uring_buf_ring_advance(entries_, static_cast<int>(count));
}

ProvidedBufferRing::~ProvidedBufferRing() {
  io_uring_unregister_buf_ring(ring_, group_id_);
  munmap(buffers_, buffers_bytes_);
  munmap(entries_, entries_bytes_);
}

void ProvidedBufferRing::recycle(uint16_t buffer_id) {
  io_uring_buf_ring_add(entries_, buffers_ + size_t{buffer_id} * buffer_size_, buffer_size_,
                        buffer_id, io_uring_buf_ring_mask(count_), pending_);
  ++pending_;
}

void ProvidedBufferRing::commit() {
  if (pending_ > 0) {
    io_uring_buf_ring_advance(entries_, pending_);
    pending_ = 0;
  }
}

}  // namespace ringcast::core
