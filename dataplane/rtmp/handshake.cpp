#include "rtmp/handshake.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cstring>

#include "rtmp/byte_io.hpp"

namespace ringcast::rtmp {

namespace {

constexpr size_t kDigestSize = 32;
// The 32 constant bytes both Genuine keys end with (the well-known Flash handshake keys).
constexpr uint8_t kKeyTail[32] = {0xF0, 0xEE, 0xC2, 0x4A, 0x80, 0x68, 0xBE, 0xE8, 0x2E, 0x00, 0xD0,
                                  0xD1, 0x02, 0x9E, 0x7E, 0x57, 0x6E, 0xEC, 0x5D, 0x2D, 0x29, 0x80,
                                  0x6F, 0xAB, 0x93, 0xB8, 0xE6, 0x36, 0xCF, 0xEB, 0x31, 0xAE};

template <size_t N>
struct Key {
  uint8_t bytes[N + 32];
  explicit constexpr Key(const char (&text)[N + 1]) : bytes{} {
    for (size_t i = 0; i < N; ++i) {
      bytes[i] = static_cast<uint8_t>(text[i]);
    }
    for (size_t i = 0; i < 32; ++i) {
      bytes[N + i] = kKeyTail[i];
    }
  }
};

constexpr Key<30> kClientKey("Genuine Adobe Flash Player 001");
constexpr Key<36> kServerKey("Genuine Adobe Flash Media Server 001");

// Offset-byte positions of the two C1 layouts: digest block first (offset bytes at 8) or key
// block first (digest block starts at 772).
constexpr size_t kLayoutBases[2] = {8, 772};
// FMS 3.5 version bytes; with the first byte >= 3 ffmpeg knows to check our digests.
constexpr uint8_t kServerVersion[4] = {0x04, 0x05, 0x00, 0x01};

void fill_random(uint8_t* p, size_t n) {
  // The random block has no security role in plain RTMP; fall back to a fixed pattern rather
  // than fail the connection if the RNG is not available.
  if (RAND_bytes(p, static_cast<int>(n)) != 1) {
    for (size_t i = 0; i < n; ++i) {
      p[i] = static_cast<uint8_t>(i * 131 + 7);
    }
  }
}

bool hmac_sha256(std::span<const uint8_t> key, std::span<const uint8_t> data, uint8_t out[32]) {
  unsigned int len = 0;
  return HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), data.data(), data.size(), out,
              &len) != nullptr &&
         len == kDigestSize;
}

}  // namespace

std::string_view to_string(HandshakeError error) {
  switch (error) {
    case HandshakeError::kNone:
      return "none";
    case HandshakeError::kBadVersion:
      return "unsupported RTMP version (only 3; RTMPE is not supported)";
    case HandshakeError::kCrypto:
      return "HMAC-SHA256 failed";
  }
  return "unknown";
}

std::span<const uint8_t> HandshakeKeys::client_full() { return kClientKey.bytes; }
std::span<const uint8_t> HandshakeKeys::client_partial() { return client_full().first(30); }
std::span<const uint8_t> HandshakeKeys::server_full() { return kServerKey.bytes; }
std::span<const uint8_t> HandshakeKeys::server_partial() { return server_full().first(36); }

size_t handshake_digest_offset(std::span<const uint8_t> packet, size_t base) {
  // The 764-byte digest block: 4 offset bytes, then the digest somewhere in the next 728 bytes.
  const size_t sum = size_t{packet[base]} + packet[base + 1] + packet[base + 2] + packet[base + 3];
  return sum % 728 + base + 4;
}

bool handshake_digest(std::span<const uint8_t> packet, size_t digest_offset,
                      std::span<const uint8_t> key, uint8_t out[32]) {
  uint8_t joined[kHandshakeSize - kDigestSize];
  std::memcpy(joined, packet.data(), digest_offset);
  std::memcpy(joined + digest_offset, packet.data() + digest_offset + kDigestSize,
              kHandshakeSize - digest_offset - kDigestSize);
  return hmac_sha256(key, joined, out);
}

std::optional<size_t> find_handshake_digest(std::span<const uint8_t> packet,
                                            std::span<const uint8_t> key) {
  if (packet.size() != kHandshakeSize) {
    return std::nullopt;
  }
  for (size_t base : kLayoutBases) {
    const size_t offset = handshake_digest_offset(packet, base);
    uint8_t digest[kDigestSize];
    if (handshake_digest(packet, offset, key, digest) &&
        std::memcmp(digest, packet.data() + offset, kDigestSize) == 0) {
      return offset;
    }
  }
  return std::nullopt;
}

ServerHandshake::ServerHandshake(uint32_t uptime_ms) : uptime_ms_(uptime_ms) {
  buffer_.resize(1 + kHandshakeSize);
}

