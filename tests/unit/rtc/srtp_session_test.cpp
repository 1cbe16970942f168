#include "rtc/srtp_session.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ringcast::rtc {
namespace {

constexpr std::array kSuites = {SrtpSuite::kAeadAes128Gcm, SrtpSuite::kAesCm128HmacSha1_80};

std::vector<uint8_t> master_for(SrtpSuite suite, uint8_t seed) {
  std::vector<uint8_t> master(srtp_master_length(suite));
  for (size_t i = 0; i < master.size(); ++i) {
    master[i] = static_cast<uint8_t>(seed + i * 7);
  }
  return master;
}

SrtpSession make(SrtpSuite suite, SrtpDirection direction, uint8_t seed = 1) {
  std::string error;
  auto session = SrtpSession::create(suite, direction, master_for(suite, seed), &error);
  EXPECT_TRUE(session.has_value()) << error;
  return std::move(*session);
}

// An RTP packet (RFC 3550 §5.1) of `size` bytes.
std::vector<uint8_t> rtp_packet(size_t size, uint16_t seq, uint32_t ssrc = 0x11223344) {
  std::vector<uint8_t> packet(size);
  packet[0] = 0x80;
  packet[1] = 96;
  packet[2] = static_cast<uint8_t>(seq >> 8);
  packet[3] = static_cast<uint8_t>(seq);
  packet[4] = 0x00;
  packet[5] = 0x01;
  packet[6] = 0x02;
  packet[7] = 0x03;
  packet[8] = static_cast<uint8_t>(ssrc >> 24);
  packet[9] = static_cast<uint8_t>(ssrc >> 16);
  packet[10] = static_cast<uint8_t>(ssrc >> 8);
  packet[11] = static_cast<uint8_t>(ssrc);
  for (size_t i = 12; i < size; ++i) {
    packet[i] = static_cast<uint8_t>(i * 31 + seq);
  }
  return packet;
}

// A receiver report (RFC 3550 §6.4.2) with one report block: 32 bytes.
std::vector<uint8_t> rtcp_receiver_report(uint32_t ssrc = 0xCAFEBABE) {
  std::vector<uint8_t> packet(32);
  packet[0] = 0x81;
  packet[1] = 201;
  packet[2] = 0;
  packet[3] = 7;
  packet[4] = static_cast<uint8_t>(ssrc >> 24);
  packet[5] = static_cast<uint8_t>(ssrc >> 16);
  packet[6] = static_cast<uint8_t>(ssrc >> 8);
  packet[7] = static_cast<uint8_t>(ssrc);
  for (size_t i = 8; i < packet.size(); ++i) {
    packet[i] = static_cast<uint8_t>(i);
  }
  return packet;
}

// Protects `plain` in a buffer sized exactly for the trailer, so ASan catches any write past what
// the session says it appends, and returns the SRTP bytes.
std::vector<uint8_t> protect(SrtpSession& sender, const std::vector<uint8_t>& plain,
                             bool rtcp = false) {
  const size_t trailer = rtcp ? sender.rtcp_trailer() : sender.rtp_trailer();
  std::vector<uint8_t> buffer(plain.size() + trailer);
  std::copy(plain.begin(), plain.end(), buffer.begin());
  size_t length = plain.size();
  const SrtpResult result =
      rtcp ? sender.protect_rtcp(buffer, length) : sender.protect_rtp(buffer, length);
  EXPECT_EQ(result, SrtpResult::kOk) << srtp_result_name(result);
  EXPECT_EQ(length, plain.size() + trailer);
  buffer.resize(length);
  return buffer;
}

SrtpResult unprotect(SrtpSession& receiver, std::vector<uint8_t> packet,
                     std::vector<uint8_t>* plain = nullptr, bool rtcp = false) {
  size_t length = packet.size();
  const SrtpResult result =
      rtcp ? receiver.unprotect_rtcp(packet, length) : receiver.unprotect_rtp(packet, length);
  if (plain != nullptr) {
    packet.resize(length);
    *plain = std::move(packet);
  }
  return result;
}

TEST(SrtpSuiteTest, NamesRoundTrip) {
  for (const SrtpSuite suite : kSuites) {
    EXPECT_EQ(srtp_suite_from_string(to_string(suite)), suite);
    EXPECT_EQ(srtp_suite_from_string(short_name(suite)), suite);
  }
  EXPECT_EQ(to_string(SrtpSuite::kAeadAes128Gcm), "AEAD_AES_128_GCM");
  EXPECT_EQ(to_string(SrtpSuite::kAesCm128HmacSha1_80), "AES_CM_128_HMAC_SHA1_80");
  EXPECT_EQ(srtp_suite_from_string("gcm"), SrtpSuite::kAeadAes128Gcm);
  EXPECT_EQ(srtp_suite_from_string("cm"), SrtpSuite::kAesCm128HmacSha1_80);
  EXPECT_EQ(srtp_suite_from_string("SRTP_AES128_CM_SHA1_80"), SrtpSuite::kAesCm128HmacSha1_80);
  EXPECT_EQ(srtp_suite_from_string("SRTP_AEAD_AES_128_GCM"), SrtpSuite::kAeadAes128Gcm);
  EXPECT_FALSE(srtp_suite_from_string("AES_CM_128_HMAC_SHA1_32").has_value());
  EXPECT_FALSE(srtp_suite_from_string("").has_value());
  EXPECT_EQ(srtp_master_length(SrtpSuite::kAeadAes128Gcm), 28u);
  EXPECT_EQ(srtp_master_length(SrtpSuite::kAesCm128HmacSha1_80), 30u);
}

TEST(SrtpSessionTest, RejectsWrongMasterLength) {
  for (const SrtpSuite suite : kSuites) {
    std::string error;
    std::vector<uint8_t> master(srtp_master_length(suite) + 1);
    EXPECT_FALSE(SrtpSession::create(suite, SrtpDirection::kInbound, master, &error));
    EXPECT_NE(error.find(to_string(suite)), std::string::npos) << error;
    master.resize(srtp_master_length(suite) - 1);
    EXPECT_FALSE(SrtpSession::create(suite, SrtpDirection::kOutbound, master));
  }
  // CM's 14-byte salt is not a GCM salt.
  std::vector<uint8_t> key(16), salt(14);
  EXPECT_FALSE(SrtpSession::create(SrtpSuite::kAeadAes128Gcm, SrtpDirection::kInbound, key, salt));
  EXPECT_TRUE(
      SrtpSession::create(SrtpSuite::kAesCm128HmacSha1_80, SrtpDirection::kInbound, key, salt));
}

TEST(SrtpSessionTest, SeparateKeyAndSaltEqualConcatenated) {
  for (const SrtpSuite suite : kSuites) {
    const std::vector<uint8_t> master = master_for(suite, 9);
    const std::span<const uint8_t> all(master);
    auto sender = SrtpSession::create(suite, SrtpDirection::kOutbound,
                                      all.first(srtp_master_key_length(suite)),
                                      all.subspan(srtp_master_key_length(suite)));
    ASSERT_TRUE(sender);
    SrtpSession receiver = make(suite, SrtpDirection::kInbound, 9);
    EXPECT_EQ(unprotect(receiver, protect(*sender, rtp_packet(200, 1))), SrtpResult::kOk);
  }
}

TEST(SrtpSessionTest, RtpRoundTripAllSizes) {
  for (const SrtpSuite suite : kSuites) {
    SrtpSession sender = make(suite, SrtpDirection::kOutbound);
    SrtpSession receiver = make(suite, SrtpDirection::kInbound);
    EXPECT_EQ(sender.rtp_trailer(), suite == SrtpSuite::kAeadAes128Gcm ? 16u : 10u);
    EXPECT_LE(sender.rtcp_trailer(), SrtpSession::kMaxTrailer);
    uint16_t seq = 65500;  // crosses the 16-bit wrap, so the rollover counter is exercised
    for (size_t size = 100; size <= 1400; size += 50) {
      const std::vector<uint8_t> plain = rtp_packet(size, seq++);
      const std::vector<uint8_t> srtp = protect(sender, plain);
      // The header stays in the clear (RFC 3711 §3.1), the payload does not.
      EXPECT_TRUE(std::equal(plain.begin(), plain.begin() + 12, srtp.begin()));
      EXPECT_FALSE(std::equal(plain.begin() + 12, plain.end(), srtp.begin() + 12));
      std::vector<uint8_t> back;
      ASSERT_EQ(unprotect(receiver, srtp, &back), SrtpResult::kOk)
          << short_name(suite) << " size " << size;
      EXPECT_EQ(back, plain);
    }
  }
}

TEST(SrtpSessionTest, RtcpRoundTrip) {
  for (const SrtpSuite suite : kSuites) {
    SrtpSession sender = make(suite, SrtpDirection::kOutbound);
    SrtpSession receiver = make(suite, SrtpDirection::kInbound);
    for (int i = 0; i < 3; ++i) {
      const std::vector<uint8_t> plain = rtcp_receiver_report();
      const std::vector<uint8_t> srtcp = protect(sender, plain, /*rtcp=*/true);
      EXPECT_EQ(srtcp.size(), plain.size() + (suite == SrtpSuite::kAeadAes128Gcm ? 20u : 14u));
      std::vector<uint8_t> back;
      ASSERT_EQ(unprotect(receiver, srtcp, &back, /*rtcp=*/true), SrtpResult::kOk);
      EXPECT_EQ(back, plain);
    }
  }
}

TEST(SrtpSessionTest, TamperedPacketFailsAuthentication) {
  for (const SrtpSuite suite : kSuites) {
    SrtpSession sender = make(suite, SrtpDirection::kOutbound);
    SrtpSession receiver = make(suite, SrtpDirection::kInbound);
    uint16_t seq = 1;
    // One byte of the header (authenticated, RFC 3711 §3.1; GCM's AAD), of the
    // payload, and of the tag.
    for (const size_t position : {size_t{6}, size_t{300}, size_t{1200 + 2}}) {
      std::vector<uint8_t> srtp = protect(sender, rtp_packet(1200, seq++));
      srtp[position] ^= 0x01;
      EXPECT_EQ(unprotect(receiver, srtp), SrtpResult::kAuthFailed)
          << short_name(suite) << " byte " << position;
    }
    std::vector<uint8_t> srtcp = protect(sender, rtcp_receiver_report(), /*rtcp=*/true);
    srtcp[10] ^= 0x80;
    EXPECT_EQ(unprotect(receiver, srtcp, nullptr, /*rtcp=*/true), SrtpResult::kAuthFailed);
    // An untampered packet still gets through after the failures.
    EXPECT_EQ(unprotect(receiver, protect(sender, rtp_packet(500, seq++))), SrtpResult::kOk);
  }
}

TEST(SrtpSessionTest, ReplayIsRejected) {
  for (const SrtpSuite suite : kSuites) {
    SrtpSession sender = make(suite, SrtpDirection::kOutbound);
    SrtpSession receiver = make(suite, SrtpDirection::kInbound);
    const std::vector<uint8_t> srtp = protect(sender, rtp_packet(300, 42));
    EXPECT_EQ(unprotect(receiver, srtp), SrtpResult::kOk);
    EXPECT_EQ(unprotect(receiver, srtp), SrtpResult::kReplay);

    const std::vector<uint8_t> srtcp = protect(sender, rtcp_receiver_report(), true);
    EXPECT_EQ(unprotect(receiver, srtcp, nullptr, true), SrtpResult::kOk);
    EXPECT_EQ(unprotect(receiver, srtcp, nullptr, true), SrtpResult::kReplay);
  }
}

TEST(SrtpSessionTest, ReplayWindowHoldsAVideoBurst) {
  for (const SrtpSuite suite : kSuites) {
    SrtpSession sender = make(suite, SrtpDirection::kOutbound);
    SrtpSession receiver = make(suite, SrtpDirection::kInbound);
    std::vector<std::vector<uint8_t>> packets;
    for (uint16_t seq = 0; seq <= 2000; ++seq) {
      packets.push_back(protect(sender, rtp_packet(100, seq)));
    }
    EXPECT_EQ(unprotect(receiver, packets[0]), SrtpResult::kOk);
    EXPECT_EQ(unprotect(receiver, packets[2000]), SrtpResult::kOk);
    // 1000 packets late, e.g. a retransmission of a keyframe packet: inside the 1024 window
    // (libsrtp's default of 128 would drop it).
    EXPECT_EQ(unprotect(receiver, packets[1000]), SrtpResult::kOk);
    // Older than the window.
    EXPECT_EQ(unprotect(receiver, packets[500]), SrtpResult::kReplay);
  }
}

TEST(SrtpSessionTest, RetransmissionOfSameSequenceCanBeProtectedAgain) {
  for (const SrtpSuite suite : kSuites) {
    SrtpSession sender = make(suite, SrtpDirection::kOutbound);
    SrtpSession receiver = make(suite, SrtpDirection::kInbound);
    const std::vector<uint8_t> plain = rtp_packet(800, 7);
    const std::vector<uint8_t> first = protect(sender, plain);
    protect(sender, rtp_packet(800, 8));
    const std::vector<uint8_t> again = protect(sender, plain);
    EXPECT_EQ(first, again);
    EXPECT_EQ(unprotect(receiver, again), SrtpResult::kOk);
  }
}

TEST(SrtpSessionTest, WrongKeyOrSuiteFails) {
  for (const SrtpSuite suite : kSuites) {
    SrtpSession sender = make(suite, SrtpDirection::kOutbound, 1);
    SrtpSession receiver = make(suite, SrtpDirection::kInbound, 2);
    EXPECT_EQ(unprotect(receiver, protect(sender, rtp_packet(600, 1))), SrtpResult::kAuthFailed);
    EXPECT_EQ(unprotect(receiver, protect(sender, rtcp_receiver_report(), true), nullptr, true),
              SrtpResult::kAuthFailed);
  }
  SrtpSession gcm_sender = make(SrtpSuite::kAeadAes128Gcm, SrtpDirection::kOutbound);
  SrtpSession cm_receiver = make(SrtpSuite::kAesCm128HmacSha1_80, SrtpDirection::kInbound);
  EXPECT_EQ(unprotect(cm_receiver, protect(gcm_sender, rtp_packet(600, 1))),
            SrtpResult::kAuthFailed);
}

TEST(SrtpSessionTest, AnySsrcIsAccepted) {
  for (const SrtpSuite suite : kSuites) {
    SrtpSession sender = make(suite, SrtpDirection::kOutbound);
    SrtpSession receiver = make(suite, SrtpDirection::kInbound);
    for (uint32_t ssrc = 1; ssrc <= 20; ++ssrc) {
      EXPECT_EQ(unprotect(receiver, protect(sender, rtp_packet(200, 100, ssrc * 0x01010101u))),
                SrtpResult::kOk);
    }
  }
}

TEST(SrtpSessionTest, ProtectNeedsRoomForTheTrailer) {
  for (const SrtpSuite suite : kSuites) {
    SrtpSession sender = make(suite, SrtpDirection::kOutbound);
    std::vector<uint8_t> buffer = rtp_packet(200, 1);
    buffer.resize(200 + sender.rtp_trailer() - 1);
    size_t length = 200;
    EXPECT_EQ(sender.protect_rtp(buffer, length), SrtpResult::kNoRoom);
    EXPECT_EQ(length, 200u);
    length = buffer.size() + 1;
    EXPECT_EQ(sender.protect_rtp(buffer, length), SrtpResult::kNoRoom);
    std::vector<uint8_t> rtcp = rtcp_receiver_report();
    length = rtcp.size();
    rtcp.resize(rtcp.size() + sender.rtcp_trailer() - 1);
    EXPECT_EQ(sender.protect_rtcp(rtcp, length), SrtpResult::kNoRoom);
  }
}

TEST(SrtpSessionTest, MalformedInputIsReportedNotProcessed) {
  for (const SrtpSuite suite : kSuites) {
    SrtpSession receiver = make(suite, SrtpDirection::kInbound);
    std::vector<uint8_t> tiny = {0x80, 0x60, 0x00, 0x01, 0x00};
    size_t length = tiny.size();
    EXPECT_EQ(receiver.unprotect_rtp(tiny, length), SrtpResult::kMalformed);
    EXPECT_EQ(receiver.unprotect_rtcp(tiny, length), SrtpResult::kMalformed);
    length = tiny.size() + 1;  // claims more bytes than the buffer has
    EXPECT_EQ(receiver.unprotect_rtp(tiny, length), SrtpResult::kMalformed);
    // CSRC count of 15 runs past a 20-byte packet.
    std::vector<uint8_t> csrc = rtp_packet(40, 1);
    csrc[0] = 0x8F;
    length = csrc.size();
    EXPECT_EQ(receiver.unprotect_rtp(csrc, length), SrtpResult::kMalformed);
    length = 0;
    EXPECT_NE(receiver.unprotect_rtp(tiny, length), SrtpResult::kOk);
  }
}

TEST(SrtpSessionTest, WrongDirectionIsRefused) {
  SrtpSession sender = make(SrtpSuite::kAeadAes128Gcm, SrtpDirection::kOutbound);
  SrtpSession receiver = make(SrtpSuite::kAeadAes128Gcm, SrtpDirection::kInbound);
  std::vector<uint8_t> buffer = rtp_packet(100, 1);
  buffer.resize(100 + SrtpSession::kMaxTrailer);
  size_t length = 100;
  EXPECT_EQ(receiver.protect_rtp(buffer, length), SrtpResult::kOther);
  EXPECT_EQ(sender.unprotect_rtp(buffer, length), SrtpResult::kOther);
  EXPECT_EQ(receiver.protect_rtcp(buffer, length), SrtpResult::kOther);
  EXPECT_EQ(sender.unprotect_rtcp(buffer, length), SrtpResult::kOther);
  EXPECT_EQ(length, 100u);
}

TEST(SrtpSessionTest, MoveTransfersTheContext) {
  SrtpSession sender = make(SrtpSuite::kAesCm128HmacSha1_80, SrtpDirection::kOutbound);
  SrtpSession receiver = make(SrtpSuite::kAesCm128HmacSha1_80, SrtpDirection::kInbound);
  SrtpSession moved(std::move(sender));
  std::vector<uint8_t> buffer = rtp_packet(100, 1);
  buffer.resize(100 + SrtpSession::kMaxTrailer);
  size_t length = 100;
  EXPECT_EQ(sender.protect_rtp(buffer, length), SrtpResult::kOther);  // NOLINT: use after move
  EXPECT_EQ(unprotect(receiver, protect(moved, rtp_packet(100, 2))), SrtpResult::kOk);

  SrtpSession other = make(SrtpSuite::kAesCm128HmacSha1_80, SrtpDirection::kOutbound, 5);
  other = std::move(moved);  // frees other's own context (ASan/LSan would report a leak)
  EXPECT_EQ(unprotect(receiver, protect(other, rtp_packet(100, 3))), SrtpResult::kOk);
}

TEST(SrtpSessionTest, ResultNamesAreStable) {
  EXPECT_STREQ(srtp_result_name(SrtpResult::kOk), "ok");
  EXPECT_STREQ(srtp_result_name(SrtpResult::kAuthFailed), "auth_failed");
  EXPECT_STREQ(srtp_result_name(SrtpResult::kReplay), "replay");
  EXPECT_STREQ(srtp_result_name(SrtpResult::kMalformed), "malformed");
  EXPECT_STREQ(srtp_result_name(SrtpResult::kNoRoom), "no_room");
  EXPECT_STREQ(srtp_result_name(SrtpResult::kOther), "other");
}

}  // namespace
}  // namespace ringcast::rtc
