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
#include "rtc/rtcp_packet.hpp"
#include "rtc/rtp_packet.hpp"
#include "rtc/sfu_counters.hpp"
#include "rtc/srtp_session.hpp"

namespace ringcast::rtc {

class Consumer;
class Producer;
class Transport;

// Events flow up from transports to their owner (the shard's Sfu), which turns them into
// control-socket events and keeps its address table right.
class TransportListener {
 public:
  virtual ~TransportListener() = default;
  virtual void on_producer_scores(Producer& producer) = 0;
  virtual void on_consumer_layer_changed(Consumer& consumer, int layer) = 0;
  virtual void on_ice_state_changed(Transport& transport, std::string_view state,
                                    const sockaddr_in* selected) = 0;
  virtual void on_dtls_state_changed(Transport& transport, std::string_view state,
                                     std::string_view reason) = 0;
  // The set of remote addresses that may reach this transport changed (ICE validation).
  virtual void on_remote_address_added(Transport& transport, const sockaddr_in& address) = 0;
  virtual void on_remote_address_removed(Transport& transport, const sockaddr_in& address) = 0;
};

// What every transport does once a datagram is known to be its own: SRTP, RTP to producers,
// RTCP to producers and consumers, and sending with its remote address and keys. The kinds of
// transport (plain, WebRTC) differ in how they learn the remote address and keys, and in the
// congestion feedback they exchange.
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
  void set_listener(TransportListener* listener) { listener_ = listener; }
  TransportListener* listener() const { return listener_; }
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
  void release_send_buffer(core::SendBuffer* buffer) { shard_.release_send_buffer(buffer); }
  // Protects `length` bytes of `buffer` in place and queues the send. On failure the buffer is
  // given back and false returned.
  bool send_rtp(core::SendBuffer* buffer, size_t length);
  // Copies an RTCP compound into a send buffer, protects it and sends it.
  bool send_rtcp(std::span<const uint8_t> compound);

  // Congestion control hooks for transports that run it (WebRTC): whether outgoing RTP carries
  // our transport-wide sequence numbers, and the chance to stamp one on a packet about to go.
  virtual bool stamps_transport_cc() const { return false; }
  virtual void on_rtp_sending(const RtpPacket& /*packet*/, uint8_t /*transport_cc_id*/) {}

  void add_producer(Producer* producer);
  void remove_producer(Producer* producer);
  void add_consumer(Consumer* consumer);
  void remove_consumer(Consumer* consumer);
  Consumer* consumer_by_ssrc(uint32_t ssrc) const;
  const std::vector<Producer*>& producers() const { return producers_; }
  const std::vector<std::pair<uint32_t, Consumer*>>& consumers() const { return consumers_; }
  // Which producer encoding an SSRC belongs to (and whether it is its RTX stream).
  struct SsrcRoute {
    Producer* producer = nullptr;
    uint8_t encoding = 0;
    bool rtx = false;
  };
  const SsrcRoute* route_for_ssrc(uint32_t ssrc) const;

  bool connected() const { return connected_; }
  const sockaddr_in& remote() const { return remote_; }
  bool uses_srtp() const { return inbound_srtp_.has_value(); }

  uint64_t packets_received() const { return packets_received_; }
  uint64_t packets_sent() const { return packets_sent_; }

 protected:
  // Called by the concrete transport once it knows where to send and with which keys.
  void set_remote(const sockaddr_in& remote);
  void clear_remote() { connected_ = false; }
  void set_srtp(SrtpSession inbound, SrtpSession outbound);
  void start_rtcp_timer();
  bool srtp_unprotect_rtp(std::span<uint8_t> buffer, size_t& length);
  // The same without counting a failure (a trial while learning the remote address).
  bool srtp_unprotect_rtp_quietly(std::span<uint8_t> buffer, size_t& length) {
    return inbound_srtp_->unprotect_rtp(buffer, length) == SrtpResult::kOk;
  }

  // Hooks for concrete transports.
  virtual void on_rtp_received(const RtpPacket& /*packet*/, const SsrcRoute& /*route*/,
                               uint64_t /*now_ms*/) {}
  virtual void on_transport_feedback(const RtcpBlock& /*block*/, uint64_t /*now_ms*/) {}
  virtual void on_remb(const RtcpRemb& /*remb*/, uint64_t /*now_ms*/) {}
  // Adds transport-level feedback (REMB, transport-cc) to the periodic RTCP compound.
  virtual size_t append_periodic_feedback(std::span<uint8_t> /*out*/, uint64_t /*now_ms*/) {
    return 0;
  }

  SfuCounters& counters_;
  TransportListener* listener_ = nullptr;

 private:
  void send_rtcp_reports();
  void handle_rtcp_block(const RtcpBlock& block, uint64_t now_ms);
  // BUNDLE (RFC 9143 §9.2): an unknown SSRC is placed by its MID and RID header extensions.
  const SsrcRoute* learn_ssrc(const RtpPacket& packet);
  void add_route(uint32_t ssrc, Producer* producer, size_t encoding, bool rtx);

  std::string id_;
  std::string router_id_;
  core::Shard& shard_;
  uint32_t rtcp_ssrc_;
  sockaddr_in remote_{};
  bool connected_ = false;
  std::optional<SrtpSession> inbound_srtp_;
  std::optional<SrtpSession> outbound_srtp_;
  std::vector<Producer*> producers_;
  // Few streams per transport: flat vectors searched linearly beat a hash map here.
  std::vector<std::pair<uint32_t, SsrcRoute>> routes_;
  std::vector<std::pair<uint32_t, Consumer*>> consumers_;
  core::Timer rtcp_timer_;
  uint64_t packets_received_ = 0;
  uint64_t packets_sent_ = 0;
};

}  // namespace ringcast::rtc
