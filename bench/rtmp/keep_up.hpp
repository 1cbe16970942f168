#pragma once

// Whether players kept up with the publisher over the measurement window: a player keeps up when
// it received at least `ratio` (0.95) of the media bytes the publisher sent in the same window.
// Media bytes (audio and video message payloads) rather than wire bytes, so the figure does not
// depend on the chunk sizes the publisher and the server chose.

#include <cstdint>
#include <span>

namespace ringcast::bench::rtmp {

inline constexpr double kKeepUpRatio = 0.95;

struct KeepUpSummary {
  uint32_t players = 0;
  uint32_t kept_up = 0;
  // Received media bytes of the slowest and the median player divided by the publisher's.
  double min_ratio = 0;
  double median_ratio = 0;
};

bool kept_up(uint64_t player_media_bytes, uint64_t publisher_media_bytes,
             double ratio = kKeepUpRatio);

// `player_media_bytes` holds every player that was asked to play, including those that never
// started (0 bytes): a player the server refused did not keep up.
KeepUpSummary summarize_keep_up(std::span<const uint64_t> player_media_bytes,
                                uint64_t publisher_media_bytes, double ratio = kKeepUpRatio);

}  // namespace ringcast::bench::rtmp
