#include "rtc/hmac_sha1.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <utility>

namespace ringcast::rtc {
namespace {

// Fetching an algorithm walks the provider tables under a lock; do it once per process. The
// EVP_MAC object is immutable and reference counted, so shards share it safely.
EVP_MAC* hmac_algorithm() {
  static EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  return mac;
}

}  // namespace

HmacSha1::~HmacSha1() { EVP_MAC_CTX_free(ctx_); }

HmacSha1::HmacSha1(HmacSha1&& other) noexcept : ctx_(std::exchange(other.ctx_, nullptr)) {}

HmacSha1& HmacSha1::operator=(HmacSha1&& other) noexcept {
  if (this != &other) {
    EVP_MAC_CTX_free(ctx_);
    ctx_ = std::exchange(other.ctx_, nullptr);
  }
  return *this;
}

bool HmacSha1::set_key(std::string_view key) {
  EVP_MAC_CTX_free(ctx_);
  ctx_ = nullptr;
  EVP_MAC* mac = hmac_algorithm();
  if (mac == nullptr) {
    return false;
  }
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
  if (ctx == nullptr) {
    return false;
  }
  char digest[] = "SHA1";
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_end(),
  };
  // An empty key is legal HMAC (RFC 2104 pads it); OpenSSL wants a non-null pointer for it.
  static const unsigned char kEmpty = 0;
  const auto* key_bytes =
      key.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(key.data());
  if (EVP_MAC_init(ctx, key_bytes, key.size(), params) != 1) {
    EVP_MAC_CTX_free(ctx);
    return false;
  }
  ctx_ = ctx;
  return true;
}

bool HmacSha1::compute(std::span<const uint8_t> first, std::span<const uint8_t> second,
                       Digest& out) {
  if (ctx_ == nullptr) {
    return false;
  }
  // A null key re-initialises with the key already set (EVP_MAC_init(3)).
  if (EVP_MAC_init(ctx_, nullptr, 0, nullptr) != 1 ||
      EVP_MAC_update(ctx_, first.data(), first.size()) != 1 ||
      EVP_MAC_update(ctx_, second.data(), second.size()) != 1) {
    return false;
  }
  size_t length = 0;
  return EVP_MAC_final(ctx_, out.data(), &length, out.size()) == 1 && length == out.size();
}

}  // namespace ringcast::rtc
