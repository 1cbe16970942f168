#include "rtmp/keep_up.hpp"

#include <algorithm>
#include <vector>

namespace ringcast::bench::rtmp {

bool kept_up(uint64_t player_media_bytes, uint64_t publisher_media_bytes, double ratio) {
  if (publisher_media_bytes == 0) {
    // Nothing was published in the window: nothing to keep up with, so nobody did.
    return false;
  }
  return double(player_media_bytes) >= ratio * double(publisher_media_bytes);
}

KeepUpSummary summarize_keep_up(std::span<const uint64_t> player_media_bytes,
                                uint64_t publisher_media_bytes, double ratio) {
  KeepUpSummary summary;
  summary.players = static_cast<uint32_t>(player_media_bytes.size());
  if (player_media_bytes.empty() || publisher_media_bytes == 0) {
    return summary;
  }
  std::vector<double> ratios;
  ratios.reserve(player_media_bytes.size());
  for (uint64_t bytes : player_media_bytes) {
    if (kept_up(bytes, publisher_media_bytes, ratio)) {
      ++summary.kept_up;
    }
    ratios.push_back(double(bytes) / double(publisher_media_bytes));
  }
  std::sort(ratios.begin(), ratios.end());
  summary.min_ratio = ratios.front();
  // The upper median; for a count of players the difference is immaterial.
  summary.median_ratio = ratios[ratios.size() / 2];
  return summary;
}

}  // namespace ringcast::bench::rtmp
