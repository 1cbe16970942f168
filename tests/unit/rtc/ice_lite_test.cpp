#include "rtc/ice_lite.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace ringcast::rtc {
namespace {

TransportAddress ipv4(const char* ip, uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  inet_pton(AF_INET, ip, &address.sin_addr);
  return TransportAddress::from(address);
}

struct Recorder : IceLiteListener {
  std::vector<IceState> states;
  std::vector<TransportAddress> selected;
  void on_ice_state_changed(IceState state) override { states.push_back(state); }
  void on_ice_selected_address_changed(const TransportAddress& address) override {
    selected.push_back(address);
  }
};

// The browser's side of a check: what a full, controlling agent sends (RFC 8445 §7.1).
class Peer {
 public:
  explicit Peer(const IceLite& agent, std::string ufrag = "peer")
      : ufrag_(std::move(ufrag)), agent_(agent) {}

  std::vector<uint8_t> check(bool use_candidate = false, bool controlling = true,
                             std::string_view password = {}, std::string username = {}) {
    ++id_[11];
    if (username.empty()) {
      username = agent_.local_ufrag() + ":" + ufrag_;
    }
    HmacSha1 key(password.empty() ? std::string_view(agent_.local_password()) : password);
    StunBindingRequest request{id_, username, 0x6e0001ff, controlling, 42, use_candidate};
    std::vector<uint8_t> out(256);
    out.resize(build_binding_request(out, request, &key));
    return out;
  }

