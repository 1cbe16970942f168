#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "rtc/rtp_packet.hpp"

namespace ringcast::rtc {

// The RTP header extensions WebRTC negotiates that the SFU reads or rewrites.
enum class HeaderExtension : uint8_t {
  kMid,              // RFC 9143 §15 (BUNDLE): which m= section a packet belongs to
  kRid,              // RFC 8852 §3.1: the simulcast stream (RtpStreamId)
  kRepairedRid,      // RFC 8852 §3.2: the stream an RTX packet repairs
  kTransportWideCc,  // draft-holmer-rmcat-transport-wide-cc-extensions-01 §2: 16-bit sequence
  kAudioLevel,       // RFC 6464: voice activity flag and level in -dBov
  kAbsSendTime,      // webrtc.org abs-send-time: 24-bit 6.18 fixed-point seconds
  kCount,
};
inline constexpr size_t kHeaderExtensionCount = static_cast<size_t>(HeaderExtension::kCount);

// The a=extmap URI of each (RFC 8285 §5).
std::string_view header_extension_uri(HeaderExtension extension);
std::optional<HeaderExtension> header_extension_from_uri(std::string_view uri);

// The id each extension was negotiated with on one transport or stream; 0 = not negotiated.
struct HeaderExtensionIds {
  uint8_t mid = 0;
  uint8_t rid = 0;
  uint8_t repaired_rid = 0;
  uint8_t transport_wide_cc = 0;
  uint8_t audio_level = 0;
  uint8_t abs_send_time = 0;

  uint8_t get(HeaderExtension extension) const;
  void set(HeaderExtension extension, uint8_t id);
  // From an a=extmap line's parts; false (nothing set) for a URI we do not use or an id outside
  // 1..255 (RFC 8285 §5: 1-14 one-byte, up to 255 two-byte).
  bool set_from_uri(std::string_view uri, int id);
};

// MID, RID and repaired RID are SDES items carried as extension values (RFC 9143 §15, RFC 8852
// §3): 1..255 bytes of text. A value is cut at its first NUL, as libwebrtc does (some senders
// pad with zeros). Nullopt if `id` is 0, the element is absent, or the value is empty.
std::optional<std::string_view> read_sdes_extension(const RtpPacket& packet, uint8_t id);

// Transport-wide sequence number (2 bytes, big-endian).
std::optional<uint16_t> read_transport_wide_seq(const RtpPacket& packet, uint8_t id);
// Overwrites the element's value in place; false if absent or not 2 bytes.
bool write_transport_wide_seq(const RtpPacket& packet, uint8_t id, uint16_t seq);

// RFC 6464 §3: one byte, V (voice activity) in the top bit, level 0..127 in -dBov below it
// (0 is loudest, 127 silence).
struct AudioLevel {
  bool voice = false;
  uint8_t level = 127;
};
std::optional<AudioLevel> read_audio_level(const RtpPacket& packet, uint8_t id);

// abs-send-time: 24 bits of seconds in 6.18 fixed point (wraps every 64 s).
std::optional<uint32_t> read_abs_send_time(const RtpPacket& packet, uint8_t id);
bool write_abs_send_time(const RtpPacket& packet, uint8_t id, uint32_t value);
// Microseconds <-> the 6.18 field (the upper bits of the seconds are dropped by the wrap).
uint32_t abs_send_time_from_us(uint64_t time_us);
uint64_t abs_send_time_to_us(uint32_t value);

}  // namespace ringcast::rtc
