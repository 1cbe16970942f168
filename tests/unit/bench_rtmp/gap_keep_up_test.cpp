#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <vector>

#include "rtmp/flv_file.hpp"
#include "rtmp/gap_detector.hpp"
#include "rtmp/keep_up.hpp"
#include "rtmp/process_cpu.hpp"

namespace ringcast::bench::rtmp {
namespace {

TEST(GapDetectorTest, SteadyFramesHaveNoGaps) {
  GapDetector gaps;
  for (uint32_t t = 0; t < 10'000; t += 33) {
    gaps.on_media(kFlvVideo, t);
  }
  for (uint32_t t = 5; t < 10'000; t += 21) {
    gaps.on_media(kFlvAudio, t);
  }
  EXPECT_EQ(gaps.gaps(), 0u);
}

TEST(GapDetectorTest, AJumpBeyondTheThresholdIsAGapPerMediaType) {
  GapDetector gaps({.video_ms = 250, .audio_ms = 100});
  gaps.on_media(kFlvVideo, 0);
  gaps.on_media(kFlvVideo, 250);  // exactly the threshold: not a gap
  gaps.on_media(kFlvVideo, 501);  // dropped frames up to a keyframe
  EXPECT_EQ(gaps.jumps(), 1u);
  // Audio is tracked on its own: its first message is no gap, whatever video did.
  gaps.on_media(kFlvAudio, 10'000);
  gaps.on_media(kFlvAudio, 10'101);
  EXPECT_EQ(gaps.jumps(), 2u);
  EXPECT_EQ(gaps.backwards(), 0u);
}

TEST(GapDetectorTest, TimestampsGoingBackIsAGap) {
  GapDetector gaps;
  gaps.on_media(kFlvVideo, 1000);
  gaps.on_media(kFlvVideo, 900);
  gaps.on_media(kFlvVideo, 933);
  EXPECT_EQ(gaps.backwards(), 1u);
  EXPECT_EQ(gaps.gaps(), 1u);
}

TEST(GapDetectorTest, TheThirtyTwoBitWrapIsContinuous) {
  GapDetector gaps;
  gaps.on_media(kFlvVideo, 0xFFFFFFF0u);
  gaps.on_media(kFlvVideo, 0x00000011u);  // 33 ms later, modulo 2^32
  EXPECT_EQ(gaps.gaps(), 0u);
}

TEST(GapDetectorTest, OtherMessageTypesAreIgnored) {
  GapDetector gaps;
  gaps.on_media(kFlvScript, 0);
  gaps.on_media(kFlvScript, 100'000);
  EXPECT_EQ(gaps.gaps(), 0u);
}

TEST(KeepUpTest, NinetyFivePercentOfThePublisherKeepsUp) {
  EXPECT_TRUE(kept_up(950, 1000));
  EXPECT_TRUE(kept_up(1200, 1000));  // a keyframe more than the publisher's window
  EXPECT_FALSE(kept_up(949, 1000));
  EXPECT_FALSE(kept_up(0, 1000));
  // Nothing published: nothing to keep up with.
  EXPECT_FALSE(kept_up(0, 0));
  EXPECT_TRUE(kept_up(500, 1000, 0.5));
}

TEST(KeepUpTest, SummaryCountsEveryPlayerIncludingThoseThatNeverStarted) {
  const std::vector<uint64_t> players = {1000, 990, 960, 940, 0};
  const KeepUpSummary summary = summarize_keep_up(players, 1000);
  EXPECT_EQ(summary.players, 5u);
  EXPECT_EQ(summary.kept_up, 3u);
  EXPECT_DOUBLE_EQ(summary.min_ratio, 0.0);
  EXPECT_DOUBLE_EQ(summary.median_ratio, 0.96);
}

TEST(KeepUpTest, EmptyInputsGiveZeroes) {
  EXPECT_EQ(summarize_keep_up({}, 1000).kept_up, 0u);
  const std::vector<uint64_t> players = {10, 20};
  EXPECT_EQ(summarize_keep_up(players, 0).kept_up, 0u);
}

TEST(ProcStatTest, ReadsUserAndSystemTicksAfterTheCommandName) {
  // proc(5): pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
  // utime stime ...; a command name may hold spaces and parentheses.
  const std::optional<CpuTicks> worker =
      stat_cpu_ticks("1234 (nginx: worker) S 1 2 3 4 5 6 7 8 9 10 120 35 0 0 20 0");
  ASSERT_TRUE(worker.has_value());
  EXPECT_EQ(worker->user, 120u);
  EXPECT_EQ(worker->system, 35u);
  EXPECT_EQ(worker->total(), 155u);
  const std::optional<CpuTicks> odd =
      stat_cpu_ticks("99 (a) b) (c) R 1 2 3 4 5 6 7 8 9 10 1 2 0 0");
  ASSERT_TRUE(odd.has_value());
  EXPECT_EQ(odd->total(), 3u);
  EXPECT_FALSE(stat_cpu_ticks("1234 nginx S 1 2 3").has_value());
  EXPECT_FALSE(stat_cpu_ticks("1234 (nginx) S 1 2 3 4 5 6 7 8 9 10 11").has_value());
  EXPECT_FALSE(stat_cpu_ticks("1234 (nginx) S 1 2 3 4 5 6 7 8 9 10 x 1").has_value());
}

TEST(ProcStatTest, OwnProcessHasCpuTime) {
  const std::optional<CpuSeconds> cpu = process_tree_cpu(getpid());
  ASSERT_TRUE(cpu.has_value());
  EXPECT_GE(cpu->total(), 0.0);
}

}  // namespace
}  // namespace ringcast::bench::rtmp
