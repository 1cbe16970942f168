#include "rtmp/flv_tags.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace ringcast::rtmp {
namespace {

TEST(FlvTags, LegacyAvc) {
  VideoTag t;
  const std::vector<uint8_t> seq = {0x17, 0x00, 0, 0, 0, 0x01, 0x64};
  ASSERT_EQ(parse_video_tag(seq, t), FlvError::kNone);
  EXPECT_TRUE(t.sequence_header());
  EXPECT_FALSE(t.keyframe());
  EXPECT_EQ(t.fourcc, fourcc::kAvc1);
  EXPECT_FALSE(t.enhanced);

  const std::vector<uint8_t> key = {0x17, 0x01, 0xFF, 0xFF, 0xFE, 0, 0, 0, 1};
  ASSERT_EQ(parse_video_tag(key, t), FlvError::kNone);
  EXPECT_TRUE(t.keyframe());
  EXPECT_EQ(t.composition_time, -2);

  const std::vector<uint8_t> inter = {0x27, 0x01, 0, 0, 40};
  ASSERT_EQ(parse_video_tag(inter, t), FlvError::kNone);
  EXPECT_FALSE(t.keyframe());
  EXPECT_EQ(t.frame_type, VideoFrameType::kInter);
  EXPECT_EQ(t.composition_time, 40);

  const std::vector<uint8_t> hevc = {0x1C, 0x00, 0, 0, 0};
  ASSERT_EQ(parse_video_tag(hevc, t), FlvError::kNone);
  EXPECT_EQ(t.fourcc, fourcc::kHvc1);
  EXPECT_TRUE(t.sequence_header());

  EXPECT_EQ(parse_video_tag(std::vector<uint8_t>{0x17, 0x00}, t), FlvError::kTruncated);
  EXPECT_EQ(parse_video_tag(std::vector<uint8_t>{0x17, 0x05, 0, 0, 0}, t),
            FlvError::kBadPacketType);
  EXPECT_EQ(parse_video_tag({}, t), FlvError::kEmpty);
  // Sorenson H.263 keyframe: no packet type at all.
  ASSERT_EQ(parse_video_tag(std::vector<uint8_t>{0x12, 0x00}, t), FlvError::kNone);
  EXPECT_TRUE(t.keyframe());
}

std::vector<uint8_t> ex_video(uint8_t frame_type, uint8_t packet_type, const char* fcc) {
  return {static_cast<uint8_t>(0x80 | (frame_type << 4) | packet_type),
          static_cast<uint8_t>(fcc[0]), static_cast<uint8_t>(fcc[1]), static_cast<uint8_t>(fcc[2]),
          static_cast<uint8_t>(fcc[3])};
}

TEST(FlvTags, EnhancedVideo) {
  VideoTag t;
  auto seq = ex_video(1, 0, "hvc1");
  ASSERT_EQ(parse_video_tag(seq, t), FlvError::kNone);
  EXPECT_TRUE(t.enhanced);
  EXPECT_TRUE(t.sequence_header());
  EXPECT_EQ(t.fourcc, fourcc::kHvc1);

  auto coded = ex_video(1, 1, "hvc1");
  EXPECT_EQ(parse_video_tag(coded, t), FlvError::kTruncated);  // SI24 missing
  coded.insert(coded.end(), {0, 0, 33, 0xAB});
  ASSERT_EQ(parse_video_tag(coded, t), FlvError::kNone);
  EXPECT_TRUE(t.keyframe());
  EXPECT_EQ(t.composition_time, 33);

  auto av1_key = ex_video(1, 3, "av01");
  ASSERT_EQ(parse_video_tag(av1_key, t), FlvError::kNone);
  EXPECT_TRUE(t.keyframe());
  EXPECT_EQ(t.fourcc, fourcc::kAv01);

  auto vp9_inter = ex_video(2, 1, "vp09");
  ASSERT_EQ(parse_video_tag(vp9_inter, t), FlvError::kNone);
  EXPECT_FALSE(t.keyframe());

  for (uint8_t pt : {2, 4, 5}) {
    auto other = ex_video(1, pt, "av01");
    ASSERT_EQ(parse_video_tag(other, t), FlvError::kNone);
    EXPECT_FALSE(t.keyframe());
    EXPECT_EQ(t.sequence_header(), pt == 5);
  }
  EXPECT_EQ(parse_video_tag(ex_video(1, 9, "av01"), t), FlvError::kBadPacketType);
  EXPECT_EQ(parse_video_tag(std::vector<uint8_t>{0x90, 'a', 'v'}, t), FlvError::kTruncated);
}

TEST(FlvTags, EnhancedVideoMultitrackAndModEx) {
  VideoTag t;
  // Multitrack, OneTrack (0) of CodedFrames (1), FourCC av01, track id 0.
  std::vector<uint8_t> mt = {0x80 | 0x10 | 6, 0x01, 'a', 'v', '0', '1', 0x00};
  ASSERT_EQ(parse_video_tag(mt, t), FlvError::kNone);
  EXPECT_TRUE(t.multitrack);
  EXPECT_TRUE(t.keyframe());
  EXPECT_EQ(t.fourcc, fourcc::kAv01);
  // ManyTracksManyCodecs (2) of SequenceStart: first track's FourCC.
  std::vector<uint8_t> many = {0x80 | 0x10 | 6, 0x20, 'h', 'v', 'c', '1', 0x00};
  ASSERT_EQ(parse_video_tag(many, t), FlvError::kNone);
  EXPECT_TRUE(t.sequence_header());
  // ModEx: size 3 (stored as 2), 3 bytes, then type 0 | CodedFrames, then FourCC + SI24.
  std::vector<uint8_t> modex = {0x80 | 0x10 | 7, 0x02, 1, 2, 3, 0x01, 'h', 'v', 'c', '1', 0, 0, 0};
  ASSERT_EQ(parse_video_tag(modex, t), FlvError::kNone);
  EXPECT_TRUE(t.keyframe());
  // ModEx whose size points past the end.
  std::vector<uint8_t> bad = {0x80 | 0x10 | 7, 0x10, 1};
  EXPECT_EQ(parse_video_tag(bad, t), FlvError::kTruncated);
  // 16-bit ModEx size (first byte 255 means "read UI16").
  std::vector<uint8_t> big = {0x80 | 0x10 | 7, 0xFF, 0x00, 0x00, 0xAA, 0x00, 'a', 'v', '0', '1'};
  ASSERT_EQ(parse_video_tag(big, t), FlvError::kNone);
  EXPECT_TRUE(t.sequence_header());
}

TEST(FlvTags, Audio) {
  AudioTag t;
  ASSERT_EQ(parse_audio_tag(std::vector<uint8_t>{0xAF, 0x00, 0x12, 0x10}, t), FlvError::kNone);
  EXPECT_TRUE(t.sequence_header());
  EXPECT_EQ(t.fourcc, fourcc::kMp4a);
  ASSERT_EQ(parse_audio_tag(std::vector<uint8_t>{0xAF, 0x01, 0x21}, t), FlvError::kNone);
  EXPECT_FALSE(t.sequence_header());
  EXPECT_EQ(parse_audio_tag(std::vector<uint8_t>{0xAF}, t), FlvError::kTruncated);
  ASSERT_EQ(parse_audio_tag(std::vector<uint8_t>{0x2F, 0xFF}, t), FlvError::kNone);
  EXPECT_EQ(t.fourcc, fourcc::kMp3);
  EXPECT_FALSE(t.sequence_header());

  // Enhanced: SoundFormat 9, SequenceStart, Opus.
  ASSERT_EQ(parse_audio_tag(std::vector<uint8_t>{0x90, 'O', 'p', 'u', 's', 1}, t), FlvError::kNone);
  EXPECT_TRUE(t.enhanced);
  EXPECT_TRUE(t.sequence_header());
  EXPECT_EQ(t.fourcc, fourcc::kOpus);
  ASSERT_EQ(parse_audio_tag(std::vector<uint8_t>{0x91, 'f', 'L', 'a', 'C'}, t), FlvError::kNone);
  EXPECT_EQ(t.fourcc, fourcc::kFlac);
  EXPECT_EQ(t.packet_type, AudioPacketType::kCodedFrames);
  // Multitrack OneTrack of SequenceStart, ac-3.
  ASSERT_EQ(parse_audio_tag(std::vector<uint8_t>{0x95, 0x00, 'a', 'c', '-', '3', 0}, t),
            FlvError::kNone);
  EXPECT_TRUE(t.multitrack);
  EXPECT_TRUE(t.sequence_header());
  EXPECT_EQ(parse_audio_tag(std::vector<uint8_t>{0x93, 'O', 'p', 'u', 's'}, t),
            FlvError::kBadPacketType);
  EXPECT_EQ(parse_audio_tag(std::vector<uint8_t>{0x90, 'O'}, t), FlvError::kTruncated);
}

}  // namespace
}  // namespace ringcast::rtmp
