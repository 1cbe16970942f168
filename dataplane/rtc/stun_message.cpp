#include "rtc/stun_message.hpp"

#include <openssl/crypto.h>

#include <array>
#include <cstring>

#include "rtc/byte_io.hpp"

namespace ringcast::rtc {
namespace {

constexpr size_t kAttributeHeaderSize = 4;
constexpr size_t kIntegrityAttributeSize = kAttributeHeaderSize + HmacSha1::kSize;

constexpr std::array<uint32_t, 256> make_crc32_table() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) {
      c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    }
    table[i] = c;
  }
  return table;
}

constexpr std::array<uint32_t, 256> kCrc32Table = make_crc32_table();

constexpr size_t padded(size_t length) { return (length + 3) & ~size_t{3}; }

// Attributes whose meaning this parser knows, so that they are not reported as unknown
// comprehension-required ones (RFC 8489 §18.3.1, RFC 8445 §16.1, RFC 8656 TURN attributes are
// not expected on an ICE-lite port and count as unknown).
bool known_required(uint16_t type) {
  switch (type) {
    case kStunAttrMappedAddress:
    case kStunAttrUsername:
    case kStunAttrMessageIntegrity:
    case kStunAttrErrorCode:
    case kStunAttrUnknownAttributes:
    case kStunAttrRealm:
    case kStunAttrNonce:
    case kStunAttrMessageIntegritySha256:
    case kStunAttrPasswordAlgorithm:
    case kStunAttrUserhash:
    case kStunAttrXorMappedAddress:
    case kStunAttrPriority:
    case kStunAttrUseCandidate:
      return true;
    default:
      return false;
  }
}

}  // namespace

const char* stun_error_name(StunError error) {
  switch (error) {
    case StunError::kNone:
      return "none";
    case StunError::kTooShort:
      return "too_short";
    case StunError::kNotStun:
      return "not_stun";
    case StunError::kBadMagicCookie:
      return "bad_magic_cookie";
    case StunError::kBadLength:
      return "bad_length";
    case StunError::kAttributePastEnd:
      return "attribute_past_end";
    case StunError::kFingerprintNotLast:
      return "fingerprint_not_last";
    case StunError::kBadAttribute:
      return "bad_attribute";
    case StunError::kCount:
      break;
  }
  return "unknown";
}

uint32_t crc32_ieee(std::span<const uint8_t> bytes, uint32_t crc) {
  crc = ~crc;
  for (uint8_t b : bytes) {
    crc = kCrc32Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
  }
  return ~crc;
}

bool StunMessage::looks_like_stun(std::span<const uint8_t> datagram) {
  return datagram.size() >= kStunHeaderSize && (datagram[0] & 0xC0) == 0 &&
         load_be32(datagram.data() + 4) == kStunMagicCookie;
}

