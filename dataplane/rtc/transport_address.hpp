#pragma once

#include <netinet/in.h>

#include <array>
#include <cstdint>
#include <cstring>

namespace ringcast::rtc {

// An IPv4 or IPv6 address and port as plain bytes: what STUN's XOR-MAPPED-ADDRESS carries
// (RFC 8489 §14.2) and what the ICE agent keys its candidate pairs by. The shard's sockets are
// IPv4 today (sockaddr_in); the IPv6 form exists so STUN messages from any peer parse and so
// the ICE agent needs no change when the sockets gain IPv6.
struct TransportAddress {
  static constexpr uint8_t kIpv4 = 1;  // the STUN family codes (RFC 8489 §14.1)
  static constexpr uint8_t kIpv6 = 2;

  uint8_t family = 0;            // 0 = none
  uint16_t port = 0;             // host order
  std::array<uint8_t, 16> ip{};  // network order; IPv4 uses the first 4 bytes, the rest zero

  bool empty() const { return family == 0; }
  size_t ip_size() const { return family == kIpv6 ? 16 : 4; }

  static TransportAddress from(const sockaddr_in& address) {
    TransportAddress out;
    out.family = kIpv4;
    out.port = ntohs(address.sin_port);
    std::memcpy(out.ip.data(), &address.sin_addr.s_addr, 4);
    return out;
  }

  static TransportAddress from(const sockaddr_in6& address) {
    TransportAddress out;
    out.family = kIpv6;
    out.port = ntohs(address.sin6_port);
    std::memcpy(out.ip.data(), address.sin6_addr.s6_addr, 16);
    return out;
  }

  // IPv4 only; false for any other family.
  bool to_sockaddr(sockaddr_in& out) const {
    if (family != kIpv4) {
      return false;
    }
    out = sockaddr_in{};
    out.sin_family = AF_INET;
    out.sin_port = htons(port);
    std::memcpy(&out.sin_addr.s_addr, ip.data(), 4);
    return true;
  }

  friend bool operator==(const TransportAddress&, const TransportAddress&) = default;
};

}  // namespace ringcast::rtc
