#include "sfu/webrtc_client.hpp"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <random>
#include <stdexcept>

#include "rtc/stun_message.hpp"

namespace ringcast::bench::sfu {
namespace {

// RFC 8489 §6.2.1: a check is retransmitted after RTO, 2 RTO, ... (Rc = 7 sends). 100 ms rather
// than the default 500 ms: this is loopback, and a lost check should not stall a measured window.
constexpr uint64_t kCheckRtoMs = 100;
constexpr uint32_t kCheckTries = 7;
// RFC 8445 §7.1.1: a check carries the priority its peer-reflexive candidate would get (type
// preference 110), local preference 65535, component 1.
constexpr uint32_t kCheckPriority = (110u << 24) | (65535u << 8) | 255u;

uint64_t random_u64() {
  static thread_local std::mt19937_64 random(std::random_device{}());
  return random();
}

}  // namespace

uint64_t steady_ms() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<uint64_t>(now.tv_sec) * 1000 + static_cast<uint64_t>(now.tv_nsec) / 1'000'000;
}

WebRtcClientIdentity::WebRtcClientIdentity(std::optional<rtc::SrtpSuite> suite) {
  std::string error;
  certificate = rtc::DtlsCertificate::generate(&error);
  if (certificate) {
    std::string_view profiles = rtc::DtlsContext::kDefaultSrtpProfiles;
    if (suite) {
      profiles = *suite == rtc::SrtpSuite::kAeadAes128Gcm ? "SRTP_AEAD_AES_128_GCM"
                                                          : "SRTP_AES128_CM_SHA1_80";
    }
    context = rtc::DtlsContext::create(*certificate, profiles, &error);
  }
  if (!context) {
    throw std::runtime_error("client DTLS context: " + error);
  }
}