StunError StunMessage::parse(std::span<const uint8_t> datagram) {
  *this = StunMessage{};
  if (datagram.size() < kStunHeaderSize) {
    return StunError::kTooShort;
  }
  const uint8_t* p = datagram.data();
  if ((p[0] & 0xC0) != 0) {
    return StunError::kNotStun;
  }
  if (load_be32(p + 4) != kStunMagicCookie) {
    return StunError::kBadMagicCookie;
  }
  const size_t length = load_be16(p + 2);
  // RFC 8489 §5: attributes are padded to 32 bits, so the length is a multiple of 4; a UDP
  // datagram holds exactly one message.
  if ((length & 3) != 0 || length != datagram.size() - kStunHeaderSize) {
    return StunError::kBadLength;
  }

  StunMessage parsed;
  parsed.bytes_ = datagram;
  parsed.type_ = load_be16(p);
  bool after_integrity = false;
  size_t offset = kStunHeaderSize;
  while (offset < datagram.size()) {
    if (parsed.fingerprint_ != 0) {
      return StunError::kFingerprintNotLast;
    }
    if (datagram.size() - offset < kAttributeHeaderSize) {
      return StunError::kAttributePastEnd;
    }
    const uint16_t type = load_be16(p + offset);
    const size_t value_length = load_be16(p + offset + 2);
    if (padded(value_length) > datagram.size() - offset - kAttributeHeaderSize) {
      return StunError::kAttributePastEnd;
    }
    const auto here = static_cast<uint32_t>(offset);
    offset += kAttributeHeaderSize + padded(value_length);

    if (type == kStunAttrFingerprint) {
      if (value_length != 4) {
        return StunError::kBadAttribute;
      }
      parsed.fingerprint_ = here;
      continue;
    }
    if (after_integrity) {
      continue;  // §14.5: ignored, only MESSAGE-INTEGRITY-SHA256 and FINGERPRINT may follow
    }
    // First occurrence wins (§14); the value checks reject what an accessor could not read.
    auto remember = [&](uint32_t& slot, bool size_ok) {
      if (slot == 0) {
        slot = here;
      }
      return size_ok;
    };
    bool ok = true;
    switch (type) {
      case kStunAttrUsername:
        ok = remember(parsed.username_, value_length <= kStunMaxUsername);
        break;
      case kStunAttrMessageIntegrity:
        ok = remember(parsed.integrity_, value_length == HmacSha1::kSize);
        after_integrity = true;
        break;
      case kStunAttrPriority:
        ok = remember(parsed.priority_, value_length == 4);
        break;
      case kStunAttrUseCandidate:
        ok = remember(parsed.use_candidate_, value_length == 0);
        break;
      case kStunAttrIceControlling:
        ok = remember(parsed.ice_controlling_, value_length == 8);
        break;
      case kStunAttrIceControlled:
        ok = remember(parsed.ice_controlled_, value_length == 8);
        break;
      case kStunAttrXorMappedAddress: {
        const uint8_t family = value_length >= 2 ? p[here + 5] : 0;
        ok = remember(parsed.xor_mapped_address_,
                      (family == TransportAddress::kIpv4 && value_length == 8) ||
                          (family == TransportAddress::kIpv6 && value_length == 20));
        break;
      }
      case kStunAttrErrorCode: {
        bool valid = value_length >= 4 && value_length - 4 <= kStunMaxReason;
        if (valid) {
          const uint8_t code_class = p[here + 6] & 0x07;
          const uint8_t number = p[here + 7];
          valid = code_class >= 3 && code_class <= 6 && number <= 99;
        }
        ok = remember(parsed.error_code_, valid);
        break;
      }
      default:
        if (type < 0x8000 && parsed.unknown_required_ == 0 && !known_required(type)) {
          parsed.unknown_required_ = type;
        }
        break;
    }
    if (!ok) {
      return StunError::kBadAttribute;
    }
  }
  *this = parsed;
  return StunError::kNone;
}

uint16_t StunMessage::method() const {
  return static_cast<uint16_t>((type_ & 0x000F) | ((type_ >> 1) & 0x0070) |
                               ((type_ >> 2) & 0x0F80));
}

StunClass StunMessage::message_class() const {
  return static_cast<StunClass>(((type_ >> 7) & 0x2) | ((type_ >> 4) & 0x1));
}

uint16_t StunMessage::value_length(uint32_t offset) const {
  return load_be16(bytes_.data() + offset + 2);
}

uint32_t StunMessage::load_value32(uint32_t offset) const {
  return load_be32(bytes_.data() + offset + kAttributeHeaderSize);
}

uint64_t StunMessage::load_value64(uint32_t offset) const {
  return load_be64(bytes_.data() + offset + kAttributeHeaderSize);
}

std::string_view StunMessage::username() const {
  if (username_ == 0) {
    return {};
  }
  return {reinterpret_cast<const char*>(bytes_.data() + username_ + kAttributeHeaderSize),
          value_length(username_)};
}

std::optional<uint32_t> StunMessage::priority() const {
  if (priority_ == 0) {
    return std::nullopt;
  }
  return load_value32(priority_);
}

std::optional<uint64_t> StunMessage::ice_controlling() const {
  if (ice_controlling_ == 0) {
    return std::nullopt;
  }
  return load_value64(ice_controlling_);
}

std::optional<uint64_t> StunMessage::ice_controlled() const {
  if (ice_controlled_ == 0) {
    return std::nullopt;
  }
  return load_value64(ice_controlled_);
}

bool StunMessage::xor_mapped_address(TransportAddress& out) const {
  if (xor_mapped_address_ == 0) {
    return false;
  }
  const uint8_t* value = bytes_.data() + xor_mapped_address_ + kAttributeHeaderSize;
  TransportAddress address;
  address.family = value[1];
  // RFC 8489 §14.2: the port is XORed with the cookie's high 16 bits, the address with the
  // cookie (IPv4) or the cookie followed by the transaction id (IPv6) - header bytes 4..19.
  address.port = static_cast<uint16_t>(load_be16(value + 2) ^ (kStunMagicCookie >> 16));
  const uint8_t* mask = bytes_.data() + 4;
  for (size_t i = 0; i < address.ip_size(); ++i) {
    address.ip[i] = value[4 + i] ^ mask[i];
  }
  out = address;
  return true;
}

