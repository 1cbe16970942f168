// The per-packet RTP/RTCP work of the forwarding path: parse and rewrite a 1200-byte video
// packet, parse a typical SR + SDES compound, build and parse NACK and transport-cc feedback.
#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "rtc/rtcp_packet.hpp"
#include "rtc/rtp_packet.hpp"
#include "rtc/seq_num.hpp"

namespace ringcast::rtc {
namespace {

// 1200 bytes: 12-byte header, a one-byte extension block with mid (id 1), abs-send-time (id 3)
// and transport-wide sequence number (id 5), then payload.
std::vector<uint8_t> video_packet() {
  static constexpr uint8_t kHeader[] = {
      0x90, 96,   0x12, 0x34, 0x00, 0x01, 0x5F, 0x90, 0xAA, 0xBB, 0xCC, 0xDD,  // fixed header
      0xBE, 0xDE, 0x00, 0x03,                                                  // 12 bytes follow
      0x10, '0',  0x32, 0x01, 0x02, 0x03, 0x51, 0x00, 0x07, 0x00, 0x00, 0x00};
  std::vector<uint8_t> v(1200, 0x5A);
  std::memcpy(v.data(), kHeader, sizeof(kHeader));
  return v;
}

RtpExtensionIdMap swap_map() {
  // Swapping two ids is its own inverse, so repeated iterations stay in a steady state.
  RtpExtensionIdMap map{};
  map[1] = 1;
  map[3] = 5;
  map[5] = 3;
  return map;
}

void BM_RtpParseRewriteInPlace(benchmark::State& state) {
  std::vector<uint8_t> buffer = video_packet();
  const RtpExtensionIdMap map = swap_map();
  uint16_t seq = 0;
  for (auto _ : state) {
    RtpPacket packet;
    if (packet.parse(buffer) != RtpError::kNone) {
      state.SkipWithError("parse failed");
      break;
    }
    packet.set_ssrc(0x01020304);
    packet.set_payload_type(100);
    packet.set_sequence_number(seq++);
    packet.set_timestamp(packet.timestamp() + 3000);
    packet.remap_extension_ids(map);
    benchmark::DoNotOptimize(buffer.data());
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_RtpParseRewriteInPlace);

// What a consumer send does: copy into a send buffer, then parse and rewrite the copy.
void BM_RtpCopyParseRewrite(benchmark::State& state) {
  const std::vector<uint8_t> source = video_packet();
  std::array<uint8_t, 1500> send_buffer{};
  const RtpExtensionIdMap map = swap_map();
  uint16_t seq = 0;
  for (auto _ : state) {
    std::memcpy(send_buffer.data(), source.data(), source.size());
    RtpPacket packet;
    if (packet.parse(std::span(send_buffer).first(source.size())) != RtpError::kNone) {
      state.SkipWithError("parse failed");
      break;
    }
    packet.set_ssrc(0x01020304);
    packet.set_payload_type(100);
    packet.set_sequence_number(seq++);
    packet.set_timestamp(0x11111111);
    packet.remap_extension_ids(map);
    benchmark::DoNotOptimize(send_buffer.data());
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_RtpCopyParseRewrite);

void BM_RtpFindExtension(benchmark::State& state) {
  std::vector<uint8_t> buffer = video_packet();
  RtpPacket packet;
  packet.parse(buffer);
  for (auto _ : state) {
    RtpExtension e;
    benchmark::DoNotOptimize(packet.find_extension(5, e));
    benchmark::DoNotOptimize(e);
  }
}
BENCHMARK(BM_RtpFindExtension);

void BM_SequenceTrackerUpdate(benchmark::State& state) {
  SequenceTracker tracker(0);
  uint16_t seq = 0;
  uint32_t ts = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(tracker.update(seq++));
    tracker.update_jitter(ts, ts + 100 + (seq & 7));
    ts += 3000;
  }
  benchmark::DoNotOptimize(tracker.jitter());
}
BENCHMARK(BM_SequenceTrackerUpdate);

void BM_RtcpParseSrSdes(benchmark::State& state) {
  std::array<uint8_t, 256> buffer{};
  RtcpSenderInfo info{0xAABBCCDD, 0xE1234567'89ABCDEFull, 90000, 1000, 1200000};
  RtcpReportBlock block{};
  block.ssrc = 0x01020304;
  size_t length = build_sender_report(buffer, info, std::span(&block, 1));
  length += build_sdes_cname(std::span(buffer).subspan(length), 0xAABBCCDD, "rBxT3k4VnW9pQ2sL");
  const std::span<const uint8_t> compound = std::span(buffer).first(length);
  for (auto _ : state) {
    if (validate_rtcp_compound(compound, true) != RtcpError::kNone) {
      state.SkipWithError("invalid");
      break;
    }
    RtcpCompoundReader reader(compound);
    RtcpBlock rtcp;
    uint64_t sink = 0;
    while (reader.next(rtcp)) {
      if (rtcp.type == kRtcpSenderReport) {
        RtcpSenderReport sr;
        if (parse_sender_report(rtcp, sr) == RtcpError::kNone) {
          sink += sr.sender.ntp_timestamp;
          for (size_t i = 0; i < sr.blocks.count; ++i) {
            sink += sr.blocks[i].jitter;
          }
        }
      } else if (rtcp.type == kRtcpSdes) {
        RtcpSdesReader sdes(rtcp);
        RtcpSdesChunk chunk;
        while (sdes.next(chunk)) {
          sink += chunk.cname.size();
        }
      }
    }
    benchmark::DoNotOptimize(sink);
  }
}
BENCHMARK(BM_RtcpParseSrSdes);

// NACKs for 40 packets: a burst of 17 (one PID+BLP) plus scattered losses.
std::vector<uint16_t> nack_seqs() {
  std::vector<uint16_t> seqs;
  for (uint16_t s = 1000; s < 1017; ++s) {
    seqs.push_back(s);
  }
  for (uint16_t s = 1100; s < 1100 + 23 * 5; s += 5) {
    seqs.push_back(s);
  }
  return seqs;
}

void BM_NackBuild(benchmark::State& state) {
  const std::vector<uint16_t> seqs = nack_seqs();
  std::array<uint8_t, 1500> buffer{};
  for (auto _ : state) {
    benchmark::DoNotOptimize(build_nack(buffer, 1, 2, seqs));
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_NackBuild);

void BM_NackParse(benchmark::State& state) {
  const std::vector<uint16_t> seqs = nack_seqs();
  std::array<uint8_t, 1500> buffer{};
  const size_t length = build_nack(buffer, 1, 2, seqs);
  auto nack = std::make_unique<RtcpNack>();
  for (auto _ : state) {
    RtcpCompoundReader reader{std::span(buffer).first(length)};
    RtcpBlock block;
    reader.next(block);
    benchmark::DoNotOptimize(parse_nack(block, *nack));
    benchmark::DoNotOptimize(nack->count);
  }
}
BENCHMARK(BM_NackParse);

// Feedback for 100 packets with a few losses, as a receiver sends every ~50 ms.
std::vector<TransportFeedbackPacket> feedback_packets() {
  std::vector<TransportFeedbackPacket> packets;
  for (uint16_t i = 0; i < 110; ++i) {
    if (i % 11 == 10) {
      continue;
    }
    packets.push_back(
        {static_cast<uint16_t>(5000 + i), static_cast<int16_t>(i % 9 == 0 ? 400 : 8)});
  }
  return packets;
}

void BM_TransportFeedbackBuild(benchmark::State& state) {
  const std::vector<TransportFeedbackPacket> packets = feedback_packets();
  std::array<uint8_t, 1500> buffer{};
  for (auto _ : state) {
    benchmark::DoNotOptimize(build_transport_feedback(buffer, 1, 2, 5000, 1234, 7, packets));
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_TransportFeedbackBuild);

void BM_TransportFeedbackParse(benchmark::State& state) {
  const std::vector<TransportFeedbackPacket> packets = feedback_packets();
  std::array<uint8_t, 1500> buffer{};
  const size_t length = build_transport_feedback(buffer, 1, 2, 5000, 1234, 7, packets);
  auto feedback = std::make_unique<RtcpTransportFeedback>();
  for (auto _ : state) {
    RtcpCompoundReader reader{std::span(buffer).first(length)};
    RtcpBlock block;
    reader.next(block);
    benchmark::DoNotOptimize(parse_transport_feedback(block, *feedback));
    benchmark::DoNotOptimize(feedback->received_count);
  }
}
BENCHMARK(BM_TransportFeedbackParse);

}  // namespace
}  // namespace ringcast::rtc
