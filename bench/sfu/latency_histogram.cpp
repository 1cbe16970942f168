#include "sfu/latency_histogram.hpp"

#include <cmath>

namespace ringcast::bench::sfu {

uint32_t LatencyHistogram::percentile_us(double quantile) const {
  if (count_ == 0) {
    return 0;
  }
  // Nearest-rank definition: the rank-th smallest sample, rank = ceil(q * n), at least 1.
  uint64_t rank = static_cast<uint64_t>(std::ceil(quantile * static_cast<double>(count_)));
  if (rank == 0) {
    rank = 1;
  }
  uint64_t seen = 0;
  for (uint32_t us = 0; us < kBuckets; ++us) {
    seen += buckets_[us];
    if (seen >= rank) {
      return us;
    }
  }
  return kBuckets;
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  for (uint32_t us = 0; us < kBuckets; ++us) {
    buckets_[us] += other.buckets_[us];
  }
  overflow_ += other.overflow_;
  count_ += other.count_;
  sum_ns_ += other.sum_ns_;
  if (other.max_ns_ > max_ns_) {
    max_ns_ = other.max_ns_;
  }
}

}  // namespace ringcast::bench::sfu
