// The low-level SHA-1 calls are deprecated in OpenSSL 3 in favour of EVP, which allocates.
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include "rtc/hmac_sha1.hpp"

#include <openssl/crypto.h>

#include <cstring>

namespace ringcast::rtc {
namespace {
constexpr size_t kBlockSize = 64;
}  // namespace

bool HmacSha1::set_key(std::string_view key) {
  keyed_ = false;
  // RFC 2104 §2: a key longer than the block is hashed first; a shorter one is zero-padded.
  uint8_t block[kBlockSize] = {};
  if (key.size() > kBlockSize) {
    SHA1(reinterpret_cast<const unsigned char*>(key.data()), key.size(), block);
  } else if (!key.empty()) {
    memcpy(block, key.data(), key.size());
  }
  uint8_t pad[kBlockSize];
  for (size_t i = 0; i < kBlockSize; ++i) {
    pad[i] = block[i] ^ 0x36;
  }
  const bool inner_ok = SHA1_Init(&inner_) == 1 && SHA1_Update(&inner_, pad, sizeof pad) == 1;
  for (size_t i = 0; i < kBlockSize; ++i) {
    pad[i] = block[i] ^ 0x5c;
  }
  const bool outer_ok = SHA1_Init(&outer_) == 1 && SHA1_Update(&outer_, pad, sizeof pad) == 1;
  OPENSSL_cleanse(block, sizeof block);
  OPENSSL_cleanse(pad, sizeof pad);
  keyed_ = inner_ok && outer_ok;
  return keyed_;
}

bool HmacSha1::compute(std::span<const uint8_t> first, std::span<const uint8_t> second,
                       Digest& out) const {
  if (!keyed_) {
    return false;
  }
  SHA_CTX context = inner_;
  uint8_t inner_digest[kSize];
  if (SHA1_Update(&context, first.data(), first.size()) != 1 ||
      SHA1_Update(&context, second.data(), second.size()) != 1 ||
      SHA1_Final(inner_digest, &context) != 1) {
    return false;
  }
  context = outer_;
  return SHA1_Update(&context, inner_digest, sizeof inner_digest) == 1 &&
         SHA1_Final(out.data(), &context) == 1;
}

}  // namespace ringcast::rtc
