#include "rtc/transport.hpp"

#include <time.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "rtc/consumer.hpp"
#include "rtc/producer.hpp"
#include "rtc/rtcp_packet.hpp"
#include "rtc/rtp_header_extensions.hpp"
#include "rtc/rtp_packet.hpp"

namespace ringcast::rtc {
namespace {

// RFC 3550 §6.2 scales the interval with session bandwidth; for an SFU leg a fixed one second,
// randomized by ±50% (§6.3.1) so thousands of transports do not report in lockstep, is plenty.
constexpr uint64_t kRtcpIntervalMs = 1000;
constexpr size_t kRtcpCompoundBudget = 1200;
constexpr std::string_view kCname = "ringcast";

uint64_t ntp_now() {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  // NTP counts from 1900; 2208988800 s before the Unix epoch. 32.32 fixed point.
  const uint64_t seconds = static_cast<uint64_t>(now.tv_sec) + 2208988800ull;
  const uint64_t fraction = (static_cast<uint64_t>(now.tv_nsec) << 32) / 1'000'000'000ull;
  return (seconds << 32) | fraction;
}

}  // namespace

Transport::Transport(std::string id, std::string router_id, core::Shard& shard,
                     SfuCounters& counters, uint32_t rtcp_ssrc)
    : counters_(counters),
      id_(std::move(id)),
      router_id_(std::move(router_id)),
      shard_(shard),
      rtcp_ssrc_(rtcp_ssrc),
      rtcp_timer_([this] { send_rtcp_reports(); }) {}

Transport::~Transport() = default;

void Transport::set_remote(const sockaddr_in& remote) {
  remote_ = remote;
  connected_ = true;
}

void Transport::set_srtp(SrtpSession inbound, SrtpSession outbound) {
  inbound_srtp_.emplace(std::move(inbound));
  outbound_srtp_.emplace(std::move(outbound));
}

void Transport::start_rtcp_timer() {
  shard_.timers().schedule(rtcp_timer_, kRtcpIntervalMs / 2 + (rtcp_ssrc_ % kRtcpIntervalMs));
}

bool Transport::srtp_unprotect_rtp(std::span<uint8_t> buffer, size_t& length) {
  const SrtpResult result = inbound_srtp_->unprotect_rtp(buffer, length);
  if (result != SrtpResult::kOk) {
    ++counters_.drop_srtp[static_cast<size_t>(result)];
    return false;
  }
  return true;
}

void Transport::receive_packet(std::span<uint8_t> datagram, uint64_t now_ms) {
  const RtpRtcpKind kind = classify_rtp_rtcp(datagram);
  size_t length = datagram.size();
  if (kind == RtpRtcpKind::kRtcp) {
    if (inbound_srtp_) {
      const SrtpResult result = inbound_srtp_->unprotect_rtcp(datagram, length);
      if (result != SrtpResult::kOk) {
        ++counters_.drop_srtp[static_cast<size_t>(result)];
        return;
      }
    }
    receive_rtcp(datagram.first(length), now_ms);
    return;
  }
  if (kind != RtpRtcpKind::kRtp) {
    ++counters_.drop_not_rtp;
    return;
  }
  if (inbound_srtp_ && !srtp_unprotect_rtp(datagram, length)) {
    return;
  }
  receive_rtp(datagram.first(length), now_ms);
}

void Transport::receive_rtp(std::span<uint8_t> packet_bytes, uint64_t now_ms) {
  RtpPacket packet;
  const RtpError error = packet.parse(packet_bytes);
  if (error != RtpError::kNone) {
    ++counters_.drop_malformed_rtp[static_cast<size_t>(error)];
    return;
  }
  const SsrcRoute* route = route_for_ssrc(packet.ssrc());
  if (route == nullptr) {
    route = learn_ssrc(packet);
    if (route == nullptr) {
      ++counters_.drop_unknown_ssrc;
      return;
    }
  }
  ++packets_received_;
  ++counters_.rtp_packets_received;
  counters_.rtp_bytes_received += packet.size();
  on_rtp_received(packet, *route, now_ms);
  if (route->rtx) {
    route->producer->receive_rtx(packet, route->encoding, now_ms);
  } else {
    route->producer->receive_rtp(packet, route->encoding, now_ms);
  }
}

const Transport::SsrcRoute* Transport::route_for_ssrc(uint32_t ssrc) const {
  for (const auto& [candidate, route] : routes_) {
    if (candidate == ssrc) {
      return &route;
    }
  }
  return nullptr;
}

void Transport::add_route(uint32_t ssrc, Producer* producer, size_t encoding, bool rtx) {
  SsrcRoute route;
  route.producer = producer;
  route.encoding = static_cast<uint8_t>(encoding);
  route.rtx = rtx;
  routes_.emplace_back(ssrc, route);
}

const Transport::SsrcRoute* Transport::learn_ssrc(const RtpPacket& packet) {
  for (Producer* producer : producers_) {
    const ProducerParams& params = producer->params();
    const HeaderExtensionIds& ids = params.header_extensions;
    if (ids.mid == 0 || params.mid.empty()) {
      continue;
    }
    const auto mid = read_sdes_extension(packet, ids.mid);
    if (!mid || *mid != params.mid) {
      continue;
    }
    // RFC 8852 §3: rtp-stream-id names the encoding; repaired-rtp-stream-id marks its RTX stream.
    const auto rid = read_sdes_extension(packet, ids.rid);
    const auto repaired = read_sdes_extension(packet, ids.repaired_rid);
    const bool rtx = !rid && repaired.has_value();
    const std::optional<std::string_view> name = rtx ? repaired : rid;
    for (size_t i = 0; i < producer->encoding_count(); ++i) {
      const EncodingParams& encoding = producer->encoding_params(i);
      const bool matches = name ? encoding.rid == *name
                                : producer->encoding_count() == 1 && !rtx &&
                                      packet.payload_type() == params.payload_type;
      if (!matches) {
        continue;
      }
      producer->bind_ssrc(i, packet.ssrc(), rtx);
      add_route(packet.ssrc(), producer, i, rtx);
      ++counters_.ssrcs_learned;
      return &routes_.back().second;
    }
  }
  return nullptr;
}

void Transport::receive_rtcp(std::span<uint8_t> packet, uint64_t now_ms) {
  // Reduced-size RTCP (RFC 5506) is common for feedback: do not insist on a report first.
  if (validate_rtcp_compound(packet, /*require_report_first=*/false) != RtcpError::kNone) {
    ++counters_.drop_malformed_rtcp;
    return;
  }
  ++counters_.rtcp_packets_received;
  RtcpCompoundReader reader(packet);
  RtcpBlock block;
  while (reader.next(block)) {
    handle_rtcp_block(block, now_ms);
  }
}

void Transport::handle_rtcp_block(const RtcpBlock& block, uint64_t now_ms) {
  switch (block.type) {
    case kRtcpSenderReport: {
      RtcpSenderReport report;
      if (parse_sender_report(block, report) == RtcpError::kNone) {
        if (const SsrcRoute* route = route_for_ssrc(report.sender.ssrc); route && !route->rtx) {
          route->producer->receive_sender_report(report.sender, now_ms);
        }
      }
      return;
    }
    case kRtcpRtpfb: {
      if (block.count == kRtpfbTransportCc) {
        on_transport_feedback(block, now_ms);
        return;
      }
      if (block.count != kRtpfbNack) {
        return;
      }
      // Large (about 1 KB) but reused: a NACK is rare next to media, and this keeps the path
      // free of allocation without growing the stack of every call.
      static thread_local RtcpNack nack;
      if (parse_nack(block, nack) != RtcpError::kNone) {
        ++counters_.drop_malformed_rtcp;
        return;
      }
      ++counters_.nack_packets_received;
      if (Consumer* consumer = consumer_by_ssrc(nack.media_ssrc)) {
        consumer->on_nack(nack, now_ms);
      }
      return;
    }
    case kRtcpPsfb: {
      if (block.count == kPsfbPli) {
        RtcpPli pli;
        if (parse_pli(block, pli) == RtcpError::kNone) {
          if (Consumer* consumer = consumer_by_ssrc(pli.media_ssrc)) {
            consumer->on_key_frame_request(now_ms);
          }
        }
      } else if (block.count == kPsfbAfb) {
        RtcpRemb remb;
        if (parse_remb(block, remb) == RtcpError::kNone) {
          on_remb(remb, now_ms);
        }
      } else if (block.count == kPsfbFir) {
        RtcpFir fir;
        if (parse_fir(block, fir) == RtcpError::kNone) {
          for (size_t i = 0; i < fir.count; ++i) {
            if (Consumer* consumer = consumer_by_ssrc(fir.entry(i).ssrc)) {
              consumer->on_key_frame_request(now_ms);
            }
          }
        }
      }
      return;
    }
    default:
      // RR, SDES, BYE, APP, XR: nothing the forwarding depends on.
      return;
  }
}

core::SendBuffer* Transport::acquire_send_buffer() {
  if (!connected_) {
    ++counters_.drop_not_connected;
    return nullptr;
  }
  core::SendBuffer* buffer = shard_.acquire_send_buffer();
  if (buffer == nullptr) {
    ++counters_.drop_no_buffer;
  }
  return buffer;
}

bool Transport::send_rtp(core::SendBuffer* buffer, size_t length) {
  if (outbound_srtp_) {
    const SrtpResult result = outbound_srtp_->protect_rtp(buffer->bytes(), length);
    if (result != SrtpResult::kOk) {
      ++counters_.drop_srtp_protect[static_cast<size_t>(result)];
      shard_.release_send_buffer(buffer);
      return false;
    }
  }
  buffer->length = static_cast<uint32_t>(length);
  buffer->destination = remote_;
  shard_.send(buffer);
  ++packets_sent_;
  ++counters_.rtp_packets_sent;
  counters_.rtp_bytes_sent += length;
  return true;
}

bool Transport::send_rtcp(std::span<const uint8_t> compound) {
  core::SendBuffer* buffer = acquire_send_buffer();
  if (buffer == nullptr) {
    return false;
  }
  memcpy(buffer->data, compound.data(), compound.size());
  size_t length = compound.size();
  if (outbound_srtp_) {
    const SrtpResult result = outbound_srtp_->protect_rtcp(buffer->bytes(), length);
    if (result != SrtpResult::kOk) {
      ++counters_.drop_srtp_protect[static_cast<size_t>(result)];
      shard_.release_send_buffer(buffer);
      return false;
    }
  }
  buffer->length = static_cast<uint32_t>(length);
  buffer->destination = remote_;
  shard_.send(buffer);
  ++counters_.rtcp_packets_sent;
  return true;
}

void Transport::send_rtcp_reports() {
  // Re-arm first so a failure below never stops the reports.
  const uint64_t now_ms = shard_.now_ms();
  shard_.timers().schedule(rtcp_timer_,
                           kRtcpIntervalMs / 2 + (now_ms * 7919 + rtcp_ssrc_) % kRtcpIntervalMs);
  if (!connected_) {
    return;
  }
  const uint64_t ntp = ntp_now();
  std::array<uint8_t, kRtcpCompoundBudget> compound{};
  size_t used = 0;
  auto flush = [&] {
    if (used > 0) {
      send_rtcp({compound.data(), used});
      used = 0;
    }
  };

  // One SR (with an SDES CNAME) per consumer we send (RFC 3550 §6.1: every compound starts with
  // a report and carries a CNAME).
  for (const auto& [ssrc, consumer] : consumers_) {
    RtcpSenderInfo info;
    if (!consumer->fill_sender_info(info, now_ms, ntp)) {
      continue;
    }
    if (used + 28 + 24 > compound.size()) {
      flush();
    }
    const size_t sr = build_sender_report(std::span(compound).subspan(used), info, {});
    used += sr;
    used += build_sdes_cname(std::span(compound).subspan(used), ssrc, kCname);
    if (sr > 0) {
      ++counters_.sender_reports_sent;
    }
  }

  // One RR for the streams we receive, up to 31 report blocks per RR (the 5-bit count).
  std::array<RtcpReportBlock, kRtcpMaxCount> blocks{};
  size_t block_count = 0;
  auto emit_receiver_report = [&] {
    const size_t needed = 8 + block_count * kRtcpReportBlockSize + 24;
    if (used + needed > compound.size()) {
      flush();
    }
    used += build_receiver_report(std::span(compound).subspan(used), rtcp_ssrc_,
                                  {blocks.data(), block_count});
    used += build_sdes_cname(std::span(compound).subspan(used), rtcp_ssrc_, kCname);
    ++counters_.receiver_reports_sent;
    block_count = 0;
  };
  for (Producer* producer : producers_) {
    if (blocks.size() - block_count < producer->encoding_count()) {
      emit_receiver_report();
    }
    block_count += producer->fill_report_blocks(std::span(blocks).subspan(block_count), now_ms);
    if (producer->update_scores() && listener_ != nullptr) {
      listener_->on_producer_scores(*producer);
    }
  }
  // An RR, even empty (RFC 3550 §6.4.2 allows it), whenever we receive: it leads the compound
  // that carries our REMB.
  if (block_count > 0 || !producers_.empty()) {
    emit_receiver_report();
  }
  if (used > 0) {
    if (used + 64 > compound.size()) {
      flush();
      emit_receiver_report();
    }
    used += append_periodic_feedback(std::span(compound).subspan(used), now_ms);
  }
  flush();
  for (const auto& [ssrc, consumer] : consumers_) {
    consumer->refresh_layers(now_ms);
  }
}

void Transport::add_producer(Producer* producer) {
  producers_.push_back(producer);
  for (size_t i = 0; i < producer->encoding_count(); ++i) {
    const EncodingParams& encoding = producer->encoding_params(i);
    if (encoding.ssrc != 0) {
      add_route(encoding.ssrc, producer, i, false);
    }
    if (encoding.rtx_ssrc != 0) {
      add_route(encoding.rtx_ssrc, producer, i, true);
    }
  }
}

void Transport::remove_producer(Producer* producer) {
  std::erase(producers_, producer);
  std::erase_if(routes_,
                [producer](const auto& entry) { return entry.second.producer == producer; });
}

void Transport::add_consumer(Consumer* consumer) {
  consumers_.emplace_back(consumer->ssrc(), consumer);
}

void Transport::remove_consumer(Consumer* consumer) {
  std::erase_if(consumers_, [consumer](const auto& entry) { return entry.second == consumer; });
}

Consumer* Transport::consumer_by_ssrc(uint32_t ssrc) const {
  for (const auto& [candidate, consumer] : consumers_) {
    if (candidate == ssrc) {
      return consumer;
    }
  }
  return nullptr;
}

}  // namespace ringcast::rtc