std::string random_ice_string(std::mt19937_64& random, size_t length) {
  static constexpr char kChars[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string text(length, 'x');
  for (char& c : text) {
    c = kChars[random() % (sizeof kChars - 1)];
  }
  return text;
}

WebRtcClient::WebRtcClient(int fd, const sockaddr_in& server, rtc::DtlsContext& context,
                           Credentials credentials)
    : fd_(fd),
      server_(server),
      context_(context),
      credentials_(std::move(credentials)),
      username_(credentials_.remote_ufrag + ":" + credentials_.local_ufrag),
      tie_breaker_(random_u64()) {
  if (!check_key_.set_key(credentials_.remote_password)) {
    throw std::runtime_error("WebRtcClient: HMAC-SHA1 key setup failed");
  }
  for (uint8_t& byte : transaction_id_) {
    byte = static_cast<uint8_t>(random_u64());
  }
}

WebRtcClient::~WebRtcClient() = default;

std::vector<uint8_t> WebRtcClient::binding_request() const {
  rtc::StunBindingRequest request{.transaction_id = std::span<const uint8_t, 12>(transaction_id_),
                                  .username = username_,
                                  .priority = kCheckPriority,
                                  .controlling = true,
                                  .tie_breaker = tie_breaker_,
                                  .use_candidate = true};
  std::vector<uint8_t> bytes(256);
  bytes.resize(rtc::build_binding_request(bytes, request, &check_key_));
  return bytes;
}

void WebRtcClient::send_check() {
  const std::vector<uint8_t> request = binding_request();
  sendto(fd_, request.data(), request.size(), 0, reinterpret_cast<const sockaddr*>(&server_),
         sizeof server_);
}

void WebRtcClient::start(uint64_t now_ms) {
  now_ms_ = now_ms;
  started_ms_ = now_ms;
  state_ = State::kChecking;
  check_tries_ = 1;
  check_rto_ms_ = kCheckRtoMs;
  next_check_ms_ = now_ms + check_rto_ms_;
  send_check();
}

void WebRtcClient::fail(std::string why, uint64_t now_ms) {
  if (done()) {
    return;
  }
  state_ = State::kFailed;
  failure_ = std::move(why);
  finished_ms_ = now_ms;
}

void WebRtcClient::receive_all(uint64_t now_ms) {
  uint8_t buffer[2048];
  for (;;) {
    const ssize_t length = recv(fd_, buffer, sizeof buffer, MSG_DONTWAIT);
    if (length < 0) {
      return;  // EAGAIN, or an error a retransmission will paper over
    }
    on_datagram(std::span<const uint8_t>(buffer, static_cast<size_t>(length)), now_ms);
  }
}

void WebRtcClient::on_datagram(std::span<const uint8_t> datagram, uint64_t now_ms) {
  now_ms_ = now_ms;
  if (state_ == State::kChecking && rtc::StunMessage::looks_like_stun(datagram)) {
    rtc::StunMessage message;
    if (message.parse(datagram) != rtc::StunError::kNone ||
        !std::equal(message.transaction_id().begin(), message.transaction_id().end(),
                    std::begin(transaction_id_))) {
      return;
    }
    if (message.type() != rtc::kStunBindingSuccess) {
      fail("check answered with STUN type " + std::to_string(message.type()) + " code " +
               std::to_string(message.error_code().value_or(0)),
           now_ms);
      return;
    }
    if (message.check_integrity(check_key_) != rtc::StunCheck::kOk) {
      fail("check answer failed MESSAGE-INTEGRITY", now_ms);
      return;
    }
    std::string error;
    dtls_ = rtc::DtlsSession::create(context_, *this, &error);
    if (!dtls_ || !dtls_->set_remote_fingerprint("sha-256", credentials_.remote_fingerprint)) {
      fail("DTLS session: " + error, now_ms);
      return;
    }
    state_ = State::kHandshaking;
    dtls_->start(rtc::DtlsRole::kClient, now_ms);
    return;
  }
  if (state_ == State::kHandshaking && rtc::DtlsSession::looks_like_dtls(datagram)) {
    dtls_->feed(datagram, now_ms);
  }
}

std::optional<uint64_t> WebRtcClient::next_timeout(uint64_t now_ms) const {
  if (state_ == State::kChecking) {
    return next_check_ms_;
  }
  if (state_ == State::kHandshaking && dtls_) {
    return dtls_->next_timeout(now_ms);
  }
  return std::nullopt;
}

void WebRtcClient::handle_timeout(uint64_t now_ms) {
  now_ms_ = now_ms;
  if (state_ == State::kChecking && now_ms >= next_check_ms_) {
    if (check_tries_ >= kCheckTries) {
      fail("connectivity check not answered", now_ms);
      return;
    }
    ++check_tries_;
    check_rto_ms_ *= 2;
    next_check_ms_ = now_ms + check_rto_ms_;
    send_check();
  } else if (state_ == State::kHandshaking && dtls_) {
    dtls_->handle_timeout(now_ms);
  }
}

void WebRtcClient::release_dtls() {
  if (state_ == State::kConnected || state_ == State::kFailed) {
    dtls_.reset();
  }
}

void WebRtcClient::on_dtls_send(std::span<const uint8_t> datagram) {
  sendto(fd_, datagram.data(), datagram.size(), 0, reinterpret_cast<const sockaddr*>(&server_),
         sizeof server_);
}

void WebRtcClient::on_dtls_state_changed(rtc::DtlsState state) {
  if (state == rtc::DtlsState::kConnected) {
    keys_ = dtls_->srtp_keys();
    state_ = State::kConnected;
    finished_ms_ = now_ms_;
  } else if (state == rtc::DtlsState::kFailed) {
    std::string why = std::string("DTLS ") + rtc::dtls_error_name(dtls_->error());
    if (!dtls_->error_detail().empty()) {
      why += ": " + dtls_->error_detail();
    }
    fail(std::move(why), now_ms_);
  }
}

ConnectSummary connect_clients(std::span<const std::unique_ptr<WebRtcClient>> clients,
                               uint32_t concurrency, uint64_t timeout_ms,
                               const std::function<void(size_t)>& on_done) {
  const int epoll = epoll_create1(EPOLL_CLOEXEC);
  if (epoll < 0) {
    throw std::runtime_error(std::string("epoll_create1: ") + strerror(errno));
  }
  ConnectSummary summary;
  const uint64_t deadline = steady_ms() + timeout_ms;
  std::vector<size_t> running;
  size_t next = 0;
  summary.first_start_ms = steady_ms();
  auto finish = [&](size_t index) {
    epoll_ctl(epoll, EPOLL_CTL_DEL, clients[index]->fd(), nullptr);
    if (clients[index]->state() == WebRtcClient::State::kConnected) {
      ++summary.connected;
    } else {
      ++summary.failed;
    }
    summary.last_finish_ms = std::max(summary.last_finish_ms, clients[index]->finished_ms());
    on_done(index);
  };
  for (;;) {
    uint64_t now = steady_ms();
    while (running.size() < std::max<uint32_t>(concurrency, 1) && next < clients.size()) {
      epoll_event event{};
      event.events = EPOLLIN;
      event.data.u64 = next;
      if (epoll_ctl(epoll, EPOLL_CTL_ADD, clients[next]->fd(), &event) != 0) {
        close(epoll);
        throw std::runtime_error(std::string("epoll_ctl: ") + strerror(errno));
      }
      clients[next]->start(now);
      running.push_back(next++);
    }
    if (running.empty() || now >= deadline) {
      break;
    }
    uint64_t wake = deadline;
    for (size_t index : running) {
      wake = std::min(wake, clients[index]->next_timeout(now).value_or(deadline));
    }
    epoll_event events[64];
    const int ready = epoll_wait(epoll, events, 64, static_cast<int>(wake > now ? wake - now : 0));
    now = steady_ms();
    for (int i = 0; i < ready; ++i) {
      clients[events[i].data.u64]->receive_all(now);
    }
    for (size_t index : running) {
      WebRtcClient& client = *clients[index];
      if (!client.done()) {
        if (auto when = client.next_timeout(now); when && *when <= now) {
          client.handle_timeout(now);
        }
      }
    }
    std::erase_if(running, [&](size_t index) {
      if (!clients[index]->done()) {
        return false;
      }
      finish(index);
      return true;
    });
  }
  summary.unfinished = static_cast<uint32_t>(running.size() + (clients.size() - next));
  close(epoll);
  return summary;
}

}  // namespace ringcast::bench::sfu
