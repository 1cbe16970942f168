#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace ringcast::rtc {

// Why a datagram was not accepted as RTP. The names double as the drop counter names
// (`rtp_drop_<name>`), so keep them stable.
enum class RtpError : uint8_t {
  kNone = 0,
  kTooShort,          // shorter than the 12-byte fixed header
  kBadVersion,        // V != 2
  kCsrcPastEnd,       // CC * 4 bytes of CSRC run past the end
  kExtensionPastEnd,  // X set, but the extension header or its length runs past the end
  kBadPadding,        // P set with a zero count, or a count larger than the payload area
  // An extension element runs past its block. Never returned by parse(), which leaves the
  // elements to be checked when they are walked (find_extension, remap_extension_ids).
  kBadExtension,
  kCount,  // number of reasons, for counter arrays
};

inline constexpr size_t kRtpErrorCount = static_cast<size_t>(RtpError::kCount);
const char* rtp_error_name(RtpError error);

// What a packet on an rtcp-mux port is (RFC 5761 §4, RFC 7983 §7).
enum class RtpRtcpKind : uint8_t { kNeither, kRtp, kRtcp };

// Classifies by the first two bytes only: version 2, and the second byte's low 7 bits in 64..95
// means RTCP (RTCP packet types 192..223 with the marker bit position taken as part of the type).
RtpRtcpKind classify_rtp_rtcp(std::span<const uint8_t> datagram);

// Header extension profiles (RFC 8285 §4.2 and §4.3).
enum class RtpExtensionProfile : uint8_t { kNone, kOneByte, kTwoByte, kOther };

inline constexpr uint16_t kOneByteExtensionProfile = 0xBEDE;
inline constexpr uint16_t kTwoByteExtensionProfile = 0x1000;  // low 4 bits are "appbits"
inline constexpr uint16_t kTwoByteExtensionProfileMask = 0xFFF0;

struct RtpExtension {
  uint8_t id = 0;
  std::span<uint8_t> value;
};

// Walks the elements of a one-byte or two-byte extension block. Padding bytes (id 0) are skipped.
// Stops at the end, at a one-byte id 15 (RFC 8285 §4.2: stop processing), or at an element whose
// length runs past the block, in which case malformed() is true.
class RtpExtensionReader {
 public:
  RtpExtensionReader() = default;
  RtpExtensionReader(std::span<uint8_t> block, RtpExtensionProfile profile)
      : block_(block), profile_(profile) {}

  bool next(RtpExtension& out);
  bool malformed() const { return malformed_; }

 private:
  std::span<uint8_t> block_;
  size_t offset_ = 0;
  RtpExtensionProfile profile_ = RtpExtensionProfile::kNone;
  bool malformed_ = false;
};

// Maps a producer's extension id (index) to a consumer's negotiated id (value). A value of 0
// removes the element: its bytes are zeroed, which RFC 8285 §4.2/§4.3 define as padding, so the
// packet keeps its size and the receiver skips it.
using RtpExtensionIdMap = std::array<uint8_t, 256>;

// A view over one RTP packet (RFC 3550 §5.1) in a caller-owned, mutable buffer. Parsing checks
// every length against the buffer once; afterwards accessors and setters are plain loads and
// stores. The view does not own the bytes and does not allocate.
class RtpPacket {
 public:
  static constexpr size_t kFixedHeaderSize = 12;
  static constexpr uint8_t kVersion = 2;

  // On success returns kNone and points *this at `buffer`; on failure *this is left empty.
  RtpError parse(std::span<uint8_t> buffer);

  bool empty() const { return data_ == nullptr; }
  uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  std::span<uint8_t> bytes() const { return {data_, size_}; }

  bool marker() const { return (data_[1] & 0x80) != 0; }
  uint8_t payload_type() const { return data_[1] & 0x7F; }
  uint16_t sequence_number() const;
  uint32_t timestamp() const;
  uint32_t ssrc() const;
  uint8_t csrc_count() const { return data_[0] & 0x0F; }
  uint32_t csrc(size_t index) const;  // index < csrc_count()

  // Header size including CSRCs and the extension block.
  size_t header_size() const { return header_size_; }
  size_t padding_size() const { return padding_size_; }
  std::span<uint8_t> payload() const { return {data_ + header_size_, payload_size_}; }

  bool has_extension() const { return (data_[0] & 0x10) != 0; }
  uint16_t extension_profile_id() const { return extension_profile_id_; }
  RtpExtensionProfile extension_profile() const { return extension_profile_; }
  // The extension elements, without the 4-byte extension header.
  std::span<uint8_t> extension_block() const {
    return {data_ + extension_offset_, extension_size_};
  }
  RtpExtensionReader extensions() const { return {extension_block(), extension_profile_}; }

  // First element with `id` (1..14 one-byte, 1..255 two-byte). Values may be empty in the
  // two-byte form, hence the bool.
  bool find_extension(uint8_t id, RtpExtension& out) const;

  // Rewrites every element's id through `map` in place. Ids that do not fit the block's form
  // (a one-byte block holds 1..14) are removed like a map value of 0. Returns false if the block
  // is malformed (elements before the fault are already rewritten; drop as kBadExtension).
  bool remap_extension_ids(const RtpExtensionIdMap& map);

  void set_marker(bool marker);
  void set_payload_type(uint8_t payload_type);
  void set_sequence_number(uint16_t seq);
  void set_timestamp(uint32_t timestamp);
  void set_ssrc(uint32_t ssrc);

 private:
  uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t header_size_ = 0;
  size_t payload_size_ = 0;
  size_t padding_size_ = 0;
  size_t extension_offset_ = 0;
  size_t extension_size_ = 0;
  uint16_t extension_profile_id_ = 0;
  RtpExtensionProfile extension_profile_ = RtpExtensionProfile::kNone;
};

}  // namespace ringcast::rtc
