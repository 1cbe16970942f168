#include "rtc/dtls_transport.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cctype>
#include <cstring>

namespace ringcast::rtc {
namespace {

// RFC 5764 §4.2: the exporter label, and the key block layout
// client_write_key | server_write_key | client_write_salt | server_write_salt.
constexpr char kExporterLabel[] = "EXTRACTOR-dtls_srtp";

// RFC 5764 §4.1.2 / RFC 7714 §14.2 profile identifiers.
constexpr unsigned long kProfileAes128CmSha1_80 = 0x0001;
constexpr unsigned long kProfileAeadAes128Gcm = 0x0007;

std::string take_openssl_errors() {
  std::string text;
  while (const unsigned long code = ERR_get_error()) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof(buffer));
    if (!text.empty()) {
      text += "; ";
    }
    text += buffer;
  }
  return text;
}

const EVP_MD* digest_by_sdp_name(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  // RFC 8122 §5 hash function names (the IANA "Hash Function Textual Names" registry).
  if (lower == "sha-256") {
    return EVP_sha256();
  }
  if (lower == "sha-384") {
    return EVP_sha384();
  }
  if (lower == "sha-512") {
    return EVP_sha512();
  }
  if (lower == "sha-224") {
    return EVP_sha224();
  }
  if (lower == "sha-1") {
    return EVP_sha1();
  }
  return nullptr;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

}  // namespace

const char* dtls_state_name(DtlsState state) {
  switch (state) {
    case DtlsState::kNew:
      return "new";
    case DtlsState::kConnecting:
      return "connecting";
    case DtlsState::kConnected:
      return "connected";
    case DtlsState::kFailed:
      return "failed";
    case DtlsState::kClosed:
      return "closed";
  }
  return "unknown";
}

const char* dtls_error_name(DtlsError error) {
  switch (error) {
    case DtlsError::kNone:
      return "none";
    case DtlsError::kFingerprintMismatch:
      return "fingerprint_mismatch";
    case DtlsError::kNoPeerCertificate:
      return "no_peer_certificate";
    case DtlsError::kHandshakeFailed:
      return "handshake_failed";
    case DtlsError::kNoSrtpProfile:
      return "no_srtp_profile";
    case DtlsError::kKeyExportFailed:
      return "key_export_failed";
    case DtlsError::kTimeout:
      return "timeout";
    case DtlsError::kCount:
      break;
  }
  return "unknown";
}

// --- the datagram BIO ---------------------------------------------------------------------------

int DtlsSession::bio_write(BIO* bio, const char* data, int length) {
  auto* self = static_cast<DtlsSession*>(BIO_get_data(bio));
  BIO_clear_retry_flags(bio);
  if (self == nullptr || length < 0) {
    return -1;
  }
  const auto size = static_cast<size_t>(length);
  // OpenSSL writes one record per call and asks BIO_CTRL_WPENDING before each, so it keeps a
  // datagram under the MTU itself; the flush here only guards the buffer.
  if (self->output_size_ + size > self->output_.size()) {
    self->flush_output();
  }
  if (size > self->output_.size()) {
    self->listener_.on_dtls_send({reinterpret_cast<const uint8_t*>(data), size});
    return length;
  }
  std::memcpy(self->output_.data() + self->output_size_, data, size);
  self->output_size_ += size;
  return length;
}

int DtlsSession::bio_read(BIO* bio, char* data, int length) {
  auto* self = static_cast<DtlsSession*>(BIO_get_data(bio));
  BIO_clear_retry_flags(bio);
  if (self == nullptr || self->input_size_ == 0) {
    BIO_set_retry_read(bio);
    return -1;
  }
  // Datagram semantics: the whole datagram or (if OpenSSL's buffer were smaller) its head, and
  // never the rest of it on the next read.
  const size_t size = std::min(self->input_size_, static_cast<size_t>(std::max(length, 0)));
  std::memcpy(data, self->input_, size);
  self->input_ = nullptr;
  self->input_size_ = 0;
  return static_cast<int>(size);
}

