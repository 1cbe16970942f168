#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace ringcast::bench::sfu {

// The payload of every RTP packet the load generator sends: what a receiver needs to measure
// one-way latency and to prove that the packet arrived intact and in order.
//
//   bytes 0..7   send time, CLOCK_MONOTONIC ns, big-endian (sender and receiver share the clock)
//   bytes 8..15  the producer's 64-bit packet sequence (never wraps, unlike the RTP sequence)
//   bytes 16..   filler derived from (producer ssrc, sequence): any corrupted or misrouted byte
//                fails verification
//
// The producer SSRC keys the filler because a consumer sees its own (rewritten) SSRC in the RTP
// header, while the payload is forwarded untouched.
inline constexpr size_t kProbeHeaderLength = 16;

struct ProbeFields {
  uint64_t send_ns = 0;
  uint64_t sequence = 0;
};

enum class ProbeCheck : uint8_t {
  kOk,
  kTooShort,   // shorter than the 16-byte probe header
  kCorrupted,  // the filler does not match (ssrc, sequence)
};

// Writes a probe payload filling all of `payload` (at least kProbeHeaderLength bytes).
void write_probe_payload(std::span<uint8_t> payload, uint32_t producer_ssrc,
                         const ProbeFields& fields);

// Reads the header into `fields` and verifies the filler against `producer_ssrc`.
ProbeCheck read_probe_payload(std::span<const uint8_t> payload, uint32_t producer_ssrc,
                              ProbeFields& fields);

// A 12-byte RTP fixed header (RFC 3550 §5.1): version 2, no padding, extension or CSRC.
inline constexpr size_t kRtpHeaderLength = 12;
void write_rtp_header(std::span<uint8_t> packet, uint8_t payload_type, bool marker,
                      uint16_t sequence, uint32_t timestamp, uint32_t ssrc);

}  // namespace ringcast::bench::sfu
