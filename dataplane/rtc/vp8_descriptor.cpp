#include "rtc/vp8_descriptor.hpp"

namespace ringcast::rtc {

const char* vp8_error_name(Vp8Error error) {
  switch (error) {
    case Vp8Error::kNone:
      return "none";
    case Vp8Error::kEmpty:
      return "empty";
    case Vp8Error::kTruncated:
      return "truncated";
    case Vp8Error::kNoPayload:
      return "no_payload";
    case Vp8Error::kCount:
      break;
  }
  return "unknown";
}

Vp8Error Vp8Descriptor::parse(std::span<const uint8_t> payload) {
  *this = Vp8Descriptor{};
  if (payload.empty()) {
    return Vp8Error::kEmpty;
  }
  Vp8Descriptor d;
  const uint8_t* p = payload.data();
  const size_t n = payload.size();
  const bool extended = (p[0] & 0x80) != 0;
  d.non_reference = (p[0] & 0x20) != 0;
  d.start_of_partition = (p[0] & 0x10) != 0;
  d.partition_id = p[0] & 0x07;
  size_t offset = 1;
  if (extended) {
    if (offset >= n) {
      return Vp8Error::kTruncated;
    }
    const uint8_t x = p[offset++];
    d.has_picture_id = (x & 0x80) != 0;
    d.has_tl0_pic_idx = (x & 0x40) != 0;
    d.has_tid = (x & 0x20) != 0;
    d.has_key_idx = (x & 0x10) != 0;
    if (d.has_picture_id) {
      if (offset >= n) {
        return Vp8Error::kTruncated;
      }
      d.picture_id_offset_ = static_cast<uint8_t>(offset);
      d.long_picture_id = (p[offset] & 0x80) != 0;
      if (d.long_picture_id) {
        if (offset + 1 >= n) {
          return Vp8Error::kTruncated;
        }
        d.picture_id = static_cast<uint16_t>(((p[offset] & 0x7F) << 8) | p[offset + 1]);
        offset += 2;
      } else {
        d.picture_id = p[offset] & 0x7F;
        offset += 1;
      }
    }
    if (d.has_tl0_pic_idx) {
      if (offset >= n) {
        return Vp8Error::kTruncated;
      }
      d.tl0_pic_idx_offset_ = static_cast<uint8_t>(offset);
      d.tl0_pic_idx = p[offset++];
    }
    if (d.has_tid || d.has_key_idx) {
      if (offset >= n) {
        return Vp8Error::kTruncated;
      }
      const uint8_t t = p[offset++];
      // §4.2: TID and Y mean something only with T, KEYIDX only with K.
      if (d.has_tid) {
        d.tid = static_cast<uint8_t>(t >> 6);
        d.layer_sync = (t & 0x20) != 0;
      }
      if (d.has_key_idx) {
        d.key_idx = t & 0x1F;
      }
    }
  }
  if (offset >= n) {
    return Vp8Error::kNoPayload;
  }
  d.size = offset;
  const uint8_t* frame = p + offset;
  const size_t frame_size = n - offset;
  if (d.start_of_partition && d.partition_id == 0 && (frame[0] & 0x01) == 0) {
    d.key_frame = true;
    // RFC 6386 §9.1: 3-byte frame tag, start code, then little-endian 14-bit width and height
    // (the top two bits are the scaling mode).
    if (frame_size >= 10 && frame[3] == 0x9D && frame[4] == 0x01 && frame[5] == 0x2A) {
      d.width = static_cast<uint16_t>((frame[6] | (frame[7] << 8)) & 0x3FFF);
      d.height = static_cast<uint16_t>((frame[8] | (frame[9] << 8)) & 0x3FFF);
    }
  }
  *this = d;
  return Vp8Error::kNone;
}

bool Vp8Descriptor::set_picture_id(std::span<uint8_t> payload, uint16_t value) {
  if (!has_picture_id || payload.size() < size) {
    return false;
  }
  uint8_t* p = payload.data() + picture_id_offset_;
  if (long_picture_id) {
    value &= 0x7FFF;
    p[0] = static_cast<uint8_t>(0x80 | (value >> 8));
    p[1] = static_cast<uint8_t>(value);
  } else {
    value &= 0x7F;
    p[0] = static_cast<uint8_t>(value);
  }
  picture_id = value;
  return true;
}

bool Vp8Descriptor::set_tl0_pic_idx(std::span<uint8_t> payload, uint8_t value) {
  if (!has_tl0_pic_idx || payload.size() < size) {
    return false;
  }
  payload[tl0_pic_idx_offset_] = value;
  tl0_pic_idx = value;
  return true;
}

}  // namespace ringcast::rtc