long DtlsSession::bio_ctrl(BIO* bio, int command, long number, void* /*pointer*/) {
  auto* self = static_cast<DtlsSession*>(BIO_get_data(bio));
  if (self == nullptr) {
    return 0;
  }
  switch (command) {
    case BIO_CTRL_FLUSH:
      // OpenSSL flushes at the end of each flight and when a datagram is full.
      self->flush_output();
      return 1;
    case BIO_CTRL_PENDING:
      return static_cast<long>(self->input_size_);
    case BIO_CTRL_WPENDING:
      return static_cast<long>(self->output_size_);
    case BIO_CTRL_DGRAM_QUERY_MTU:
    case BIO_CTRL_DGRAM_GET_FALLBACK_MTU:
      return self->options_.mtu;
    case BIO_CTRL_DGRAM_GET_MTU_OVERHEAD:
      return 0;  // the MTU option is already the UDP payload size
    case BIO_CTRL_DGRAM_SET_MTU:
      return number;
    default:
      return 0;
  }
}

namespace {

int bio_create(BIO* bio) {
  BIO_set_init(bio, 1);
  BIO_set_data(bio, nullptr);
  return 1;
}

int bio_destroy(BIO* bio) {
  BIO_set_data(bio, nullptr);
  return 1;
}

}  // namespace

BIO_METHOD* DtlsSession::datagram_bio_method() {
  // Built once per process and never freed; a BIO_METHOD is read-only after setup, so shards
  // share it.
  static BIO_METHOD* method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "ringcast-dtls");
    if (m != nullptr) {
      BIO_meth_set_write(m, &DtlsSession::bio_write);
      BIO_meth_set_read(m, &DtlsSession::bio_read);
      BIO_meth_set_ctrl(m, &DtlsSession::bio_ctrl);
      BIO_meth_set_create(m, bio_create);
      BIO_meth_set_destroy(m, bio_destroy);
    }
    return m;
  }();
  return method;
}

// --- the session --------------------------------------------------------------------------------

std::unique_ptr<DtlsSession> DtlsSession::create(DtlsContext& context,
                                                 DtlsSessionListener& listener,
                                                 const Options& options, std::string* error) {
  auto fail = [&](const char* what) -> std::unique_ptr<DtlsSession> {
    if (error != nullptr) {
      *error = what;
      const std::string detail = take_openssl_errors();
      if (!detail.empty()) {
        *error += ": " + detail;
      }
    }
    ERR_clear_error();
    return nullptr;
  };

  std::unique_ptr<DtlsSession> session(new DtlsSession(listener, options));
  session->options_.mtu = std::min<uint32_t>(options.mtu, session->output_.size());
  BIO_METHOD* method = datagram_bio_method();
  if (method == nullptr) {
    return fail("BIO_meth_new");
  }
  session->ssl_ = SSL_new(context.get());
  if (session->ssl_ == nullptr) {
    return fail("SSL_new");
  }
  BIO* bio = BIO_new(method);
  if (bio == nullptr) {
    return fail("BIO_new");
  }
  BIO_set_data(bio, session.get());
  // One BIO for both directions; SSL_set_bio takes the one reference (SSL_set_bio(3)).
  SSL_set_bio(session->ssl_, bio, bio);
  SSL_set_app_data(session->ssl_, session.get());
  SSL_set_verify(session->ssl_, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                 &DtlsSession::verify_callback);
  DTLS_set_timer_cb(session->ssl_, &DtlsSession::timer_callback);
  // With SSL_OP_NO_QUERY_MTU (set on the context) OpenSSL uses this instead of asking the BIO.
  if (DTLS_set_link_mtu(session->ssl_, session->options_.mtu) != 1) {
    return fail("DTLS_set_link_mtu");
  }
  return session;
}

