#pragma once

// The publisher's schedule: the file's tags repeated for as long as the benchmark runs, with
// timestamps that keep increasing across repetitions so players and servers see one continuous
// live stream, not a stream that jumps back every 20 seconds.

#include <cstdint>

#include "rtmp/flv_file.hpp"

namespace ringcast::bench::rtmp {

struct ScheduledTag {
  const FlvTag* tag = nullptr;
  // Milliseconds from the start of the stream (the first tag is at 0); this is both the RTMP
  // message timestamp and when the tag is due.
  uint64_t timestamp_ms = 0;
  uint32_t repetition = 0;
};

class FlvLoop {
 public:
  // `file` must outlive the loop. Throws std::invalid_argument when the file has no audio or
  // video frame to repeat.
  explicit FlvLoop(const FlvFile& file);

  // The next tag to send. Script data (onMetaData) and audio/video sequence headers are sent in
  // the first repetition only: they describe the stream once. End-of-sequence tags (ffmpeg writes
  // one at the end of an AVC file) are never sent: mid-stream they would tell players the stream
  // ended.
  ScheduledTag next();

  // Length of one repetition: last media timestamp - first + one frame interval, so the first
  // frame of the next repetition follows the last one by a normal frame spacing.
  uint64_t period_ms() const { return period_ms_; }
  // Audio + video payload bytes of one steady repetition (without sequence headers).
  uint64_t media_bytes_per_period() const { return media_bytes_per_period_; }
  // The nominal media rate in bits per second.
  double media_bits_per_second() const;

 private:
  bool sent_once_only(const FlvTag& tag) const;
  bool never_sent(const FlvTag& tag) const;

  const FlvFile& file_;
  uint32_t first_timestamp_ = 0;
  uint64_t period_ms_ = 0;
  uint64_t media_bytes_per_period_ = 0;
  size_t index_ = 0;
  uint32_t repetition_ = 0;
};

}  // namespace ringcast::bench::rtmp
