#pragma once

#include <array>
#include <memory>
#include <string>

#include "rtc/dtls_context.hpp"
#include "rtc/dtls_transport.hpp"
#include "rtc/ice_lite.hpp"
#include "rtc/transport.hpp"

namespace ringcast::rtc {

// A transport to a WebRTC endpoint (docs/webrtc.md): ICE-lite answers the peer's checks and
// picks the path (RFC 8445 §2.5), DTLS over that path keys SRTP (RFC 5764), and everything
// (audio, video, RTCP, DTLS, STUN) shares one 5-tuple (BUNDLE, rtcp-mux; RFC 7983 demux).
//
// Congestion feedback both ways: toward a publisher, transport-wide feedback for the packets it
// sent (so a browser's send-side estimator ramps) and REMB with our incoming limit; from a
// subscriber, its transport-wide feedback (or REMB) gives the downlink estimate that picks each
// consumer's simulcast layer.
class WebRtcTransport : public Transport, public IceLiteListener, public DtlsSessionListener {
 public:
  struct Options {
    uint32_t max_incoming_bitrate_bps = 0;
    uint32_t initial_outgoing_bitrate_bps = 0;
  };

  WebRtcTransport(std::string id, std::string router_id, core::Shard& shard, SfuCounters& counters,
                  uint32_t rtcp_ssrc, Options options, DtlsContext& dtls_context);
  ~WebRtcTransport() override;

  const IceLite& ice() const { return ice_; }
  const DtlsSession& dtls() const { return *dtls_; }
  std::string_view local_fingerprint() const;
  std::optional<DtlsRole> dtls_role() const { return dtls_->role(); }

  // Signaling delivered the peer's ICE credentials, DTLS fingerprint and role. An empty string on
  // success, else why not.
  std::string connect(std::string_view remote_ufrag, std::string_view remote_password,
                      std::string_view fingerprint_algorithm, std::string_view fingerprint_value,
                      std::optional<DtlsRole> remote_role);
  // New local ICE credentials (RFC 8445 §9); the peer's checks move over as signaling catches up.
  void restart_ice();

  // The packet path for the two kinds a plain transport never sees (RFC 7983 §7).
  void receive_stun(std::span<const uint8_t> datagram, const sockaddr_in& from, uint64_t now_ms);
  void receive_dtls(std::span<const uint8_t> datagram, const sockaddr_in& from, uint64_t now_ms);
  // RTP/RTCP is accepted only once DTLS produced keys.
  bool media_ready() const { return uses_srtp(); }

  uint64_t available_outgoing_bitrate_bps() const { return outgoing_estimate_bps_; }

  // Transport
  bool stamps_transport_cc() const override { return true; }
  void on_rtp_sending(const RtpPacket& packet, uint8_t transport_cc_id) override;

  // IceLiteListener
  void on_ice_state_changed(IceState state) override;
  void on_ice_selected_address_changed(const TransportAddress& address) override;
  // DtlsSessionListener
  void on_dtls_send(std::span<const uint8_t> datagram) override;
  void on_dtls_state_changed(DtlsState state) override;

 protected:
  void on_rtp_received(const RtpPacket& packet, const SsrcRoute& route, uint64_t now_ms) override;
  void on_transport_feedback(const RtcpBlock& block, uint64_t now_ms) override;
  void on_remb(const RtcpRemb& remb, uint64_t now_ms) override;
  size_t append_periodic_feedback(std::span<uint8_t> out, uint64_t now_ms) override;

 private:
  static constexpr size_t kSentHistory = 4096;        // transport-wide seqs we remember
  static constexpr size_t kMaxPendingFeedback = 512;  // received packets per feedback
  static constexpr uint64_t kFeedbackIntervalMs = 100;

  struct SentPacket {
    uint16_t seq = 0;
    uint16_t size = 0;
    uint64_t sent_ms = 0;
  };
  struct ReceivedPacket {
    uint16_t seq = 0;
    uint64_t arrival_us = 0;
  };

  void schedule_dtls_timer();
  void send_transport_feedback();
  void apply_outgoing_estimate(uint64_t now_ms);
  void start_dtls_if_ready(uint64_t now_ms);

  Options options_;
  IceLite ice_;
  std::unique_ptr<DtlsSession> dtls_;
  DtlsContext& dtls_context_;
  std::optional<DtlsRole> remote_role_;
  bool signaled_ = false;
  core::Timer dtls_timer_;
  core::Timer ice_timer_;
  core::Timer feedback_timer_;

  // Downlink: what we sent, for the subscriber's transport-wide feedback.
  uint16_t next_transport_seq_ = 1;
  std::array<SentPacket, kSentHistory> sent_{};
  uint64_t outgoing_estimate_bps_;
  uint64_t last_increase_ms_ = 0;
  uint64_t remb_estimate_bps_ = 0;

  // Uplink: what the publisher sent, awaiting our transport-wide feedback.
  std::array<ReceivedPacket, kMaxPendingFeedback> pending_{};
  size_t pending_count_ = 0;
  uint16_t next_feedback_base_ = 0;
  bool feedback_started_ = false;
  uint8_t feedback_count_ = 0;
  uint32_t feedback_media_ssrc_ = 0;
  RtcpTransportFeedback parsed_feedback_;  // large: kept here, not on the stack
};

}  // namespace ringcast::rtc
