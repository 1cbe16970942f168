#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include <openssl/sha.h>

namespace ringcast::rtc {

// HMAC-SHA1 keyed once (RFC 2104), for STUN MESSAGE-INTEGRITY (RFC 8489 §14.5). An ICE agent's
// key (its local password) is fixed for the agent's life, so the inner and outer padded-key
// SHA-1 states are computed once and each message starts from a plain copy of them: no
// allocation per message (OpenSSL 3's EVP_MAC duplicates provider contexts on every re-init,
// which put four allocations on each consent check). The SHA-1 itself is OpenSSL's.
//
// Not thread-safe: one per agent, used on the agent's shard.
class HmacSha1 {
 public:
  static constexpr size_t kSize = 20;
  using Digest = std::array<uint8_t, kSize>;

  HmacSha1() = default;
  explicit HmacSha1(std::string_view key) { set_key(key); }

  // Returns false if OpenSSL's SHA-1 failed (then every compute() fails).
  bool set_key(std::string_view key);
  bool has_key() const { return keyed_; }

  // HMAC over the concatenation of `first` and `second` (STUN hashes a patched copy of the
  // header, then the rest of the message in place). Returns false on an OpenSSL failure.
  bool compute(std::span<const uint8_t> first, std::span<const uint8_t> second, Digest& out) const;

 private:
  SHA_CTX inner_{};  // after absorbing key XOR ipad
  SHA_CTX outer_{};  // after absorbing key XOR opad
  bool keyed_ = false;
};

}  // namespace ringcast::rtc