  std::array<uint8_t, 12> id_{7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 0};
  std::string ufrag_;
  const IceLite& agent_;
};

TEST(IceLite, GeneratesIceCharCredentials) {
  IceLite agent;
  EXPECT_GE(agent.local_ufrag().size(), 4u);
  EXPECT_GE(agent.local_password().size(), 22u);
  for (char c : agent.local_ufrag() + agent.local_password()) {
    EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/') << c;
  }
  IceLite other;
  EXPECT_NE(agent.local_ufrag(), other.local_ufrag());
  EXPECT_NE(agent.local_password(), other.local_password());
}

TEST(IceLite, AnswersValidCheckAndSelectsPath) {
  Recorder recorder;
  IceLite agent(&recorder);
  agent.set_remote_credentials("peer", "peer-password-0123456789");
  Peer peer(agent);
  const TransportAddress source = ipv4("198.51.100.7", 61000);
  std::array<uint8_t, 512> response{};

  EXPECT_FALSE(agent.is_validated(source));
  const std::vector<uint8_t> request = peer.check();
  const IceCheckResult result = agent.on_binding_request(request, source, 1000, response);
  ASSERT_EQ(result.drop, IceDrop::kNone);
  ASSERT_GT(result.response_size, 0u);

  StunMessage answer;
  ASSERT_EQ(answer.parse(std::span(response).first(result.response_size)), StunError::kNone);
  EXPECT_EQ(answer.type(), kStunBindingSuccess);
  TransportAddress mapped;
  ASSERT_TRUE(answer.xor_mapped_address(mapped));
  EXPECT_EQ(mapped, source);
  EXPECT_EQ(answer.check_integrity(agent.local_password()), StunCheck::kOk);
  EXPECT_EQ(answer.check_fingerprint(), StunCheck::kOk);
  EXPECT_TRUE(std::equal(answer.transaction_id().begin(), answer.transaction_id().end(),
                         request.begin() + 8));

  EXPECT_TRUE(agent.is_validated(source));
  EXPECT_EQ(agent.selected_address(), source);
  EXPECT_EQ(agent.state(), IceState::kConnected);
  EXPECT_FALSE(agent.nominated());
  ASSERT_EQ(recorder.states.size(), 1u);
  EXPECT_EQ(recorder.states[0], IceState::kConnected);
  ASSERT_EQ(recorder.selected.size(), 1u);

  // The nomination moves the selection to the nominated path.
  const TransportAddress relay = ipv4("203.0.113.1", 3478);
  ASSERT_EQ(agent.on_binding_request(peer.check(true), relay, 1100, response).drop, IceDrop::kNone);
  EXPECT_EQ(agent.selected_address(), relay);
  EXPECT_TRUE(agent.nominated());
  EXPECT_EQ(agent.state(), IceState::kCompleted);
  EXPECT_EQ(agent.path_count(), 2u);
  EXPECT_EQ(recorder.selected.back(), relay);
}

TEST(IceLite, WrongCredentialsGetNoResponse) {
  IceLite agent;
  agent.set_remote_credentials("peer", "x");
  Peer peer(agent);
  const TransportAddress source = ipv4("198.51.100.7", 61000);
  std::array<uint8_t, 512> response{};

  IceCheckResult result =
      agent.on_binding_request(peer.check(false, true, "not-the-password"), source, 0, response);
  EXPECT_EQ(result.drop, IceDrop::kBadIntegrity);
  EXPECT_EQ(result.response_size, 0u);

  result = agent.on_binding_request(peer.check(false, true, {}, "nope:peer"), source, 0, response);
  EXPECT_EQ(result.drop, IceDrop::kBadUsername);
  EXPECT_EQ(result.response_size, 0u);

  result = agent.on_binding_request(
      peer.check(false, true, {}, agent.local_ufrag() + ":someone-else"), source, 0, response);
  EXPECT_EQ(result.drop, IceDrop::kBadUsername);

  std::vector<uint8_t> corrupted = peer.check();
  corrupted[corrupted.size() - 1] ^= 1;  // the FINGERPRINT value
  result = agent.on_binding_request(corrupted, source, 0, response);
  EXPECT_EQ(result.drop, IceDrop::kBadFingerprint);

  const std::vector<uint8_t> garbage = {0x00, 0x01, 0x00};
  EXPECT_EQ(agent.on_binding_request(garbage, source, 0, response).drop, IceDrop::kMalformed);

  EXPECT_FALSE(agent.is_validated(source));
  EXPECT_EQ(agent.state(), IceState::kNew);
}

TEST(IceLite, AcceptsOurHalfOfUsernameBeforeRemoteUfragIsKnown) {
  IceLite agent;
  Peer peer(agent, "early");
  std::array<uint8_t, 512> response{};
  EXPECT_EQ(agent.on_binding_request(peer.check(), ipv4("10.0.0.1", 1), 0, response).drop,
            IceDrop::kNone);
  agent.set_remote_credentials("other", "");
  EXPECT_EQ(agent.on_binding_request(peer.check(), ipv4("10.0.0.1", 1), 0, response).drop,
            IceDrop::kBadUsername);
}

TEST(IceLite, RoleConflictAnswered487) {
  IceLite agent;
  agent.set_remote_credentials("peer", "");
  Peer peer(agent);
  std::array<uint8_t, 512> response{};
  const IceCheckResult result = agent.on_binding_request(peer.check(false, /*controlling=*/false),
                                                         ipv4("10.0.0.1", 1), 0, response);
  EXPECT_EQ(result.drop, IceDrop::kRoleConflict);
  ASSERT_GT(result.response_size, 0u);
  StunMessage answer;
  ASSERT_EQ(answer.parse(std::span(response).first(result.response_size)), StunError::kNone);
  EXPECT_EQ(answer.error_code(), 487);
  EXPECT_EQ(answer.check_integrity(agent.local_password()), StunCheck::kOk);
  EXPECT_FALSE(agent.is_validated(ipv4("10.0.0.1", 1)));
}

TEST(IceLite, ConsentExpiresAfterThirtySecondsOfSilence) {
  Recorder recorder;
  IceLite agent(&recorder);
  agent.set_remote_credentials("peer", "");
  Peer peer(agent);
  std::array<uint8_t, 512> response{};
  const TransportAddress a = ipv4("10.0.0.1", 1000);
  const TransportAddress b = ipv4("10.0.0.2", 2000);
  ASSERT_EQ(agent.on_binding_request(peer.check(true), a, 0, response).drop, IceDrop::kNone);
  ASSERT_EQ(agent.on_binding_request(peer.check(), b, 10'000, response).drop, IceDrop::kNone);
  EXPECT_EQ(agent.selected_address(), a);

  agent.tick(29'999);
  EXPECT_TRUE(agent.is_validated(a));
  agent.tick(30'000);  // a's consent expired: fall back to b
  EXPECT_FALSE(agent.is_validated(a));
  EXPECT_EQ(agent.selected_address(), b);
  EXPECT_EQ(agent.state(), IceState::kConnected);

  // A consent check refreshes b.
  ASSERT_EQ(agent.on_binding_request(peer.check(), b, 35'000, response).drop, IceDrop::kNone);
  agent.tick(64'999);
  EXPECT_TRUE(agent.is_validated(b));
  agent.tick(65'000);
  EXPECT_FALSE(agent.is_validated(b));
  EXPECT_TRUE(agent.selected_address().empty());
  EXPECT_EQ(agent.state(), IceState::kDisconnected);
  EXPECT_TRUE(recorder.selected.back().empty());
  EXPECT_EQ(recorder.states, (std::vector<IceState>{IceState::kCompleted, IceState::kConnected,
                                                    IceState::kDisconnected}));

  // A later valid check reconnects.
  ASSERT_EQ(agent.on_binding_request(peer.check(), b, 70'000, response).drop, IceDrop::kNone);
  EXPECT_EQ(agent.state(), IceState::kConnected);
}

TEST(IceLite, PathListIsBounded) {
  IceLite agent;
  Peer peer(agent);
  std::array<uint8_t, 512> response{};
  const TransportAddress first = ipv4("10.0.0.100", 1);
  ASSERT_EQ(agent.on_binding_request(peer.check(true), first, 0, response).drop, IceDrop::kNone);
  for (uint16_t port = 1; port <= 20; ++port) {
    ASSERT_EQ(agent.on_binding_request(peer.check(), ipv4("10.0.0.1", port), port, response).drop,
              IceDrop::kNone);
  }
  EXPECT_EQ(agent.path_count(), IceLite::kMaxPaths);
  // The selected path survives eviction; the oldest others go.
  EXPECT_TRUE(agent.is_validated(first));
  EXPECT_EQ(agent.selected_address(), first);
  EXPECT_FALSE(agent.is_validated(ipv4("10.0.0.1", 1)));
  EXPECT_TRUE(agent.is_validated(ipv4("10.0.0.1", 20)));
}

TEST(IceLite, RestartChangesLocalCredentials) {
  IceLite agent;
  agent.set_remote_credentials("peer", "");
  Peer peer(agent);
  std::array<uint8_t, 512> response{};
  const TransportAddress source = ipv4("10.0.0.1", 1);
  const std::vector<uint8_t> old_check = peer.check();
  const std::string old_ufrag = agent.local_ufrag();
  agent.restart("peer2", "pw2");
  EXPECT_NE(agent.local_ufrag(), old_ufrag);
  EXPECT_EQ(agent.remote_ufrag(), "peer2");
  EXPECT_EQ(agent.on_binding_request(old_check, source, 0, response).drop, IceDrop::kBadUsername);
  Peer restarted(agent, "peer2");
  EXPECT_EQ(agent.on_binding_request(restarted.check(), source, 0, response).drop, IceDrop::kNone);
}

TEST(IceLite, IgnoresNonRequests) {
  IceLite agent;
  std::array<uint8_t, 512> response{};
  HmacSha1 key(agent.local_password());
  std::array<uint8_t, 12> id{};
  const size_t size = build_binding_success(response, id, ipv4("10.0.0.1", 1), key);
  std::vector<uint8_t> success(response.begin(), response.begin() + size);
  EXPECT_EQ(agent.on_binding_request(success, ipv4("10.0.0.1", 1), 0, response).drop,
            IceDrop::kNotBindingRequest);
}

}  // namespace
}  // namespace ringcast::rtc
