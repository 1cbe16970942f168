#pragma once

#include <array>
#include <cstdint>

#include "rtc/ice_lite.hpp"
#include "rtc/rtcp_packet.hpp"
#include "rtc/rtp_packet.hpp"
#include "rtc/srtp_session.hpp"

namespace ringcast::rtc {

// The SFU's counters on one shard, shared by every router, transport, producer and consumer
// there (plain integers: one thread). Every dropped packet lands in exactly one drop_* counter.
// Names are those GetStats, ringcastctl and docs/sfu.md use.
struct SfuCounters {
  uint64_t rtp_packets_received = 0;
  uint64_t rtp_bytes_received = 0;
  uint64_t rtp_packets_sent = 0;  // to consumers, retransmissions included
  uint64_t rtp_bytes_sent = 0;
  uint64_t rtcp_packets_received = 0;
  uint64_t rtcp_packets_sent = 0;
  uint64_t nack_packets_received = 0;
  uint64_t nacked_sequence_numbers = 0;
  uint64_t retransmissions_sent = 0;
  uint64_t retransmissions_not_cached = 0;
  uint64_t key_frame_requests_received = 0;  // PLI/FIR from consumers
  uint64_t key_frame_requests_sent = 0;      // PLI to producers
  uint64_t key_frame_requests_throttled = 0;
  uint64_t sender_reports_sent = 0;
  uint64_t receiver_reports_sent = 0;
  uint64_t sender_reports_received = 0;
  uint64_t comedia_learned = 0;
  uint64_t ssrcs_learned = 0;         // bound to a producer encoding by MID/RID
  uint64_t rtx_repairs_received = 0;  // RTX packets restored to their original
  uint64_t rtx_padding_received = 0;  // RTX padding (bandwidth probes), not forwarded
  uint64_t stun_requests_answered = 0;
  uint64_t dtls_packets_received = 0;
  uint64_t dtls_handshakes_completed = 0;
  uint64_t dtls_handshakes_failed = 0;
  uint64_t transport_feedback_received = 0;
  uint64_t transport_feedback_sent = 0;
  uint64_t remb_sent = 0;
  uint64_t layer_switches = 0;

  // Drops.
  uint64_t drop_not_rtp = 0;         // first byte is neither RTP/RTCP (nor, later, STUN/DTLS)
  uint64_t drop_unknown_source = 0;  // no transport has this remote address
  uint64_t drop_unknown_ssrc = 0;    // authenticated RTP for an SSRC no producer has
  uint64_t drop_unknown_payload_type = 0;
  uint64_t drop_producer_paused = 0;
  uint64_t drop_no_buffer = 0;  // send pool empty
  uint64_t drop_malformed_rtcp = 0;
  uint64_t drop_not_connected = 0;  // media for a transport that has no remote address yet
  uint64_t drop_malformed_rtx = 0;
  uint64_t drop_dtls_unknown_source = 0;            // DTLS from an address that passed no ICE check
  uint64_t drop_stun_unknown_ufrag = 0;             // a Binding request for no transport of ours
  uint64_t drop_srtp_not_ready = 0;                 // media before DTLS produced keys
  std::array<uint64_t, kIceDropCount> drop_stun{};  // by IceDrop
  std::array<uint64_t, kRtpErrorCount> drop_malformed_rtp{};   // by RtpError
  std::array<uint64_t, kSrtpResultCount> drop_srtp{};          // by SrtpResult (unprotect)
  std::array<uint64_t, kSrtpResultCount> drop_srtp_protect{};  // by SrtpResult (protect)

  template <typename Visitor>
  void for_each(Visitor&& visit) const {
    visit("rtp_packets_received", rtp_packets_received);
    visit("rtp_bytes_received", rtp_bytes_received);
    visit("rtp_packets_sent", rtp_packets_sent);
    visit("rtp_bytes_sent", rtp_bytes_sent);
    visit("rtcp_packets_received", rtcp_packets_received);
    visit("rtcp_packets_sent", rtcp_packets_sent);
    visit("nack_packets_received", nack_packets_received);
    visit("nacked_sequence_numbers", nacked_sequence_numbers);
    visit("retransmissions_sent", retransmissions_sent);
    visit("retransmissions_not_cached", retransmissions_not_cached);
    visit("key_frame_requests_received", key_frame_requests_received);
    visit("key_frame_requests_sent", key_frame_requests_sent);
    visit("key_frame_requests_throttled", key_frame_requests_throttled);
    visit("sender_reports_sent", sender_reports_sent);
    visit("receiver_reports_sent", receiver_reports_sent);
    visit("sender_reports_received", sender_reports_received);
    visit("comedia_learned", comedia_learned);
    visit("ssrcs_learned", ssrcs_learned);
    visit("rtx_repairs_received", rtx_repairs_received);
    visit("rtx_padding_received", rtx_padding_received);
    visit("stun_requests_answered", stun_requests_answered);
    visit("dtls_packets_received", dtls_packets_received);
    visit("dtls_handshakes_completed", dtls_handshakes_completed);
    visit("dtls_handshakes_failed", dtls_handshakes_failed);
    visit("transport_feedback_received", transport_feedback_received);
    visit("transport_feedback_sent", transport_feedback_sent);
    visit("remb_sent", remb_sent);
    visit("layer_switches", layer_switches);
    visit("drop_not_rtp", drop_not_rtp);
    visit("drop_unknown_source", drop_unknown_source);
    visit("drop_unknown_ssrc", drop_unknown_ssrc);
    visit("drop_unknown_payload_type", drop_unknown_payload_type);
    visit("drop_producer_paused", drop_producer_paused);
    visit("drop_no_buffer", drop_no_buffer);
    visit("drop_malformed_rtcp", drop_malformed_rtcp);
    visit("drop_not_connected", drop_not_connected);
    visit("drop_malformed_rtx", drop_malformed_rtx);
    visit("drop_dtls_unknown_source", drop_dtls_unknown_source);
    visit("drop_stun_unknown_ufrag", drop_stun_unknown_ufrag);
    visit("drop_srtp_not_ready", drop_srtp_not_ready);
    for (size_t i = 1; i < kIceDropCount; ++i) {
      visit_named(visit, "drop_stun_", ice_drop_name(static_cast<IceDrop>(i)), drop_stun[i]);
    }
    for (size_t i = 1; i < kRtpErrorCount; ++i) {
      visit_named(visit, "drop_malformed_rtp_", rtp_error_name(static_cast<RtpError>(i)),
                  drop_malformed_rtp[i]);
    }
    for (size_t i = 1; i < kSrtpResultCount; ++i) {
      visit_named(visit, "drop_srtp_", srtp_result_name(static_cast<SrtpResult>(i)), drop_srtp[i]);
      visit_named(visit, "drop_srtp_protect_", srtp_result_name(static_cast<SrtpResult>(i)),
                  drop_srtp_protect[i]);
    }
  }

 private:
  template <typename Visitor>
  static void visit_named(Visitor& visit, const char* prefix, const char* reason, uint64_t value) {
    char name[64];
    size_t length = 0;
    for (const char* p = prefix; *p != '\0' && length < sizeof name - 1; ++p) {
      name[length++] = *p;
    }
    for (const char* p = reason; *p != '\0' && length < sizeof name - 1; ++p) {
      name[length++] = *p;
    }
    visit(std::string_view(name, length), value);
  }
};

}  // namespace ringcast::rtc
