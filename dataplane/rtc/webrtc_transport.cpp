#include "rtc/webrtc_transport.hpp"

#include <algorithm>
#include <cstring>

#include "rtc/consumer.hpp"
#include "rtc/producer.hpp"
#include "rtc/rtp_header_extensions.hpp"
#include "rtc/seq_num.hpp"

namespace ringcast::rtc {
namespace {

constexpr uint64_t kIceTickMs = 1000;
// Without a configured limit, REMB tells a publisher it may send this much; its own estimator
// (fed by our transport-wide feedback) decides below that.
constexpr uint64_t kUnlimitedIncomingBps = 10'000'000;
constexpr uint64_t kDefaultOutgoingBps = 1'500'000;
constexpr uint64_t kMinOutgoingBps = 100'000;
constexpr uint64_t kMaxOutgoingBps = 50'000'000;

}  // namespace

WebRtcTransport::WebRtcTransport(std::string id, std::string router_id, core::Shard& shard,
                                 SfuCounters& counters, uint32_t rtcp_ssrc, Options options,
                                 DtlsContext& dtls_context)
    : Transport(std::move(id), std::move(router_id), shard, counters, rtcp_ssrc),
      options_(options),
      ice_(this),
      dtls_context_(dtls_context),
      dtls_timer_([this] {
        dtls_->handle_timeout(this->shard().now_ms());
        schedule_dtls_timer();
      }),
      ice_timer_([this] {
        const uint64_t now_ms = this->shard().now_ms();
        ice_.tick(now_ms);
        this->shard().timers().schedule(ice_timer_, kIceTickMs);
      }),
      feedback_timer_([this] { send_transport_feedback(); }),
      outgoing_estimate_bps_(options.initial_outgoing_bitrate_bps != 0
                                 ? options.initial_outgoing_bitrate_bps
                                 : kDefaultOutgoingBps) {
  std::string error;
  dtls_ = DtlsSession::create(dtls_context_, *this, &error);
  if (!dtls_) {
    throw std::runtime_error("DTLS session: " + error);
  }
  this->shard().timers().schedule(ice_timer_, kIceTickMs);
}

WebRtcTransport::~WebRtcTransport() {
  listener_ = nullptr;  // the owner is tearing us down; no events from here on
  dtls_->close();
}

std::string_view WebRtcTransport::local_fingerprint() const {
  return dtls_context_.certificate().fingerprint_value();
}

std::string WebRtcTransport::connect(std::string_view remote_ufrag,
                                     std::string_view remote_password,
                                     std::string_view fingerprint_algorithm,
                                     std::string_view fingerprint_value,
                                     std::optional<DtlsRole> remote_role) {
  if (remote_ufrag.empty() || remote_password.empty()) {
    return "remote ICE ufrag and password are required";
  }
  if (!dtls_->set_remote_fingerprint(fingerprint_algorithm, fingerprint_value)) {
    return "the remote DTLS fingerprint is not a supported algorithm and hex value";
  }
  ice_.set_remote_credentials(remote_ufrag, remote_password);
  remote_role_ = remote_role;
  signaled_ = true;
  start_dtls_if_ready(shard().now_ms());
  return {};
}

void WebRtcTransport::restart_ice() { ice_.restart(ice_.remote_ufrag(), {}); }

void WebRtcTransport::start_dtls_if_ready(uint64_t now_ms) {
  if (!signaled_ || dtls_->state() != DtlsState::kNew) {
    return;
  }
  // RFC 8842 §5: the peer that said a=setup:passive is the DTLS server, so we are the client;
  // otherwise we are the server and wait for its ClientHello (DtlsSession starts as server on
  // the first datagram if nothing else started it).
  if (remote_role_ == DtlsRole::kServer) {
    if (ice_.selected_address().empty()) {
      return;  // the ClientHello needs a validated path to go to
    }
    dtls_->start(DtlsRole::kClient, now_ms);
  } else {
    dtls_->start(DtlsRole::kServer, now_ms);
  }
  schedule_dtls_timer();
}

void WebRtcTransport::schedule_dtls_timer() {
  const uint64_t now_ms = shard().now_ms();
  const std::optional<uint64_t> next = dtls_->next_timeout(now_ms);
  if (!next) {
    dtls_timer_.cancel();
    return;
  }
  shard().timers().schedule(dtls_timer_, *next > now_ms ? *next - now_ms : 1);
}

void WebRtcTransport::receive_stun(std::span<const uint8_t> datagram, const sockaddr_in& from,
                                   uint64_t now_ms) {
  core::SendBuffer* buffer = shard().acquire_send_buffer();
  if (buffer == nullptr) {
    ++counters_.drop_no_buffer;
    return;
  }
  const IceCheckResult result =
      ice_.on_binding_request(datagram, TransportAddress::from(from), now_ms,
                              std::span(buffer->data, core::SendBuffer::kCapacity));
  if (result.drop != IceDrop::kNone) {
    ++counters_.drop_stun[static_cast<size_t>(result.drop)];
  }
  if (result.response_size == 0) {
    shard().release_send_buffer(buffer);
    return;
  }
  buffer->length = static_cast<uint32_t>(result.response_size);
  buffer->destination = from;
  shard().send(buffer);
  if (result.drop == IceDrop::kNone) {
    ++counters_.stun_requests_answered;
    if (listener_ != nullptr) {
      listener_->on_remote_address_added(*this, from);
    }
    start_dtls_if_ready(now_ms);
  }
}

void WebRtcTransport::receive_dtls(std::span<const uint8_t> datagram, const sockaddr_in& from,
                                   uint64_t now_ms) {
  if (!ice_.is_validated(TransportAddress::from(from))) {
    ++counters_.drop_dtls_unknown_source;
    return;
  }
  ++counters_.dtls_packets_received;
  dtls_->feed(datagram, now_ms);
  schedule_dtls_timer();
}

void WebRtcTransport::on_ice_state_changed(IceState state) {
  if (listener_ != nullptr) {
    const TransportAddress& selected = ice_.selected_address();
    sockaddr_in address{};
    const bool has_address = !selected.empty() && selected.to_sockaddr(address);
    listener_->on_ice_state_changed(*this, ice_state_name(state), has_address ? &address : nullptr);
  }
}

void WebRtcTransport::on_ice_selected_address_changed(const TransportAddress& address) {
  sockaddr_in remote{};
  if (address.empty() || !address.to_sockaddr(remote)) {
    clear_remote();  // never send media to a path that lost consent (RFC 7675 §5.1)
    return;
  }
  set_remote(remote);
  start_dtls_if_ready(shard().now_ms());
}

void WebRtcTransport::on_dtls_send(std::span<const uint8_t> datagram) {
  const TransportAddress& selected = ice_.selected_address();
  sockaddr_in destination{};
  if (selected.empty() || !selected.to_sockaddr(destination) ||
      datagram.size() > core::SendBuffer::kCapacity) {
    return;  // no validated path yet: the retransmission timer sends the flight again later
  }
  core::SendBuffer* buffer = shard().acquire_send_buffer();
  if (buffer == nullptr) {
    ++counters_.drop_no_buffer;
    return;
  }
  memcpy(buffer->data, datagram.data(), datagram.size());
  buffer->length = static_cast<uint32_t>(datagram.size());
  buffer->destination = destination;
  shard().send(buffer);
}

void WebRtcTransport::on_dtls_state_changed(DtlsState state) {
  std::string_view reason;
  if (state == DtlsState::kConnected) {
    const DtlsSrtpKeys& keys = dtls_->srtp_keys();
    std::string error;
    auto inbound = SrtpSession::create(keys.suite, SrtpDirection::kInbound,
                                       keys.remote_master_key(), keys.remote_master_salt(), &error);
    auto outbound = SrtpSession::create(keys.suite, SrtpDirection::kOutbound,
                                        keys.local_master_key(), keys.local_master_salt(), &error);
    if (!inbound || !outbound) {
      ++counters_.dtls_handshakes_failed;
      if (listener_ != nullptr) {
        listener_->on_dtls_state_changed(*this, "failed", "srtp_session");
      }
      return;
    }
    set_srtp(std::move(*inbound), std::move(*outbound));
    ++counters_.dtls_handshakes_completed;
    start_rtcp_timer();
  } else if (state == DtlsState::kFailed) {
    ++counters_.dtls_handshakes_failed;
    reason = dtls_error_name(dtls_->error());
  }
  if (listener_ != nullptr) {
    listener_->on_dtls_state_changed(*this, dtls_state_name(state), reason);
  }
}

void WebRtcTransport::on_rtp_sending(const RtpPacket& packet, uint8_t transport_cc_id) {
  if (transport_cc_id == 0) {
    return;
  }
  const uint16_t seq = next_transport_seq_;
  if (!write_transport_wide_seq(packet, transport_cc_id, seq)) {
    return;  // the publisher's packet carried no transport-cc element to reuse
  }
  SentPacket& sent = sent_[seq % kSentHistory];
  sent.seq = seq;
  sent.size = static_cast<uint16_t>(packet.size());
  sent.sent_ms = shard().now_ms();
  ++next_transport_seq_;
}

void WebRtcTransport::on_rtp_received(const RtpPacket& packet, const SsrcRoute& route,
                                      uint64_t now_ms) {
  const uint8_t id = route.producer->params().header_extensions.transport_wide_cc;
  if (id == 0) {
    return;
  }
  const std::optional<uint16_t> seq = read_transport_wide_seq(packet, id);
  if (!seq) {
    return;
  }
  if (!feedback_started_) {
    feedback_started_ = true;
    next_feedback_base_ = *seq;
  }
  if (seq_newer(next_feedback_base_, *seq)) {
    return;  // already reported
  }
  feedback_media_ssrc_ = packet.ssrc();
  // Keep the pending list sorted; packets almost always arrive in order, so this is an append.
  size_t at = pending_count_;
  while (at > 0 && seq_newer(pending_[at - 1].seq, *seq)) {
    --at;
  }
  if (at > 0 && pending_[at - 1].seq == *seq) {
    return;  // duplicate
  }
  if (pending_count_ == pending_.size()) {
    send_transport_feedback();
    at = 0;
    if (seq_newer(next_feedback_base_, *seq)) {
      return;
    }
  }
  std::move_backward(pending_.begin() + static_cast<ptrdiff_t>(at),
                     pending_.begin() + static_cast<ptrdiff_t>(pending_count_),
                     pending_.begin() + static_cast<ptrdiff_t>(pending_count_ + 1));
  pending_[at] = ReceivedPacket{*seq, now_ms * 1000};
  ++pending_count_;
  if (!feedback_timer_.scheduled()) {
    shard().timers().schedule(feedback_timer_, kFeedbackIntervalMs);
  }
}

void WebRtcTransport::send_transport_feedback() {
  if (pending_count_ == 0 || !connected() || !media_ready()) {
    pending_count_ = 0;
    return;
  }
  // draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1: arrival times as 250 µs deltas from
  // a 64 ms-granular reference time.
  std::array<TransportFeedbackPacket, kMaxPendingFeedback> received{};
  const uint64_t reference_us = pending_[0].arrival_us - pending_[0].arrival_us % 64000;
  uint64_t previous_ticks = 0;
  for (size_t i = 0; i < pending_count_; ++i) {
    const uint64_t ticks = (pending_[i].arrival_us - reference_us) / 250;
    const int64_t delta = static_cast<int64_t>(ticks) - static_cast<int64_t>(previous_ticks);
    received[i].seq = pending_[i].seq;
    received[i].delta_ticks = static_cast<int16_t>(std::clamp<int64_t>(delta, -32768, 32767));
    previous_ticks = ticks;
  }
  std::array<uint8_t, 1200> packet{};
  const auto reference_time = static_cast<int32_t>((reference_us / 64000) & 0x7FFFFF);
  const size_t length = build_transport_feedback(
      packet, rtcp_ssrc(), feedback_media_ssrc_, next_feedback_base_, reference_time,
      feedback_count_++, std::span(received).first(pending_count_));
  next_feedback_base_ = static_cast<uint16_t>(pending_[pending_count_ - 1].seq + 1);
  pending_count_ = 0;
  if (length > 0 && send_rtcp({packet.data(), length})) {
    ++counters_.transport_feedback_sent;
  }
}

void WebRtcTransport::on_transport_feedback(const RtcpBlock& block, uint64_t now_ms) {
  if (parse_transport_feedback(block, parsed_feedback_) != RtcpError::kNone ||
      parsed_feedback_.status_count == 0) {
    return;
  }
  ++counters_.transport_feedback_received;
  const double loss = 1.0 - static_cast<double>(parsed_feedback_.received_count) /
                                static_cast<double>(parsed_feedback_.status_count);
  // A loss-based controller in the spirit of GCC's (draft-ietf-rmcat-gcc-02 §6): back off in
  // proportion to loss above 10%, probe up 8% at most every 200 ms while loss stays under 2%.
  if (loss > 0.10) {
    outgoing_estimate_bps_ = std::max<uint64_t>(
        kMinOutgoingBps,
        static_cast<uint64_t>(static_cast<double>(outgoing_estimate_bps_) * (1.0 - 0.5 * loss)));
  } else if (loss < 0.02 && now_ms - last_increase_ms_ >= 200) {
    outgoing_estimate_bps_ =
        std::min<uint64_t>(kMaxOutgoingBps, outgoing_estimate_bps_ * 108 / 100);
    last_increase_ms_ = now_ms;
  }
  if (remb_estimate_bps_ != 0) {
    outgoing_estimate_bps_ = std::min(outgoing_estimate_bps_, remb_estimate_bps_);
  }
  apply_outgoing_estimate(now_ms);
}

void WebRtcTransport::on_remb(const RtcpRemb& remb, uint64_t now_ms) {
  // The subscriber's own receive-side estimate (draft-alvestrand-rmcat-remb): a ceiling.
  remb_estimate_bps_ = std::max<uint64_t>(remb.bitrate_bps, kMinOutgoingBps);
  outgoing_estimate_bps_ = remb_estimate_bps_;
  apply_outgoing_estimate(now_ms);
}

void WebRtcTransport::apply_outgoing_estimate(uint64_t now_ms) {
  // Share the estimate among our consumers, lowest layers first so everyone gets a picture, then
  // each simulcast consumer takes the highest layer the rest of the budget still covers.
  int64_t budget = static_cast<int64_t>(outgoing_estimate_bps_);
  for (const auto& [ssrc, consumer] : consumers()) {
    if (Producer* producer = consumer->producer()) {
      budget -= static_cast<int64_t>(producer->encoding_bitrate_bps(0, now_ms));
    }
  }
  for (const auto& [ssrc, consumer] : consumers()) {
    Producer* producer = consumer->producer();
    if (producer == nullptr || !producer->simulcast()) {
      continue;
    }
    const int64_t base = static_cast<int64_t>(producer->encoding_bitrate_bps(0, now_ms));
    int layer = 0;
    int64_t cost = 0;
    for (size_t i = 1; i < producer->encoding_count(); ++i) {
      const int64_t extra = static_cast<int64_t>(producer->encoding_bitrate_bps(i, now_ms)) - base;
      if (!producer->encoding_active(i, now_ms) || extra > budget) {
        break;
      }
      layer = static_cast<int>(i);
      cost = extra;
    }
    budget -= cost;
    consumer->set_bandwidth_layer_limit(layer, now_ms);
  }
}

size_t WebRtcTransport::append_periodic_feedback(std::span<uint8_t> out, uint64_t /*now_ms*/) {
  // REMB (draft-alvestrand-rmcat-remb §2) toward the publisher: the most we want it to send.
  std::array<uint32_t, 16> ssrcs{};
  size_t count = 0;
  for (Producer* producer : producers()) {
    for (size_t i = 0; i < producer->encoding_count() && count < ssrcs.size(); ++i) {
      if (producer->encoding_params(i).ssrc != 0) {
        ssrcs[count++] = producer->encoding_params(i).ssrc;
      }
    }
  }
  if (count == 0) {
    return 0;
  }
  const uint64_t bitrate = options_.max_incoming_bitrate_bps != 0
                               ? options_.max_incoming_bitrate_bps
                               : kUnlimitedIncomingBps;
  const size_t length = build_remb(out, rtcp_ssrc(), bitrate, std::span(ssrcs).first(count));
  if (length > 0) {
    ++counters_.remb_sent;
  }
  return length;
}

}  // namespace ringcast::rtc
