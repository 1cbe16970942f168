#pragma once

#include <cstdint>
#include <memory>
#include <span>

namespace ringcast::rtc {

// The last second or so of a producer's RTP packets (decrypted, as received), kept so that a
// consumer's NACK can be answered by retransmission (RFC 4585 §6.2.1). Slots are indexed by
// sequence number and allocated once: storing and finding never allocate.
class PacketCache {
 public:
  static constexpr size_t kSlotBytes = 1500;
  static constexpr uint64_t kMaxAgeMs = 1000;

  // `slots` must be a power of two.
  explicit PacketCache(uint32_t slots);

  // Copies `packet` into the slot for `seq`, replacing what was there. Packets larger than a slot
  // are not kept (they could not be retransmitted inside an MTU anyway).
  void store(uint16_t seq, std::span<const uint8_t> packet, uint64_t now_ms);

  // The packet with `seq` if it is still cached and younger than kMaxAgeMs; empty otherwise.
  std::span<const uint8_t> find(uint16_t seq, uint64_t now_ms) const;

  uint32_t slot_count() const { return mask_ + 1; }

 private:
  struct Slot {
    uint64_t stored_at_ms = 0;
    uint16_t seq = 0;
    uint16_t length = 0;  // 0: empty
  };

  uint32_t mask_;
  std::unique_ptr<Slot[]> slots_;
  std::unique_ptr<uint8_t[]> bytes_;
};

}  // namespace ringcast::rtc
