#pragma once

#include <array>
#include <cstdint>

namespace ringcast::bench::sfu {

// One-way latencies at 1 µs resolution up to kBuckets µs, plus an overflow count. A fixed array,
// so recording on the receive path never allocates.
class LatencyHistogram {
 public:
  static constexpr uint32_t kBuckets = 1 << 16;  // 65.5 ms: far beyond any target

  void record_ns(uint64_t latency_ns) {
    const uint64_t us = latency_ns / 1000;
    if (us < kBuckets) {
      ++buckets_[us];
    } else {
      ++overflow_;
    }
    ++count_;
    sum_ns_ += latency_ns;
    if (latency_ns > max_ns_) {
      max_ns_ = latency_ns;
    }
  }

  // The smallest latency (in µs, the bucket's lower bound) at or below which at least `quantile`
  // of the samples lie; kBuckets if that falls in the overflow; 0 when empty.
  uint32_t percentile_us(double quantile) const;

  void merge(const LatencyHistogram& other);

  uint64_t count() const { return count_; }
  uint64_t overflow() const { return overflow_; }
  double mean_us() const { return count_ == 0 ? 0.0 : double(sum_ns_) / double(count_) / 1000.0; }
  double max_us() const { return double(max_ns_) / 1000.0; }

 private:
  std::array<uint64_t, kBuckets> buckets_{};
  uint64_t overflow_ = 0;
  uint64_t count_ = 0;
  uint64_t sum_ns_ = 0;
  uint64_t max_ns_ = 0;
};

}  // namespace ringcast::bench::sfu
