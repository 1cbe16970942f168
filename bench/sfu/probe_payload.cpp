#include "sfu/probe_payload.hpp"

#include <cstring>

namespace ringcast::bench::sfu {
namespace {

void store_be64(uint8_t* out, uint64_t value) {
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<uint8_t>(value);
    value >>= 8;
  }
}

uint64_t load_be64(const uint8_t* in) {
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) {
    value = (value << 8) | in[i];
  }
  return value;
}

// splitmix64 (Steele, Lea, Flood 2014): cheap, and every output word depends on the seed, so a
// packet of another producer or sequence cannot pass for this one.
uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

uint64_t filler_seed(uint32_t ssrc, uint64_t sequence) {
  return (uint64_t{ssrc} << 32) ^ sequence ^ 0x5263617374ull;
}

}  // namespace

void write_probe_payload(std::span<uint8_t> payload, uint32_t producer_ssrc,
                         const ProbeFields& fields) {
  store_be64(payload.data(), fields.send_ns);
  store_be64(payload.data() + 8, fields.sequence);
  uint64_t state = filler_seed(producer_ssrc, fields.sequence);
  size_t offset = kProbeHeaderLength;
  while (offset + 8 <= payload.size()) {
    const uint64_t word = splitmix64(state);
    memcpy(payload.data() + offset, &word, 8);
    offset += 8;
  }
  if (offset < payload.size()) {
    const uint64_t word = splitmix64(state);
    memcpy(payload.data() + offset, &word, payload.size() - offset);
  }
}

ProbeCheck read_probe_payload(std::span<const uint8_t> payload, uint32_t producer_ssrc,
                              ProbeFields& fields) {
  if (payload.size() < kProbeHeaderLength) {
    return ProbeCheck::kTooShort;
  }
  fields.send_ns = load_be64(payload.data());
  fields.sequence = load_be64(payload.data() + 8);
  uint64_t state = filler_seed(producer_ssrc, fields.sequence);
  size_t offset = kProbeHeaderLength;
  uint64_t difference = 0;
  while (offset + 8 <= payload.size()) {
    const uint64_t word = splitmix64(state);
    uint64_t got = 0;
    memcpy(&got, payload.data() + offset, 8);
    difference |= got ^ word;
    offset += 8;
  }
  if (offset < payload.size()) {
    const uint64_t word = splitmix64(state);
    uint64_t got = 0;
    memcpy(&got, payload.data() + offset, payload.size() - offset);
    uint64_t expected = 0;
    memcpy(&expected, &word, payload.size() - offset);
    difference |= got ^ expected;
  }
  return difference == 0 ? ProbeCheck::kOk : ProbeCheck::kCorrupted;
}

void write_rtp_header(std::span<uint8_t> packet, uint8_t payload_type, bool marker,
                      uint16_t sequence, uint32_t timestamp, uint32_t ssrc) {
  uint8_t* out = packet.data();
  out[0] = 0x80;  // V=2, P=0, X=0, CC=0
  out[1] = static_cast<uint8_t>((marker ? 0x80 : 0) | (payload_type & 0x7f));
  out[2] = static_cast<uint8_t>(sequence >> 8);
  out[3] = static_cast<uint8_t>(sequence);
  for (int i = 0; i < 4; ++i) {
    out[4 + i] = static_cast<uint8_t>(timestamp >> (24 - 8 * i));
    out[8 + i] = static_cast<uint8_t>(ssrc >> (24 - 8 * i));
  }
}

}  // namespace ringcast::bench::sfu
