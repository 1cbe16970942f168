#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "rtc/hmac_sha1.hpp"
#include "rtc/transport_address.hpp"

namespace ringcast::rtc {

// Why a datagram was not accepted as a STUN message (RFC 8489 §5, §14). The names double as
// drop counter names (`stun_drop_<name>`), so keep them stable.
enum class StunError : uint8_t {
  kNone = 0,
  kTooShort,            // shorter than the 20-byte header
  kNotStun,             // the two most significant bits are not zero (RFC 8489 §5)
  kBadMagicCookie,      // not 0x2112A442: an RFC 3489 client or not STUN at all
  kBadLength,           // length field not a multiple of 4 or not the rest of the datagram
  kAttributePastEnd,    // an attribute's length runs past the message
  kFingerprintNotLast,  // FINGERPRINT followed by another attribute (RFC 8489 §14.7)
  kBadAttribute,        // a known attribute with a malformed value (size, family, class)
  kCount,
};

inline constexpr size_t kStunErrorCount = static_cast<size_t>(StunError::kCount);
const char* stun_error_name(StunError error);

// Outcome of MESSAGE-INTEGRITY and FINGERPRINT checks.
enum class StunCheck : uint8_t { kOk, kMissing, kMismatch };

// STUN message classes (RFC 8489 §5: C1 and C0 interleaved in the type).
enum class StunClass : uint8_t { kRequest = 0, kIndication = 1, kSuccess = 2, kError = 3 };

inline constexpr uint32_t kStunMagicCookie = 0x2112A442;
inline constexpr size_t kStunHeaderSize = 20;
inline constexpr size_t kStunTransactionIdSize = 12;
inline constexpr uint16_t kStunMethodBinding = 0x001;

// Message types of the Binding method.
inline constexpr uint16_t kStunBindingRequest = 0x0001;
inline constexpr uint16_t kStunBindingIndication = 0x0011;
inline constexpr uint16_t kStunBindingSuccess = 0x0101;
inline constexpr uint16_t kStunBindingError = 0x0111;

// Attribute types (RFC 8489 §18.3, RFC 8445 §16.1).
inline constexpr uint16_t kStunAttrMappedAddress = 0x0001;
inline constexpr uint16_t kStunAttrUsername = 0x0006;
inline constexpr uint16_t kStunAttrMessageIntegrity = 0x0008;
inline constexpr uint16_t kStunAttrErrorCode = 0x0009;
inline constexpr uint16_t kStunAttrUnknownAttributes = 0x000A;
inline constexpr uint16_t kStunAttrRealm = 0x0014;
inline constexpr uint16_t kStunAttrNonce = 0x0015;
inline constexpr uint16_t kStunAttrMessageIntegritySha256 = 0x001C;
inline constexpr uint16_t kStunAttrPasswordAlgorithm = 0x001D;
inline constexpr uint16_t kStunAttrUserhash = 0x001E;
inline constexpr uint16_t kStunAttrXorMappedAddress = 0x0020;
inline constexpr uint16_t kStunAttrPriority = 0x0024;
inline constexpr uint16_t kStunAttrUseCandidate = 0x0025;
inline constexpr uint16_t kStunAttrSoftware = 0x8022;
inline constexpr uint16_t kStunAttrFingerprint = 0x8028;
inline constexpr uint16_t kStunAttrIceControlled = 0x8029;
inline constexpr uint16_t kStunAttrIceControlling = 0x802A;

inline constexpr uint32_t kStunFingerprintXor = 0x5354554E;  // "STUN", RFC 8489 §14.7
inline constexpr size_t kStunMaxUsername = 513;              // RFC 8489 §14.3 (bytes)
inline constexpr size_t kStunMaxReason = 763;                // RFC 8489 §14.8 (bytes)

// IEEE 802.3 CRC-32 (the one FINGERPRINT uses), table driven. `crc` continues a previous call.
uint32_t crc32_ieee(std::span<const uint8_t> bytes, uint32_t crc = 0);

// A parsed view over one STUN message in a caller-owned buffer. parse() walks every attribute
// TLV once, checking each length against the message, and remembers where the attributes ICE
// needs are; accessors are then plain loads. Only the first occurrence of an attribute counts
// (RFC 8489 §14). Attributes after MESSAGE-INTEGRITY other than MESSAGE-INTEGRITY-SHA256 and
// FINGERPRINT are ignored (§14.5), so they cannot ride on an authenticated message.
class StunMessage {
 public:
  StunError parse(std::span<const uint8_t> datagram);

  // The cheap test RFC 7983 §7 and RFC 8489 §5 allow before parsing: size, top bits, cookie.
  static bool looks_like_stun(std::span<const uint8_t> datagram);

  std::span<const uint8_t> bytes() const { return bytes_; }
  uint16_t type() const { return type_; }
  uint16_t method() const;
  StunClass message_class() const;
  std::span<const uint8_t, kStunTransactionIdSize> transaction_id() const {
    return std::span<const uint8_t, kStunTransactionIdSize>(bytes_.data() + 8,
                                                            kStunTransactionIdSize);
  }

