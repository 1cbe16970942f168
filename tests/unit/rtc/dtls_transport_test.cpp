#include "rtc/dtls_transport.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <deque>
#include <thread>
#include <vector>

#include "rtc/srtp_session.hpp"

namespace ringcast::rtc {
namespace {

struct Endpoint : DtlsSessionListener {
  std::deque<std::vector<uint8_t>> sent;
  std::vector<DtlsState> states;
  size_t largest = 0;

  void on_dtls_send(std::span<const uint8_t> datagram) override {
    sent.emplace_back(datagram.begin(), datagram.end());
    largest = std::max(largest, datagram.size());
  }
  void on_dtls_state_changed(DtlsState state) override { states.push_back(state); }
};

struct Identity {
  std::unique_ptr<DtlsCertificate> certificate;
  std::unique_ptr<DtlsContext> context;
};

Identity make_identity(std::string_view profiles = DtlsContext::kDefaultSrtpProfiles) {
  Identity identity;
  std::string error;
  identity.certificate = DtlsCertificate::generate(&error);
  EXPECT_NE(identity.certificate, nullptr) << error;
  identity.context = DtlsContext::create(*identity.certificate, profiles, &error);
  EXPECT_NE(identity.context, nullptr) << error;
  return identity;
}

bool set_fingerprint(DtlsSession& session, const DtlsCertificate& peer) {
  return session.set_remote_fingerprint(peer.fingerprint_algorithm(), peer.fingerprint_value());
}

// Delivers queued datagrams both ways until neither side has anything to say.
void pump(Endpoint& a, DtlsSession& session_a, Endpoint& b, DtlsSession& session_b,
          uint64_t now_ms = 0) {
  for (int round = 0; round < 50 && (!a.sent.empty() || !b.sent.empty()); ++round) {
    while (!a.sent.empty()) {
      std::vector<uint8_t> datagram = std::move(a.sent.front());
      a.sent.pop_front();
      ASSERT_TRUE(DtlsSession::looks_like_dtls(datagram));
      session_b.feed(datagram, now_ms);
    }
    while (!b.sent.empty()) {
      std::vector<uint8_t> datagram = std::move(b.sent.front());
      b.sent.pop_front();
      session_a.feed(datagram, now_ms);
    }
  }
}

struct Pair {
  Identity client_identity;
  Identity server_identity;
  Endpoint client_end;
  Endpoint server_end;
  std::unique_ptr<DtlsSession> client;
  std::unique_ptr<DtlsSession> server;

