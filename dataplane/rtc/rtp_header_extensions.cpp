#include "rtc/rtp_header_extensions.hpp"

#include <cstring>

#include "rtc/byte_io.hpp"

namespace ringcast::rtc {
namespace {

constexpr std::string_view kUris[kHeaderExtensionCount] = {
    "urn:ietf:params:rtp-hdrext:sdes:mid",
    "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id",
    "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id",
    "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
    "urn:ietf:params:rtp-hdrext:ssrc-audio-level",
    "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
};

bool find(const RtpPacket& packet, uint8_t id, RtpExtension& out) {
  return id != 0 && packet.has_extension() && packet.find_extension(id, out);
}

}  // namespace

std::string_view header_extension_uri(HeaderExtension extension) {
  const auto index = static_cast<size_t>(extension);
  return index < kHeaderExtensionCount ? kUris[index] : std::string_view{};
}

std::optional<HeaderExtension> header_extension_from_uri(std::string_view uri) {
  for (size_t i = 0; i < kHeaderExtensionCount; ++i) {
    if (kUris[i] == uri) {
      return static_cast<HeaderExtension>(i);
    }
  }
  return std::nullopt;
}

uint8_t HeaderExtensionIds::get(HeaderExtension extension) const {
  switch (extension) {
    case HeaderExtension::kMid:
      return mid;
    case HeaderExtension::kRid:
      return rid;
    case HeaderExtension::kRepairedRid:
      return repaired_rid;
    case HeaderExtension::kTransportWideCc:
      return transport_wide_cc;
    case HeaderExtension::kAudioLevel:
      return audio_level;
    case HeaderExtension::kAbsSendTime:
      return abs_send_time;
    case HeaderExtension::kCount:
      break;
  }
  return 0;
}

void HeaderExtensionIds::set(HeaderExtension extension, uint8_t id) {
  switch (extension) {
    case HeaderExtension::kMid:
      mid = id;
      break;
    case HeaderExtension::kRid:
      rid = id;
      break;
    case HeaderExtension::kRepairedRid:
      repaired_rid = id;
      break;
    case HeaderExtension::kTransportWideCc:
      transport_wide_cc = id;
      break;
    case HeaderExtension::kAudioLevel:
      audio_level = id;
      break;
    case HeaderExtension::kAbsSendTime:
      abs_send_time = id;
      break;
    case HeaderExtension::kCount:
      break;
  }
}

bool HeaderExtensionIds::set_from_uri(std::string_view uri, int id) {
  const std::optional<HeaderExtension> extension = header_extension_from_uri(uri);
  if (!extension.has_value() || id < 1 || id > 255) {
    return false;
  }
  set(*extension, static_cast<uint8_t>(id));
  return true;
}

std::optional<std::string_view> read_sdes_extension(const RtpPacket& packet, uint8_t id) {
  RtpExtension element;
  if (!find(packet, id, element) || element.value.empty()) {
    return std::nullopt;
  }
  const auto* text = reinterpret_cast<const char*>(element.value.data());
  const void* nul = std::memchr(text, 0, element.value.size());
  const size_t size = nul != nullptr ? static_cast<size_t>(static_cast<const char*>(nul) - text)
                                     : element.value.size();
  if (size == 0) {
    return std::nullopt;
  }
  return std::string_view(text, size);
}

std::optional<uint16_t> read_transport_wide_seq(const RtpPacket& packet, uint8_t id) {
  RtpExtension element;
  if (!find(packet, id, element) || element.value.size() != 2) {
    return std::nullopt;
  }
  return load_be16(element.value.data());
}

bool write_transport_wide_seq(const RtpPacket& packet, uint8_t id, uint16_t seq) {
  RtpExtension element;
  if (!find(packet, id, element) || element.value.size() != 2) {
    return false;
  }
  store_be16(element.value.data(), seq);
  return true;
}

std::optional<AudioLevel> read_audio_level(const RtpPacket& packet, uint8_t id) {
  RtpExtension element;
  // RFC 6464 §3 defines one byte; the two-byte form may pad it, so take the first.
  if (!find(packet, id, element) || element.value.empty()) {
    return std::nullopt;
  }
  const uint8_t b = element.value[0];
  return AudioLevel{(b & 0x80) != 0, static_cast<uint8_t>(b & 0x7F)};
}

std::optional<uint32_t> read_abs_send_time(const RtpPacket& packet, uint8_t id) {
  RtpExtension element;
  if (!find(packet, id, element) || element.value.size() != 3) {
    return std::nullopt;
  }
  return load_be24(element.value.data());
}

bool write_abs_send_time(const RtpPacket& packet, uint8_t id, uint32_t value) {
  RtpExtension element;
  if (!find(packet, id, element) || element.value.size() != 3) {
    return false;
  }
  store_be24(element.value.data(), value & 0xFFFFFF);
  return true;
}

uint32_t abs_send_time_from_us(uint64_t time_us) {
  // 18 fractional bits: value = seconds * 2^18, rounded, kept to 24 bits. Reduce to the 64 s
  // the field spans first, so the shift cannot overflow however long the clock has run.
  const uint64_t within = time_us % 64'000'000;
  return static_cast<uint32_t>((((within << 18) + 500'000) / 1'000'000) & 0xFFFFFF);
}

uint64_t abs_send_time_to_us(uint32_t value) {
  return ((uint64_t{value & 0xFFFFFF} * 1'000'000) + (1u << 17)) >> 18;
}

}  // namespace ringcast::rtc
