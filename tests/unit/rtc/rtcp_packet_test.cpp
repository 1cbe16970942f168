#include "rtc/rtcp_packet.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ringcast::rtc {
namespace {

// Reads exactly one block out of `bytes`, failing the test otherwise.
RtcpBlock single_block(std::span<const uint8_t> bytes) {
  RtcpCompoundReader reader(bytes);
  RtcpBlock block;
  EXPECT_TRUE(reader.next(block));
  RtcpBlock extra;
  EXPECT_FALSE(reader.next(extra));
  EXPECT_EQ(reader.error(), RtcpError::kNone);
  return block;
}

RtcpReportBlock sample_report_block(uint32_t ssrc) {
  RtcpReportBlock block;
  block.ssrc = ssrc;
  block.fraction_lost = 25;
  block.cumulative_lost = -3;
  block.extended_highest_seq = 0x0001FFFF;
  block.jitter = 120;
  block.last_sr = 0x12345678;
  block.delay_since_last_sr = 65536;
  return block;
}

TEST(RtcpPacket, ErrorNamesAreDistinct) {
  for (size_t i = 0; i < kRtcpErrorCount; ++i) {
    for (size_t j = i + 1; j < kRtcpErrorCount; ++j) {
      EXPECT_STRNE(rtcp_error_name(static_cast<RtcpError>(i)),
                   rtcp_error_name(static_cast<RtcpError>(j)));
    }
  }
}

TEST(RtcpPacket, SenderReportRoundTrip) {
  std::array<uint8_t, 256> buffer{};
  RtcpSenderInfo info{0x11223344, 0xE1234567'89ABCDEFull, 90000, 1000, 1200000};
  const RtcpReportBlock blocks[] = {sample_report_block(1), sample_report_block(2)};
  const size_t length = build_sender_report(buffer, info, blocks);
  ASSERT_EQ(length, 4u + 24 + 48);
  const RtcpBlock block = single_block(std::span(buffer).first(length));
  EXPECT_EQ(block.type, kRtcpSenderReport);
  RtcpSenderReport sr;
  ASSERT_EQ(parse_sender_report(block, sr), RtcpError::kNone);
  EXPECT_EQ(sr.sender.ssrc, info.ssrc);
  EXPECT_EQ(sr.sender.ntp_timestamp, info.ntp_timestamp);
  EXPECT_EQ(sr.sender.rtp_timestamp, info.rtp_timestamp);
  EXPECT_EQ(sr.sender.packet_count, info.packet_count);
  EXPECT_EQ(sr.sender.octet_count, info.octet_count);
  ASSERT_EQ(sr.blocks.count, 2);
  const RtcpReportBlock b = sr.blocks[1];
  EXPECT_EQ(b.ssrc, 2u);
  EXPECT_EQ(b.fraction_lost, 25);
  EXPECT_EQ(b.cumulative_lost, -3);
  EXPECT_EQ(b.extended_highest_seq, 0x0001FFFFu);
  EXPECT_EQ(b.jitter, 120u);
  EXPECT_EQ(b.last_sr, 0x12345678u);
  EXPECT_EQ(b.delay_since_last_sr, 65536u);

  RtcpReceiverReport rr;
  EXPECT_EQ(parse_receiver_report(block, rr), RtcpError::kWrongType);
  EXPECT_EQ(build_sender_report(std::span(buffer).first(length - 1), info, blocks), 0u);
}

TEST(RtcpPacket, ReceiverReportRoundTrip) {
  std::array<uint8_t, 64> buffer{};
  const RtcpReportBlock blocks[] = {sample_report_block(7)};
  const size_t length = build_receiver_report(buffer, 0xABCD, blocks);
  ASSERT_EQ(length, 32u);
  RtcpReceiverReport rr;
  ASSERT_EQ(parse_receiver_report(single_block(std::span(buffer).first(length)), rr),
            RtcpError::kNone);
  EXPECT_EQ(rr.ssrc, 0xABCDu);
  ASSERT_EQ(rr.blocks.count, 1);
  EXPECT_EQ(rr.blocks[0].ssrc, 7u);
  EXPECT_EQ(rr.blocks[0].cumulative_lost, -3);

  // An empty RR (no report blocks) is the usual first packet of a receiver's compound.
  const size_t empty_length = build_receiver_report(buffer, 5, {});
  ASSERT_EQ(empty_length, 8u);
  ASSERT_EQ(parse_receiver_report(single_block(std::span(buffer).first(empty_length)), rr),
            RtcpError::kNone);
  EXPECT_EQ(rr.blocks.count, 0);

  std::vector<RtcpReportBlock> too_many(32, sample_report_block(1));
  std::vector<uint8_t> big(2048);
  EXPECT_EQ(build_receiver_report(big, 1, too_many), 0u);
}

TEST(RtcpPacket, ReportCountPastBodyIsTruncated) {
  // RR claiming 2 report blocks with room for 1.
  std::array<uint8_t, 64> buffer{};
  const RtcpReportBlock blocks[] = {sample_report_block(7)};
  const size_t length = build_receiver_report(buffer, 1, blocks);
  buffer[0] = static_cast<uint8_t>((buffer[0] & 0xE0) | 2);
  RtcpReceiverReport rr;
  EXPECT_EQ(parse_receiver_report(single_block(std::span(buffer).first(length)), rr),
            RtcpError::kTruncated);
  // SR with its sender info cut short.
  const uint8_t sr[] = {0x80, 200, 0x00, 0x01, 0, 0, 0, 1};
  RtcpSenderReport report;
  EXPECT_EQ(parse_sender_report(single_block(sr), report), RtcpError::kTruncated);
}

TEST(RtcpPacket, SdesCnameRoundTrip) {
  for (std::string_view cname : {"", "a", "ab", "abc", "user@host-0123456789abcdef"}) {
    std::array<uint8_t, 300> buffer{};
    const size_t length = build_sdes_cname(buffer, 0x55667788, cname);
    ASSERT_GT(length, 0u);
    ASSERT_EQ(length % 4, 0u);
    RtcpSdesReader reader(single_block(std::span(buffer).first(length)));
    RtcpSdesChunk chunk;
    ASSERT_TRUE(reader.next(chunk)) << cname;
    EXPECT_EQ(chunk.ssrc, 0x55667788u);
    EXPECT_EQ(
        std::string_view(reinterpret_cast<const char*>(chunk.cname.data()), chunk.cname.size()),
        cname);
    EXPECT_FALSE(reader.next(chunk));
    EXPECT_EQ(reader.error(), RtcpError::kNone);
  }
  std::array<uint8_t, 300> buffer{};
  EXPECT_EQ(build_sdes_cname(buffer, 1, std::string(256, 'x')), 0u);
}

TEST(RtcpPacket, SdesTwoChunksWithOtherItems) {
  // Chunk 1: SSRC 1, NAME "x", CNAME "cn", end (+pad). Chunk 2: SSRC 2, end.
  const uint8_t bytes[] = {0x82, 202, 0x00, 0x05,                                //
                           0,    0,   0,    1,    2, 1, 'x', 1, 2, 'c', 'n', 0,  //
                           0,    0,   0,    2,    0, 0, 0,   0};
  RtcpSdesReader reader(single_block(bytes));
  RtcpSdesChunk chunk;
  ASSERT_TRUE(reader.next(chunk));
  EXPECT_EQ(chunk.ssrc, 1u);
  ASSERT_EQ(chunk.cname.size(), 2u);
  EXPECT_EQ(chunk.cname[0], 'c');
  ASSERT_TRUE(reader.next(chunk));
  EXPECT_EQ(chunk.ssrc, 2u);
  EXPECT_TRUE(chunk.cname.empty());
  EXPECT_FALSE(reader.next(chunk));
  EXPECT_EQ(reader.error(), RtcpError::kNone);
}

TEST(RtcpPacket, SdesMalformed) {
  // Item length past the block.
  const uint8_t long_item[] = {0x81, 202, 0x00, 0x02, 0, 0, 0, 1, 1, 9, 'a', 'b'};
  RtcpSdesReader a(single_block(long_item));
  RtcpSdesChunk chunk;
  EXPECT_FALSE(a.next(chunk));
  EXPECT_EQ(a.error(), RtcpError::kBadSdes);
  // No null item before the end.
  const uint8_t no_end[] = {0x81, 202, 0x00, 0x02, 0, 0, 0, 1, 1, 2, 'a', 'b'};
  RtcpSdesReader b(single_block(no_end));
  EXPECT_FALSE(b.next(chunk));
  EXPECT_EQ(b.error(), RtcpError::kBadSdes);
  // Count says 2 chunks, one present.
  const uint8_t missing[] = {0x82, 202, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 0};
  RtcpSdesReader c(single_block(missing));
  EXPECT_TRUE(c.next(chunk));
  EXPECT_FALSE(c.next(chunk));
  EXPECT_EQ(c.error(), RtcpError::kBadSdes);
  // Wrong type.
  const uint8_t rr[] = {0x80, 201, 0x00, 0x01, 0, 0, 0, 1};
  RtcpSdesReader d(single_block(rr));
  EXPECT_FALSE(d.next(chunk));
  EXPECT_EQ(d.error(), RtcpError::kWrongType);
}

TEST(RtcpPacket, ByeRoundTripAndReason) {
  std::array<uint8_t, 64> buffer{};
  const uint32_t ssrcs[] = {10, 20, 30};
  const size_t length = build_bye(buffer, ssrcs);
  ASSERT_EQ(length, 16u);
  RtcpBye bye;
  ASSERT_EQ(parse_bye(single_block(std::span(buffer).first(length)), bye), RtcpError::kNone);
  ASSERT_EQ(bye.count, 3);
  EXPECT_EQ(bye.ssrc(2), 30u);
  EXPECT_TRUE(bye.reason.empty());

  const uint8_t with_reason[] = {0x81, 203, 0x00, 0x02, 0, 0, 0, 9, 3, 'b', 'y', 'e'};
  ASSERT_EQ(parse_bye(single_block(with_reason), bye), RtcpError::kNone);
  EXPECT_EQ(bye.reason.size(), 3u);
  const uint8_t bad_reason[] = {0x81, 203, 0x00, 0x02, 0, 0, 0, 9, 5, 'b', 'y', 'e'};
  EXPECT_EQ(parse_bye(single_block(bad_reason), bye), RtcpError::kTruncated);
  const uint8_t too_few[] = {0x82, 203, 0x00, 0x01, 0, 0, 0, 9};
  EXPECT_EQ(parse_bye(single_block(too_few), bye), RtcpError::kTruncated);
}

TEST(RtcpPacket, NackPacksAndExpands) {
  std::array<uint8_t, 128> buffer{};
  // 100..116 fit one PID+BLP; 200 and 0xFFFF..2 (across the wrap) need two more.
  std::vector<uint16_t> seqs;
  for (uint16_t s = 100; s <= 116; ++s) {
    seqs.push_back(s);
  }
  seqs.push_back(200);
  seqs.push_back(0xFFFF);
  seqs.push_back(0);
  seqs.push_back(2);
  const size_t length = build_nack(buffer, 0x1111, 0x2222, seqs);
  ASSERT_EQ(length, 12u + 3 * 4);
  const RtcpBlock block = single_block(std::span(buffer).first(length));
  EXPECT_EQ(block.type, kRtcpRtpfb);
  EXPECT_EQ(block.count, kRtpfbNack);
  auto nack = std::make_unique<RtcpNack>();
  ASSERT_EQ(parse_nack(block, *nack), RtcpError::kNone);
  EXPECT_EQ(nack->sender_ssrc, 0x1111u);
  EXPECT_EQ(nack->media_ssrc, 0x2222u);
  EXPECT_FALSE(nack->truncated);
  ASSERT_EQ(nack->count, seqs.size());
  for (size_t i = 0; i < seqs.size(); ++i) {
    EXPECT_EQ(nack->seqs[i], seqs[i]) << i;
  }
  EXPECT_EQ(build_nack(buffer, 1, 2, {}), 0u);
  EXPECT_EQ(build_nack(std::span(buffer).first(length - 1), 0x1111, 0x2222, seqs), 0u);
}

TEST(RtcpPacket, NackExpansionIsBounded) {
  // 64 FCI entries with all BLP bits set name 64 * 17 = 1088 sequence numbers.
  std::vector<uint8_t> bytes = {0x81, 205, 0x00, static_cast<uint8_t>(2 + 64), 0, 0, 0, 1, 0,
                                0,    0,   2};
  for (int i = 0; i < 64; ++i) {
    bytes.push_back(static_cast<uint8_t>(i));
    bytes.push_back(0);
    bytes.push_back(0xFF);
    bytes.push_back(0xFF);
  }
  auto nack = std::make_unique<RtcpNack>();
  ASSERT_EQ(parse_nack(single_block(bytes), *nack), RtcpError::kNone);
  EXPECT_TRUE(nack->truncated);
  EXPECT_EQ(nack->count, kMaxNackSequenceNumbers);

  const uint8_t no_fci[] = {0x81, 205, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 2};
  EXPECT_EQ(parse_nack(single_block(no_fci), *nack), RtcpError::kTruncated);
  const uint8_t pli[] = {0x81, 206, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 2};
  EXPECT_EQ(parse_nack(single_block(pli), *nack), RtcpError::kWrongType);
}

TEST(RtcpPacket, PliAndFirRoundTrip) {
  std::array<uint8_t, 64> buffer{};
  size_t length = build_pli(buffer, 3, 4);
  ASSERT_EQ(length, 12u);
  RtcpPli pli;
  ASSERT_EQ(parse_pli(single_block(std::span(buffer).first(length)), pli), RtcpError::kNone);
  EXPECT_EQ(pli.sender_ssrc, 3u);
  EXPECT_EQ(pli.media_ssrc, 4u);

  const RtcpFirEntry entries[] = {{0xAAAA, 7}, {0xBBBB, 255}};
  length = build_fir(buffer, 9, entries);
  ASSERT_EQ(length, 28u);
  RtcpFir fir;
  const RtcpBlock block = single_block(std::span(buffer).first(length));
  ASSERT_EQ(parse_fir(block, fir), RtcpError::kNone);
  EXPECT_EQ(parse_pli(block, pli), RtcpError::kWrongType);
  EXPECT_EQ(fir.sender_ssrc, 9u);
  ASSERT_EQ(fir.count, 2u);
  EXPECT_EQ(fir.entry(0).ssrc, 0xAAAAu);
  EXPECT_EQ(fir.entry(0).seq_nr, 7);
  EXPECT_EQ(fir.entry(1).seq_nr, 255);

  const uint8_t short_pli[] = {0x81, 206, 0x00, 0x01, 0, 0, 0, 1};
  EXPECT_EQ(parse_pli(single_block(short_pli), pli), RtcpError::kTruncated);
  const uint8_t empty_fir[] = {0x84, 206, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 0};
  EXPECT_EQ(parse_fir(single_block(empty_fir), fir), RtcpError::kTruncated);
}

TEST(RtcpPacket, RembRoundTrip) {
  std::array<uint8_t, 64> buffer{};
  const uint32_t ssrcs[] = {0x01010101, 0x02020202};
  for (uint64_t bitrate : {0ull, 1ull, 262143ull, 262144ull, 2500000ull, 1'000'000'000ull}) {
    const size_t length = build_remb(buffer, 77, bitrate, ssrcs);
    ASSERT_EQ(length, 28u);
    RtcpRemb remb;
    ASSERT_EQ(parse_remb(single_block(std::span(buffer).first(length)), remb), RtcpError::kNone);
    EXPECT_EQ(remb.sender_ssrc, 77u);
    // The 18-bit mantissa keeps at least 17 significant bits.
    EXPECT_LE(remb.bitrate_bps, bitrate);
    EXPECT_GE(remb.bitrate_bps, bitrate - bitrate / 131072);
    ASSERT_EQ(remb.ssrc_count, 2);
    EXPECT_EQ(remb.ssrc(1), 0x02020202u);
  }
  // Overflowing exponent: mantissa 0x3FFFF << 63.
  const uint8_t overflow[] = {0x8F, 206, 0x00, 0x04, 0,   0,   0, 1,    0,    0,
                              0,    0,   'R',  'E',  'M', 'B', 0, 0xFF, 0xFF, 0xFF};
  RtcpRemb remb;
  EXPECT_EQ(parse_remb(single_block(overflow), remb), RtcpError::kBadFeedback);
  const uint8_t not_remb[] = {0x8F, 206, 0x00, 0x04, 0,   0,   0, 1, 0, 0,
                              0,    0,   'X',  'E',  'M', 'B', 0, 0, 0, 0};
  EXPECT_EQ(parse_remb(single_block(not_remb), remb), RtcpError::kWrongType);
  const uint8_t ssrcs_missing[] = {0x8F, 206, 0x00, 0x04, 0,   0,   0, 1, 0, 0,
                                   0,    0,   'R',  'E',  'M', 'B', 1, 0, 0, 1};
  EXPECT_EQ(parse_remb(single_block(ssrcs_missing), remb), RtcpError::kTruncated);
}

TEST(RtcpPacket, TransportFeedbackHandCrafted) {
  // base 100, 3 statuses (small, not received, large), reference time -2, fb count 9.
  // One two-bit status vector chunk 11 01 00 10 00 00 00 00 = 0xD200; deltas 0x10, 0xFFF0;
  // 25 bytes, padded by 3 with the P bit.
  const uint8_t bytes[] = {0xAF, 205,  0x00, 0x06, 0,    0,    0,    1, 0, 0, 0, 2,  //
                           0x00, 100,  0x00, 3,    0xFF, 0xFF, 0xFE, 9,              //
                           0xD2, 0x00, 0x10, 0xFF, 0xF0, 0,    0,    3};
  auto fb = std::make_unique<RtcpTransportFeedback>();
  ASSERT_EQ(parse_transport_feedback(single_block(bytes), *fb), RtcpError::kNone);
  EXPECT_EQ(fb->sender_ssrc, 1u);
  EXPECT_EQ(fb->media_ssrc, 2u);
  EXPECT_EQ(fb->base_seq, 100);
  EXPECT_EQ(fb->status_count, 3);
  EXPECT_EQ(fb->reference_time, -2);
  EXPECT_EQ(fb->fb_pkt_count, 9);
  ASSERT_EQ(fb->received_count, 2);
  EXPECT_EQ(fb->received[0].seq, 100);
  EXPECT_EQ(fb->received[0].delta_ticks, 16);
  EXPECT_EQ(fb->received[1].seq, 102);
  EXPECT_EQ(fb->received[1].delta_ticks, -16);
}

TEST(RtcpPacket, TransportFeedbackMalformed) {
  auto fb = std::make_unique<RtcpTransportFeedback>();
  // Status count 20 but a single one-bit vector chunk (14 statuses) before the end.
  const uint8_t few_chunks[] = {0x8F, 205, 0x00, 0x05, 0, 0, 0, 1, 0,    0,    0, 2,
                                0x00, 0,   0x00, 20,   0, 0, 0, 0, 0x80, 0x00, 0, 0};
  EXPECT_EQ(parse_transport_feedback(single_block(few_chunks), *fb), RtcpError::kTruncated);
  // Run of 5 small deltas but only 2 delta bytes.
  const uint8_t few_deltas[] = {0x8F, 205, 0x00, 0x05, 0, 0, 0, 1, 0,    0,    0, 2,
                                0x00, 0,   0x00, 5,    0, 0, 0, 0, 0x20, 0x05, 1, 1};
  EXPECT_EQ(parse_transport_feedback(single_block(few_deltas), *fb), RtcpError::kTruncated);
  // Reserved status 3 in a run-length chunk.
  const uint8_t reserved[] = {0x8F, 205, 0x00, 0x05, 0, 0, 0, 1, 0,    0,    0, 2,
                              0x00, 0,   0x00, 2,    0, 0, 0, 0, 0x60, 0x02, 0, 0};
  EXPECT_EQ(parse_transport_feedback(single_block(reserved), *fb), RtcpError::kBadFeedback);
  // Header cut short.
  const uint8_t header_only[] = {0x8F, 205, 0x00, 0x03, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 1};
  EXPECT_EQ(parse_transport_feedback(single_block(header_only), *fb), RtcpError::kTruncated);
  // A long run of lost packets is fine and allocates nothing.
  const uint8_t lost_run[] = {0x8F, 205, 0x00, 0x05, 0, 0, 0, 1, 0,    0,    0, 2,
                              0x00, 0,   0x1F, 0xFF, 0, 0, 0, 0, 0x1F, 0xFF, 0, 0};
  ASSERT_EQ(parse_transport_feedback(single_block(lost_run), *fb), RtcpError::kNone);
  EXPECT_EQ(fb->status_count, 0x1FFF);
  EXPECT_EQ(fb->received_count, 0);
}

TEST(RtcpPacket, TransportFeedbackRoundTrip) {
  // A mix that exercises all three chunk kinds: a long run of received small deltas, a gap of
  // lost packets, isolated large deltas and a wrap of the sequence number.
  std::vector<TransportFeedbackPacket> received;
  uint16_t seq = 0xFFF0;
  for (int i = 0; i < 40; ++i) {
    received.push_back({seq++, static_cast<int16_t>(i % 5)});
  }
  seq = static_cast<uint16_t>(seq + 30);  // 30 lost
  received.push_back({seq++, -4});
  received.push_back({seq++, 300});
  received.push_back({seq++, 3});
  seq = static_cast<uint16_t>(seq + 2);
  received.push_back({seq++, 255});
  for (int i = 0; i < 9; ++i) {
    received.push_back({seq++, 1000});
  }
  std::vector<uint8_t> buffer(1500);
  const size_t length = build_transport_feedback(buffer, 0xA, 0xB, 0xFFF0, 123456, 17, received);
  ASSERT_GT(length, 0u);
  ASSERT_EQ(length % 4, 0u);
  const RtcpBlock block = single_block(std::span(buffer).first(length));
  auto fb = std::make_unique<RtcpTransportFeedback>();
  ASSERT_EQ(parse_transport_feedback(block, *fb), RtcpError::kNone);
  EXPECT_EQ(fb->base_seq, 0xFFF0);
  EXPECT_EQ(fb->reference_time, 123456);
  EXPECT_EQ(fb->fb_pkt_count, 17);
  EXPECT_EQ(fb->status_count, static_cast<uint16_t>(seq - 0xFFF0));
  ASSERT_EQ(fb->received_count, received.size());
  for (size_t i = 0; i < received.size(); ++i) {
    EXPECT_EQ(fb->received[i].seq, received[i].seq) << i;
    EXPECT_EQ(fb->received[i].delta_ticks, received[i].delta_ticks) << i;
  }
  // Negative reference time survives the 24-bit field.
  const TransportFeedbackPacket one[] = {{5, 1}};
  const size_t one_length = build_transport_feedback(buffer, 1, 2, 5, -1, 0, one);
  ASSERT_EQ(one_length, 24u);
  ASSERT_EQ(parse_transport_feedback(single_block(std::span(buffer).first(one_length)), *fb),
            RtcpError::kNone);
  EXPECT_EQ(fb->reference_time, -1);
  // Not increasing, empty, or no room.
  const TransportFeedbackPacket backwards[] = {{5, 1}, {4, 1}};
  EXPECT_EQ(build_transport_feedback(buffer, 1, 2, 4, 0, 0, backwards), 0u);
  EXPECT_EQ(build_transport_feedback(buffer, 1, 2, 4, 0, 0, {}), 0u);
  EXPECT_EQ(build_transport_feedback(std::span(buffer).first(length - 1), 0xA, 0xB, 0xFFF0, 123456,
                                     17, received),
            0u);
}

// Interop vectors from pion/rtcp's tests (transport_layer_cc_test.go,
// receiver_estimated_maximum_bitrate_test.go): bytes other implementations produce and accept.
TEST(RtcpPacket, TransportFeedbackInteropParse) {
  // Two-bit vector [1 1 1 1 1 0 2], then a run of 48 not received; status count 9.
  const uint8_t bytes[] = {0xaf, 0xcd, 0x00, 0x07, 0x9b, 0x74, 0xf6, 0x1f, 0x93, 0x71, 0xdc,
                           0xbc, 0x85, 0x3c, 0x00, 0x09, 0x63, 0xf9, 0x16, 0xb3, 0xd5, 0x52,
                           0x00, 0x30, 0x9b, 0xaa, 0x6a, 0xaa, 0x7b, 0x01, 0x09, 0x01};
  auto fb = std::make_unique<RtcpTransportFeedback>();
  ASSERT_EQ(parse_transport_feedback(single_block(bytes), *fb), RtcpError::kNone);
  EXPECT_EQ(fb->sender_ssrc, 2608133663u);
  EXPECT_EQ(fb->media_ssrc, 2473712828u);
  EXPECT_EQ(fb->base_seq, 34108);
  EXPECT_EQ(fb->status_count, 9);
  EXPECT_EQ(fb->reference_time, 6551830);
  EXPECT_EQ(fb->fb_pkt_count, 179);
  const TransportFeedbackPacket want[] = {{34108, 155}, {34109, 170}, {34110, 106},
                                          {34111, 170}, {34112, 123}, {34114, 265}};
  ASSERT_EQ(fb->received_count, std::size(want));
  for (size_t i = 0; i < std::size(want); ++i) {
    EXPECT_EQ(fb->received[i].seq, want[i].seq) << i;
    EXPECT_EQ(fb->received[i].delta_ticks, want[i].delta_ticks) << i;  // 250 µs ticks
  }
}

TEST(RtcpPacket, TransportFeedbackInteropBuild) {
  // Seven received small deltas of 19, 9, 9, 4, 3, 3, 4 ms: one run-length chunk.
  const uint8_t want[] = {0xaf, 0xcd, 0x00, 0x07, 0xfa, 0x17, 0xfa, 0x17, 0x19, 0x3d, 0xd8,
                          0xbb, 0x00, 0x04, 0x00, 0x07, 0x10, 0x63, 0x6e, 0x01, 0x20, 0x07,
                          0x4c, 0x24, 0x24, 0x10, 0x0c, 0x0c, 0x10, 0x00, 0x00, 0x03};
  const TransportFeedbackPacket received[] = {{4, 76}, {5, 36}, {6, 36}, {7, 16},
                                              {8, 12}, {9, 12}, {10, 16}};
  std::array<uint8_t, 64> buffer{};
  const size_t length =
      build_transport_feedback(buffer, 4195875351u, 423483579u, 4, 1074030, 1, received);
  ASSERT_EQ(length, sizeof(want));
  EXPECT_TRUE(std::equal(std::begin(want), std::end(want), buffer.begin()));
}

TEST(RtcpPacket, RembInterop) {
  // Sent by Chrome: 8927168 bps (mantissa 139487, exponent 6) for SSRC 1215622422.
  const uint8_t chrome[] = {143, 206, 0,  5,  0, 0,  0,  1,   0,  0,   0,   0,
                            82,  69,  77, 66, 1, 26, 32, 223, 72, 116, 237, 22};
  RtcpRemb remb;
  ASSERT_EQ(parse_remb(single_block(chrome), remb), RtcpError::kNone);
  EXPECT_EQ(remb.sender_ssrc, 1u);
  EXPECT_EQ(remb.bitrate_bps, 8927168u);
  ASSERT_EQ(remb.ssrc_count, 1);
  EXPECT_EQ(remb.ssrc(0), 1215622422u);
  std::array<uint8_t, 64> buffer{};
  const uint32_t ssrcs[] = {1215622422u};
  ASSERT_EQ(build_remb(buffer, 1, 8927168, ssrcs), sizeof(chrome));
  EXPECT_TRUE(std::equal(std::begin(chrome), std::end(chrome), buffer.begin()));
}

TEST(RtcpPacket, CompoundIteration) {
  std::array<uint8_t, 256> buffer{};
  size_t length = 0;
  RtcpSenderInfo info{1, 2, 3, 4, 5};
  length += build_sender_report(std::span(buffer).subspan(length), info, {});
  length += build_sdes_cname(std::span(buffer).subspan(length), 1, "cname");
  length += build_pli(std::span(buffer).subspan(length), 1, 9);
  const std::span<const uint8_t> compound = std::span(buffer).first(length);
  EXPECT_EQ(validate_rtcp_compound(compound, true), RtcpError::kNone);
  RtcpCompoundReader reader(compound);
  RtcpBlock block;
  ASSERT_TRUE(reader.next(block));
  EXPECT_EQ(block.type, kRtcpSenderReport);
  ASSERT_TRUE(reader.next(block));
  EXPECT_EQ(block.type, kRtcpSdes);
  ASSERT_TRUE(reader.next(block));
  EXPECT_EQ(block.type, kRtcpPsfb);
  EXPECT_EQ(block.count, kPsfbPli);
  EXPECT_FALSE(reader.next(block));
  EXPECT_EQ(reader.error(), RtcpError::kNone);

  // Reduced size: a lone PLI passes only when a leading report is not required.
  const std::span<const uint8_t> pli = compound.last(12);
  EXPECT_EQ(validate_rtcp_compound(pli, false), RtcpError::kNone);
  EXPECT_EQ(validate_rtcp_compound(pli, true), RtcpError::kFirstNotReport);
  EXPECT_EQ(validate_rtcp_compound({}, false), RtcpError::kTooShort);
}

TEST(RtcpPacket, CompoundMalformed) {
  std::array<uint8_t, 64> buffer{};
  size_t length = build_receiver_report(buffer, 1, {});
  length += build_pli(std::span(buffer).subspan(length), 1, 2);
  std::vector<uint8_t> good(buffer.begin(), buffer.begin() + length);

  std::vector<uint8_t> v = good;
  v[8] = 0x41;  // second block version 1
  EXPECT_EQ(validate_rtcp_compound(v, false), RtcpError::kBadVersion);

  v = good;
  v[11] = 5;  // second block length past the end
  EXPECT_EQ(validate_rtcp_compound(v, false), RtcpError::kLengthPastEnd);

  v = good;
  v.push_back(0x80);  // trailing bytes shorter than a header
  EXPECT_EQ(validate_rtcp_compound(v, false), RtcpError::kTooShort);

  v = good;
  v[0] |= 0x20;  // padding on the first of two blocks
  EXPECT_EQ(validate_rtcp_compound(v, false), RtcpError::kPaddingNotLast);

  v = good;  // padding on the last block, count 0
  v[8] |= 0x20;
  v[19] = 0;
  EXPECT_EQ(validate_rtcp_compound(v, false), RtcpError::kBadPadding);
  v[19] = 9;  // larger than the 8-byte body
  EXPECT_EQ(validate_rtcp_compound(v, false), RtcpError::kBadPadding);
  v[19] = 4;  // valid: the media SSRC becomes padding, so the PLI is now too short
  EXPECT_EQ(validate_rtcp_compound(v, false), RtcpError::kNone);
  RtcpCompoundReader reader(v);
  RtcpBlock block;
  ASSERT_TRUE(reader.next(block));
  ASSERT_TRUE(reader.next(block));
  EXPECT_EQ(block.body.size(), 4u);
  RtcpPli pli;
  EXPECT_EQ(parse_pli(block, pli), RtcpError::kTruncated);

  const uint8_t tiny[] = {0x80, 201, 0};
  EXPECT_EQ(validate_rtcp_compound(tiny, false), RtcpError::kTooShort);
}

}  // namespace
}  // namespace ringcast::rtc
