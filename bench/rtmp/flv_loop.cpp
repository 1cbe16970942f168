#include "rtmp/flv_loop.hpp"

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "rtmp/flv_tags.hpp"

namespace ringcast::bench::rtmp {
namespace {

// When the file has fewer than two video frames there is no spacing to learn from; 40 ms is a
// 25 fps frame.
constexpr uint32_t kFallbackFrameIntervalMs = 40;

}  // namespace

FlvLoop::FlvLoop(const FlvFile& file) : file_(file) {
  bool have_first = false;
  uint32_t last = 0;
  std::vector<uint32_t> video_timestamps;
  for (const FlvTag& tag : file_.tags) {
    if (tag.type == kFlvScript || never_sent(tag)) {
      continue;
    }
    if (!have_first) {
      first_timestamp_ = tag.timestamp;
      have_first = true;
    }
    last = std::max(last, tag.timestamp);
    if (!sent_once_only(tag)) {
      media_bytes_per_period_ += tag.size;
      if (tag.type == kFlvVideo) {
        video_timestamps.push_back(tag.timestamp);
      }
    }
  }
  // The median spacing of video frames: robust against the odd late or early frame.
  uint32_t interval = kFallbackFrameIntervalMs;
  if (video_timestamps.size() >= 2) {
    std::vector<uint32_t> gaps;
    for (size_t i = 1; i < video_timestamps.size(); ++i) {
      if (video_timestamps[i] > video_timestamps[i - 1]) {
        gaps.push_back(video_timestamps[i] - video_timestamps[i - 1]);
      }
    }
    if (!gaps.empty()) {
      std::nth_element(gaps.begin(), gaps.begin() + gaps.size() / 2, gaps.end());
      interval = gaps[gaps.size() / 2];
    }
  }
  if (media_bytes_per_period_ == 0) {
    // Nothing would ever repeat: next() would spin.
    throw std::invalid_argument("FLV file has no audio or video frames besides sequence headers");
  }
  period_ms_ = uint64_t{last - first_timestamp_} + interval;
}

double FlvLoop::media_bits_per_second() const {
  return period_ms_ == 0 ? 0.0
                         : double(media_bytes_per_period_) * 8.0 * 1000.0 / double(period_ms_);
}

bool FlvLoop::sent_once_only(const FlvTag& tag) const {
  const std::span<const uint8_t> payload = file_.payload(tag);
  if (tag.type == kFlvScript) {
    return true;
  }
  if (tag.type == kFlvVideo) {
    ringcast::rtmp::VideoTag video;
    return ringcast::rtmp::parse_video_tag(payload, video) == ringcast::rtmp::FlvError::kNone &&
           video.sequence_header();
  }
  ringcast::rtmp::AudioTag audio;
  return ringcast::rtmp::parse_audio_tag(payload, audio) == ringcast::rtmp::FlvError::kNone &&
         audio.sequence_header();
}

bool FlvLoop::never_sent(const FlvTag& tag) const {
  if (tag.type != kFlvVideo) {
    return false;
  }
  ringcast::rtmp::VideoTag video;
  return ringcast::rtmp::parse_video_tag(file_.payload(tag), video) ==
             ringcast::rtmp::FlvError::kNone &&
         video.packet_type == ringcast::rtmp::VideoPacketType::kSequenceEnd;
}

ScheduledTag FlvLoop::next() {
  for (;;) {
    if (index_ == file_.tags.size()) {
      index_ = 0;
      ++repetition_;
    }
    const FlvTag& tag = file_.tags[index_++];
    if (never_sent(tag) || (repetition_ > 0 && sent_once_only(tag))) {
      continue;
    }
    ScheduledTag scheduled;
    scheduled.tag = &tag;
    scheduled.repetition = repetition_;
    // Script tags before the first media tag may carry a timestamp below first_timestamp_.
    const uint64_t offset = tag.timestamp > first_timestamp_ ? tag.timestamp - first_timestamp_ : 0;
    scheduled.timestamp_ms = offset + uint64_t{repetition_} * period_ms_;
    return scheduled;
  }
}

}  // namespace ringcast::bench::rtmp
