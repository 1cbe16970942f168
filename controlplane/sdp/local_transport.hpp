#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sdp/session_description.hpp"

namespace ringcast::controlplane::sdp {

// RFC 8839 §5.1: one ICE candidate of ours. The data plane is ICE-lite with one host
// candidate per transport: the announced address and the UDP port of the owning shard.
struct LocalCandidate {
  std::string foundation = "1";
  uint32_t priority = 2130706431;  // RFC 8445 §5.1.2.1: type preference 126 (host), component 1
  std::string ip;
  uint16_t port = 0;
  std::string protocol = "udp";
  std::string type = "host";
  bool operator==(const LocalCandidate&) const = default;

  // The a=candidate value: "1 1 udp 2130706431 203.0.113.7 40000 typ host".
  std::string attribute_value() const;
  // The c= value for this address: "IN IP4 203.0.113.7" or "IN IP6 2001:db8::7".
  std::string connection() const;
};

// Our side of a WebRtcTransport (what CreateWebRtcTransport answers): the values every answer
// and offer we write carries.
struct LocalTransport {
  std::string ice_ufrag;
  std::string ice_pwd;
  std::vector<Fingerprint> fingerprints;  // the data plane's certificate
  std::vector<LocalCandidate> candidates;
  bool operator==(const LocalTransport&) const = default;
};

}  // namespace ringcast::controlplane::sdp
