#pragma once
// The subscribers of one stream on one shard and the cache that starts new ones. The owning
// shard has one inside its RtmpStream; every other shard with players has one inside its
// StreamMirror, fed with proxies of the owner's buffers.

#include <algorithm>
#include <vector>

#include "rtmp/gop_cache.hpp"
#include "rtmp/stream_subscriber.hpp"

namespace ringcast::rtmp {

class StreamFanout {
 public:
  StreamFanout(bool cache_gop, size_t gop_max_bytes) : cache_(cache_gop, gop_max_bytes) {}

  // One message to every subscriber on this shard; no copy, each takes a reference.
  void deliver(SharedBuffer* buffer) {
    cache_.add(buffer);
    for (StreamSubscriber* subscriber : subscribers_) {
      subscriber->on_stream_message(buffer);
    }
  }

  // Sends the cached start (metadata, headers, GOP) to the new subscriber first.
  void add(StreamSubscriber* subscriber) {
    subscribers_.push_back(subscriber);
    cache_.for_each([subscriber](SharedBuffer* buffer) { subscriber->on_stream_message(buffer); });
  }
  void remove(StreamSubscriber* subscriber) { std::erase(subscribers_, subscriber); }

  void unpublished() {
    cache_.clear();
    for (StreamSubscriber* subscriber : subscribers_) {
      subscriber->on_stream_unpublished();
    }
  }
  void published() {
    for (StreamSubscriber* subscriber : subscribers_) {
      subscriber->on_stream_published();
    }
  }

  size_t size() const { return subscribers_.size(); }
  bool empty() const { return subscribers_.empty(); }
  const GopCache& cache() const { return cache_; }
  GopCache& cache() { return cache_; }

 private:
  GopCache cache_;
  std::vector<StreamSubscriber*> subscribers_;
};

}  // namespace ringcast::rtmp
