#include "rtmp/flv_tags.hpp"

#include "rtmp/byte_io.hpp"

namespace ringcast::rtmp {

namespace {

constexpr uint8_t kCodecAvc = 7;
constexpr uint8_t kCodecHevc = 12;
constexpr uint8_t kSoundFormatMp3 = 2;
constexpr uint8_t kSoundFormatExHeader = 9;
constexpr uint8_t kSoundFormatAac = 10;
// Enhanced RTMP v2 AvMultitrackType: only ManyTracksManyCodecs (2) puts a FourCC per track, and
// then the first track's FourCC sits where the shared one would be, so either way the next four
// bytes name a codec.

int32_t load_si24(const uint8_t* p) {
  const uint32_t v = load_be24(p);
  return static_cast<int32_t>((v & 0x800000) != 0 ? (v | 0xFF000000u) : v);
}

// Enhanced RTMP v2 ModEx: one or more (size, data, type|packetType) records in front of the
// real packet type. Returns false when truncated; `pos` ends after the last record.
bool skip_mod_ex(std::span<const uint8_t> p, size_t& pos, uint8_t mod_ex_type, uint8_t& packet) {
  while (packet == mod_ex_type) {
    if (pos >= p.size()) {
      return false;
    }
    size_t size = size_t{p[pos++]} + 1;
    if (size == 256) {
      if (p.size() - pos < 2) {
        return false;
      }
      size = size_t{load_be16(p.data() + pos)} + 1;
      pos += 2;
    }
    if (p.size() - pos < size + 1) {
      return false;
    }
    pos += size;
    packet = p[pos++] & 0x0F;
  }
  return true;
}

}  // namespace

std::string_view to_string(FlvError error) {
  switch (error) {
    case FlvError::kNone:
      return "none";
    case FlvError::kEmpty:
      return "empty media payload";
    case FlvError::kTruncated:
      return "truncated media tag header";
    case FlvError::kBadPacketType:
      return "reserved packet type";
  }
  return "unknown";
}

FlvError parse_video_tag(std::span<const uint8_t> p, VideoTag& out) {
  out = VideoTag{};
  if (p.empty()) {
    return FlvError::kEmpty;
  }
  const uint8_t b0 = p[0];
  // Enhanced RTMP v1: the top bit of the first byte is IsExHeader.
  if ((b0 & 0x80) == 0) {
    out.frame_type = static_cast<VideoFrameType>(b0 >> 4);
    out.codec_id = b0 & 0x0F;
    if (out.codec_id != kCodecAvc && out.codec_id != kCodecHevc) {
      return FlvError::kNone;
    }
    out.fourcc = out.codec_id == kCodecAvc ? fourcc::kAvc1 : fourcc::kHvc1;
    // A command frame carries a one-byte command instead of AVCPacketType.
    if (out.frame_type == VideoFrameType::kCommand) {
      return FlvError::kNone;
    }
    if (p.size() < 5) {
      return FlvError::kTruncated;
    }
    if (p[1] > 2) {
      return FlvError::kBadPacketType;
    }
    out.packet_type = static_cast<VideoPacketType>(p[1]);
    out.composition_time = load_si24(p.data() + 2);
    return FlvError::kNone;
  }

  out.enhanced = true;
  out.frame_type = static_cast<VideoFrameType>((b0 >> 4) & 0x07);
  uint8_t packet = b0 & 0x0F;
  size_t pos = 1;
  if (!skip_mod_ex(p, pos, static_cast<uint8_t>(VideoPacketType::kModEx), packet)) {
    return FlvError::kTruncated;
  }
  if (packet == static_cast<uint8_t>(VideoPacketType::kMultitrack)) {
    if (pos >= p.size()) {
      return FlvError::kTruncated;
    }
    out.multitrack = true;
    packet = p[pos++] & 0x0F;
    if (packet == static_cast<uint8_t>(VideoPacketType::kMultitrack) ||
        packet == static_cast<uint8_t>(VideoPacketType::kModEx)) {
      return FlvError::kBadPacketType;
    }
  }
  if (packet > static_cast<uint8_t>(VideoPacketType::kModEx)) {
    return FlvError::kBadPacketType;
  }
  out.packet_type = static_cast<VideoPacketType>(packet);
  if (p.size() - pos < 4) {
    return FlvError::kTruncated;
  }
  out.fourcc = load_be32(p.data() + pos);
  pos += 4;
  // Enhanced RTMP v1: CodedFrames of avc1/hvc1 carry an SI24 composition time; CodedFramesX is
  // the same with an implied zero.
  if (!out.multitrack && out.packet_type == VideoPacketType::kCodedFrames &&
      (out.fourcc == fourcc::kAvc1 || out.fourcc == fourcc::kHvc1)) {
    if (p.size() - pos < 3) {
      return FlvError::kTruncated;
    }
    out.composition_time = load_si24(p.data() + pos);
  }
  return FlvError::kNone;
}

FlvError parse_audio_tag(std::span<const uint8_t> p, AudioTag& out) {
  out = AudioTag{};
  if (p.empty()) {
    return FlvError::kEmpty;
  }
  out.sound_format = p[0] >> 4;
  if (out.sound_format != kSoundFormatExHeader) {
    if (out.sound_format == kSoundFormatMp3) {
      out.fourcc = fourcc::kMp3;
    } else if (out.sound_format == kSoundFormatAac) {
      out.fourcc = fourcc::kMp4a;
      if (p.size() < 2) {
        return FlvError::kTruncated;
      }
      // FLV E.4.2.2: AACPacketType 0 is the AudioSpecificConfig, 1 raw frames.
      if (p[1] > 1) {
        return FlvError::kBadPacketType;
      }
      out.packet_type = static_cast<AudioPacketType>(p[1]);
    }
    return FlvError::kNone;
  }

  // Enhanced RTMP v2: SoundFormat 9 is ExHeader and the low nibble is AudioPacketType.
  out.enhanced = true;
  uint8_t packet = p[0] & 0x0F;
  size_t pos = 1;
  if (!skip_mod_ex(p, pos, static_cast<uint8_t>(AudioPacketType::kModEx), packet)) {
    return FlvError::kTruncated;
  }
  if (packet == static_cast<uint8_t>(AudioPacketType::kMultitrack)) {
    if (pos >= p.size()) {
      return FlvError::kTruncated;
    }
    out.multitrack = true;
    packet = p[pos++] & 0x0F;
    if (packet == static_cast<uint8_t>(AudioPacketType::kMultitrack) ||
        packet == static_cast<uint8_t>(AudioPacketType::kModEx)) {
      return FlvError::kBadPacketType;
    }
  }
  if (packet == 3 || packet == 6 || packet > static_cast<uint8_t>(AudioPacketType::kModEx)) {
    return FlvError::kBadPacketType;
  }
  out.packet_type = static_cast<AudioPacketType>(packet);
  if (p.size() - pos < 4) {
    return FlvError::kTruncated;
  }
  out.fourcc = load_be32(p.data() + pos);
  return FlvError::kNone;
}

}  // namespace ringcast::rtmp