  explicit Pair(std::string_view server_profiles = DtlsContext::kDefaultSrtpProfiles,
                DtlsSession::Options options = {})
      : client_identity(make_identity()), server_identity(make_identity(server_profiles)) {
    std::string error;
    client = DtlsSession::create(*client_identity.context, client_end, options, &error);
    server = DtlsSession::create(*server_identity.context, server_end, options, &error);
    EXPECT_NE(client, nullptr) << error;
    EXPECT_NE(server, nullptr) << error;
  }
};

TEST(DtlsCertificate, FingerprintIsSdpSha256) {
  const DtlsCertificate& certificate = DtlsCertificate::process();
  EXPECT_EQ(&certificate, &DtlsCertificate::process());
  const std::string& fingerprint = certificate.fingerprint();
  ASSERT_EQ(fingerprint.size(), std::string("sha-256 ").size() + 32 * 3 - 1);
  EXPECT_EQ(fingerprint.substr(0, 8), "sha-256 ");
  EXPECT_EQ(certificate.fingerprint_value().size(), 95u);
  for (size_t i = 0; i < certificate.fingerprint_value().size(); ++i) {
    const char c = certificate.fingerprint_value()[i];
    if (i % 3 == 2) {
      EXPECT_EQ(c, ':');
    } else {
      EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F')) << c;
    }
  }
  EXPECT_NE(DtlsContext::process().get(), nullptr);
}

TEST(DtlsSession, RejectsMalformedFingerprints) {
  Pair pair;
  const std::string good(pair.server_identity.certificate->fingerprint_value());
  EXPECT_FALSE(pair.client->set_remote_fingerprint("md5", good));
  EXPECT_FALSE(pair.client->set_remote_fingerprint("sha-256", good.substr(0, good.size() - 3)));
  EXPECT_FALSE(pair.client->set_remote_fingerprint("sha-256", good + ":"));
  EXPECT_FALSE(pair.client->set_remote_fingerprint("sha-256", "zz" + good.substr(2)));
  EXPECT_TRUE(pair.client->set_remote_fingerprint("SHA-256", good));
  std::string lower = good;
  for (char& c : lower) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  EXPECT_TRUE(pair.client->set_remote_fingerprint("sha-256", lower));
}

void expect_handshake(std::string_view server_profiles, SrtpSuite expected) {
  Pair pair(server_profiles);
  ASSERT_TRUE(set_fingerprint(*pair.client, *pair.server_identity.certificate));
  ASSERT_TRUE(set_fingerprint(*pair.server, *pair.client_identity.certificate));
  pair.server->start(DtlsRole::kServer, 0);
  pair.client->start(DtlsRole::kClient, 0);
  pump(pair.client_end, *pair.client, pair.server_end, *pair.server);

  ASSERT_EQ(pair.client->state(), DtlsState::kConnected) << pair.client->error_detail();
  ASSERT_EQ(pair.server->state(), DtlsState::kConnected) << pair.server->error_detail();
  EXPECT_EQ(pair.client_end.states,
            (std::vector<DtlsState>{DtlsState::kConnecting, DtlsState::kConnected}));
  EXPECT_LE(pair.client_end.largest, 1200u);
  EXPECT_LE(pair.server_end.largest, 1200u);

  const DtlsSrtpKeys& c = pair.client->srtp_keys();
  const DtlsSrtpKeys& s = pair.server->srtp_keys();
  EXPECT_EQ(c.suite, expected);
  EXPECT_EQ(s.suite, expected);
  const auto eq = [](std::span<const uint8_t> x, std::span<const uint8_t> y) {
    return std::equal(x.begin(), x.end(), y.begin(), y.end());
  };
  EXPECT_TRUE(eq(c.local_master_key(), s.remote_master_key()));
  EXPECT_TRUE(eq(c.local_master_salt(), s.remote_master_salt()));
  EXPECT_TRUE(eq(c.remote_master_key(), s.local_master_key()));
  EXPECT_TRUE(eq(c.remote_master_salt(), s.local_master_salt()));
  EXPECT_FALSE(eq(c.local_master_key(), c.remote_master_key()));
  EXPECT_EQ(c.local_master_key().size(), srtp_master_key_length(expected));
  EXPECT_EQ(c.local_master_salt().size(), srtp_master_salt_length(expected));

  // The keys work with our SRTP: the client protects, the server unprotects.
  auto outbound = SrtpSession::create(c.suite, SrtpDirection::kOutbound, c.local_master_key(),
                                      c.local_master_salt());
  auto inbound = SrtpSession::create(s.suite, SrtpDirection::kInbound, s.remote_master_key(),
                                     s.remote_master_salt());
  ASSERT_TRUE(outbound.has_value());
  ASSERT_TRUE(inbound.has_value());
  alignas(4) std::array<uint8_t, 64> packet{0x80, 96, 0, 1, 0, 0, 0, 1, 0, 0, 0, 42, 1, 2, 3, 4};
  size_t length = 16;
  ASSERT_EQ(outbound->protect_rtp(packet, length), SrtpResult::kOk);
  ASSERT_EQ(inbound->unprotect_rtp(packet, length), SrtpResult::kOk);
  EXPECT_EQ(length, 16u);
  EXPECT_EQ(packet[15], 4);

  // An orderly close reaches the other side.
  pair.client->close();
  EXPECT_EQ(pair.client->state(), DtlsState::kClosed);
  pump(pair.client_end, *pair.client, pair.server_end, *pair.server);
  EXPECT_EQ(pair.server->state(), DtlsState::kClosed);
}

TEST(DtlsSession, HandshakeNegotiatesGcmByDefault) {
  expect_handshake(DtlsContext::kDefaultSrtpProfiles, SrtpSuite::kAeadAes128Gcm);
}

TEST(DtlsSession, HandshakeFallsBackToAesCm) {
  expect_handshake("SRTP_AES128_CM_SHA1_80", SrtpSuite::kAesCm128HmacSha1_80);
}

TEST(DtlsSession, WrongFingerprintFails) {
  Pair pair;
  Identity stranger = make_identity();
  ASSERT_TRUE(set_fingerprint(*pair.client, *pair.server_identity.certificate));
  ASSERT_TRUE(set_fingerprint(*pair.server, *stranger.certificate));  // not the client's
  pair.server->start(DtlsRole::kServer, 0);
  pair.client->start(DtlsRole::kClient, 0);
  pump(pair.client_end, *pair.client, pair.server_end, *pair.server);
  EXPECT_EQ(pair.server->state(), DtlsState::kFailed);
  EXPECT_EQ(pair.server->error(), DtlsError::kFingerprintMismatch);
  EXPECT_NE(pair.client->state(), DtlsState::kConnected);
}

TEST(DtlsSession, ClientRejectsWrongServerFingerprint) {
  Pair pair;
  Identity stranger = make_identity();
  ASSERT_TRUE(set_fingerprint(*pair.client, *stranger.certificate));
  ASSERT_TRUE(set_fingerprint(*pair.server, *pair.client_identity.certificate));
  pair.client->start(DtlsRole::kClient, 0);
  pump(pair.client_end, *pair.client, pair.server_end, *pair.server);
  EXPECT_EQ(pair.client->state(), DtlsState::kFailed);
  EXPECT_EQ(pair.client->error(), DtlsError::kFingerprintMismatch);
  EXPECT_NE(pair.server->state(), DtlsState::kConnected);
}

TEST(DtlsSession, LateFingerprintCompletesOrFails) {
  for (const bool right : {true, false}) {
    Pair pair;
    ASSERT_TRUE(set_fingerprint(*pair.client, *pair.server_identity.certificate));
    pair.client->start(DtlsRole::kClient, 0);
    // The server was never started: the ClientHello starts it in the server role.
    pump(pair.client_end, *pair.client, pair.server_end, *pair.server);
    EXPECT_EQ(pair.server->role(), DtlsRole::kServer);
    EXPECT_EQ(pair.server->state(), DtlsState::kConnecting);
    Identity stranger = make_identity();
    ASSERT_TRUE(set_fingerprint(*pair.server,
                                right ? *pair.client_identity.certificate : *stranger.certificate));
    EXPECT_EQ(pair.server->state(), right ? DtlsState::kConnected : DtlsState::kFailed);
  }
}

TEST(DtlsSession, RetransmitsLostFlight) {
  DtlsSession::Options options;
  options.initial_retransmit_ms = 20;
  Pair pair(DtlsContext::kDefaultSrtpProfiles, options);
  ASSERT_TRUE(set_fingerprint(*pair.client, *pair.server_identity.certificate));
  ASSERT_TRUE(set_fingerprint(*pair.server, *pair.client_identity.certificate));
  pair.client->start(DtlsRole::kClient, 0);
  ASSERT_FALSE(pair.client_end.sent.empty());
  pair.client_end.sent.clear();  // the ClientHello is lost

  const std::optional<uint64_t> deadline = pair.client->next_timeout(0);
  ASSERT_TRUE(deadline.has_value());
  EXPECT_LE(*deadline, 20u);
  pair.client->handle_timeout(0);  // too early: nothing
  EXPECT_TRUE(pair.client_end.sent.empty());
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  pair.client->handle_timeout(30);
  ASSERT_FALSE(pair.client_end.sent.empty());

  // Lose the server's first flight as well, then let its timer resend it.
  pair.server->feed(pair.client_end.sent.front(), 30);
  pair.client_end.sent.clear();
  ASSERT_FALSE(pair.server_end.sent.empty());
  pair.server_end.sent.clear();
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  pair.server->handle_timeout(60);
  ASSERT_FALSE(pair.server_end.sent.empty());

  pump(pair.client_end, *pair.client, pair.server_end, *pair.server, 60);
  EXPECT_EQ(pair.client->state(), DtlsState::kConnected);
  EXPECT_EQ(pair.server->state(), DtlsState::kConnected);
}

TEST(DtlsSession, HandshakeTimesOut) {
  Pair pair;
  ASSERT_TRUE(set_fingerprint(*pair.client, *pair.server_identity.certificate));
  pair.client->start(DtlsRole::kClient, 1000);
  EXPECT_LE(*pair.client->next_timeout(1000), 1000 + 30'000u);
  pair.client->handle_timeout(1000 + 30'000);
  EXPECT_EQ(pair.client->state(), DtlsState::kFailed);
  EXPECT_EQ(pair.client->error(), DtlsError::kTimeout);
  EXPECT_FALSE(pair.client->next_timeout(40'000).has_value());
}

TEST(DtlsSession, IgnoresGarbage) {
  Pair pair;
  pair.server->start(DtlsRole::kServer, 0);
  const std::vector<uint8_t> garbage = {22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 1, 2};
  pair.server->feed(garbage, 0);
  EXPECT_EQ(pair.server->state(), DtlsState::kConnecting);
}

}  // namespace
}  // namespace ringcast::rtc
