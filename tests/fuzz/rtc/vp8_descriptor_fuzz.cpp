// Parses hostile bytes as a VP8 RTP payload (RFC 7741 §4.2), then rewrites PictureID and
// TL0PICIDX of a copy in place and checks that the copy parses to the same layout with the new
// values and that nothing else changed.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "rtc/vp8_descriptor.hpp"

using namespace ringcast::rtc;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // A heap copy sized exactly, so ASan sees any access past the payload.
  std::vector<uint8_t> payload(data, data + size);
  Vp8Descriptor d;
  if (d.parse(payload) != Vp8Error::kNone) {
    return 0;
  }
  if (d.size == 0 || d.size >= size || d.partition_id > 7 || d.tid > 3 || d.key_idx > 31 ||
      (!d.key_frame && (d.width != 0 || d.height != 0))) {
    std::abort();
  }
  const uint16_t new_id = static_cast<uint16_t>(d.picture_id * 31 + 7);
  const uint8_t new_tl0 = static_cast<uint8_t>(d.tl0_pic_idx + 1);
  Vp8Descriptor rewritten = d;
  const bool id_ok = rewritten.set_picture_id(payload, new_id);
  const bool tl0_ok = rewritten.set_tl0_pic_idx(payload, new_tl0);
  if (id_ok != d.has_picture_id || tl0_ok != d.has_tl0_pic_idx) {
    std::abort();
  }
  Vp8Descriptor again;
  if (again.parse(payload) != Vp8Error::kNone || again.size != d.size ||
      again.long_picture_id != d.long_picture_id || again.key_frame != d.key_frame ||
      again.tid != d.tid || again.key_idx != d.key_idx) {
    std::abort();
  }
  if (d.has_picture_id && again.picture_id != (new_id & (d.long_picture_id ? 0x7FFF : 0x7F))) {
    std::abort();
  }
  if (d.has_tl0_pic_idx && again.tl0_pic_idx != new_tl0) {
    std::abort();
  }
  // The VP8 payload itself is untouched.
  if (std::memcmp(payload.data() + d.size, data + d.size, size - d.size) != 0) {
    std::abort();
  }
  return 0;
}
