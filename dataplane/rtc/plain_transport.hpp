#pragma once

#include <array>
#include <string>
#include <vector>

#include "rtc/srtp_suite.hpp"
#include "rtc/transport.hpp"

namespace ringcast::rtc {

// RTP and RTCP on the shard's port (rtcp-mux, RFC 5761) with one remote address, either given by
// ConnectPlainTransport or, with comedia, learnt from the first packet that proves to be this
// transport's: one that authenticates with its SRTP key, or, without SRTP, that carries the SSRC
// of one of its producers. Optional SDES-SRTP (RFC 4568) with keys exchanged by signaling.
class PlainTransport : public Transport {
 public:
  struct Options {
    bool comedia = false;
    std::optional<SrtpSuite> srtp_suite;
  };

  PlainTransport(std::string id, std::string router_id, core::Shard& shard, SfuCounters& counters,
                 uint32_t rtcp_ssrc, Options options);

  // Our sending key and salt (generated at creation), for the remote side to decrypt with.
  std::span<const uint8_t> local_srtp_key() const { return local_key_; }
  const Options& options() const { return options_; }

  // Sets the remote side's key (when SRTP) and, unless comedia, its address. Returns an error
  // text, empty on success.
  std::string connect(const sockaddr_in* remote, std::span<const uint8_t> remote_srtp_key);

  // Comedia: true when the transport waits for its first packet to learn the remote address.
  bool awaiting_remote() const { return options_.comedia && !connected() && keyed_; }

  // Tries `datagram` from an unknown address as this transport's first packet. On a match the
  // remote address is learnt, the packet is fully handled, and true is returned. `scratch` is
  // where a trial decryption happens, so a non-matching packet stays intact for the next try.
  bool try_learn_remote(std::span<const uint8_t> datagram, const sockaddr_in& from,
                        std::span<uint8_t> scratch, uint64_t now_ms);

 private:
  Options options_;
  std::vector<uint8_t> local_key_;
  bool keyed_ = false;  // connect() has run
};

}  // namespace ringcast::rtc
