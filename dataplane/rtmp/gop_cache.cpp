#include "rtmp/gop_cache.hpp"

namespace ringcast::rtmp {

void GopCache::replace(SharedBuffer*& slot, SharedBuffer* buffer) {
  retain(buffer);
  if (slot != nullptr) {
    release(slot);
  }
  slot = buffer;
}

void GopCache::clear_gop() {
  for (SharedBuffer* buffer : gop_) {
    release(buffer);
  }
  gop_.clear();
  gop_bytes_ = 0;
  in_gop_ = false;
}

void GopCache::clear() {
  clear_gop();
  for (SharedBuffer** slot : {&metadata_, &video_header_, &audio_header_}) {
    if (*slot != nullptr) {
      release(*slot);
      *slot = nullptr;
    }
  }
}

void GopCache::add(SharedBuffer* buffer) {
  if (buffer->is(kBufferMetadata)) {
    replace(metadata_, buffer);
    return;
  }
  if (buffer->is(kBufferVideoHeader)) {
    replace(video_header_, buffer);
    return;
  }
  if (buffer->is(kBufferAudioHeader)) {
    replace(audio_header_, buffer);
    return;
  }
  if (!cache_gop_ || !buffer->droppable()) {
    return;
  }
  // Only a video keyframe opens a GOP: an audio-only stream needs no cache, a player can start
  // on any of its frames.
  if (buffer->is(kBufferVideo) && buffer->is(kBufferStartPoint)) {
    clear_gop();
    in_gop_ = true;
  }
  if (!in_gop_) {
    return;
  }
  if (gop_bytes_ + buffer->size > max_bytes_) {
    clear_gop();
    return;
  }
  retain(buffer);
  gop_.push_back(buffer);
  gop_bytes_ += buffer->size;
}

}  // namespace ringcast::rtmp
