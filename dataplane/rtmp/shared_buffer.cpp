#include "rtmp/shared_buffer.hpp"

namespace ringcast::rtmp {
namespace {

// A buffer that once held a huge keyframe gives that memory back when it is reused.
constexpr size_t kRetainedCapacity = 1u << 20;

}  // namespace

void release(SharedBuffer* buffer) {
  if (--buffer->refs == 0) {
    buffer->pool->recycle(buffer);
  }
}

SharedBufferPool::SharedBufferPool(uint16_t shard, RemoteRelease remote_release)
    : shard_(shard), remote_release_(remote_release) {}

SharedBufferPool::~SharedBufferPool() {
  for (SharedBuffer* buffer : all_) {
    if (buffer->refs == 0) {
      delete buffer;
    }
  }
}

SharedBuffer* SharedBufferPool::take() {
  SharedBuffer* buffer = free_;
  if (buffer != nullptr) {
    free_ = buffer->next_free;
    buffer->next_free = nullptr;
  } else {
    buffer = new SharedBuffer;
    buffer->pool = this;
    all_.push_back(buffer);
  }
  ++in_use_;
  buffer->refs = 1;
  buffer->owner_shard = shard_;
  return buffer;
}

SharedBuffer* SharedBufferPool::acquire(uint8_t flags) {
  SharedBuffer* buffer = take();
  buffer->flags = flags;
  buffer->origin = nullptr;
  buffer->storage.clear();
  buffer->data = nullptr;
  buffer->size = 0;
  return buffer;
}

SharedBuffer* SharedBufferPool::acquire_proxy(SharedBuffer* origin) {
  SharedBuffer* buffer = take();
  buffer->flags = origin->flags;
  buffer->origin = origin;
  buffer->owner_shard = origin->owner_shard;
  buffer->data = origin->data;
  buffer->size = origin->size;
  return buffer;
}

void SharedBufferPool::recycle(SharedBuffer* buffer) {
  if (buffer->origin != nullptr) {
    if (remote_release_ != nullptr) {
      remote_release_(buffer->owner_shard, buffer->origin);
    } else {
      release(buffer->origin);  // same-thread tests: the "owner" is right here
    }
    buffer->origin = nullptr;
  } else if (buffer->storage.capacity() > kRetainedCapacity) {
    std::vector<uint8_t>().swap(buffer->storage);
  }
  buffer->data = nullptr;
  buffer->size = 0;
  buffer->next_free = free_;
  free_ = buffer;
  --in_use_;
}

}  // namespace ringcast::rtmp
