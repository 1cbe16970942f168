#pragma once

#include <netinet/in.h>

#include <array>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/shard.hpp"
#include "ringcast/control.pb.h"
#include "rtc/dtls_context.hpp"
#include "rtc/plain_transport.hpp"
#include "rtc/router.hpp"
#include "rtc/sfu_counters.hpp"
#include "rtc/webrtc_transport.hpp"

namespace ringcast::rtc {

// The SFU on one shard: its routers, the tables that map a remote address (or an ICE username)
// to its transport, and the entry point of the packet path. Control requests for objects on this
// shard are executed here, on the shard's thread (see control/control_service.cpp for how they
// arrive).
//
// The packet path, in order (docs/sfu.md):
//   on_datagram: RFC 7983 first-byte demux -> STUN to ICE, DTLS to DTLS, RTP/RTCP to the
//                transport found by remote address (or comedia learning)
//   Transport::receive_packet: SRTP unprotect in place -> RTP parse -> producer by SSRC
//                (MID/RID for a new stream)
//   Producer::receive_rtp: statistics, packet cache -> each Consumer::forward
//   Consumer::forward: layer choice, send buffer, copy, rewrite, SRTP protect, queue sendmsg
class Sfu : public core::ShardModule,
            public core::DatagramHandler,
            public core::CounterSource,
            public TransportListener {
 public:
  // Sends an event to the control socket's clients (from the shard's thread).
  using EventEmitter = std::function<void(control::Event)>;

  Sfu(core::Shard& shard, std::string announced_ip, EventEmitter emit_event);
  ~Sfu() override;

  void on_datagram(std::span<uint8_t> packet, const sockaddr_in& from) override;
  void visit_counters(const core::CounterVisitor& visit) const override;

  // Executes one SFU request. Close requests list what they closed in `closed_ids`.
  control::Response handle(const control::Request& request, std::vector<std::string>& closed_ids);

  const SfuCounters& counters() const { return counters_; }

  // TransportListener
  void on_producer_scores(Producer& producer) override;
  void on_consumer_layer_changed(Consumer& consumer, int layer) override;
  void on_ice_state_changed(Transport& transport, std::string_view state,
                            const sockaddr_in* selected) override;
  void on_dtls_state_changed(Transport& transport, std::string_view state,
                             std::string_view reason) override;
  void on_remote_address_added(Transport& transport, const sockaddr_in& address) override;
  void on_remote_address_removed(Transport& transport, const sockaddr_in& address) override;

 private:
  // What the first lookup of the packet path finds: the transport and, for WebRTC ones, the
  // same object as its concrete type (no dynamic_cast per packet).
  struct AddressEntry {
    Transport* transport = nullptr;
    WebRtcTransport* webrtc = nullptr;
  };

  control::Response create_router(const control::CreateRouter& request);
  control::Response create_plain_transport(const control::CreatePlainTransport& request);
  control::Response connect_plain_transport(const control::ConnectPlainTransport& request);
  control::Response create_webrtc_transport(const control::CreateWebRtcTransport& request);
  control::Response connect_webrtc_transport(const control::ConnectWebRtcTransport& request);
  control::Response restart_ice(const std::string& id);
  control::Response produce(const control::Produce& request);
  control::Response consume(const control::Consume& request);
  control::Response set_paused(const std::string& id, bool is_producer, bool paused);
  control::Response set_preferred_layer(const control::SetPreferredLayer& request);
  control::Response create_audio_level_observer(const control::CreateAudioLevelObserver& request);
  control::Response add_observer_producer(const control::AddObserverProducer& request);
  control::Response close(const control::Request& request, std::vector<std::string>& closed_ids);
  control::Response object_stats(const std::string& id);
  control::Response request_key_frame(const std::string& id);

  // The checks every transport-creating request shares. Returns the router the new transport
  // goes into, or null with `response` set: an error, or the existing transport's description
  // when the request repeats an earlier one.
  template <typename TransportType, typename DescribeExisting>
  Router* router_for_new_transport(const std::string& router_id, const std::string& transport_id,
                                   control::Response& response, DescribeExisting describe_existing);
  void transport_info(const PlainTransport& transport, control::TransportInfo& info) const;
  void webrtc_transport_info(const WebRtcTransport& transport,
                             control::WebRtcTransportInfo& info) const;
  Transport* find_transport(const std::string& id) const;
  void emit(control::Event event);
  void forget(const std::vector<std::string>& closed_ids);
  void unregister_transport(Transport* transport);
  uint32_t next_random();

  static uint64_t address_key(const sockaddr_in& address) {
    return (uint64_t{address.sin_addr.s_addr} << 16) | address.sin_port;
  }

  core::Shard& shard_;
  std::string announced_ip_;
  EventEmitter emit_event_;
  DtlsContext& dtls_context_;
  SfuCounters counters_;
  uint64_t random_state_;

  std::unordered_map<std::string, std::unique_ptr<Router>> routers_;
  // Which router holds each transport, producer, consumer and observer (control-path lookups).
  std::unordered_map<std::string, Router*> owner_;
  // The packet path's first lookup: remote address -> transport.
  std::unordered_map<uint64_t, AddressEntry> by_address_;
  // A STUN check from a new address finds its WebRTC transport by our ICE ufrag.
  std::unordered_map<std::string, WebRtcTransport*> by_ufrag_;
  std::vector<PlainTransport*> awaiting_remote_;
  // Where comedia trial decryption happens (one datagram's worth, allocated once).
  std::array<uint8_t, 2048> scratch_{};
};

}  // namespace ringcast::rtc
