#include "rtmp/handshake.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstring>
#include <vector>

namespace ringcast::rtmp {
namespace {

// HMAC-SHA256 computed independently of the code under test.
std::vector<uint8_t> hmac(std::span<const uint8_t> key, std::span<const uint8_t> data) {
  std::vector<uint8_t> out(32);
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), data.data(), data.size(), out.data(),
       &len);
  return out;
}

std::vector<uint8_t> without(std::span<const uint8_t> packet, size_t offset) {
  std::vector<uint8_t> v(packet.begin(), packet.begin() + static_cast<long>(offset));
  v.insert(v.end(), packet.begin() + static_cast<long>(offset + 32), packet.end());
  return v;
}

const uint8_t kKeyTail[32] = {0xF0, 0xEE, 0xC2, 0x4A, 0x80, 0x68, 0xBE, 0xE8, 0x2E, 0x00, 0xD0,
                              0xD1, 0x02, 0x9E, 0x7E, 0x57, 0x6E, 0xEC, 0x5D, 0x2D, 0x29, 0x80,
                              0x6F, 0xAB, 0x93, 0xB8, 0xE6, 0x36, 0xCF, 0xEB, 0x31, 0xAE};

std::vector<uint8_t> key(const char* text, bool full) {
  std::vector<uint8_t> k(text, text + std::strlen(text));
  if (full) {
    k.insert(k.end(), kKeyTail, kKeyTail + 32);
  }
  return k;
}

// Builds a C0+C1 the way Flash Player and ffmpeg do: version bytes set, digest at the offset
// derived from the 4 bytes at `base`, HMAC with "Genuine Adobe Flash Player 001".
std::vector<uint8_t> digest_c0c1(size_t base) {
  std::vector<uint8_t> c(1 + kHandshakeSize);
  c[0] = 3;
  uint8_t* c1 = c.data() + 1;
  for (size_t i = 8; i < kHandshakeSize; ++i) {
    c1[i] = static_cast<uint8_t>(i * 31 + 5);
  }
  const uint8_t version[4] = {0x09, 0x00, 0x7C, 0x02};  // ffmpeg's
  std::memcpy(c1 + 4, version, 4);
  const size_t offset =
      (size_t{c1[base]} + c1[base + 1] + c1[base + 2] + c1[base + 3]) % 728 + base + 4;
  const std::span<const uint8_t> packet(c1, kHandshakeSize);
  const auto d = hmac(key("Genuine Adobe Flash Player 001", false), without(packet, offset));
  std::memcpy(c1 + offset, d.data(), 32);
  return c;
}

TEST(ServerHandshake, SimpleEchoInPieces) {
  std::vector<uint8_t> c0c1(1 + kHandshakeSize, 0);
  c0c1[0] = 3;
  for (size_t i = 9; i < c0c1.size(); ++i) {
    c0c1[i] = static_cast<uint8_t>(i);
  }
  ServerHandshake hs(1234);
  std::vector<uint8_t> out;
  for (size_t off = 0; off < c0c1.size(); off += 100) {
    std::span<const uint8_t> in(c0c1.data() + off, std::min<size_t>(100, c0c1.size() - off));
    ASSERT_EQ(hs.feed(in, out), HandshakeStatus::kNeedMore);
    EXPECT_TRUE(in.empty());
  }
  ASSERT_EQ(out.size(), 1 + 2 * kHandshakeSize);
  EXPECT_FALSE(hs.digest());
  EXPECT_EQ(out[0], 3);
  EXPECT_EQ(std::vector<uint8_t>(out.begin() + 5, out.begin() + 9), std::vector<uint8_t>(4, 0));
  EXPECT_TRUE(std::equal(out.begin() + 1 + kHandshakeSize, out.end(), c0c1.begin() + 1));

  // C2 followed by the first chunk stream bytes in the same read.
  std::vector<uint8_t> c2(kHandshakeSize, 0);
  c2.insert(c2.end(), {0x03, 0xAA});
  std::span<const uint8_t> in(c2);
  EXPECT_EQ(hs.feed(in, out), HandshakeStatus::kDone);
  EXPECT_EQ(in.size(), 2u);
  EXPECT_EQ(in[0], 0x03);
}

class DigestHandshake : public ::testing::TestWithParam<size_t> {};