  bool has_username() const { return username_ != 0; }
  std::string_view username() const;  // empty when absent
  bool has_message_integrity() const { return integrity_ != 0; }
  bool has_fingerprint() const { return fingerprint_ != 0; }
  std::optional<uint32_t> priority() const;
  bool use_candidate() const { return use_candidate_ != 0; }
  std::optional<uint64_t> ice_controlling() const;  // the tie-breaker
  std::optional<uint64_t> ice_controlled() const;
  // XOR-MAPPED-ADDRESS decoded (RFC 8489 §14.2); false when absent.
  bool xor_mapped_address(TransportAddress& out) const;
  // ERROR-CODE (RFC 8489 §14.8): the code (300..699) and the reason phrase.
  std::optional<uint16_t> error_code() const;
  std::string_view error_reason() const;
  // The first comprehension-required attribute (type < 0x8000) this parser does not know, or 0.
  // A request carrying one deserves a 420 (RFC 8489 §7.3.1).
  uint16_t unknown_required_attribute() const { return unknown_required_; }

  // MESSAGE-INTEGRITY (RFC 8489 §14.5): HMAC-SHA1 over the message up to the attribute, with
  // the length field set as if MESSAGE-INTEGRITY were the last attribute. `key` is the
  // short-term credential (the ICE password, §9.1.1: used as is, no SASLprep for ICE's
  // ice-chars).
  StunCheck check_integrity(HmacSha1& key) const;
  StunCheck check_integrity(std::string_view password) const;
  // FINGERPRINT (RFC 8489 §14.7): CRC-32 of the message up to the attribute XOR 0x5354554E.
  StunCheck check_fingerprint() const;

 private:
  uint32_t load_value32(uint32_t offset) const;
  uint64_t load_value64(uint32_t offset) const;
  uint16_t value_length(uint32_t offset) const;

  std::span<const uint8_t> bytes_;
  uint16_t type_ = 0;
  // Offsets of attribute headers from the start of the message; 0 means absent (the header
  // occupies offset 0, so no attribute can be there).
  uint32_t username_ = 0;
  uint32_t integrity_ = 0;
  uint32_t fingerprint_ = 0;
  uint32_t priority_ = 0;
  uint32_t use_candidate_ = 0;
  uint32_t ice_controlling_ = 0;
  uint32_t ice_controlled_ = 0;
  uint32_t xor_mapped_address_ = 0;
  uint32_t error_code_ = 0;
  uint16_t unknown_required_ = 0;
};

// Writes one STUN message into a caller buffer. Every add checks the room left; once something
// did not fit, size() is 0 and further adds do nothing. The length field is kept current, so
// MESSAGE-INTEGRITY and FINGERPRINT cover what was added before them, as RFC 8489 §14.5 and
// §14.7 require.
class StunWriter {
 public:
  StunWriter(std::span<uint8_t> out, uint16_t type,
             std::span<const uint8_t, kStunTransactionIdSize> transaction_id);

  void add(uint16_t type, std::span<const uint8_t> value);
  void add_string(uint16_t type, std::string_view value);
  void add_u32(uint16_t type, uint32_t value);
  void add_u64(uint16_t type, uint64_t value);
  void add_flag(uint16_t type) { add(type, {}); }
  void add_xor_address(uint16_t type, const TransportAddress& address);
  void add_error_code(uint16_t code, std::string_view reason);
  void add_message_integrity(HmacSha1& key);
  void add_fingerprint();

  // The message length so far, or 0 if anything failed to fit.
  size_t size() const { return ok_ ? size_ : 0; }

 private:
  uint8_t* reserve(uint16_t type, size_t value_length);

  std::span<uint8_t> out_;
  size_t size_ = 0;
  bool ok_ = true;
};

// The reason phrase RFC 8489 §14.8 / RFC 8445 §7.3.1.1 suggest for a code ("Bad Request", ...).
std::string_view stun_reason_phrase(uint16_t code);

// A Binding success response to `request_id` with XOR-MAPPED-ADDRESS = `mapped` (the request's
// source), MESSAGE-INTEGRITY keyed with the local ICE password and FINGERPRINT (RFC 8445
// §7.3.1.4, RFC 8489 §9.1.3). Returns the size, 0 if `out` is too small.
size_t build_binding_success(std::span<uint8_t> out,
                             std::span<const uint8_t, kStunTransactionIdSize> request_id,
                             const TransportAddress& mapped, HmacSha1& key);

// A Binding error response. `key` null: no MESSAGE-INTEGRITY, as for 400 and 401 where the
// request could not be authenticated (RFC 8489 §9.1.3); otherwise 487 Role Conflict and others
// answering an authenticated request carry it. FINGERPRINT always (RFC 8445 §7.3).
size_t build_binding_error(std::span<uint8_t> out,
                           std::span<const uint8_t, kStunTransactionIdSize> request_id,
                           uint16_t code, HmacSha1* key);

// What a connectivity check carries (RFC 8445 §7.1.1 - §7.1.3).
struct StunBindingRequest {
  std::span<const uint8_t, kStunTransactionIdSize> transaction_id;
  std::string_view username;  // "remoteUfrag:localUfrag" from the sender's view
  uint32_t priority = 0;
  bool controlling = true;
  uint64_t tie_breaker = 0;
  bool use_candidate = false;
};

// A Binding request; with `key`, MESSAGE-INTEGRITY (the remote password) and FINGERPRINT.
size_t build_binding_request(std::span<uint8_t> out, const StunBindingRequest& request,
                             HmacSha1* key);

}  // namespace ringcast::rtc
