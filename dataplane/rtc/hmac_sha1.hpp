#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

// OpenSSL's MAC context, declared here so <openssl/evp.h> stays out of every includer.
struct evp_mac_ctx_st;

namespace ringcast::rtc {

// HMAC-SHA1 keyed once, for STUN MESSAGE-INTEGRITY (RFC 8489 §14.5). An ICE agent's key (its
// local password) is fixed for the agent's life, so the key schedule runs once and each message
// only re-initialises the context. OpenSSL 3's provider HMAC still duplicates small digest
// contexts inside init; STUN is about one message per second per transport, far from the media
// path, so that cost is accepted rather than hand-rolling SHA-1.
//
// Not thread-safe: one per agent, used on the agent's shard.
class HmacSha1 {
 public:
  static constexpr size_t kSize = 20;
  using Digest = std::array<uint8_t, kSize>;

  HmacSha1() = default;
  explicit HmacSha1(std::string_view key) { set_key(key); }
  ~HmacSha1();
  HmacSha1(const HmacSha1&) = delete;
  HmacSha1& operator=(const HmacSha1&) = delete;
  HmacSha1(HmacSha1&& other) noexcept;
  HmacSha1& operator=(HmacSha1&& other) noexcept;

  // Returns false if OpenSSL could not set up the context (then every compute() fails).
  bool set_key(std::string_view key);
  bool has_key() const { return ctx_ != nullptr; }

  // HMAC over the concatenation of `first` and `second` (STUN hashes a patched copy of the
  // header, then the rest of the message in place). Returns false on an OpenSSL failure.
  bool compute(std::span<const uint8_t> first, std::span<const uint8_t> second, Digest& out);

 private:
  evp_mac_ctx_st* ctx_ = nullptr;
};

}  // namespace ringcast::rtc
