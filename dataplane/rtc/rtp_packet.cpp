#include "rtc/rtp_packet.hpp"

#include "rtc/byte_io.hpp"

namespace ringcast::rtc {

const char* rtp_error_name(RtpError error) {
  switch (error) {
    case RtpError::kNone:
      return "none";
    case RtpError::kTooShort:
      return "too_short";
    case RtpError::kBadVersion:
      return "bad_version";
    case RtpError::kCsrcPastEnd:
      return "csrc_past_end";
    case RtpError::kExtensionPastEnd:
      return "extension_past_end";
    case RtpError::kBadPadding:
      return "bad_padding";
    case RtpError::kBadExtension:
      return "bad_extension";
    case RtpError::kCount:
      break;
  }
  return "unknown";
}

RtpRtcpKind classify_rtp_rtcp(std::span<const uint8_t> datagram) {
  if (datagram.size() < 2 || (datagram[0] >> 6) != RtpPacket::kVersion) {
    return RtpRtcpKind::kNeither;
  }
  // RFC 5761 §4: RTP payload types 64..95 are avoided on a muxed port exactly so that RTCP
  // packet types 192..223 (SR, RR, SDES, BYE, APP, RTPFB, PSFB, XR) land there.
  const uint8_t type = datagram[1] & 0x7F;
  if (type >= 64 && type <= 95) {
    return RtpRtcpKind::kRtcp;
  }
  return RtpRtcpKind::kRtp;
}

bool RtpExtensionReader::next(RtpExtension& out) {
  const size_t size = block_.size();
  if (profile_ == RtpExtensionProfile::kOneByte) {
    while (offset_ < size) {
      const uint8_t head = block_[offset_];
      if (head == 0) {  // padding byte
        ++offset_;
        continue;
      }
      const uint8_t id = head >> 4;
      const size_t length = static_cast<size_t>(head & 0x0F) + 1;
      if (id == 15) {  // RFC 8285 §4.2: reserved; stop processing the block
        offset_ = size;
        return false;
      }
      if (length > size - offset_ - 1) {
        malformed_ = true;
        offset_ = size;
        return false;
      }
      out.id = id;
      out.value = block_.subspan(offset_ + 1, length);
      offset_ += 1 + length;
      return true;
    }
    return false;
  }
  if (profile_ == RtpExtensionProfile::kTwoByte) {
    while (offset_ < size) {
      const uint8_t id = block_[offset_];
      if (id == 0) {  // padding byte (RFC 8285 §4.3)
        ++offset_;
        continue;
      }
      if (size - offset_ < 2) {
        malformed_ = true;
        offset_ = size;
        return false;
      }
      const size_t length = block_[offset_ + 1];
      if (length > size - offset_ - 2) {
        malformed_ = true;
        offset_ = size;
        return false;
      }
      out.id = id;
      out.value = block_.subspan(offset_ + 2, length);
      offset_ += 2 + length;
      return true;
    }
    return false;
  }
  return false;
}

RtpError RtpPacket::parse(std::span<uint8_t> buffer) {
  *this = RtpPacket{};
  const size_t size = buffer.size();
  uint8_t* p = buffer.data();
  if (size < kFixedHeaderSize) {
    return RtpError::kTooShort;
  }
  if ((p[0] >> 6) != kVersion) {
    return RtpError::kBadVersion;
  }
  size_t header = kFixedHeaderSize + 4u * (p[0] & 0x0F);
  if (header > size) {
    return RtpError::kCsrcPastEnd;
  }
  size_t extension_offset = 0;
  size_t extension_size = 0;
  uint16_t profile_id = 0;
  RtpExtensionProfile profile = RtpExtensionProfile::kNone;
  if ((p[0] & 0x10) != 0) {
    // RFC 3550 §5.3.1: 16-bit profile, 16-bit length in 32-bit words, excluding this header.
    if (size - header < 4) {
      return RtpError::kExtensionPastEnd;
    }
    profile_id = load_be16(p + header);
    extension_size = 4u * load_be16(p + header + 2);
    extension_offset = header + 4;
    if (extension_size > size - extension_offset) {
      return RtpError::kExtensionPastEnd;
    }
    header = extension_offset + extension_size;
    if (profile_id == kOneByteExtensionProfile) {
      profile = RtpExtensionProfile::kOneByte;
    } else if ((profile_id & kTwoByteExtensionProfileMask) == kTwoByteExtensionProfile) {
      profile = RtpExtensionProfile::kTwoByte;
    } else {
      profile = RtpExtensionProfile::kOther;
    }
  }
  size_t padding = 0;
  if ((p[0] & 0x20) != 0) {
    // RFC 3550 §5.1: the last octet counts the padding, itself included, so zero is invalid
    // and the count may not reach back into the header.
    if (size == header) {
      return RtpError::kBadPadding;
    }
    padding = p[size - 1];
    if (padding == 0 || padding > size - header) {
      return RtpError::kBadPadding;
    }
  }
  data_ = p;
  size_ = size;
  header_size_ = header;
  padding_size_ = padding;
  payload_size_ = size - header - padding;
  extension_offset_ = extension_offset;
  extension_size_ = extension_size;
  extension_profile_id_ = profile_id;
  extension_profile_ = profile;
  return RtpError::kNone;
}

uint16_t RtpPacket::sequence_number() const { return load_be16(data_ + 2); }

uint32_t RtpPacket::timestamp() const { return load_be32(data_ + 4); }

uint32_t RtpPacket::ssrc() const { return load_be32(data_ + 8); }

uint32_t RtpPacket::csrc(size_t index) const { return load_be32(data_ + 12 + 4 * index); }

bool RtpPacket::find_extension(uint8_t id, RtpExtension& out) const {
  RtpExtensionReader reader = extensions();
  RtpExtension element;
  while (reader.next(element)) {
    if (element.id == id) {
      out = element;
      return true;
    }
  }
  return false;
}

bool RtpPacket::remap_extension_ids(const RtpExtensionIdMap& map) {
  const bool one_byte = extension_profile_ == RtpExtensionProfile::kOneByte;
  if (!one_byte && extension_profile_ != RtpExtensionProfile::kTwoByte) {
    return true;
  }
  const size_t element_header = one_byte ? 1 : 2;
  RtpExtensionReader reader = extensions();
  RtpExtension element;
  while (reader.next(element)) {
    uint8_t* head = element.value.data() - element_header;
    const uint8_t mapped = map[element.id];
    // A one-byte element cannot carry ids above 14 (15 is the stop marker); drop it rather
    // than change the block's form, which would mean moving the payload.
    if (mapped == 0 || (one_byte && mapped > 14)) {
      for (size_t i = 0; i < element_header + element.value.size(); ++i) {
        head[i] = 0;
      }
      continue;
    }
    if (one_byte) {
      head[0] = static_cast<uint8_t>((mapped << 4) | (head[0] & 0x0F));
    } else {
      head[0] = mapped;
    }
  }
  return !reader.malformed();
}

void RtpPacket::set_marker(bool marker) {
  data_[1] = static_cast<uint8_t>((data_[1] & 0x7F) | (marker ? 0x80 : 0));
}

void RtpPacket::set_payload_type(uint8_t payload_type) {
  data_[1] = static_cast<uint8_t>((data_[1] & 0x80) | (payload_type & 0x7F));
}

void RtpPacket::set_sequence_number(uint16_t seq) { store_be16(data_ + 2, seq); }

void RtpPacket::set_timestamp(uint32_t timestamp) { store_be32(data_ + 4, timestamp); }

void RtpPacket::set_ssrc(uint32_t ssrc) { store_be32(data_ + 8, ssrc); }

}  // namespace ringcast::rtc
