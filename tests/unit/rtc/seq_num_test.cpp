#include "rtc/seq_num.hpp"

#include <gtest/gtest.h>

#include <cstdint>

namespace ringcast::rtc {
namespace {

TEST(SeqNum, NewerWithWrap) {
  EXPECT_TRUE(seq_newer(1, 0));
  EXPECT_FALSE(seq_newer(0, 1));
  EXPECT_FALSE(seq_newer(5, 5));
  EXPECT_TRUE(seq_newer(0, 0xFFFF));
  EXPECT_TRUE(seq_newer(10, 0xFFF0));
  EXPECT_FALSE(seq_newer(0xFFF0, 10));
  EXPECT_TRUE(seq_newer(0x7FFF, 0));
  // Half a circle apart: exactly one of the two directions holds.
  EXPECT_NE(seq_newer(0x8000, 0), seq_newer(0, 0x8000));
  EXPECT_NE(seq_newer(0x9000, 0x1000), seq_newer(0x1000, 0x9000));
  EXPECT_EQ(seq_delta(2, 0xFFFE), 4);
  EXPECT_EQ(seq_delta(0xFFFE, 2), -4);
  EXPECT_EQ(seq_latest(0xFFFF, 3), 3);
  static_assert(seq_newer(1, 0));
}

TEST(SequenceTracker, ProbationThenInOrder) {
  SequenceTracker tracker;
  EXPECT_EQ(tracker.update(100), SeqUpdate::kProbation);
  EXPECT_FALSE(tracker.started());
  EXPECT_EQ(tracker.update(101), SeqUpdate::kInOrder);
  EXPECT_TRUE(tracker.started());
  EXPECT_EQ(tracker.base_seq(), 101);
  EXPECT_EQ(tracker.update(102), SeqUpdate::kInOrder);
  EXPECT_EQ(tracker.received(), 2u);
  EXPECT_EQ(tracker.expected(), 2u);
  EXPECT_EQ(tracker.cumulative_lost(), 0);
}

TEST(SequenceTracker, ProbationResetsOnGap) {
  SequenceTracker tracker;
  EXPECT_EQ(tracker.update(100), SeqUpdate::kProbation);
  EXPECT_EQ(tracker.update(200), SeqUpdate::kProbation);
  EXPECT_EQ(tracker.update(201), SeqUpdate::kInOrder);
  EXPECT_EQ(tracker.base_seq(), 201);
}

TEST(SequenceTracker, WrapAroundExtendsHighest) {
  SequenceTracker tracker(0);
  EXPECT_EQ(tracker.update(0xFFFD), SeqUpdate::kInOrder);
  EXPECT_EQ(tracker.update(0xFFFE), SeqUpdate::kInOrder);
  EXPECT_EQ(tracker.update(0xFFFF), SeqUpdate::kInOrder);
  EXPECT_EQ(tracker.update(0x0000), SeqUpdate::kInOrder);
  EXPECT_EQ(tracker.update(0x0001), SeqUpdate::kInOrder);
  EXPECT_EQ(tracker.extended_highest(), 0x10001u);
  EXPECT_EQ(tracker.expected(), 5u);
  EXPECT_EQ(tracker.received(), 5u);
  // A late packet from before the wrap does not add a cycle.
  EXPECT_EQ(tracker.update(0xFFFE), SeqUpdate::kReordered);
  EXPECT_EQ(tracker.extended_highest(), 0x10001u);
  EXPECT_EQ(tracker.cumulative_lost(), -1);  // duplicates count as received (A.3)
}

TEST(SequenceTracker, LossAndFractionLost) {
  SequenceTracker tracker(0);
  // 0..99 with every fourth packet missing: 25 lost of 100 expected.
  for (uint16_t seq = 0; seq < 100; ++seq) {
    if (seq % 4 != 3) {
      tracker.update(seq);
    }
  }
  // The highest (99) was lost, so 99 expected by A.3 (base 0, highest 98).
  EXPECT_EQ(tracker.extended_highest(), 98u);
  EXPECT_EQ(tracker.expected(), 99u);
  EXPECT_EQ(tracker.received(), 75u);
  EXPECT_EQ(tracker.cumulative_lost(), 24);
  EXPECT_EQ(tracker.take_fraction_lost(), (24 * 256) / 99);
  // Next interval: no loss.
  for (uint16_t seq = 99; seq < 120; ++seq) {
    tracker.update(seq);
  }
  EXPECT_EQ(tracker.take_fraction_lost(), 0);
  // Empty interval.
  EXPECT_EQ(tracker.take_fraction_lost(), 0);
}

TEST(SequenceTracker, LargeJumpNeedsTwoPackets) {
  SequenceTracker tracker(0);
  tracker.update(1000);
  tracker.update(1001);
  EXPECT_EQ(tracker.update(30000), SeqUpdate::kJump);
  EXPECT_EQ(tracker.max_seq(), 1001);
  EXPECT_EQ(tracker.update(1002), SeqUpdate::kInOrder);
  EXPECT_EQ(tracker.update(40000), SeqUpdate::kJump);
  EXPECT_EQ(tracker.update(40001), SeqUpdate::kRestart);
  EXPECT_EQ(tracker.base_seq(), 40001);
  EXPECT_EQ(tracker.received(), 1u);
  EXPECT_EQ(tracker.update(40002), SeqUpdate::kInOrder);
}

TEST(SequenceTracker, SmallBackwardStepIsReordering) {
  SequenceTracker tracker(0);
  tracker.update(500);
  tracker.update(510);  // gap below MAX_DROPOUT
  EXPECT_EQ(tracker.update(505), SeqUpdate::kReordered);
  EXPECT_EQ(tracker.max_seq(), 510);
  EXPECT_EQ(tracker.expected(), 11u);
  EXPECT_EQ(tracker.received(), 3u);
  EXPECT_EQ(tracker.cumulative_lost(), 8);
}

TEST(SequenceTracker, JitterOfSteadyStreamIsZero) {
  SequenceTracker tracker(0);
  // 90 kHz video, one packet every 3000 ticks, arriving exactly on time with a fixed offset.
  for (uint32_t i = 0; i < 100; ++i) {
    tracker.update_jitter(1000 + i * 3000, 5000000 + i * 3000);
  }
  EXPECT_EQ(tracker.jitter(), 0u);
}

TEST(SequenceTracker, JitterConvergesToAlternatingDelay) {
  SequenceTracker tracker(0);
  // Arrival alternates 0 and 160 ticks late, so |D| is always 160; J -> 160 (A.8).
  for (uint32_t i = 0; i < 2000; ++i) {
    const uint32_t late = (i % 2) * 160;
    tracker.update_jitter(i * 960, 7777 + i * 960 + late);
  }
  EXPECT_NEAR(static_cast<double>(tracker.jitter()), 160.0, 2.0);
}

TEST(SequenceTracker, JitterFirstStepMatchesFormula) {
  SequenceTracker tracker(0);
  tracker.update_jitter(0, 100);
  EXPECT_EQ(tracker.jitter(), 0u);
  tracker.update_jitter(1000, 1100 + 320);  // D = 320 -> J = 320/16 = 20
  EXPECT_EQ(tracker.jitter(), 20u);
  // Timestamps wrapping past 2^32 do not disturb it.
  SequenceTracker wrap(0);
  wrap.update_jitter(0xFFFFFF00u, 50);
  wrap.update_jitter(0x00000100u, 50 + 0x200);
  EXPECT_EQ(wrap.jitter(), 0u);
}

TEST(SequenceTracker, CumulativeLostClamps) {
  SequenceTracker tracker(0);
  tracker.update(0);
  // Advance the highest by ~2^24 without receiving much: steps of 2000 (below MAX_DROPOUT).
  for (uint32_t i = 1; i < 9000; ++i) {
    tracker.update(static_cast<uint16_t>(i * 2000));
  }
  EXPECT_GT(tracker.expected(), 0x800000u);
  EXPECT_EQ(tracker.cumulative_lost(), 0x7FFFFF);
}

}  // namespace
}  // namespace ringcast::rtc
