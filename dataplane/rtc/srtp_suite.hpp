#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace ringcast::rtc {

// The SRTP protection profiles ringcast negotiates. Both are mandatory to implement for WebRTC
// (RFC 8827); GCM is preferred because it is one pass over the payload and measures about
// half the per-packet cost of CM + HMAC-SHA1 (docs/benchmarks.md).
enum class SrtpSuite : uint8_t {
  kAeadAes128Gcm,        // RFC 7714: 16-byte key, 12-byte salt, 16-byte tag
  kAesCm128HmacSha1_80,  // RFC 4568 §6.2.1 / RFC 5764 §4.1.2: 16-byte key, 14-byte salt, 10-byte
                         // tag
};

// The SDP/DTLS-SRTP names: "AEAD_AES_128_GCM" and "AES_CM_128_HMAC_SHA1_80" (RFC 4568 §6.2.1,
// RFC 7714). These are the names SDES a=crypto lines carry.
std::string_view to_string(SrtpSuite suite);

// The short names used in config files and on bench command lines: "gcm" and "cm".
std::string_view short_name(SrtpSuite suite);

// Accepts the short name, the SDP name or the DTLS-SRTP profile name (RFC 5764 §4.1.2,
// RFC 7714: "SRTP_AEAD_AES_128_GCM", "SRTP_AES128_CM_SHA1_80"), case-sensitively.
std::optional<SrtpSuite> srtp_suite_from_string(std::string_view name);

// Master key and master salt sizes. The salt differs: 112 bits for AES-CM (RFC 3711) and
// 96 bits for AEAD (RFC 7714), where it enters the IV directly.
size_t srtp_master_key_length(SrtpSuite suite);
size_t srtp_master_salt_length(SrtpSuite suite);
inline size_t srtp_master_length(SrtpSuite suite) {
  return srtp_master_key_length(suite) + srtp_master_salt_length(suite);
}

}  // namespace ringcast::rtc
