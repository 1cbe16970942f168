#pragma once
// What a new player needs before live media: metadata, the audio and video sequence headers and
// the current GOP (from the last keyframe on), so it starts decoding at once.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "rtmp/shared_buffer.hpp"

namespace ringcast::rtmp {

class GopCache {
 public:
  // `cache_gop` false keeps only metadata and headers; a GOP above `max_bytes` is not kept
  // (players then wait for the next keyframe).
  GopCache(bool cache_gop, size_t max_bytes) : cache_gop_(cache_gop), max_bytes_(max_bytes) {}
  ~GopCache() { clear(); }
  GopCache(const GopCache&) = delete;
  GopCache& operator=(const GopCache&) = delete;

  // Looks at every message of the stream, in order; keeps a reference to what it caches.
  void add(SharedBuffer* buffer);

  // Calls visit(buffer) for metadata, video header, audio header, then the GOP, in that order.
  template <typename Visit>
  void for_each(Visit&& visit) const {
    for (SharedBuffer* buffer : {metadata_, video_header_, audio_header_}) {
      if (buffer != nullptr) {
        visit(buffer);
      }
    }
    for (SharedBuffer* buffer : gop_) {
      visit(buffer);
    }
  }

  void clear();
  size_t gop_messages() const { return gop_.size(); }
  size_t gop_bytes() const { return gop_bytes_; }
  bool has_video_header() const { return video_header_ != nullptr; }

 private:
  static void replace(SharedBuffer*& slot, SharedBuffer* buffer);
  void clear_gop();

  bool cache_gop_;
  size_t max_bytes_;
  SharedBuffer* metadata_ = nullptr;
  SharedBuffer* video_header_ = nullptr;
  SharedBuffer* audio_header_ = nullptr;
  std::vector<SharedBuffer*> gop_;
  size_t gop_bytes_ = 0;
  // True from a keyframe on, false after an oversized GOP until the next keyframe.
  bool in_gop_ = false;
};

}  // namespace ringcast::rtmp
