#include "rtmp/send_queue.hpp"

#include <gtest/gtest.h>

#include "rtmp/gop_cache.hpp"
#include "rtmp/shared_buffer.hpp"
#include "rtmp/stream_fanout.hpp"

namespace ringcast::rtmp {
namespace {

SharedBuffer* make(SharedBufferPool& pool, uint8_t flags, size_t size) {
  SharedBuffer* buffer = pool.acquire(flags);
  buffer->storage.assign(size, static_cast<uint8_t>(size));
  SharedBufferPool::seal(buffer);
  return buffer;
}

constexpr uint8_t kKey = kBufferVideo | kBufferStartPoint;

TEST(SendQueue, CoalescesEverythingQueuedIntoOneSend) {
  SharedBufferPool pool(0);
  SendQueue queue;
  SharedBuffer* a = make(pool, kKey, 100);
  SharedBuffer* b = make(pool, kBufferAudio, 50);
  EXPECT_EQ(queue.push(a), PushResult::kQueued);
  EXPECT_EQ(queue.push(b), PushResult::kQueued);
  EXPECT_EQ(a->refs, 2u);  // ours and the queue's: no copy
  iovec iov[8];
  ASSERT_EQ(queue.prepare(iov, 8), 2u);
  EXPECT_EQ(iov[0].iov_base, a->data);
  EXPECT_EQ(iov[1].iov_len, 50u);
  EXPECT_EQ(queue.prepare(iov, 8), 0u) << "one send in flight at a time";
  queue.complete(150);
  EXPECT_TRUE(queue.empty());
  EXPECT_EQ(a->refs, 1u);
  release(a);
  release(b);
  EXPECT_EQ(pool.in_use(), 0u);
}

TEST(SendQueue, PartialSendResumesInsideTheHeadBuffer) {
  SharedBufferPool pool(0);
  SendQueue queue;
  SharedBuffer* a = make(pool, kKey, 100);
  SharedBuffer* b = make(pool, kBufferVideo, 100);
  queue.push(a);
  queue.push(b);
  iovec iov[8];
  queue.prepare(iov, 8);
  queue.complete(130);
  EXPECT_EQ(a->refs, 1u);
  ASSERT_EQ(queue.prepare(iov, 8), 1u);
  EXPECT_EQ(iov[0].iov_base, b->data + 30);
  EXPECT_EQ(iov[0].iov_len, 70u);
  queue.complete(70);
  EXPECT_TRUE(queue.empty());
  release(a);
  release(b);
}

TEST(SendQueue, WaitsForAStartPointButKeepsHeaders) {
  SharedBufferPool pool(0);
  SendQueue queue;
  queue.wait_for_start();
  SharedBuffer* header = make(pool, kBufferVideoHeader, 40);
  SharedBuffer* inter = make(pool, kBufferVideo, 100);
  SharedBuffer* key = make(pool, kKey, 100);
  EXPECT_EQ(queue.push(header), PushResult::kQueued);
  EXPECT_EQ(queue.push(inter), PushResult::kDropped);
  EXPECT_EQ(queue.push(key), PushResult::kQueued);
  EXPECT_EQ(queue.push(inter), PushResult::kQueued);
  EXPECT_EQ(queue.entries(), 3u);
  for (SharedBuffer* buffer : {header, inter, key}) {
    release(buffer);
  }
}

TEST(SendQueue, SlowPlayerSkipsToTheNextKeyframeThenIsCutOff) {
  SharedBufferPool pool(0);
  SendQueueLimits limits;
  limits.queue_bytes = 1000;
  limits.disconnect_bytes = 3000;
  SendQueue queue(limits);
  SharedBuffer* reply = pool.acquire(kBufferControl);
  reply->storage.assign(10, 0);
  SharedBufferPool::seal(reply);
  queue.push_owned(reply);
  SharedBuffer* key = make(pool, kKey, 300);
  SharedBuffer* inter = make(pool, kBufferVideo, 300);
  EXPECT_EQ(queue.push(key), PushResult::kQueued);
  iovec iov[8];
  queue.prepare(iov, 8);  // reply + keyframe in flight: the kernel is stuck on them
  EXPECT_EQ(queue.push(inter), PushResult::kQueued);
  EXPECT_EQ(queue.push(inter), PushResult::kQueued);
  // 910 queued: the next frame overflows. Queued frames go, in-flight ones stay.
  EXPECT_EQ(queue.push(inter), PushResult::kDropped);
  EXPECT_EQ(queue.skips(), 1u);
  EXPECT_TRUE(queue.waiting_for_start());
  EXPECT_EQ(queue.entries(), 2u);
  EXPECT_EQ(queue.push(inter), PushResult::kDropped) << "waits for a keyframe";
  // Progress resets the disconnect budget; the next keyframe restarts the player.
  queue.complete(310);
  EXPECT_EQ(queue.push(key), PushResult::kQueued);
  EXPECT_FALSE(queue.waiting_for_start());
  // Stuck again: every overflow drops more, until the budget runs out.
  queue.prepare(iov, 8);
  PushResult result = PushResult::kQueued;
  for (int i = 0; i < 40 && result != PushResult::kDisconnect; ++i) {
    result = queue.push(i % 4 == 0 ? key : inter);
  }
  EXPECT_EQ(result, PushResult::kDisconnect);
  EXPECT_GT(queue.dropped_bytes(), 3000u);
  queue.clear();
  release(key);
  release(inter);
  EXPECT_EQ(pool.in_use(), 0u);
}

TEST(GopCache, KeepsHeadersAndTheGopFromTheLastKeyframe) {
  SharedBufferPool pool(0);
  GopCache cache(true, 10'000);
  SharedBuffer* meta = make(pool, kBufferMetadata, 10);
  SharedBuffer* video_header = make(pool, kBufferVideoHeader, 10);
  SharedBuffer* audio_header = make(pool, kBufferAudioHeader, 10);
  SharedBuffer* early_audio = make(pool, kBufferAudio, 10);
  SharedBuffer* key1 = make(pool, kKey, 100);
  SharedBuffer* inter = make(pool, kBufferVideo, 50);
  SharedBuffer* key2 = make(pool, kKey, 100);
  SharedBuffer* audio = make(pool, kBufferAudio, 10);
  for (SharedBuffer* b :
       {meta, video_header, audio_header, early_audio, key1, inter, key2, audio}) {
    cache.add(b);
  }
  std::vector<SharedBuffer*> seen;
  cache.for_each([&](SharedBuffer* b) { seen.push_back(b); });
  EXPECT_EQ(seen, (std::vector<SharedBuffer*>{meta, video_header, audio_header, key2, audio}));
  EXPECT_EQ(key1->refs, 1u) << "the old GOP was released";
  cache.clear();
  for (SharedBuffer* b :
       {meta, video_header, audio_header, early_audio, key1, inter, key2, audio}) {
    EXPECT_EQ(b->refs, 1u);
    release(b);
  }
  EXPECT_EQ(pool.in_use(), 0u);
}

TEST(GopCache, DropsAGopLargerThanItsLimit) {
  SharedBufferPool pool(0);
  GopCache cache(true, 250);
  SharedBuffer* key = make(pool, kKey, 100);
  SharedBuffer* inter = make(pool, kBufferVideo, 100);
  cache.add(key);
  cache.add(inter);
  EXPECT_EQ(cache.gop_messages(), 2u);
  cache.add(inter);
  EXPECT_EQ(cache.gop_messages(), 0u);
  cache.add(inter);
  EXPECT_EQ(cache.gop_messages(), 0u) << "waits for the next keyframe";
  cache.add(key);
  EXPECT_EQ(cache.gop_messages(), 1u);
  cache.clear();
  release(key);
  release(inter);
}

struct Recorder : StreamSubscriber {
  std::vector<SharedBuffer*> got;
  int unpublished = 0;
  void on_stream_message(SharedBuffer* buffer) override { got.push_back(buffer); }
  void on_stream_unpublished() override { ++unpublished; }
};

TEST(StreamFanout, NewSubscriberGetsTheCachedStartThenLiveMessages) {
  SharedBufferPool pool(0);
  StreamFanout fanout(true, 1 << 20);
  SharedBuffer* header = make(pool, kBufferVideoHeader, 10);
  SharedBuffer* key = make(pool, kKey, 100);
  SharedBuffer* inter = make(pool, kBufferVideo, 50);
  Recorder early;
  fanout.add(&early);
  fanout.deliver(header);
  fanout.deliver(key);
  Recorder late;
  fanout.add(&late);
  fanout.deliver(inter);
  EXPECT_EQ(early.got, (std::vector<SharedBuffer*>{header, key, inter}));
  EXPECT_EQ(late.got, (std::vector<SharedBuffer*>{header, key, inter}));
  fanout.unpublished();
  EXPECT_EQ(early.unpublished, 1);
  EXPECT_EQ(fanout.cache().gop_messages(), 0u);
  for (SharedBuffer* b : {header, key, inter}) {
    release(b);
  }
  EXPECT_EQ(pool.in_use(), 0u);
}

TEST(SharedBufferPool, ProxyReleasesItsOriginOnceWhenTheLastLocalReferenceGoes) {
  SharedBufferPool owner(0);
  SharedBufferPool remote(1);  // no remote-release hook: gives back on the same thread
  SharedBuffer* origin = make(owner, kKey, 64);
  retain(origin);  // the reference the owner hands to the other shard
  SharedBuffer* proxy = remote.acquire_proxy(origin);
  EXPECT_EQ(proxy->data, origin->data);
  EXPECT_EQ(proxy->owner_shard, 0);
  retain(proxy);
  retain(proxy);
  release(proxy);
  release(proxy);
  EXPECT_EQ(origin->refs, 2u);
  release(proxy);
  EXPECT_EQ(origin->refs, 1u);
  release(origin);
  EXPECT_EQ(owner.in_use(), 0u);
  EXPECT_EQ(remote.in_use(), 0u);
  // Reuse keeps the storage's capacity: no allocation in the steady state.
  SharedBuffer* again = owner.acquire(kBufferAudio);
  EXPECT_EQ(again, origin);
  EXPECT_GE(again->storage.capacity(), 64u);
  release(again);
}

}  // namespace
}  // namespace ringcast::rtmp
