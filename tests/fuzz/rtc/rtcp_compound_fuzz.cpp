// Walks hostile bytes as a compound RTCP packet and runs every block parser on every block.
// Feedback that parses is rebuilt with the builders and parsed again, which must give the same
// content (NACK sequence numbers, transport-cc statuses and deltas, REMB bitrate).
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "rtc/rtcp_packet.hpp"

using namespace ringcast::rtc;

namespace {

RtcpNack nack;
RtcpNack nack_again;
RtcpTransportFeedback feedback;
RtcpTransportFeedback feedback_again;
uint8_t scratch[1 << 18];

RtcpBlock reparse(size_t length) {
  RtcpCompoundReader reader(std::span<const uint8_t>(scratch, length));
  RtcpBlock block;
  if (length == 0 || !reader.next(block)) {
    std::abort();
  }
  return block;
}

void check_nack(const RtcpBlock& block) {
  if (parse_nack(block, nack) != RtcpError::kNone || nack.truncated) {
    return;
  }
  const size_t length = build_nack(scratch, nack.sender_ssrc, nack.media_ssrc,
                                   std::span<const uint16_t>(nack.seqs.data(), nack.count));
  if (parse_nack(reparse(length), nack_again) != RtcpError::kNone) {
    std::abort();
  }
  // Repacking may merge duplicates, so compare as sets over the sequence space.
  static uint8_t seen[65536];
  for (size_t i = 0; i < nack.count; ++i) {
    seen[nack.seqs[i]] = 1;
  }
  for (size_t i = 0; i < nack_again.count; ++i) {
    if (seen[nack_again.seqs[i]] == 0) {
      std::abort();
    }
    seen[nack_again.seqs[i]] = 2;
  }
  for (size_t i = 0; i < nack.count; ++i) {
    if (seen[nack.seqs[i]] != 2) {
      std::abort();
    }
  }
  for (size_t i = 0; i < nack.count; ++i) {
    seen[nack.seqs[i]] = 0;
  }
}

void check_transport_feedback(const RtcpBlock& block) {
  if (parse_transport_feedback(block, feedback) != RtcpError::kNone ||
      feedback.received_count == 0) {
    return;
  }
  const size_t length = build_transport_feedback(
      scratch, feedback.sender_ssrc, feedback.media_ssrc, feedback.base_seq,
      feedback.reference_time, feedback.fb_pkt_count,
      std::span<const TransportFeedbackPacket>(feedback.received.data(), feedback.received_count));
  if (parse_transport_feedback(reparse(length), feedback_again) != RtcpError::kNone ||
      feedback_again.received_count != feedback.received_count ||
      feedback_again.reference_time != feedback.reference_time ||
      feedback_again.base_seq != feedback.base_seq) {
    std::abort();
  }
  for (size_t i = 0; i < feedback.received_count; ++i) {
    if (feedback_again.received[i].seq != feedback.received[i].seq ||
        feedback_again.received[i].delta_ticks != feedback.received[i].delta_ticks) {
      std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> bytes(data, size);
  (void)validate_rtcp_compound(bytes, true);
  (void)validate_rtcp_compound(bytes, false);

  RtcpCompoundReader reader(bytes);
  RtcpBlock block;
  uint64_t sink = 0;
  while (reader.next(block)) {
    switch (block.type) {
      case kRtcpSenderReport: {
        RtcpSenderReport sr;
        if (parse_sender_report(block, sr) == RtcpError::kNone) {
          for (size_t i = 0; i < sr.blocks.count; ++i) {
            sink += sr.blocks[i].jitter;
          }
        }
        break;
      }
      case kRtcpReceiverReport: {
        RtcpReceiverReport rr;
        if (parse_receiver_report(block, rr) == RtcpError::kNone) {
          for (size_t i = 0; i < rr.blocks.count; ++i) {
            sink += static_cast<uint32_t>(rr.blocks[i].cumulative_lost);
          }
        }
        break;
      }
      case kRtcpSdes: {
        RtcpSdesReader sdes(block);
        RtcpSdesChunk chunk;
        while (sdes.next(chunk)) {
          for (uint8_t b : chunk.cname) {
            sink += b;
          }
        }
        break;
      }
      case kRtcpBye: {
        RtcpBye bye;
        if (parse_bye(block, bye) == RtcpError::kNone) {
          for (size_t i = 0; i < bye.count; ++i) {
            sink += bye.ssrc(i);
          }
        }
        break;
      }
      case kRtcpRtpfb:
        check_nack(block);
        check_transport_feedback(block);
        break;
      case kRtcpPsfb: {
        RtcpPli pli;
        (void)parse_pli(block, pli);
        RtcpFir fir;
        if (parse_fir(block, fir) == RtcpError::kNone) {
          for (size_t i = 0; i < fir.count; ++i) {
            sink += fir.entry(i).seq_nr;
          }
        }
        RtcpRemb remb;
        if (parse_remb(block, remb) == RtcpError::kNone) {
          for (size_t i = 0; i < remb.ssrc_count; ++i) {
            sink += remb.ssrc(i);
          }
          uint32_t ssrcs[255];
          for (size_t i = 0; i < remb.ssrc_count; ++i) {
            ssrcs[i] = remb.ssrc(i);
          }
          RtcpRemb again;
          const size_t length = build_remb(scratch, remb.sender_ssrc, remb.bitrate_bps,
                                           std::span<const uint32_t>(ssrcs, remb.ssrc_count));
          if (parse_remb(reparse(length), again) != RtcpError::kNone ||
              again.bitrate_bps != remb.bitrate_bps) {
            std::abort();
          }
        }
        break;
      }
      default:
        break;  // APP, XR and unknown types are skipped
    }
  }
  if (sink == 0xFFFFFFFFFFFFFFFFull) {
    return 1;
  }
  return 0;
}
