// The SRTP part of the packet path allocates nothing once a stream exists, for both suites
// (libsrtp's own OpenSSL 3 HMAC allocated twice per packet; cmake/libsrtp2/hmac_ossl.c is ours).
#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "core/allocation_counter.hpp"
#include "rtc/srtp_session.hpp"

namespace ringcast::rtc {
namespace {

void fill_rtp(std::vector<uint8_t>& packet, uint16_t seq) {
  packet.assign(12 + 1200, 0xAB);
  packet[0] = 0x80;
  packet[1] = 96;
  packet[2] = static_cast<uint8_t>(seq >> 8);
  packet[3] = static_cast<uint8_t>(seq);
  packet[8] = 0x12;
  packet[11] = 0x34;
}

class SrtpAllocation : public ::testing::TestWithParam<SrtpSuite> {};

TEST_P(SrtpAllocation, ProtectAndUnprotectAllocateNothingPerPacket) {
  if (!core::AllocationCounter::install()) {
    GTEST_SKIP() << "allocation counting needs jemalloc (not in the sanitizer build)";
  }
  const SrtpSuite suite = GetParam();
  std::vector<uint8_t> key(srtp_master_length(suite), 0x5A);
  auto sender = SrtpSession::create(suite, SrtpDirection::kOutbound, key);
  auto receiver = SrtpSession::create(suite, SrtpDirection::kInbound, key);
  ASSERT_TRUE(sender && receiver);
  std::vector<uint8_t> packet;
  packet.reserve(2048);
  auto round_trip = [&](uint16_t seq) {
    fill_rtp(packet, seq);
    size_t length = packet.size();
    packet.resize(length + SrtpSession::kMaxTrailer);
    ASSERT_EQ(sender->protect_rtp(packet, length), SrtpResult::kOk);
    ASSERT_EQ(receiver->unprotect_rtp(packet, length), SrtpResult::kOk);
  };
  round_trip(1);  // the first packet of an SSRC creates its stream in each session
  const uint64_t before = core::AllocationCounter::thread_allocations();
  for (uint16_t seq = 2; seq < 1002; ++seq) {
    round_trip(seq);
  }
  EXPECT_EQ(core::AllocationCounter::thread_allocations() - before, 0u);
}

INSTANTIATE_TEST_SUITE_P(Suites, SrtpAllocation,
                         ::testing::Values(SrtpSuite::kAeadAes128Gcm,
                                           SrtpSuite::kAesCm128HmacSha1_80),
                         [](const auto& info) { return std::string(short_name(info.param)); });

}  // namespace
}  // namespace ringcast::rtc
