#pragma once
// An encoded RTMP message (its chunks, ready for the wire) shared by every player that sends it.
// See docs/rtmp.md, "Fan-out".

#include <cstdint>
#include <span>
#include <vector>

namespace ringcast::rtmp {

class SharedBufferPool;

// What a buffer holds, for the GOP cache and the slow-player policy.
enum SharedBufferFlag : uint8_t {
  kBufferControl = 1 << 0,      // one connection's own bytes (command replies): never skipped
  kBufferMetadata = 1 << 1,     // onMetaData
  kBufferVideoHeader = 1 << 2,  // video sequence header
  kBufferAudioHeader = 1 << 3,  // audio sequence header
  kBufferVideo = 1 << 4,        // a coded video frame
  kBufferAudio = 1 << 5,        // a coded audio frame
  // A player may start here: a video keyframe, or any audio frame of a stream without video.
  kBufferStartPoint = 1 << 6,
};

// The refcount is deliberately not atomic: a buffer is only ever touched by the shard whose
// pool made it. Another shard gets a proxy from its own pool (same bytes, its own count) and,
// when the proxy's count drops to zero, sends one release task back to the owner (Seastar's
// foreign_ptr). The bytes never change between creation and the last release, and both
// hand-overs travel through the SPSC queues (release/acquire), so reading them from the other
// shard is safe.
struct SharedBuffer {
  const uint8_t* data = nullptr;
  uint32_t size = 0;
  uint32_t refs = 0;
  uint8_t flags = 0;
  // The shard whose pool made the buffer (for a proxy: the shard that owns `origin`).
  uint16_t owner_shard = 0;
  // A proxy's buffer on the owning shard; null for a buffer that owns its bytes.
  SharedBuffer* origin = nullptr;
  SharedBufferPool* pool = nullptr;
  SharedBuffer* next_free = nullptr;
  std::vector<uint8_t> storage;

  std::span<const uint8_t> bytes() const { return {data, size}; }
  bool is(uint8_t flag) const { return (flags & flag) != 0; }
  // Media a player may lose when it falls behind (frames, not headers or replies).
  bool droppable() const { return (flags & (kBufferVideo | kBufferAudio)) != 0; }
};

inline void retain(SharedBuffer* buffer) { ++buffer->refs; }
void release(SharedBuffer* buffer);

// One shard's buffers. Released buffers keep their capacity and are reused, so the steady
// state allocates nothing.
class SharedBufferPool {
 public:
  // Sends a release of `origin` to the shard that owns it (set by the RTMP server; unit tests
  // without shards leave it empty).
  using RemoteRelease = void (*)(uint16_t owner_shard, SharedBuffer* origin);

  explicit SharedBufferPool(uint16_t shard, RemoteRelease remote_release = nullptr);
  // Frees the buffers nobody references. Buffers still referenced (by another shard that is
  // shutting down at the same time) are left alone on purpose: freeing them could pull bytes
  // from under a send on that shard.
  ~SharedBufferPool();
  SharedBufferPool(const SharedBufferPool&) = delete;
  SharedBufferPool& operator=(const SharedBufferPool&) = delete;

  // A buffer with one reference and empty storage (capacity kept); fill storage, then seal().
  SharedBuffer* acquire(uint8_t flags);
  static void seal(SharedBuffer* buffer) {
    buffer->data = buffer->storage.data();
    buffer->size = static_cast<uint32_t>(buffer->storage.size());
  }
  // A local stand-in (one reference) for a buffer owned by another shard; that buffer must
  // already carry the reference this proxy gives back when it is released.
  SharedBuffer* acquire_proxy(SharedBuffer* origin);

  uint16_t shard() const { return shard_; }
  uint64_t in_use() const { return in_use_; }
  uint64_t allocated() const { return all_.size(); }

 private:
  friend void release(SharedBuffer* buffer);
  void recycle(SharedBuffer* buffer);
  SharedBuffer* take();

  uint16_t shard_;
  RemoteRelease remote_release_;
  SharedBuffer* free_ = nullptr;
  std::vector<SharedBuffer*> all_;
  uint64_t in_use_ = 0;
};

}  // namespace ringcast::rtmp
