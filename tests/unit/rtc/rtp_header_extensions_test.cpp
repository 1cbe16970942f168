#include "rtc/rtp_header_extensions.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace ringcast::rtc {
namespace {

// A Chrome-style video packet header with a one-byte extension block (RFC 8285 §4.2):
// id 1 abs-send-time (3 bytes), id 3 transport-wide seq (2), id 4 mid "0" (1), id 10 rid "hi"
// (2), id 11 repaired rid "lo" padded with a NUL (3), then padding to a 32-bit boundary.
std::vector<uint8_t> chrome_packet() {
  return {0x90, 0x60, 0x12, 0x34, 0, 0, 0, 1, 0x11, 0x22, 0x33, 0x44,  // fixed header
          0xBE, 0xDE, 0x00, 0x05,                                      // 5 words
          0x12, 0x0A, 0xBC, 0xDE,                                      // abs-send-time
          0x31, 0x01, 0x02,                                            // transport-wide seq 258
          0x40, '0',                                                   // mid
          0xA1, 'h',  'i',                                             // rid
          0xB2, 'l',  'o',  0x00,                                      // repaired rid
          0x00, 0x00, 0x00, 0x00,                                      // padding
          0xAA};                                                       // payload
}

std::vector<uint8_t> audio_packet(uint8_t level_byte) {
  return {0x90, 0x6F, 0,    1,    0,    0,    0,          1,    0,    0,   0,
          2,    0xBE, 0xDE, 0x00, 0x01, 0x50, level_byte, 0x00, 0x00, 0xFC};
}

TEST(HeaderExtensions, UrisRoundTrip) {
  for (size_t i = 0; i < kHeaderExtensionCount; ++i) {
    const auto extension = static_cast<HeaderExtension>(i);
    EXPECT_EQ(header_extension_from_uri(header_extension_uri(extension)), extension);
  }
  EXPECT_FALSE(header_extension_from_uri("urn:ietf:params:rtp-hdrext:toffset").has_value());
  HeaderExtensionIds ids;
  EXPECT_TRUE(ids.set_from_uri("urn:ietf:params:rtp-hdrext:sdes:mid", 4));
  EXPECT_TRUE(ids.set_from_uri(
      "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01", 3));
  EXPECT_FALSE(ids.set_from_uri("urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id", 0));
  EXPECT_FALSE(ids.set_from_uri("urn:ietf:params:rtp-hdrext:toffset", 2));
  EXPECT_EQ(ids.mid, 4);
  EXPECT_EQ(ids.get(HeaderExtension::kTransportWideCc), 3);
  EXPECT_EQ(ids.rid, 0);
}

TEST(HeaderExtensions, ReadsChromeVideoPacket) {
  std::vector<uint8_t> bytes = chrome_packet();
  RtpPacket packet;
  ASSERT_EQ(packet.parse(bytes), RtpError::kNone);
  EXPECT_EQ(read_sdes_extension(packet, 4), "0");
  EXPECT_EQ(read_sdes_extension(packet, 10), "hi");
  EXPECT_EQ(read_sdes_extension(packet, 11), "lo");  // trailing NUL cut
  EXPECT_FALSE(read_sdes_extension(packet, 0).has_value());
  EXPECT_FALSE(read_sdes_extension(packet, 5).has_value());
  EXPECT_EQ(read_transport_wide_seq(packet, 3), 258);
  EXPECT_FALSE(read_transport_wide_seq(packet, 4).has_value());  // wrong size
  EXPECT_EQ(read_abs_send_time(packet, 1), 0x0ABCDEu);

  ASSERT_TRUE(write_transport_wide_seq(packet, 3, 0xFFFE));
  ASSERT_TRUE(write_abs_send_time(packet, 1, 0x123456));
  RtpPacket again;
  ASSERT_EQ(again.parse(bytes), RtpError::kNone);
  EXPECT_EQ(read_transport_wide_seq(again, 3), 0xFFFE);
  EXPECT_EQ(read_abs_send_time(again, 1), 0x123456u);
  EXPECT_EQ(read_sdes_extension(again, 10), "hi");
  EXPECT_FALSE(write_transport_wide_seq(packet, 7, 1));
}

TEST(HeaderExtensions, AudioLevel) {
  std::vector<uint8_t> loud = audio_packet(0x80 | 3);
  RtpPacket packet;
  ASSERT_EQ(packet.parse(loud), RtpError::kNone);
  auto level = read_audio_level(packet, 5);
  ASSERT_TRUE(level.has_value());
  EXPECT_TRUE(level->voice);
  EXPECT_EQ(level->level, 3);
  std::vector<uint8_t> silent = audio_packet(127);
  ASSERT_EQ(packet.parse(silent), RtpError::kNone);
  level = read_audio_level(packet, 5);
  ASSERT_TRUE(level.has_value());
  EXPECT_FALSE(level->voice);
  EXPECT_EQ(level->level, 127);
  EXPECT_FALSE(read_audio_level(packet, 1).has_value());
}

TEST(HeaderExtensions, AbsSendTimeFixedPoint) {
  EXPECT_EQ(abs_send_time_from_us(0), 0u);
  EXPECT_EQ(abs_send_time_from_us(1'000'000), 1u << 18);
  EXPECT_EQ(abs_send_time_from_us(500'000), 1u << 17);
  // Wraps every 64 s.
  EXPECT_EQ(abs_send_time_from_us(64'000'000 + 250'000), abs_send_time_from_us(250'000));
  EXPECT_EQ(abs_send_time_from_us(uint64_t{1} << 60),
            abs_send_time_from_us((uint64_t{1} << 60) % 64'000'000));
  for (uint64_t us : {0ull, 3'814ull, 1'000'000ull, 12'345'678ull, 63'999'990ull}) {
    const uint64_t back = abs_send_time_to_us(abs_send_time_from_us(us));
    EXPECT_LE(back > us ? back - us : us - back, 4u) << us;  // 2^-18 s is 3.8 us
  }
}

}  // namespace
}  // namespace ringcast::rtc