void ServerHandshake::answer(std::vector<uint8_t>& out) {
  const std::span<const uint8_t> c1(buffer_.data() + 1, kHandshakeSize);
  const size_t start = out.size();
  out.resize(start + 1 + 2 * kHandshakeSize);
  uint8_t* s0 = out.data() + start;
  uint8_t* s1 = s0 + 1;
  uint8_t* s2 = s1 + kHandshakeSize;
  s0[0] = kRtmpVersion;
  store_be32(s1, uptime_ms_);
  fill_random(s1 + 8, kHandshakeSize - 8);

  // A client that sends zero version bytes asks for the plain handshake (spec 5.2.3).
  std::optional<size_t> client_digest;
  if (load_be32(c1.data() + 4) != 0) {
    client_digest = find_handshake_digest(c1, HandshakeKeys::client_partial());
  }
  if (!client_digest) {
    // Spec 5.2.3/5.2.4: S1 time + zero + random; S2 echoes C1.
    std::memset(s1 + 4, 0, 4);
    std::memcpy(s2, c1.data(), kHandshakeSize);
    return;
  }
  digest_ = true;
  std::memcpy(s1 + 4, kServerVersion, 4);
  // S1 uses the layout the client chose, signed with the server's partial key.
  const size_t base = *client_digest < 772 ? kLayoutBases[0] : kLayoutBases[1];
  const size_t offset = handshake_digest_offset({s1, kHandshakeSize}, base);
  uint8_t digest[kDigestSize];
  bool ok = handshake_digest({s1, kHandshakeSize}, offset, HandshakeKeys::server_partial(), digest);
  std::memcpy(s1 + offset, digest, kDigestSize);
  // S2: random bytes whose last 32 are HMAC(HMAC(server full key, client digest), the rest).
  fill_random(s2, kHandshakeSize - kDigestSize);
  uint8_t key[kDigestSize];
  ok =
      ok && hmac_sha256(HandshakeKeys::server_full(), c1.subspan(*client_digest, kDigestSize), key);
  ok =
      ok && hmac_sha256(key, {s2, kHandshakeSize - kDigestSize}, s2 + kHandshakeSize - kDigestSize);
  if (!ok) {
    error_ = HandshakeError::kCrypto;
  }
}

HandshakeStatus ServerHandshake::feed(std::span<const uint8_t>& input, std::vector<uint8_t>& out) {
  for (;;) {
    switch (stage_) {
      case Stage::kC0C1: {
        const size_t take = std::min(input.size(), buffer_.size() - fill_);
        if (take != 0) {
          std::memcpy(buffer_.data() + fill_, input.data(), take);
        }
        input = input.subspan(take);
        if (fill_ == 0 && take > 0 && buffer_[0] != kRtmpVersion) {
          stage_ = Stage::kFailed;
          error_ = HandshakeError::kBadVersion;
          return HandshakeStatus::kError;
        }
        fill_ += take;
        if (fill_ < buffer_.size()) {
          return HandshakeStatus::kNeedMore;
        }
        answer(out);
        if (error_ != HandshakeError::kNone) {
          stage_ = Stage::kFailed;
          return HandshakeStatus::kError;
        }
        fill_ = 0;
        stage_ = Stage::kC2;
        break;
      }
      case Stage::kC2: {
        // C2 is not checked: digest clients sign it with keys only they know the reason for, and
        // rejecting a bad echo gains nothing.
        const size_t take = std::min(input.size(), kHandshakeSize - fill_);
        input = input.subspan(take);
        fill_ += take;
        if (fill_ < kHandshakeSize) {
          return HandshakeStatus::kNeedMore;
        }
        stage_ = Stage::kDone;
        buffer_ = {};
        return HandshakeStatus::kDone;
      }
      case Stage::kDone:
        return HandshakeStatus::kDone;
      case Stage::kFailed:
        return HandshakeStatus::kError;
    }
  }
}

ClientHandshake::ClientHandshake(uint32_t uptime_ms) : uptime_ms_(uptime_ms) {
  buffer_.resize(1 + kHandshakeSize);
}

void ClientHandshake::start(std::vector<uint8_t>& out) {
  const size_t start = out.size();
  out.resize(start + 1 + kHandshakeSize);
  uint8_t* c0 = out.data() + start;
  c0[0] = kRtmpVersion;
  store_be32(c0 + 1, uptime_ms_);
  // Zero version bytes: the plain handshake, which every server must accept.
  store_be32(c0 + 5, 0);
  fill_random(c0 + 9, kHandshakeSize - 8);
}

HandshakeStatus ClientHandshake::feed(std::span<const uint8_t>& input, std::vector<uint8_t>& out) {
  for (;;) {
    switch (stage_) {
      case Stage::kS0S1: {
        const size_t take = std::min(input.size(), buffer_.size() - fill_);
        if (take != 0) {
          std::memcpy(buffer_.data() + fill_, input.data(), take);
        }
        input = input.subspan(take);
        if (fill_ == 0 && take > 0 && buffer_[0] != kRtmpVersion) {
          stage_ = Stage::kFailed;
          error_ = HandshakeError::kBadVersion;
          return HandshakeStatus::kError;
        }
        fill_ += take;
        if (fill_ < buffer_.size()) {
          return HandshakeStatus::kNeedMore;
        }
        // Spec 5.2.4: C2 echoes S1.
        out.insert(out.end(), buffer_.begin() + 1, buffer_.end());
        fill_ = 0;
        stage_ = Stage::kS2;
        break;
      }
      case Stage::kS2: {
        const size_t take = std::min(input.size(), kHandshakeSize - fill_);
        input = input.subspan(take);
        fill_ += take;
        if (fill_ < kHandshakeSize) {
          return HandshakeStatus::kNeedMore;
        }
        stage_ = Stage::kDone;
        buffer_ = {};
        return HandshakeStatus::kDone;
      }
      case Stage::kDone:
        return HandshakeStatus::kDone;
      case Stage::kFailed:
        return HandshakeStatus::kError;
    }
  }
}

}  // namespace ringcast::rtmp
