#include "rtc/plain_transport.hpp"

#include <openssl/rand.h>

#include <cstring>
#include <stdexcept>

#include "rtc/rtp_packet.hpp"

namespace ringcast::rtc {

PlainTransport::PlainTransport(std::string id, std::string router_id, core::Shard& shard,
                               SfuCounters& counters, uint32_t rtcp_ssrc, Options options)
    : Transport(std::move(id), std::move(router_id), shard, counters, rtcp_ssrc),
      options_(options) {
  if (options_.srtp_suite) {
    local_key_.resize(srtp_master_length(*options_.srtp_suite));
    if (RAND_bytes(local_key_.data(), static_cast<int>(local_key_.size())) != 1) {
      throw std::runtime_error("RAND_bytes failed to make an SRTP key");
    }
  }
}

std::string PlainTransport::connect(const sockaddr_in* remote,
                                    std::span<const uint8_t> remote_srtp_key) {
  if (options_.srtp_suite) {
    const SrtpSuite suite = *options_.srtp_suite;
    if (remote_srtp_key.size() != srtp_master_length(suite)) {
      return "remote_srtp_key must be " + std::to_string(srtp_master_length(suite)) +
             " bytes (key and salt) for " + std::string(to_string(suite));
    }
    std::string error;
    auto inbound = SrtpSession::create(suite, SrtpDirection::kInbound, remote_srtp_key, &error);
    auto outbound = SrtpSession::create(suite, SrtpDirection::kOutbound, local_key_, &error);
    if (!inbound || !outbound) {
      return "SRTP session: " + error;
    }
    set_srtp(std::move(*inbound), std::move(*outbound));
  }
  if (remote != nullptr) {
    set_remote(*remote);
  } else if (!options_.comedia) {
    return "a remote address is required unless the transport is comedia";
  }
  keyed_ = true;
  start_rtcp_timer();
  return {};
}

bool PlainTransport::try_learn_remote(std::span<const uint8_t> datagram, const sockaddr_in& from,
                                      std::span<uint8_t> scratch, uint64_t now_ms) {
  if (!awaiting_remote() || datagram.size() > scratch.size()) {
    return false;
  }
  const RtpRtcpKind kind = classify_rtp_rtcp(datagram);
  if (kind != RtpRtcpKind::kRtp) {
    return false;  // learn from media, whose SSRC or key proves whose it is
  }
  memcpy(scratch.data(), datagram.data(), datagram.size());
  size_t length = datagram.size();
  std::span<uint8_t> packet = scratch.first(length);
  if (uses_srtp()) {
    // Authenticating with this transport's key is the proof; a failure is not counted as a drop
    // because another transport may still claim the packet.
    if (!srtp_unprotect_rtp_quietly(packet, length)) {
      return false;
    }
    packet = scratch.first(length);
  } else {
    RtpPacket parsed;
    if (parsed.parse(packet) != RtpError::kNone || route_for_ssrc(parsed.ssrc()) == nullptr) {
      return false;
    }
  }
  set_remote(from);
  ++counters_.comedia_learned;
  receive_rtp(packet, now_ms);
  return true;
}

}  // namespace ringcast::rtc
