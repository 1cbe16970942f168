#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "rtc/dtls_context.hpp"
#include "rtc/srtp_suite.hpp"

struct ssl_st;
struct bio_st;
struct bio_method_st;
struct x509_st;
struct x509_store_ctx_st;
struct evp_md_st;

namespace ringcast::rtc {

// Which end of the DTLS handshake we are, from the SDP a=setup negotiation (RFC 8842 §5): our
// "active" is kClient, "passive" is kServer.
enum class DtlsRole : uint8_t { kClient, kServer };

enum class DtlsState : uint8_t { kNew, kConnecting, kConnected, kFailed, kClosed };
const char* dtls_state_name(DtlsState state);

// Why a session failed. The names double as counter names (`dtls_fail_<name>`).
enum class DtlsError : uint8_t {
  kNone = 0,
  kFingerprintMismatch,  // the peer's certificate is not the one signaling announced
  kNoPeerCertificate,    // the peer sent none (RFC 8827 §6.5 requires one)
  kHandshakeFailed,      // a TLS-level failure (bad message, no shared cipher, alert)
  kNoSrtpProfile,        // no use_srtp profile in common (RFC 5764 §4.1.1)
  kKeyExportFailed,      // SSL_export_keying_material failed
  kTimeout,              // the handshake did not finish in time
  kCount,
};
inline constexpr size_t kDtlsErrorCount = static_cast<size_t>(DtlsError::kCount);
const char* dtls_error_name(DtlsError error);

// The SRTP master keys and salts a finished handshake produced (RFC 5764 §4.2), already sorted
// into ours (we protect with them) and the peer's (we unprotect with them).
struct DtlsSrtpKeys {
  SrtpSuite suite = SrtpSuite::kAeadAes128Gcm;
  std::array<uint8_t, 16> local_key{};
  std::array<uint8_t, 14> local_salt{};
  std::array<uint8_t, 16> remote_key{};
  std::array<uint8_t, 14> remote_salt{};

  std::span<const uint8_t> local_master_key() const {
    return std::span(local_key).first(srtp_master_key_length(suite));
  }
  std::span<const uint8_t> local_master_salt() const {
    return std::span(local_salt).first(srtp_master_salt_length(suite));
  }
  std::span<const uint8_t> remote_master_key() const {
    return std::span(remote_key).first(srtp_master_key_length(suite));
  }
  std::span<const uint8_t> remote_master_salt() const {
    return std::span(remote_salt).first(srtp_master_salt_length(suite));
  }
};

// Events flow up to the transport that owns the session. Callbacks run inside start(), feed(),
// handle_timeout(), set_remote_fingerprint() and close(); do not destroy the session in them.
class DtlsSessionListener {
 public:
  virtual ~DtlsSessionListener() = default;
  // One datagram to send to the peer's selected address (at most the MTU).
  virtual void on_dtls_send(std::span<const uint8_t> datagram) = 0;
  // On kConnected, srtp_keys() is valid; on kFailed, error() says why.
  virtual void on_dtls_state_changed(DtlsState state) = 0;
  // Application data (SCTP for data channels); ignored unless a transport wants it.
  virtual void on_dtls_application_data(std::span<const uint8_t> /*data*/) {}
};

// One DTLS 1.2 association (RFC 6347) used to key SRTP (RFC 5764), over memory only: datagrams
// come in through feed() and go out through the listener, so the shard's socket and timer wheel
// drive it. Retransmission is OpenSSL's (RFC 6347 §4.2.4), surfaced as next_timeout() and
// handle_timeout().
//
// The peer's certificate is accepted without a chain (WebRTC certificates are self-signed) but
// must match the fingerprint signaling delivered (RFC 8122 §5, RFC 8827 §6.5). If the
// fingerprint arrives after the handshake finished (the peer's answer can trail its first DTLS
// flight), the session stays kConnecting until set_remote_fingerprint() and checks it then.
//
// Not thread-safe: a session belongs to its transport's shard.
class DtlsSession {
 public:
  struct Options {
    // Largest datagram we send. 1200 fits any path WebRTC runs over (IPv6 minimum 1280 less
    // headers, TURN and VPN overhead), the same figure browsers use.
    uint32_t mtu = 1200;
    // RFC 6347 §4.2.4.1 suggests 1 s; doubled on each retransmission up to the maximum.
    uint32_t initial_retransmit_ms = 1000;
    uint32_t max_retransmit_ms = 8000;
    // A handshake not done after this long fails with kTimeout.
    uint64_t handshake_timeout_ms = 30'000;
  };