DtlsSession::~DtlsSession() {
  if (ssl_ != nullptr) {
    // Callbacks must not reach a half-destroyed session.
    BIO_set_data(SSL_get_rbio(ssl_), nullptr);
    SSL_free(ssl_);
  }
}

bool DtlsSession::set_remote_fingerprint(std::string_view algorithm, std::string_view value) {
  const EVP_MD* digest = digest_by_sdp_name(algorithm);
  if (digest == nullptr) {
    return false;
  }
  std::array<uint8_t, 64> bytes{};
  size_t size = 0;
  // "AB:CD:...": pairs of hex digits separated by single colons (RFC 8122 §5).
  for (size_t i = 0; i < value.size();) {
    if (size == bytes.size() || i + 1 >= value.size()) {
      return false;
    }
    const int high = hex_value(value[i]);
    const int low = hex_value(value[i + 1]);
    if (high < 0 || low < 0) {
      return false;
    }
    bytes[size++] = static_cast<uint8_t>(high * 16 + low);
    i += 2;
    if (i < value.size()) {
      if (value[i] != ':' || i + 1 == value.size()) {
        return false;
      }
      ++i;
    }
  }
  if (size != static_cast<size_t>(EVP_MD_get_size(digest))) {
    return false;
  }
  remote_digest_ = digest;
  remote_fingerprint_ = bytes;
  remote_fingerprint_size_ = size;
  // The handshake may have finished while we waited for signaling.
  if (handshake_done_ && state_ == DtlsState::kConnecting) {
    on_handshake_done();
  }
  return true;
}

