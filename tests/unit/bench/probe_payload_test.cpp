#include "sfu/probe_payload.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace ringcast::bench::sfu {
namespace {

TEST(ProbePayload, RoundTripsSendTimeAndSequence) {
  for (size_t size : {size_t{16}, size_t{17}, size_t{23}, size_t{24}, size_t{1200}}) {
    std::vector<uint8_t> payload(size);
    write_probe_payload(payload, 0x11223344, {123456789012345ull, 77});
    ProbeFields fields;
    ASSERT_EQ(read_probe_payload(payload, 0x11223344, fields), ProbeCheck::kOk) << size;
    EXPECT_EQ(fields.send_ns, 123456789012345ull);
    EXPECT_EQ(fields.sequence, 77u);
  }
}

TEST(ProbePayload, HeaderIsBigEndian) {
  std::vector<uint8_t> payload(32);
  write_probe_payload(payload, 1, {0x0102030405060708ull, 0x1112131415161718ull});
  EXPECT_EQ(payload[0], 0x01);
  EXPECT_EQ(payload[7], 0x08);
  EXPECT_EQ(payload[8], 0x11);
  EXPECT_EQ(payload[15], 0x18);
}

TEST(ProbePayload, DetectsAnyFlippedFillerByte) {
  std::vector<uint8_t> payload(101);
  write_probe_payload(payload, 42, {1, 2});
  for (size_t i = kProbeHeaderLength; i < payload.size(); ++i) {
    std::vector<uint8_t> corrupted = payload;
    corrupted[i] ^= 0x01;
    ProbeFields fields;
    EXPECT_EQ(read_probe_payload(corrupted, 42, fields), ProbeCheck::kCorrupted) << i;
  }
}

TEST(ProbePayload, RejectsAnotherProducerOrSequence) {
  std::vector<uint8_t> payload(200);
  write_probe_payload(payload, 42, {1, 2});
  ProbeFields fields;
  EXPECT_EQ(read_probe_payload(payload, 43, fields), ProbeCheck::kCorrupted);
  // A header rewritten to claim another sequence no longer matches its filler.
  payload[15] = 3;
  EXPECT_EQ(read_probe_payload(payload, 42, fields), ProbeCheck::kCorrupted);
}

TEST(ProbePayload, RejectsShortPayload) {
  std::vector<uint8_t> payload(15);
  ProbeFields fields;
  EXPECT_EQ(read_probe_payload(payload, 1, fields), ProbeCheck::kTooShort);
}

TEST(RtpHeader, WritesFixedHeader) {
  std::vector<uint8_t> packet(12);
  write_rtp_header(packet, 96, true, 0xABCD, 0x01020304, 0xDEADBEEF);
  const std::vector<uint8_t> expected = {0x80, 0xE0, 0xAB, 0xCD, 0x01, 0x02,
                                         0x03, 0x04, 0xDE, 0xAD, 0xBE, 0xEF};
  EXPECT_EQ(packet, expected);
}

}  // namespace
}  // namespace ringcast::bench::sfu
