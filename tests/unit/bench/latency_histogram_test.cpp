#include "sfu/latency_histogram.hpp"

#include <gtest/gtest.h>

#include <memory>

namespace ringcast::bench::sfu {
namespace {

TEST(LatencyHistogram, EmptyReportsZero) {
  auto histogram = std::make_unique<LatencyHistogram>();
  EXPECT_EQ(histogram->count(), 0u);
  EXPECT_EQ(histogram->percentile_us(0.5), 0u);
  EXPECT_EQ(histogram->percentile_us(0.99), 0u);
}

TEST(LatencyHistogram, NearestRankPercentiles) {
  auto histogram = std::make_unique<LatencyHistogram>();
  // 1..100 µs, one sample each.
  for (uint64_t us = 1; us <= 100; ++us) {
    histogram->record_ns(us * 1000 + 999);  // truncated to the µs bucket
  }
  EXPECT_EQ(histogram->count(), 100u);
  EXPECT_EQ(histogram->percentile_us(0.5), 50u);
  EXPECT_EQ(histogram->percentile_us(0.99), 99u);
  EXPECT_EQ(histogram->percentile_us(1.0), 100u);
  EXPECT_EQ(histogram->percentile_us(0.0), 1u);
  EXPECT_NEAR(histogram->max_us(), 100.999, 1e-9);
  EXPECT_NEAR(histogram->mean_us(), 51.499, 1e-9);
}

TEST(LatencyHistogram, TailInOverflow) {
  auto histogram = std::make_unique<LatencyHistogram>();
  for (int i = 0; i < 98; ++i) {
    histogram->record_ns(10'000);
  }
  histogram->record_ns(uint64_t{LatencyHistogram::kBuckets} * 1000 * 2);
  histogram->record_ns(uint64_t{LatencyHistogram::kBuckets} * 1000 * 3);
  EXPECT_EQ(histogram->overflow(), 2u);
  EXPECT_EQ(histogram->percentile_us(0.98), 10u);
  EXPECT_EQ(histogram->percentile_us(0.99), LatencyHistogram::kBuckets);
}

TEST(LatencyHistogram, MergeAddsCounts) {
  auto a = std::make_unique<LatencyHistogram>();
  auto b = std::make_unique<LatencyHistogram>();
  a->record_ns(5'000);
  b->record_ns(7'000);
  b->record_ns(9'000);
  a->merge(*b);
  EXPECT_EQ(a->count(), 3u);
  EXPECT_EQ(a->percentile_us(0.5), 7u);
  EXPECT_NEAR(a->max_us(), 9.0, 1e-9);
}

}  // namespace
}  // namespace ringcast::bench::sfu
