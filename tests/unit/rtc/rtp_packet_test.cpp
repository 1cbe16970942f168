#include "rtc/rtp_packet.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace ringcast::rtc {
namespace {

// V=2, PT=96, seq=0x1234, ts=0x01020304, ssrc=0xAABBCCDD, then the given tail.
std::vector<uint8_t> fixed_header(uint8_t first_byte = 0x80, uint8_t second_byte = 96) {
  return {first_byte, second_byte, 0x12, 0x34, 0x01, 0x02, 0x03, 0x04, 0xAA, 0xBB, 0xCC, 0xDD};
}

void append(std::vector<uint8_t>& v, std::initializer_list<uint8_t> bytes) {
  v.insert(v.end(), bytes);
}

// One-byte extension block with id 1 (2 bytes), id 3 (1 byte), a padding byte, id 5 (4 bytes)
// = 3 + 2 + 1 + 5 = 11 bytes, padded to 12.
std::vector<uint8_t> packet_with_one_byte_extensions() {
  std::vector<uint8_t> v = fixed_header(0x90);
  append(v, {0xBE, 0xDE, 0x00, 0x03});
  append(v, {0x11, 0xAA, 0xBB, 0x30, 0xCC, 0x00, 0x53, 0x01, 0x02, 0x03, 0x04, 0x00});
  append(v, {0xDE, 0xAD, 0xBE, 0xEF});  // payload
  return v;
}

TEST(RtpPacket, ParsesFixedHeader) {
  std::vector<uint8_t> v = fixed_header(0x80, 0x80 | 111);
  append(v, {1, 2, 3});
  RtpPacket packet;
  ASSERT_EQ(packet.parse(v), RtpError::kNone);
  EXPECT_TRUE(packet.marker());
  EXPECT_EQ(packet.payload_type(), 111);
  EXPECT_EQ(packet.sequence_number(), 0x1234);
  EXPECT_EQ(packet.timestamp(), 0x01020304u);
  EXPECT_EQ(packet.ssrc(), 0xAABBCCDDu);
  EXPECT_EQ(packet.csrc_count(), 0);
  EXPECT_EQ(packet.header_size(), 12u);
  EXPECT_EQ(packet.padding_size(), 0u);
  ASSERT_EQ(packet.payload().size(), 3u);
  EXPECT_EQ(packet.payload()[2], 3);
  EXPECT_FALSE(packet.has_extension());
  EXPECT_EQ(packet.extension_profile(), RtpExtensionProfile::kNone);
}

TEST(RtpPacket, HeaderOnlyIsValid) {
  std::vector<uint8_t> v = fixed_header();
  RtpPacket packet;
  ASSERT_EQ(packet.parse(v), RtpError::kNone);
  EXPECT_TRUE(packet.payload().empty());
}

TEST(RtpPacket, CsrcsAndPadding) {
  std::vector<uint8_t> v = fixed_header(0xA2);  // P=1, CC=2
  append(v, {0, 0, 0, 1, 0, 0, 0, 2});
  append(v, {9, 9, 9});     // payload
  append(v, {0, 0, 0, 4});  // 4 bytes of padding
  RtpPacket packet;
  ASSERT_EQ(packet.parse(v), RtpError::kNone);
  EXPECT_EQ(packet.csrc_count(), 2);
  EXPECT_EQ(packet.csrc(0), 1u);
  EXPECT_EQ(packet.csrc(1), 2u);
  EXPECT_EQ(packet.header_size(), 20u);
  EXPECT_EQ(packet.padding_size(), 4u);
  EXPECT_EQ(packet.payload().size(), 3u);
}

TEST(RtpPacket, RejectsMalformed) {
  RtpPacket packet;
  std::vector<uint8_t> v = fixed_header();
  EXPECT_EQ(packet.parse(std::span<uint8_t>(v.data(), 11)), RtpError::kTooShort);
  EXPECT_TRUE(packet.empty());
  EXPECT_EQ(packet.parse({}), RtpError::kTooShort);

  v = fixed_header(0x40);
  EXPECT_EQ(packet.parse(v), RtpError::kBadVersion);
  v = fixed_header(0xC0);
  EXPECT_EQ(packet.parse(v), RtpError::kBadVersion);

  v = fixed_header(0x83);  // CC=3 but only 8 bytes of CSRC
  append(v, {0, 0, 0, 1, 0, 0, 0, 2});
  EXPECT_EQ(packet.parse(v), RtpError::kCsrcPastEnd);

  v = fixed_header(0x90);  // X with no room for the extension header
  append(v, {0xBE, 0xDE, 0x00});
  EXPECT_EQ(packet.parse(v), RtpError::kExtensionPastEnd);

  v = fixed_header(0x90);  // extension length 2 words, 1 present
  append(v, {0xBE, 0xDE, 0x00, 0x02, 0x10, 0xFF, 0x00, 0x00});
  EXPECT_EQ(packet.parse(v), RtpError::kExtensionPastEnd);

  v = fixed_header(0xA0);  // padding count larger than what follows the header
  append(v, {1, 2, 5});
  EXPECT_EQ(packet.parse(v), RtpError::kBadPadding);

  v = fixed_header(0xA0);  // zero padding count
  append(v, {1, 2, 0});
  EXPECT_EQ(packet.parse(v), RtpError::kBadPadding);

  v = fixed_header(0xA0);  // P set but nothing after the header
  EXPECT_EQ(packet.parse(v), RtpError::kBadPadding);

  v = fixed_header(0xA0);  // padding exactly fills the area after the header: valid
  append(v, {0, 0, 3});
  ASSERT_EQ(packet.parse(v), RtpError::kNone);
  EXPECT_TRUE(packet.payload().empty());
}

TEST(RtpPacket, ErrorNamesAreDistinct) {
  for (size_t i = 0; i < kRtpErrorCount; ++i) {
    for (size_t j = i + 1; j < kRtpErrorCount; ++j) {
      EXPECT_STRNE(rtp_error_name(static_cast<RtpError>(i)),
                   rtp_error_name(static_cast<RtpError>(j)));
    }
  }
}

TEST(RtpPacket, OneByteExtensions) {
  std::vector<uint8_t> v = packet_with_one_byte_extensions();
  RtpPacket packet;
  ASSERT_EQ(packet.parse(v), RtpError::kNone);
  EXPECT_EQ(packet.extension_profile(), RtpExtensionProfile::kOneByte);
  EXPECT_EQ(packet.extension_block().size(), 12u);
  EXPECT_EQ(packet.header_size(), 28u);
  EXPECT_EQ(packet.payload().size(), 4u);

  RtpExtensionReader reader = packet.extensions();
  RtpExtension e;
  ASSERT_TRUE(reader.next(e));
  EXPECT_EQ(e.id, 1);
  ASSERT_EQ(e.value.size(), 2u);
  EXPECT_EQ(e.value[0], 0xAA);
  ASSERT_TRUE(reader.next(e));
  EXPECT_EQ(e.id, 3);
  ASSERT_EQ(e.value.size(), 1u);
  ASSERT_TRUE(reader.next(e));
  EXPECT_EQ(e.id, 5);
  ASSERT_EQ(e.value.size(), 4u);
  EXPECT_EQ(e.value[3], 0x04);
  EXPECT_FALSE(reader.next(e));
  EXPECT_FALSE(reader.malformed());

  ASSERT_TRUE(packet.find_extension(3, e));
  EXPECT_EQ(e.value[0], 0xCC);
  EXPECT_FALSE(packet.find_extension(4, e));
}

TEST(RtpPacket, OneByteIdFifteenStopsProcessing) {
  std::vector<uint8_t> v = fixed_header(0x90);
  append(v, {0xBE, 0xDE, 0x00, 0x02, 0x10, 0x01, 0xF0, 0x20, 0x02, 0x00, 0x00, 0x00});
  RtpPacket packet;
  ASSERT_EQ(packet.parse(v), RtpError::kNone);
  RtpExtension e;
  EXPECT_TRUE(packet.find_extension(1, e));
  EXPECT_FALSE(packet.find_extension(2, e));
}

TEST(RtpPacket, OneByteElementPastBlockIsMalformed) {
  std::vector<uint8_t> v = fixed_header(0x90);
  append(v, {0xBE, 0xDE, 0x00, 0x01, 0x10, 0x01, 0x23, 0x01});  // id 2 wants 4 bytes, has 1
  RtpPacket packet;
  ASSERT_EQ(packet.parse(v), RtpError::kNone);
  RtpExtensionReader reader = packet.extensions();
  RtpExtension e;
  ASSERT_TRUE(reader.next(e));
  EXPECT_EQ(e.id, 1);
  EXPECT_FALSE(reader.next(e));
  EXPECT_TRUE(reader.malformed());
  RtpExtensionIdMap map{};
  map[1] = 1;
  map[2] = 2;
  EXPECT_FALSE(packet.remap_extension_ids(map));
}

TEST(RtpPacket, TwoByteExtensions) {
  std::vector<uint8_t> v = fixed_header(0x90);
  // id 200 len 3, padding, id 7 len 0, id 16 len 1, padding to 12 bytes.
  append(v, {0x10, 0x00, 0x00, 0x03});
  append(v, {200, 3, 1, 2, 3, 0, 7, 0, 16, 1, 0x55, 0});
  RtpPacket packet;
  ASSERT_EQ(packet.parse(v), RtpError::kNone);
  EXPECT_EQ(packet.extension_profile(), RtpExtensionProfile::kTwoByte);
  RtpExtension e;
  ASSERT_TRUE(packet.find_extension(200, e));
  EXPECT_EQ(e.value.size(), 3u);
  ASSERT_TRUE(packet.find_extension(7, e));
  EXPECT_TRUE(e.value.empty());
  ASSERT_TRUE(packet.find_extension(16, e));
  EXPECT_EQ(e.value[0], 0x55);

  std::vector<uint8_t> bad = fixed_header(0x90);
  append(bad, {0x10, 0x00, 0x00, 0x01, 9, 5, 1, 2});  // length 5, only 2 present
  ASSERT_EQ(packet.parse(bad), RtpError::kNone);
  RtpExtensionReader reader = packet.extensions();
  EXPECT_FALSE(reader.next(e));
  EXPECT_TRUE(reader.malformed());

  std::vector<uint8_t> lone = fixed_header(0x90);
  append(lone, {0x10, 0x00, 0x00, 0x01, 0, 0, 0, 9});  // id 9 without its length byte
  ASSERT_EQ(packet.parse(lone), RtpError::kNone);
  reader = packet.extensions();
  EXPECT_FALSE(reader.next(e));
  EXPECT_TRUE(reader.malformed());
}

TEST(RtpPacket, UnknownProfileHasNoElements) {
  std::vector<uint8_t> v = fixed_header(0x90);
  append(v, {0x12, 0x34, 0x00, 0x01, 1, 2, 3, 4});
  RtpPacket packet;
  ASSERT_EQ(packet.parse(v), RtpError::kNone);
  EXPECT_EQ(packet.extension_profile(), RtpExtensionProfile::kOther);
  EXPECT_EQ(packet.extension_profile_id(), 0x1234);
  RtpExtension e;
  EXPECT_FALSE(packet.extensions().next(e));
  RtpExtensionIdMap map{};
  EXPECT_TRUE(packet.remap_extension_ids(map));
  EXPECT_EQ(v[16], 1);
}

TEST(RtpPacket, RemapsOneByteIdsAndBlanksUnmapped) {
  std::vector<uint8_t> v = packet_with_one_byte_extensions();
  RtpPacket packet;
  ASSERT_EQ(packet.parse(v), RtpError::kNone);
  RtpExtensionIdMap map{};
  map[1] = 4;   // remapped
  map[3] = 0;   // removed
  map[5] = 15;  // cannot be expressed in one-byte form: removed
  ASSERT_TRUE(packet.remap_extension_ids(map));
  RtpExtensionReader reader = packet.extensions();
  RtpExtension e;
  ASSERT_TRUE(reader.next(e));
  EXPECT_EQ(e.id, 4);
  ASSERT_EQ(e.value.size(), 2u);
  EXPECT_EQ(e.value[1], 0xBB);
  EXPECT_FALSE(reader.next(e));
  EXPECT_FALSE(reader.malformed());
  // The packet keeps its size and payload.
  EXPECT_EQ(packet.payload().size(), 4u);
  EXPECT_EQ(packet.payload()[0], 0xDE);
  RtpPacket reparsed;
  EXPECT_EQ(reparsed.parse(v), RtpError::kNone);
}

TEST(RtpPacket, RemapsTwoByteIds) {
  std::vector<uint8_t> v = fixed_header(0x90);
  append(v, {0x10, 0x00, 0x00, 0x02});
  append(v, {200, 2, 1, 2, 3, 1, 9, 0});
  RtpPacket packet;
  ASSERT_EQ(packet.parse(v), RtpError::kNone);
  RtpExtensionIdMap map{};
  map[200] = 17;
  ASSERT_TRUE(packet.remap_extension_ids(map));
  RtpExtension e;
  ASSERT_TRUE(packet.find_extension(17, e));
  EXPECT_EQ(e.value.size(), 2u);
  EXPECT_FALSE(packet.find_extension(3, e));
  EXPECT_FALSE(packet.find_extension(200, e));
}

TEST(RtpPacket, SettersRewriteInPlace) {
  std::vector<uint8_t> v = packet_with_one_byte_extensions();
  const std::vector<uint8_t> original = v;
  RtpPacket packet;
  ASSERT_EQ(packet.parse(v), RtpError::kNone);
  packet.set_ssrc(0x01020304);
  packet.set_payload_type(100);
  packet.set_sequence_number(0xFFFF);
  packet.set_timestamp(0xCAFEBABE);
  packet.set_marker(true);
  EXPECT_EQ(packet.ssrc(), 0x01020304u);
  EXPECT_EQ(packet.payload_type(), 100);
  EXPECT_EQ(packet.sequence_number(), 0xFFFF);
  EXPECT_EQ(packet.timestamp(), 0xCAFEBABEu);
  EXPECT_TRUE(packet.marker());
  packet.set_marker(false);
  EXPECT_FALSE(packet.marker());
  EXPECT_EQ(packet.payload_type(), 100);
  packet.set_payload_type(0xFF);  // only 7 bits are written
  EXPECT_EQ(packet.payload_type(), 0x7F);
  EXPECT_FALSE(packet.marker());
  EXPECT_EQ(v[0], original[0]);
  for (size_t i = 12; i < v.size(); ++i) {
    EXPECT_EQ(v[i], original[i]) << i;
  }
}

TEST(RtpPacket, ClassifiesRtcpMux) {
  std::vector<uint8_t> rtp = fixed_header(0x80, 96);
  EXPECT_EQ(classify_rtp_rtcp(rtp), RtpRtcpKind::kRtp);
  rtp[1] = 0x80 | 127;
  EXPECT_EQ(classify_rtp_rtcp(rtp), RtpRtcpKind::kRtp);
  rtp[1] = 0x80 | 0;
  EXPECT_EQ(classify_rtp_rtcp(rtp), RtpRtcpKind::kRtp);
  const uint8_t rr[] = {0x80, 201, 0, 1};
  EXPECT_EQ(classify_rtp_rtcp(rr), RtpRtcpKind::kRtcp);
  const uint8_t sr[] = {0x81, 200};
  EXPECT_EQ(classify_rtp_rtcp(sr), RtpRtcpKind::kRtcp);
  const uint8_t low[] = {0x80, 192};  // 192 & 0x7F = 64
  EXPECT_EQ(classify_rtp_rtcp(low), RtpRtcpKind::kRtcp);
  const uint8_t high[] = {0x80, 223};  // 95
  EXPECT_EQ(classify_rtp_rtcp(high), RtpRtcpKind::kRtcp);
  const uint8_t above[] = {0x80, 224};  // 96 with marker: RTP
  EXPECT_EQ(classify_rtp_rtcp(above), RtpRtcpKind::kRtp);
  const uint8_t stun[] = {0x00, 0x01};
  EXPECT_EQ(classify_rtp_rtcp(stun), RtpRtcpKind::kNeither);
  const uint8_t one[] = {0x80};
  EXPECT_EQ(classify_rtp_rtcp(one), RtpRtcpKind::kNeither);
}

}  // namespace
}  // namespace ringcast::rtc