std::optional<uint16_t> StunMessage::error_code() const {
  if (error_code_ == 0) {
    return std::nullopt;
  }
  const uint8_t* value = bytes_.data() + error_code_ + kAttributeHeaderSize;
  return static_cast<uint16_t>((value[2] & 0x07) * 100 + value[3]);
}

std::string_view StunMessage::error_reason() const {
  if (error_code_ == 0) {
    return {};
  }
  return {reinterpret_cast<const char*>(bytes_.data() + error_code_ + kAttributeHeaderSize + 4),
          static_cast<size_t>(value_length(error_code_) - 4)};
}

StunCheck StunMessage::check_integrity(HmacSha1& key) const {
  if (integrity_ == 0) {
    return StunCheck::kMissing;
  }
  // §14.5: the length field as if MESSAGE-INTEGRITY ended the message (FINGERPRINT, and
  // anything else after it, is excluded from both the hash and the length).
  std::array<uint8_t, kStunHeaderSize> header;
  std::memcpy(header.data(), bytes_.data(), kStunHeaderSize);
  store_be16(header.data() + 2,
             static_cast<uint16_t>(integrity_ + kIntegrityAttributeSize - kStunHeaderSize));
  HmacSha1::Digest digest;
  if (!key.compute(header, bytes_.subspan(kStunHeaderSize, integrity_ - kStunHeaderSize), digest)) {
    return StunCheck::kMismatch;
  }
  // Constant time, so timing does not reveal how much of a forged tag was right.
  const uint8_t* tag = bytes_.data() + integrity_ + kAttributeHeaderSize;
  return CRYPTO_memcmp(digest.data(), tag, digest.size()) == 0 ? StunCheck::kOk
                                                               : StunCheck::kMismatch;
}

StunCheck StunMessage::check_integrity(std::string_view password) const {
  if (integrity_ == 0) {
    return StunCheck::kMissing;
  }
  HmacSha1 key(password);
  return check_integrity(key);
}

StunCheck StunMessage::check_fingerprint() const {
  if (fingerprint_ == 0) {
    return StunCheck::kMissing;
  }
  // FINGERPRINT is last (parse() enforces it), so the length field already covers it.
  const uint32_t crc = crc32_ieee(bytes_.first(fingerprint_)) ^ kStunFingerprintXor;
  return crc == load_value32(fingerprint_) ? StunCheck::kOk : StunCheck::kMismatch;
}

// --- StunWriter ---------------------------------------------------------------------------------

StunWriter::StunWriter(std::span<uint8_t> out, uint16_t type,
                       std::span<const uint8_t, kStunTransactionIdSize> transaction_id)
    : out_(out) {
  if (out.size() < kStunHeaderSize) {
    ok_ = false;
    return;
  }
  uint8_t* p = out.data();
  store_be16(p, type & 0x3FFF);
  store_be16(p + 2, 0);
  store_be32(p + 4, kStunMagicCookie);
  std::memcpy(p + 8, transaction_id.data(), kStunTransactionIdSize);
  size_ = kStunHeaderSize;
}

uint8_t* StunWriter::reserve(uint16_t type, size_t value_length) {
  const size_t total = kAttributeHeaderSize + padded(value_length);
  if (!ok_ || value_length > 0xFFFF || out_.size() - size_ < total ||
      size_ + total - kStunHeaderSize > 0xFFFF) {
    ok_ = false;
    return nullptr;
  }
  uint8_t* p = out_.data() + size_;
  store_be16(p, type);
  store_be16(p + 2, static_cast<uint16_t>(value_length));
  // Padding bytes: RFC 8489 §14 lets them be anything; zero keeps output deterministic.
  std::memset(p + kAttributeHeaderSize + value_length, 0, padded(value_length) - value_length);
  size_ += total;
  store_be16(out_.data() + 2, static_cast<uint16_t>(size_ - kStunHeaderSize));
  return p + kAttributeHeaderSize;
}

void StunWriter::add(uint16_t type, std::span<const uint8_t> value) {
  uint8_t* p = reserve(type, value.size());
  if (p != nullptr && !value.empty()) {
    std::memcpy(p, value.data(), value.size());
  }
}

void StunWriter::add_string(uint16_t type, std::string_view value) {
  add(type, {reinterpret_cast<const uint8_t*>(value.data()), value.size()});
}

void StunWriter::add_u32(uint16_t type, uint32_t value) {
  if (uint8_t* p = reserve(type, 4)) {
    store_be32(p, value);
  }
}