  static std::unique_ptr<DtlsSession> create(DtlsContext& context, DtlsSessionListener& listener,
                                             const Options& options, std::string* error = nullptr);
  static std::unique_ptr<DtlsSession> create(DtlsContext& context, DtlsSessionListener& listener,
                                             std::string* error = nullptr) {
    return create(context, listener, Options{}, error);
  }

  ~DtlsSession();
  DtlsSession(const DtlsSession&) = delete;
  DtlsSession& operator=(const DtlsSession&) = delete;

  // RFC 7983 §7: a first byte of 20..63 is DTLS.
  static bool looks_like_dtls(std::span<const uint8_t> datagram) {
    return !datagram.empty() && datagram[0] >= 20 && datagram[0] <= 63;
  }

  // The a=fingerprint of the peer: "sha-256" (also sha-1, sha-224, sha-384, sha-512) and
  // "AB:CD:..." hex, case-insensitive. Returns false (and changes nothing) if it cannot be
  // parsed or the algorithm is not supported.
  bool set_remote_fingerprint(std::string_view algorithm, std::string_view value);

  // Starts the handshake; as kClient the first flight goes out now. A datagram fed while still
  // kNew starts the session as kServer: only a client speaks first, and signaling may lag.
  void start(DtlsRole role, uint64_t now_ms);

  // One datagram from the peer (already known to be DTLS by its first byte).
  void feed(std::span<const uint8_t> datagram, uint64_t now_ms);

  // When handle_timeout() should next run, in the caller's clock; nullopt when no timer runs.
  std::optional<uint64_t> next_timeout(uint64_t now_ms) const;
  // Retransmits the last flight if its timer expired; fails the session past the handshake
  // timeout. OpenSSL measures its own timer with the system clock, so a call a little early is
  // harmless (nothing happens) and `now_ms` only drives the overall handshake timeout.
  void handle_timeout(uint64_t now_ms);

  // Sends close_notify (RFC 5246 §7.2.1) when connected and moves to kClosed.
  void close();

  DtlsState state() const { return state_; }
  DtlsError error() const { return error_; }
  std::optional<DtlsRole> role() const { return role_; }
  // OpenSSL's text for the last failure (for logs), empty otherwise.
  const std::string& error_detail() const { return error_detail_; }
  // Valid once kConnected.
  const DtlsSrtpKeys& srtp_keys() const { return keys_; }

 private:
  DtlsSession(DtlsSessionListener& listener, const Options& options)
      : listener_(listener), options_(options) {}

  // The memory BIO's callbacks (a custom BIO keeps datagram boundaries, which a plain memory
  // BIO loses).
  static bio_method_st* datagram_bio_method();
  static int bio_write(bio_st* bio, const char* data, int length);
  static int bio_read(bio_st* bio, char* data, int length);
  static long bio_ctrl(bio_st* bio, int command, long number, void* pointer);
  static int verify_callback(int preverify_ok, x509_store_ctx_st* store);
  static unsigned int timer_callback(ssl_st* ssl, unsigned int previous_us);

  void flush_output();
  void drive_handshake();
  void read_records();
  void on_handshake_done();
  bool fingerprint_matches(x509_st* certificate) const;
  void fail(DtlsError error);
  void set_state(DtlsState state);

  DtlsSessionListener& listener_;
  Options options_;
  ssl_st* ssl_ = nullptr;
  DtlsState state_ = DtlsState::kNew;
  DtlsError error_ = DtlsError::kNone;
  std::optional<DtlsRole> role_;
  std::string error_detail_;
  uint64_t started_ms_ = 0;
  bool handshake_done_ = false;  // OpenSSL finished; maybe still waiting for the fingerprint

  const evp_md_st* remote_digest_ = nullptr;  // null until set_remote_fingerprint()
  std::array<uint8_t, 64> remote_fingerprint_{};
  size_t remote_fingerprint_size_ = 0;

  DtlsSrtpKeys keys_;

  // The datagram being fed (read once, whole, by bio_read).
  const uint8_t* input_ = nullptr;
  size_t input_size_ = 0;
  // Records OpenSSL wrote since the last flush, packed into one datagram up to the MTU.
  std::array<uint8_t, 1500> output_{};
  size_t output_size_ = 0;
};

}  // namespace ringcast::rtc
