#include "rtc/vp8_descriptor.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace ringcast::rtc {
namespace {

// The first packet of a 640x480 key frame as libwebrtc sends it with simulcast/temporal layers:
// X=1 S=1 PID=0; I L T; 15-bit PictureID 0x0123; TL0PICIDX 5; TID 0 Y=1; then the VP8 frame tag
// (P=0: key frame), start code 9d 01 2a, width 640, height 480.
const std::vector<uint8_t> kKeyFramePacket = {0x90, 0xE0, 0x81, 0x23, 0x05, 0x20, 0x50, 0x42, 0x00,
                                              0x9D, 0x01, 0x2A, 0x80, 0x02, 0xE0, 0x01, 0x00, 0x11};

TEST(Vp8Descriptor, ParsesFullDescriptorAndKeyFrame) {
  Vp8Descriptor d;
  ASSERT_EQ(d.parse(kKeyFramePacket), Vp8Error::kNone);
  EXPECT_TRUE(d.start_of_partition);
  EXPECT_EQ(d.partition_id, 0);
  EXPECT_FALSE(d.non_reference);
  EXPECT_TRUE(d.has_picture_id);
  EXPECT_TRUE(d.long_picture_id);
  EXPECT_EQ(d.picture_id, 0x0123);
  EXPECT_TRUE(d.has_tl0_pic_idx);
  EXPECT_EQ(d.tl0_pic_idx, 5);
  EXPECT_TRUE(d.has_tid);
  EXPECT_EQ(d.tid, 0);
  EXPECT_TRUE(d.layer_sync);
  EXPECT_FALSE(d.has_key_idx);
  EXPECT_EQ(d.size, 6u);
  EXPECT_TRUE(d.key_frame);
  EXPECT_EQ(d.width, 640);
  EXPECT_EQ(d.height, 480);
}

TEST(Vp8Descriptor, DeltaFramesAndContinuations) {
  std::vector<uint8_t> v = kKeyFramePacket;
  v[6] = 0x51;  // P=1: inter frame
  Vp8Descriptor d;
  ASSERT_EQ(d.parse(v), Vp8Error::kNone);
  EXPECT_FALSE(d.key_frame);
  v = kKeyFramePacket;
  v[0] = 0x80;  // S=0: not the start of the partition
  ASSERT_EQ(d.parse(v), Vp8Error::kNone);
  EXPECT_FALSE(d.key_frame);
  v = kKeyFramePacket;
  v[0] = 0x91;  // PID=1
  ASSERT_EQ(d.parse(v), Vp8Error::kNone);
  EXPECT_FALSE(d.key_frame);
}

TEST(Vp8Descriptor, MinimalAndShortForms) {
  Vp8Descriptor d;
  const std::vector<uint8_t> minimal = {0x10, 0x00};  // no X, S=1, key frame tag byte
  ASSERT_EQ(d.parse(minimal), Vp8Error::kNone);
  EXPECT_EQ(d.size, 1u);
  EXPECT_FALSE(d.has_picture_id);
  EXPECT_TRUE(d.key_frame);
  EXPECT_EQ(d.width, 0);

  const std::vector<uint8_t> seven_bit = {0x80, 0x80, 0x7F, 0x01};
  ASSERT_EQ(d.parse(seven_bit), Vp8Error::kNone);
  EXPECT_FALSE(d.long_picture_id);
  EXPECT_EQ(d.picture_id, 0x7F);

  const std::vector<uint8_t> key_idx = {0x80, 0x10, 0x1F, 0x01};  // K only
  ASSERT_EQ(d.parse(key_idx), Vp8Error::kNone);
  EXPECT_TRUE(d.has_key_idx);
  EXPECT_EQ(d.key_idx, 0x1F);
  EXPECT_FALSE(d.has_tid);
}

TEST(Vp8Descriptor, RejectsTruncation) {
  Vp8Descriptor d;
  EXPECT_EQ(d.parse({}), Vp8Error::kEmpty);
  // Every strict prefix of the descriptor is truncated or has no payload.
  for (size_t n = 1; n <= 6; ++n) {
    const Vp8Error error = d.parse(std::span(kKeyFramePacket).first(n));
    EXPECT_TRUE(error == Vp8Error::kTruncated || error == Vp8Error::kNoPayload) << n;
  }
  EXPECT_EQ(d.parse(std::span(kKeyFramePacket).first(6)), Vp8Error::kNoPayload);
  const std::vector<uint8_t> long_id_cut = {0x80, 0x80, 0x81};
  EXPECT_EQ(d.parse(long_id_cut), Vp8Error::kTruncated);
}

TEST(Vp8Descriptor, RewritesKeepingWidth) {
  std::vector<uint8_t> v = kKeyFramePacket;
  Vp8Descriptor d;
  ASSERT_EQ(d.parse(v), Vp8Error::kNone);
  ASSERT_TRUE(d.set_picture_id(v, 0x8001));  // wraps to 15 bits
  ASSERT_TRUE(d.set_tl0_pic_idx(v, 200));
  Vp8Descriptor again;
  ASSERT_EQ(again.parse(v), Vp8Error::kNone);
  EXPECT_EQ(again.picture_id, 0x0001);
  EXPECT_TRUE(again.long_picture_id);
  EXPECT_EQ(again.tl0_pic_idx, 200);
  EXPECT_EQ(again.tid, 0);
  EXPECT_TRUE(again.key_frame);
  EXPECT_EQ(again.size, d.size);

  std::vector<uint8_t> short_id = {0x80, 0x80, 0x05, 0x01};
  ASSERT_EQ(d.parse(short_id), Vp8Error::kNone);
  ASSERT_TRUE(d.set_picture_id(short_id, 300));  // 300 & 0x7F = 44
  ASSERT_EQ(again.parse(short_id), Vp8Error::kNone);
  EXPECT_EQ(again.picture_id, 44);
  EXPECT_FALSE(again.long_picture_id);
  EXPECT_FALSE(d.set_tl0_pic_idx(short_id, 1));  // no L field
}

}  // namespace
}  // namespace ringcast::rtc
