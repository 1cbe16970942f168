#include "core/spsc_queue.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>

namespace ringcast::core {
namespace {

TEST(SpscQueue, RoundsCapacityUpToPowerOfTwo) {
  SpscQueue<int> queue(5);
  EXPECT_EQ(queue.capacity(), 8u);
}

TEST(SpscQueue, PreservesOrderAndReportsFullAndEmpty) {
  SpscQueue<int> queue(4);
  EXPECT_FALSE(queue.try_pop().has_value());
  for (int i = 0; i < 4; ++i) {
    int value = i;
    ASSERT_TRUE(queue.try_push(std::move(value)));
  }
  int extra = 99;
  EXPECT_FALSE(queue.try_push(std::move(extra)));
  EXPECT_EQ(extra, 99) << "a refused push must leave the value with the caller";
  for (int i = 0; i < 4; ++i) {
    auto value = queue.try_pop();
    ASSERT_TRUE(value.has_value());
    EXPECT_EQ(*value, i);
  }
  EXPECT_FALSE(queue.try_pop().has_value());
}

TEST(SpscQueue, WrapsAroundManyTimes) {
  SpscQueue<uint64_t> queue(2);
  for (uint64_t i = 0; i < 10'000; ++i) {
    uint64_t value = i;
    ASSERT_TRUE(queue.try_push(std::move(value)));
    ASSERT_EQ(*queue.try_pop(), i);
  }
}

TEST(SpscQueue, DestroysQueuedElements) {
  auto tracker = std::make_shared<int>(0);
  {
    SpscQueue<std::shared_ptr<int>> queue(4);
    auto copy = tracker;
    ASSERT_TRUE(queue.try_push(std::move(copy)));
    EXPECT_EQ(tracker.use_count(), 2);
  }
  EXPECT_EQ(tracker.use_count(), 1);
}

// Two threads, one pushing a counting sequence as fast as it can into a small queue, the other
// popping: every value must arrive exactly once and in order, with many full/empty transitions.
TEST(SpscQueue, TwoThreadStressKeepsEveryValueInOrder) {
  constexpr uint64_t kValues = 2'000'000;
  SpscQueue<uint64_t> queue(64);
  std::thread producer([&] {
    for (uint64_t i = 0; i < kValues;) {
      uint64_t value = i;
      if (queue.try_push(std::move(value))) {
        ++i;
      }
    }
  });
  uint64_t expected = 0;
  uint64_t checksum = 0;
  while (expected < kValues) {
    if (auto value = queue.try_pop()) {
      ASSERT_EQ(*value, expected);
      checksum += *value;
      ++expected;
    }
  }
  producer.join();
  EXPECT_EQ(checksum, kValues * (kValues - 1) / 2);
  EXPECT_FALSE(queue.try_pop().has_value());
}

TEST(SpscQueue, TwoThreadStressWithOwningPayloads) {
  constexpr int kValues = 200'000;
  SpscQueue<std::string> queue(16);
  std::thread producer([&] {
    for (int i = 0; i < kValues;) {
      std::string value = std::to_string(i) + std::string(40, 'x');  // heap-allocated strings
      if (queue.try_push(std::move(value))) {
        ++i;
      }
    }
  });
  for (int expected = 0; expected < kValues;) {
    if (auto value = queue.try_pop()) {
      ASSERT_EQ(*value, std::to_string(expected) + std::string(40, 'x'));
      ++expected;
    }
  }
  producer.join();
}

}  // namespace
}  // namespace ringcast::core
