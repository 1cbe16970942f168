#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "rtc/dtls_certificate.hpp"
#include "rtc/dtls_context.hpp"
#include "rtc/dtls_transport.hpp"
#include "rtc/hmac_sha1.hpp"

namespace ringcast::bench::sfu {

// The browser's end of one data plane WebRtcTransport, for benchmarks: one ICE connectivity check
// with USE-CANDIDATE (a full, controlling agent nominating its only pair, RFC 8445 §8.1.1) and
// then a client-role DTLS-SRTP handshake (RFC 5764), over a caller's non-blocking UDP socket.
// The pieces are the data plane's own (build_binding_request, StunMessage, DtlsSession), so the
// server sees exactly what the protocol asks for and the keys come from the real exporter.
//
// Not thread-safe; driven by connect_clients() or by hand (start, receive_all, handle_timeout).
class WebRtcClient : public rtc::DtlsSessionListener {
 public:
  enum class State : uint8_t { kIdle, kChecking, kHandshaking, kConnected, kFailed };

  struct Credentials {
    std::string local_ufrag;  // ours: the server learns them through ConnectWebRtcTransport
    std::string local_password;
    std::string remote_ufrag;  // the server's, from WebRtcTransportInfo
    std::string remote_password;
    std::string remote_fingerprint;  // the server's sha-256 "AB:CD:..."
  };

  // `fd` stays the caller's; `context` must outlive the client.
  WebRtcClient(int fd, const sockaddr_in& server, rtc::DtlsContext& context,
               Credentials credentials);
  ~WebRtcClient() override;
  WebRtcClient(const WebRtcClient&) = delete;
  WebRtcClient& operator=(const WebRtcClient&) = delete;

  // Sends the first connectivity check.
  void start(uint64_t now_ms);
  // Reads and handles every datagram waiting on the socket.
  void receive_all(uint64_t now_ms);
  // Retransmits the check (RFC 8489 §6.2.1: RTO doubling, 7 tries) or lets DTLS retransmit.
  void handle_timeout(uint64_t now_ms);
  std::optional<uint64_t> next_timeout(uint64_t now_ms) const;
  // Frees the DTLS session once connected (its keys are kept): a benchmark holding thousands of
  // clients need not hold their OpenSSL buffers.
  void release_dtls();

  // A Binding request as the first check sends, MESSAGE-INTEGRITY and FINGERPRINT included: what
  // a browser sends every ~5 s for consent freshness (RFC 7675 §5.1).
  std::vector<uint8_t> binding_request() const;

  State state() const { return state_; }
  bool done() const { return state_ == State::kConnected || state_ == State::kFailed; }
  const std::string& failure() const { return failure_; }
  // Valid once kConnected: local = what the client protects with, remote = what it unprotects.
  const rtc::DtlsSrtpKeys& srtp_keys() const { return keys_; }
  int fd() const { return fd_; }
  uint64_t started_ms() const { return started_ms_; }
  uint64_t finished_ms() const { return finished_ms_; }

  // DtlsSessionListener
  void on_dtls_send(std::span<const uint8_t> datagram) override;
  void on_dtls_state_changed(rtc::DtlsState state) override;

 private:
  void on_datagram(std::span<const uint8_t> datagram, uint64_t now_ms);
  void send_check();
  void fail(std::string why, uint64_t now_ms);

  int fd_;
  sockaddr_in server_;
  rtc::DtlsContext& context_;
  Credentials credentials_;
  std::string username_;             // "serverUfrag:clientUfrag" (RFC 8445 §7.2.2)
  mutable rtc::HmacSha1 check_key_;  // the server's password keys our checks and its answers
  uint8_t transaction_id_[12] = {};
  uint64_t tie_breaker_ = 0;
  std::unique_ptr<rtc::DtlsSession> dtls_;
  State state_ = State::kIdle;
  std::string failure_;
  rtc::DtlsSrtpKeys keys_;
  uint32_t check_tries_ = 0;
  uint64_t check_rto_ms_ = 0;
  uint64_t next_check_ms_ = 0;
  uint64_t now_ms_ = 0;  // the time of the call in progress, for DTLS callbacks
  uint64_t started_ms_ = 0;
  uint64_t finished_ms_ = 0;
};

// The DTLS identity of the client side: one certificate and context for every client (a browser
// has one per peer connection; a handshake costs the same either way). `suite`: offer only that
// SRTP profile so DTLS-SRTP negotiates it; nullopt offers the data plane's default list.
struct WebRtcClientIdentity {
  std::unique_ptr<rtc::DtlsCertificate> certificate;
  std::unique_ptr<rtc::DtlsContext> context;

  explicit WebRtcClientIdentity(std::optional<rtc::SrtpSuite> suite);
};

// `length` random ice-chars (RFC 8839 §5.4: a ufrag needs at least 4, a password 22).
std::string random_ice_string(std::mt19937_64& random, size_t length);

// What connect_clients() did.
struct ConnectSummary {
  uint32_t connected = 0;
  uint32_t failed = 0;      // a check or handshake failed (each client's failure() says why)
  uint32_t unfinished = 0;  // still running at the deadline
  uint64_t first_start_ms = 0;
  uint64_t last_finish_ms = 0;
};

// Connects `clients` keeping at most `concurrency` in progress at once (each started as another
// finishes, as a server sees sessions arrive under load), on the calling thread with epoll,
// giving up after `timeout_ms`. Calls `on_done(index)` as each client connects or fails (the
// callback may release_dtls()).
ConnectSummary connect_clients(std::span<const std::unique_ptr<WebRtcClient>> clients,
                               uint32_t concurrency, uint64_t timeout_ms,
                               const std::function<void(size_t)>& on_done);

// CLOCK_MONOTONIC in ms, the clock the clients run on.
uint64_t steady_ms();

}  // namespace ringcast::bench::sfu