void StunWriter::add_u64(uint16_t type, uint64_t value) {
  if (uint8_t* p = reserve(type, 8)) {
    store_be64(p, value);
  }
}

void StunWriter::add_xor_address(uint16_t type, const TransportAddress& address) {
  if (address.family != TransportAddress::kIpv4 && address.family != TransportAddress::kIpv6) {
    ok_ = false;
    return;
  }
  uint8_t* p = reserve(type, 4 + address.ip_size());
  if (p == nullptr) {
    return;
  }
  p[0] = 0;
  p[1] = address.family;
  store_be16(p + 2, static_cast<uint16_t>(address.port ^ (kStunMagicCookie >> 16)));
  const uint8_t* mask = out_.data() + 4;  // cookie + transaction id, already written
  for (size_t i = 0; i < address.ip_size(); ++i) {
    p[4 + i] = address.ip[i] ^ mask[i];
  }
}

void StunWriter::add_error_code(uint16_t code, std::string_view reason) {
  if (code < 300 || code > 699 || reason.size() > kStunMaxReason) {
    ok_ = false;
    return;
  }
  uint8_t* p = reserve(kStunAttrErrorCode, 4 + reason.size());
  if (p == nullptr) {
    return;
  }
  p[0] = 0;
  p[1] = 0;
  p[2] = static_cast<uint8_t>(code / 100);
  p[3] = static_cast<uint8_t>(code % 100);
  if (!reason.empty()) {
    std::memcpy(p + 4, reason.data(), reason.size());
  }
}

void StunWriter::add_message_integrity(HmacSha1& key) {
  const size_t covered = size_;
  uint8_t* p = reserve(kStunAttrMessageIntegrity, HmacSha1::kSize);
  if (p == nullptr) {
    return;
  }
  // The length field already counts this attribute, which is what §14.5 hashes.
  HmacSha1::Digest digest;
  const std::span<const uint8_t> message(out_.data(), covered);
  if (!key.compute(message.first(kStunHeaderSize), message.subspan(kStunHeaderSize), digest)) {
    ok_ = false;
    return;
  }
  std::memcpy(p, digest.data(), digest.size());
}

void StunWriter::add_fingerprint() {
  const size_t covered = size_;
  uint8_t* p = reserve(kStunAttrFingerprint, 4);
  if (p == nullptr) {
    return;
  }
  store_be32(p, crc32_ieee({out_.data(), covered}) ^ kStunFingerprintXor);
}

// --- Binding builders ---------------------------------------------------------------------------

std::string_view stun_reason_phrase(uint16_t code) {
  switch (code) {
    case 300:
      return "Try Alternate";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 420:
      return "Unknown Attribute";
    case 438:
      return "Stale Nonce";
    case 487:
      return "Role Conflict";
    case 500:
      return "Server Error";
    default:
      return "Error";
  }
}

size_t build_binding_success(std::span<uint8_t> out,
                             std::span<const uint8_t, kStunTransactionIdSize> request_id,
                             const TransportAddress& mapped, HmacSha1& key) {
  StunWriter writer(out, kStunBindingSuccess, request_id);
  writer.add_xor_address(kStunAttrXorMappedAddress, mapped);
  writer.add_message_integrity(key);
  writer.add_fingerprint();
  return writer.size();
}

size_t build_binding_error(std::span<uint8_t> out,
                           std::span<const uint8_t, kStunTransactionIdSize> request_id,
                           uint16_t code, HmacSha1* key) {
  StunWriter writer(out, kStunBindingError, request_id);
  writer.add_error_code(code, stun_reason_phrase(code));
  if (key != nullptr) {
    writer.add_message_integrity(*key);
  }
  writer.add_fingerprint();
  return writer.size();
}

size_t build_binding_request(std::span<uint8_t> out, const StunBindingRequest& request,
                             HmacSha1* key) {
  StunWriter writer(out, kStunBindingRequest, request.transaction_id);
  if (!request.username.empty()) {
    writer.add_string(kStunAttrUsername, request.username);
  }
  writer.add_u32(kStunAttrPriority, request.priority);
  writer.add_u64(request.controlling ? kStunAttrIceControlling : kStunAttrIceControlled,
                 request.tie_breaker);
  if (request.use_candidate) {
    writer.add_flag(kStunAttrUseCandidate);
  }
  if (key != nullptr) {
    writer.add_message_integrity(*key);
  }
  writer.add_fingerprint();
  return writer.size();
}

}  // namespace ringcast::rtc