bool DtlsSession::fingerprint_matches(X509* certificate) const {
  if (certificate == nullptr || remote_digest_ == nullptr) {
    return false;
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (X509_digest(certificate, remote_digest_, digest, &size) != 1) {
    return false;
  }
  return size == remote_fingerprint_size_ &&
         std::memcmp(digest, remote_fingerprint_.data(), size) == 0;
}

int DtlsSession::verify_callback(int /*preverify_ok*/, X509_STORE_CTX* store) {
  // The chain checks (self-signed, unknown issuer, dates) are meaningless for WebRTC
  // certificates; only the leaf's fingerprint decides (RFC 8827 §6.5).
  if (X509_STORE_CTX_get_error_depth(store) != 0) {
    return 1;
  }
  SSL* ssl =
      static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  auto* self = ssl != nullptr ? static_cast<DtlsSession*>(SSL_get_app_data(ssl)) : nullptr;
  if (self == nullptr) {
    return 0;
  }
  if (self->remote_digest_ == nullptr) {
    return 1;  // checked in on_handshake_done() once signaling delivers it
  }
  if (!self->fingerprint_matches(X509_STORE_CTX_get_current_cert(store))) {
    // Abort inside the handshake, so the peer gets a bad_certificate alert and no keys exist.
    self->error_ = DtlsError::kFingerprintMismatch;
    return 0;
  }
  return 1;
}

unsigned int DtlsSession::timer_callback(SSL* ssl, unsigned int previous_us) {
  const auto* self = static_cast<const DtlsSession*>(SSL_get_app_data(ssl));
  const uint64_t initial_us = uint64_t{self->options_.initial_retransmit_ms} * 1000;
  const uint64_t max_us = uint64_t{self->options_.max_retransmit_ms} * 1000;
  if (previous_us == 0) {
    return static_cast<unsigned int>(initial_us);
  }
  return static_cast<unsigned int>(std::min(uint64_t{previous_us} * 2, max_us));
}

void DtlsSession::start(DtlsRole role, uint64_t now_ms) {
  if (state_ != DtlsState::kNew) {
    return;
  }
  role_ = role;
  started_ms_ = now_ms;
  if (role == DtlsRole::kClient) {
    SSL_set_connect_state(ssl_);
  } else {
    SSL_set_accept_state(ssl_);
  }
  set_state(DtlsState::kConnecting);
  if (role == DtlsRole::kClient) {
    drive_handshake();  // the ClientHello
  }
}

void DtlsSession::feed(std::span<const uint8_t> datagram, uint64_t now_ms) {
  if (state_ == DtlsState::kNew) {
    start(DtlsRole::kServer, now_ms);
  }
  if (state_ != DtlsState::kConnecting && state_ != DtlsState::kConnected) {
    return;
  }
  if (datagram.empty()) {
    return;
  }
  input_ = datagram.data();
  input_size_ = datagram.size();
  if (!handshake_done_) {
    drive_handshake();
  }
  if (handshake_done_ && state_ != DtlsState::kFailed && state_ != DtlsState::kClosed) {
    read_records();
  }
  input_ = nullptr;
  input_size_ = 0;
  flush_output();
}

void DtlsSession::drive_handshake() {
  ERR_clear_error();
  const int result = SSL_do_handshake(ssl_);
  flush_output();
  if (result == 1) {
    handshake_done_ = true;
    on_handshake_done();
    return;
  }
  const int reason = SSL_get_error(ssl_, result);
  if (reason == SSL_ERROR_WANT_READ || reason == SSL_ERROR_WANT_WRITE) {
    return;
  }
  error_detail_ = take_openssl_errors();
  fail(error_ == DtlsError::kFingerprintMismatch ? DtlsError::kFingerprintMismatch
                                                 : DtlsError::kHandshakeFailed);
}

void DtlsSession::read_records() {
  // Alerts, close_notify, retransmitted final flights and application data all arrive here
  // after the handshake. 2 KB covers any record of a 1200-byte datagram.
  std::array<uint8_t, 2048> buffer;
  for (;;) {
    ERR_clear_error();
    const int result = SSL_read(ssl_, buffer.data(), static_cast<int>(buffer.size()));
    if (result > 0) {
      listener_.on_dtls_application_data({buffer.data(), static_cast<size_t>(result)});
      continue;
    }
    const int reason = SSL_get_error(ssl_, result);
    if (reason == SSL_ERROR_WANT_READ || reason == SSL_ERROR_WANT_WRITE) {
      return;
    }
    if (reason == SSL_ERROR_ZERO_RETURN) {
      // The peer's close_notify: an orderly end, not a failure.
      set_state(DtlsState::kClosed);
      return;
    }
    error_detail_ = take_openssl_errors();
    if (state_ == DtlsState::kConnected) {
      set_state(DtlsState::kClosed);  // a fatal alert after the keys were in use
    } else {
      fail(DtlsError::kHandshakeFailed);
    }
    return;
  }
}

void DtlsSession::on_handshake_done() {
  X509* peer = SSL_get0_peer_certificate(ssl_);
  if (peer == nullptr) {
    fail(DtlsError::kNoPeerCertificate);
    return;
  }
  if (remote_digest_ == nullptr) {
    return;  // stay kConnecting until set_remote_fingerprint()
  }
  if (!fingerprint_matches(peer)) {
    fail(DtlsError::kFingerprintMismatch);
    return;
  }
  const SRTP_PROTECTION_PROFILE* profile = SSL_get_selected_srtp_profile(ssl_);
  if (profile == nullptr) {
    fail(DtlsError::kNoSrtpProfile);
    return;
  }
  SrtpSuite suite;
  if (profile->id == kProfileAeadAes128Gcm) {
    suite = SrtpSuite::kAeadAes128Gcm;
  } else if (profile->id == kProfileAes128CmSha1_80) {
    suite = SrtpSuite::kAesCm128HmacSha1_80;
  } else {
    fail(DtlsError::kNoSrtpProfile);
    return;
  }
  const size_t key_length = srtp_master_key_length(suite);
  const size_t salt_length = srtp_master_salt_length(suite);
  std::array<uint8_t, 2 * (16 + 14)> material{};
  const size_t total = 2 * (key_length + salt_length);
  if (SSL_export_keying_material(ssl_, material.data(), total, kExporterLabel,
                                 sizeof(kExporterLabel) - 1, nullptr, 0, 0) != 1) {
    error_detail_ = take_openssl_errors();
    fail(DtlsError::kKeyExportFailed);
    return;
  }
  const uint8_t* client_key = material.data();
  const uint8_t* server_key = client_key + key_length;
  const uint8_t* client_salt = server_key + key_length;
  const uint8_t* server_salt = client_salt + salt_length;
  // We send with our own role's write key (RFC 5764 §4.2).
  const bool client = role_ == DtlsRole::kClient;
  keys_ = DtlsSrtpKeys{};
  keys_.suite = suite;
  std::memcpy(keys_.local_key.data(), client ? client_key : server_key, key_length);
  std::memcpy(keys_.local_salt.data(), client ? client_salt : server_salt, salt_length);
  std::memcpy(keys_.remote_key.data(), client ? server_key : client_key, key_length);
  std::memcpy(keys_.remote_salt.data(), client ? server_salt : client_salt, salt_length);
  OPENSSL_cleanse(material.data(), material.size());
  set_state(DtlsState::kConnected);
}

std::optional<uint64_t> DtlsSession::next_timeout(uint64_t now_ms) const {
  if (state_ != DtlsState::kConnecting && state_ != DtlsState::kConnected) {
    return std::nullopt;
  }
  timeval remaining{};
  if (DTLSv1_get_timeout(ssl_, &remaining) != 1) {
    // No retransmission pending; while connecting, the overall deadline still applies.
    if (state_ == DtlsState::kConnecting && !handshake_done_) {
      return started_ms_ + options_.handshake_timeout_ms;
    }
    return std::nullopt;
  }
  // Round up so the timer never fires before OpenSSL considers the timer expired.
  const uint64_t ms = static_cast<uint64_t>(remaining.tv_sec) * 1000 +
                      (static_cast<uint64_t>(remaining.tv_usec) + 999) / 1000;
  uint64_t deadline = now_ms + ms;
  if (state_ == DtlsState::kConnecting && !handshake_done_) {
    deadline = std::min(deadline, started_ms_ + options_.handshake_timeout_ms);
  }
  return deadline;
}

void DtlsSession::handle_timeout(uint64_t now_ms) {
  if (state_ == DtlsState::kConnecting && !handshake_done_ &&
      now_ms >= started_ms_ + options_.handshake_timeout_ms) {
    fail(DtlsError::kTimeout);
    return;
  }
  if (state_ != DtlsState::kConnecting && state_ != DtlsState::kConnected) {
    return;
  }
  ERR_clear_error();
  if (DTLSv1_handle_timeout(ssl_) < 0) {
    error_detail_ = take_openssl_errors();
    if (state_ == DtlsState::kConnecting) {
      fail(DtlsError::kTimeout);  // OpenSSL gave up retransmitting
    }
  }
  flush_output();
}

void DtlsSession::close() {
  if (state_ == DtlsState::kClosed || state_ == DtlsState::kFailed) {
    return;
  }
  if (state_ == DtlsState::kConnected) {
    ERR_clear_error();
    SSL_shutdown(ssl_);
    ERR_clear_error();
    flush_output();
  }
  set_state(DtlsState::kClosed);
}

void DtlsSession::flush_output() {
  if (output_size_ == 0) {
    return;
  }
  const size_t size = output_size_;
  output_size_ = 0;
  listener_.on_dtls_send({output_.data(), size});
}

void DtlsSession::fail(DtlsError error) {
  error_ = error;
  // Whatever alert OpenSSL queued goes out before we stop.
  flush_output();
  set_state(DtlsState::kFailed);
}

void DtlsSession::set_state(DtlsState state) {
  if (state == state_) {
    return;
  }
  state_ = state;
  listener_.on_dtls_state_changed(state);
}

}  // namespace ringcast::rtc
