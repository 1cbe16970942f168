#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/shard.hpp"
#include "core/timer_wheel.hpp"
#include "rtc/sfu_counters.hpp"
#include "rtc/srtp_session.hpp"

namespace ringcast::rtc {

class Consumer;
class Producer;

// What every transport does once a datagram is known to be its own: SRTP, RTP to producers,
// RTCP to producers and consumers, and sending with its remote address and keys. The kinds of
// transport (plain, WebRTC) differ in how they learn the remote address and keys.
class Transport {
 public:
  Transport(std::string id, std::string router_id, core::Shard& shard, SfuCounters& counters,
            uint32_t rtcp_ssrc);
  virtual ~Transport();
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  const std::string& id() const { return id_; }
  const std::string& router_id() const { return router_id_; }
  core::Shard& shard() { return shard_; }
  // The SSRC our receiver reports and feedback are sent from.
  uint32_t rtcp_ssrc() const { return rtcp_ssrc_; }

  // The packet path: an RTP or RTCP datagram from this transport's remote address, as received
  // (still SRTP-protected when the transport uses SRTP). Decrypted in place.
  void receive_packet(std::span<uint8_t> datagram, uint64_t now_ms);
  // The same after decryption (comedia learning decrypts before it knows the transport).
  void receive_rtp(std::span<uint8_t> packet, uint64_t now_ms);
  void receive_rtcp(std::span<uint8_t> packet, uint64_t now_ms);

  // A send buffer for an RTP packet to the remote side, or null (counted) when none is free or
  // the transport has no remote address yet.
  core::SendBuffer* acquire_send_buffer();
  // Protects `length` bytes of `buffer` in place and queues the send. Returns false (and
  // releases nothing: the buffer goes back with the completion or is recycled here) on failure.
  bool send_rtp(core::SendBuffer* buffer, size_t length);
  // Copies an RTCP compound into a send buffer, protects it and sends it.
  bool send_rtcp(std::span<const uint8_t> compound);

  void add_producer(Producer* producer);
  void remove_producer(Producer* producer);
  void add_consumer(Consumer* consumer);
  void remove_consumer(Consumer* consumer);
  Producer* producer_by_ssrc(uint32_t ssrc) const;
  Consumer* consumer_by_ssrc(uint32_t ssrc) const;
  const std::vector<std::pair<uint32_t, Producer*>>& producers() const { return producers_; }
  const std::vector<std::pair<uint32_t, Consumer*>>& consumers() const { return consumers_; }

  bool connected() const { return connected_; }
  const sockaddr_in& remote() const { return remote_; }
  bool uses_srtp() const { return inbound_srtp_.has_value(); }

  uint64_t packets_received() const { return packets_received_; }
  uint64_t packets_sent() const { return packets_sent_; }

 protected:
  // Called by the concrete transport once it knows where to send and with which keys.
  void set_remote(const sockaddr_in& remote);
  void set_srtp(SrtpSession inbound, SrtpSession outbound);
  void start_rtcp_timer();
  bool srtp_unprotect_rtp(std::span<uint8_t> buffer, size_t& length);
  // The same without counting a failure (a trial while learning the remote address).
  bool srtp_unprotect_rtp_quietly(std::span<uint8_t> buffer, size_t& length) {
    return inbound_srtp_->unprotect_rtp(buffer, length) == SrtpResult::kOk;
  }

  SfuCounters& counters_;

 private:
  void send_rtcp_reports();
  void handle_rtcp_block(const RtcpBlock& block, uint64_t now_ms);

  std::string id_;
  std::string router_id_;
  core::Shard& shard_;
  uint32_t rtcp_ssrc_;
  sockaddr_in remote_{};
  bool connected_ = false;
  std::optional<SrtpSession> inbound_srtp_;
  std::optional<SrtpSession> outbound_srtp_;
  // Few streams per transport: a flat vector searched linearly beats a hash map here.
  std::vector<std::pair<uint32_t, Producer*>> producers_;
  std::vector<std::pair<uint32_t, Consumer*>> consumers_;
  core::Timer rtcp_timer_;
  uint64_t packets_received_ = 0;
  uint64_t packets_sent_ = 0;
};

}  // namespace ringcast::rtc
