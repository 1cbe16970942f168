#pragma once

// Gaps in what a player receives, told from the RTMP message timestamps alone (no media
// decoding): a server that drops frames for a slow player (nginx-rtmp skips to the next keyframe,
// ringcast's bounded queue does the same) makes the timestamps of that media type jump forward;
// a broken fan-out makes them go backwards.

#include <cstdint>

namespace ringcast::bench::rtmp {

struct GapThresholds {
  // A forward step larger than this between consecutive messages of one type is a gap. A 30 fps
  // video frame is 33 ms and an AAC frame at 48 kHz 21 ms; 250 ms is many frames, far beyond
  // encoder jitter.
  uint32_t video_ms = 250;
  uint32_t audio_ms = 250;
};

class GapDetector {
 public:
  explicit GapDetector(GapThresholds thresholds = {}) : thresholds_(thresholds) {}

  // One coded audio (type 8) or video (type 9) message; sequence headers should not be fed
  // (servers send them at play start with timestamps of their own choosing).
  void on_media(uint8_t type, uint32_t timestamp);

  uint64_t gaps() const { return backwards_ + jumps_; }
  uint64_t backwards() const { return backwards_; }
  uint64_t jumps() const { return jumps_; }

 private:
  struct Track {
    bool seen = false;
    uint32_t last = 0;
  };
  void step(Track& track, uint32_t timestamp, uint32_t threshold);

  GapThresholds thresholds_;
  Track audio_;
  Track video_;
  uint64_t backwards_ = 0;
  uint64_t jumps_ = 0;
};

}  // namespace ringcast::bench::rtmp
