#include "rtmp/gap_detector.hpp"

#include "rtmp/flv_file.hpp"

namespace ringcast::bench::rtmp {

void GapDetector::on_media(uint8_t type, uint32_t timestamp) {
  if (type == kFlvVideo) {
    step(video_, timestamp, thresholds_.video_ms);
  } else if (type == kFlvAudio) {
    step(audio_, timestamp, thresholds_.audio_ms);
  }
}

void GapDetector::step(Track& track, uint32_t timestamp, uint32_t threshold) {
  if (track.seen) {
    // RTMP timestamps are 32-bit and wrap (spec 5.3.1.3 arithmetic is modulo 2^32): the signed
    // difference tells backwards from forwards across a wrap.
    const auto delta = static_cast<int32_t>(timestamp - track.last);
    if (delta < 0) {
      ++backwards_;
    } else if (static_cast<uint32_t>(delta) > threshold) {
      ++jumps_;
    }
  }
  track.seen = true;
  track.last = timestamp;
}

}  // namespace ringcast::bench::rtmp
