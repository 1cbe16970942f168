#include "rtc/packet_cache.hpp"

#include <cstring>
#include <stdexcept>

namespace ringcast::rtc {

PacketCache::PacketCache(uint32_t slots)
    : mask_(slots - 1),
      slots_(std::make_unique<Slot[]>(slots)),
      bytes_(std::make_unique<uint8_t[]>(size_t{slots} * kSlotBytes)) {
  if (slots == 0 || (slots & (slots - 1)) != 0) {
    throw std::invalid_argument("packet cache slots must be a power of two");
  }
}

void PacketCache::store(uint16_t seq, std::span<const uint8_t> packet, uint64_t now_ms) {
  Slot& slot = slots_[seq & mask_];
  if (packet.size() > kSlotBytes) {
    slot.length = 0;
    return;
  }
  memcpy(bytes_.get() + size_t{seq & mask_} * kSlotBytes, packet.data(), packet.size());
  slot.seq = seq;
  slot.length = static_cast<uint16_t>(packet.size());
  slot.stored_at_ms = now_ms;
}

std::span<const uint8_t> PacketCache::find(uint16_t seq, uint64_t now_ms) const {
  const Slot& slot = slots_[seq & mask_];
  if (slot.length == 0 || slot.seq != seq || now_ms - slot.stored_at_ms > kMaxAgeMs) {
    return {};
  }
  return {bytes_.get() + size_t{seq & mask_} * kSlotBytes, slot.length};
}

}  // namespace ringcast::rtc