TEST_P(DigestHandshake, ServerSignsS1AndS2) {
  const auto c0c1 = digest_c0c1(GetParam());
  ServerHandshake hs;
  std::vector<uint8_t> out;
  std::span<const uint8_t> in(c0c1);
  ASSERT_EQ(hs.feed(in, out), HandshakeStatus::kNeedMore);
  ASSERT_TRUE(hs.digest());
  ASSERT_EQ(out.size(), 1 + 2 * kHandshakeSize);
  const std::span<const uint8_t> s1(out.data() + 1, kHandshakeSize);
  const std::span<const uint8_t> s2(out.data() + 1 + kHandshakeSize, kHandshakeSize);
  EXPECT_GE(s1[4], 3);  // ffmpeg validates digests only when this byte is >= 3

  // S1: digest with the server's partial key, found the way ffmpeg looks for it.
  const auto server_partial = key("Genuine Adobe Flash Media Server 001", false);
  bool found = false;
  for (size_t base : {size_t{8}, size_t{772}}) {
    const size_t off =
        (size_t{s1[base]} + s1[base + 1] + s1[base + 2] + s1[base + 3]) % 728 + base + 4;
    const auto d = hmac(server_partial, without(s1, off));
    found = found || std::equal(d.begin(), d.end(), s1.begin() + static_cast<long>(off));
  }
  EXPECT_TRUE(found);

  // S2: last 32 bytes = HMAC(HMAC(server full key, client digest), S2 without them).
  const std::span<const uint8_t> c1(c0c1.data() + 1, kHandshakeSize);
  const auto client_off = find_handshake_digest(c1, HandshakeKeys::client_partial());
  ASSERT_TRUE(client_off.has_value());
  const auto k =
      hmac(key("Genuine Adobe Flash Media Server 001", true), c1.subspan(*client_off, 32));
  const auto sig = hmac(k, s2.first(kHandshakeSize - 32));
  EXPECT_TRUE(std::equal(sig.begin(), sig.end(), s2.end() - 32));

  std::vector<uint8_t> c2(kHandshakeSize, 1);
  std::span<const uint8_t> c2in(c2);
  EXPECT_EQ(hs.feed(c2in, out), HandshakeStatus::kDone);
}

INSTANTIATE_TEST_SUITE_P(Layouts, DigestHandshake, ::testing::Values(size_t{8}, size_t{772}));

TEST(ServerHandshake, VersionBytesWithoutValidDigestFallBackToEcho) {
  auto c0c1 = digest_c0c1(8);
  c0c1[100] ^= 0xFF;  // break the digest
  ServerHandshake hs;
  std::vector<uint8_t> out;
  std::span<const uint8_t> in(c0c1);
  ASSERT_EQ(hs.feed(in, out), HandshakeStatus::kNeedMore);
  EXPECT_FALSE(hs.digest());
  EXPECT_TRUE(std::equal(out.begin() + 1 + kHandshakeSize, out.end(), c0c1.begin() + 1));
}

TEST(ServerHandshake, RejectsOtherVersions) {
  for (uint8_t v : {uint8_t{0}, uint8_t{6}, uint8_t{0x47}}) {
    ServerHandshake hs;
    std::vector<uint8_t> out;
    std::vector<uint8_t> c0 = {v, 0, 0};
    std::span<const uint8_t> in(c0);
    EXPECT_EQ(hs.feed(in, out), HandshakeStatus::kError);
    EXPECT_EQ(hs.error(), HandshakeError::kBadVersion);
    EXPECT_TRUE(out.empty());
  }
}

TEST(ClientHandshake, AgainstServer) {
  ClientHandshake client(5);
  ServerHandshake server(7);
  std::vector<uint8_t> to_server;
  std::vector<uint8_t> to_client;
  client.start(to_server);
  ASSERT_EQ(to_server.size(), 1 + kHandshakeSize);
  std::span<const uint8_t> in(to_server);
  ASSERT_EQ(server.feed(in, to_client), HandshakeStatus::kNeedMore);
  to_server.clear();
  // S0+S1+S2 arrive in odd pieces.
  size_t off = 0;
  HandshakeStatus st = HandshakeStatus::kNeedMore;
  while (off < to_client.size()) {
    std::span<const uint8_t> piece(to_client.data() + off,
                                   std::min<size_t>(333, to_client.size() - off));
    off += piece.size();
    st = client.feed(piece, to_server);
  }
  EXPECT_EQ(st, HandshakeStatus::kDone);
  ASSERT_EQ(to_server.size(), kHandshakeSize);  // C2 echoes S1
  EXPECT_TRUE(std::equal(to_server.begin(), to_server.end(), to_client.begin() + 1));
  std::vector<uint8_t> unused;
  std::span<const uint8_t> c2(to_server);
  EXPECT_EQ(server.feed(c2, unused), HandshakeStatus::kDone);
}

TEST(ClientHandshake, RejectsBadServerVersion) {
  ClientHandshake client;
  std::vector<uint8_t> out;
  client.start(out);
  std::vector<uint8_t> s0 = {8};
  std::span<const uint8_t> in(s0);
  EXPECT_EQ(client.feed(in, out), HandshakeStatus::kError);
  EXPECT_EQ(client.error(), HandshakeError::kBadVersion);
}

}  // namespace
}  // namespace ringcast::rtmp
