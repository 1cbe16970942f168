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
#include "rtc/plain_transport.hpp"
#include "rtc/router.hpp"
#include "rtc/sfu_counters.hpp"

namespace ringcast::rtc {

// The SFU on one shard: its routers, the table that maps a remote address to its transport, and
// the entry point of the packet path. Control requests for objects on this shard are executed
// here, on the shard's thread (see control/control_service.cpp for how they arrive).
//
// The packet path, in order (docs/sfu.md):
//   on_datagram: RFC 7983 first-byte demux -> transport by remote address (or comedia learning)
//   Transport::receive_packet: SRTP unprotect in place -> RTP parse -> producer by SSRC
//   Producer::receive_rtp: statistics, packet cache -> each Consumer::forward
//   Consumer::forward: send buffer, copy, rewrite, SRTP protect, queue sendmsg
class Sfu : public core::ShardModule, public core::DatagramHandler, public core::CounterSource {
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

 private:
  control::Response create_router(const control::CreateRouter& request);
  control::Response create_plain_transport(const control::CreatePlainTransport& request);
  control::Response connect_plain_transport(const control::ConnectPlainTransport& request);
  control::Response produce(const control::Produce& request);
  control::Response consume(const control::Consume& request);
  control::Response set_paused(const std::string& id, bool is_producer, bool paused);
  control::Response close(const control::Request& request, std::vector<std::string>& closed_ids);
  control::Response object_stats(const std::string& id);
  control::Response request_key_frame(const std::string& id);

  void transport_info(const PlainTransport& transport, control::TransportInfo& info) const;
  void forget(const std::vector<std::string>& closed_ids);
  void unregister_address(Transport* transport);
  uint32_t next_random();

  static uint64_t address_key(const sockaddr_in& address) {
    return (uint64_t{address.sin_addr.s_addr} << 16) | address.sin_port;
  }

  core::Shard& shard_;
  std::string announced_ip_;
  EventEmitter emit_event_;
  SfuCounters counters_;
  uint64_t random_state_;

  std::unordered_map<std::string, std::unique_ptr<Router>> routers_;
  // Which router holds each transport, producer and consumer (control-path lookups).
  std::unordered_map<std::string, Router*> owner_;
  // The packet path's first lookup: remote address -> transport.
  std::unordered_map<uint64_t, Transport*> by_address_;
  std::vector<PlainTransport*> awaiting_remote_;
  // Where comedia trial decryption happens (one datagram's worth, allocated once).
  std::array<uint8_t, 2048> scratch_{};
};

}  // namespace ringcast::rtc
