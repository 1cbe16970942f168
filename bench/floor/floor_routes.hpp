#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <span>
#include <vector>

#include "floor/floor_config.hpp"
#include "rtc/srtp_session.hpp"

namespace ringcast::bench::floor {

// A consumer destination: where to send and the session that protects for it.
struct FloorDestination {
  sockaddr_in address{};
  rtc::SrtpSession srtp;
};

// A producer: its SSRC, the session that unprotects its packets, and its destinations
// (a contiguous run of FloorRoutes::destinations()).
struct FloorSource {
  uint32_t ssrc = 0;
  rtc::SrtpSession srtp;
  uint32_t first_destination = 0;
  uint32_t destination_count = 0;
};

// The floor's whole "routing": a tiny array of producers searched by SSRC and, per producer, a
// contiguous array of consumers. No transports, no remote-address lookup, no header rewrites: the
// least any SFU must do per packet.
class FloorRoutes {
 public:
  // Throws std::runtime_error when a key does not fit the suite.
  explicit FloorRoutes(const FloorConfig& config);

  FloorSource* find(uint32_t ssrc) {
    for (FloorSource& source : sources_) {
      if (source.ssrc == ssrc) {
        return &source;
      }
    }
    return nullptr;
  }

  std::span<FloorDestination> destinations(const FloorSource& source) {
    return {destinations_.data() + source.first_destination, source.destination_count};
  }

  size_t largest_fanout() const;

 private:
  std::vector<FloorSource> sources_;
  std::vector<FloorDestination> destinations_;
};

// Counters a floor prints as JSON when it exits.
struct FloorCounters {
  uint64_t loop_turns = 0;
  uint64_t submits = 0;
  uint64_t rx_datagrams = 0;
  uint64_t rx_no_buffer = 0;
  uint64_t rx_truncated = 0;
  uint64_t rx_errors = 0;
  uint64_t rx_unknown_ssrc = 0;
  uint64_t rx_srtp_failures = 0;
  uint64_t tx_datagrams = 0;
  uint64_t tx_errors = 0;
  uint64_t tx_no_buffer = 0;
  uint64_t tx_protect_failures = 0;
  // Heap allocations of the forwarding thread from ready to exit (jemalloc hook, the data plane's
  // core::AllocationCounter): what the forwarding itself, including libsrtp, allocates.
  uint64_t heap_allocations = 0;

  template <typename Visitor>
  void for_each(Visitor&& visit) const {
    visit("loop_turns", loop_turns);
    visit("submits", submits);
    visit("rx_datagrams", rx_datagrams);
    visit("rx_no_buffer", rx_no_buffer);
    visit("rx_truncated", rx_truncated);
    visit("rx_errors", rx_errors);
    visit("rx_unknown_ssrc", rx_unknown_ssrc);
    visit("rx_srtp_failures", rx_srtp_failures);
    visit("tx_datagrams", tx_datagrams);
    visit("tx_errors", tx_errors);
    visit("tx_no_buffer", tx_no_buffer);
    visit("tx_protect_failures", tx_protect_failures);
    visit("heap_allocations", heap_allocations);
  }
};

// RTP SSRC (RFC 3550 §5.1, bytes 8..11), read before unprotect: SRTP leaves the header in clear.
inline uint32_t rtp_ssrc(const uint8_t* packet) {
  return uint32_t{packet[8]} << 24 | uint32_t{packet[9]} << 16 | uint32_t{packet[10]} << 8 |
         packet[11];
}

}  // namespace ringcast::bench::floor
