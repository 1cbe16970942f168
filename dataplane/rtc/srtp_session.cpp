#include "rtc/srtp_session.hpp"

#include <openssl/crypto.h>
#include <srtp2/srtp.h>

#include <array>
#include <climits>
#include <cstring>
#include <mutex>
#include <utility>

namespace ringcast::rtc {
namespace {

static_assert(SrtpSession::kMaxTrailer <= SRTP_MAX_TRAILER_LEN);
static_assert(SRTP_AES_GCM_128_KEY_LEN_WSALT == 28 && SRTP_AES_ICM_128_KEY_LEN_WSALT == 30);

// libsrtp's crypto kernel is process-global and srtp_init() is not safe to race; after it, each
// srtp_t is independent, so shards create and use their own sessions without locks.
srtp_err_status_t init_libsrtp_once() {
  static std::once_flag once;
  static srtp_err_status_t status = srtp_err_status_ok;
  std::call_once(once, [] { status = srtp_init(); });
  return status;
}

SrtpResult map_status(srtp_err_status_t status) {
  switch (status) {
    case srtp_err_status_ok:
      return SrtpResult::kOk;
    case srtp_err_status_auth_fail:
      return SrtpResult::kAuthFailed;
    case srtp_err_status_replay_fail:
    case srtp_err_status_replay_old:
      return SrtpResult::kReplay;
    case srtp_err_status_bad_param:
    case srtp_err_status_parse_err:
      return SrtpResult::kMalformed;
    default:
      return SrtpResult::kOther;
  }
}

void set_error(std::string* error, std::string message) {
  if (error != nullptr) {
    *error = std::move(message);
  }
}

// RFC 3711 §3.4: SRTCP appends the E flag and 31-bit index before the tag.
constexpr size_t kSrtcpIndexLength = 4;

size_t rtp_tag_length(SrtpSuite suite) {
  // RFC 7714 (16-byte GCM tag) and RFC 3711 §4.2.1 (HMAC-SHA1 truncated to 80 bits).
  return suite == SrtpSuite::kAeadAes128Gcm ? 16 : 10;
}

}  // namespace

const char* srtp_result_name(SrtpResult result) {
  switch (result) {
    case SrtpResult::kOk:
      return "ok";
    case SrtpResult::kAuthFailed:
      return "auth_failed";
    case SrtpResult::kReplay:
      return "replay";
    case SrtpResult::kMalformed:
      return "malformed";
    case SrtpResult::kNoRoom:
      return "no_room";
    case SrtpResult::kOther:
    case SrtpResult::kCount:
      break;
  }
  return "other";
}

std::optional<SrtpSession> SrtpSession::create(SrtpSuite suite, SrtpDirection direction,
                                               std::span<const uint8_t> master_key,
                                               std::span<const uint8_t> master_salt,
                                               std::string* error) {
  if (master_key.size() != srtp_master_key_length(suite) ||
      master_salt.size() != srtp_master_salt_length(suite)) {
    set_error(error, std::string(to_string(suite)) + " needs a " +
                         std::to_string(srtp_master_key_length(suite)) + "-byte key and a " +
                         std::to_string(srtp_master_salt_length(suite)) + "-byte salt, got " +
                         std::to_string(master_key.size()) + " and " +
                         std::to_string(master_salt.size()));
    return std::nullopt;
  }
  if (const srtp_err_status_t status = init_libsrtp_once(); status != srtp_err_status_ok) {
    set_error(error, "srtp_init failed with status " + std::to_string(status));
    return std::nullopt;
  }

  // libsrtp expects key || salt in one buffer and copies it during srtp_create.
  std::array<uint8_t, SRTP_MAX_KEY_LEN> key{};
  std::memcpy(key.data(), master_key.data(), master_key.size());
  std::memcpy(key.data() + master_key.size(), master_salt.data(), master_salt.size());

  srtp_policy_t policy;
  std::memset(&policy, 0, sizeof(policy));
  if (suite == SrtpSuite::kAeadAes128Gcm) {
    srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp);
    srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp);
  } else {
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtp);
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtcp);
  }
  policy.ssrc.type = direction == SrtpDirection::kInbound ? ssrc_any_inbound : ssrc_any_outbound;
  policy.key = key.data();
  policy.window_size = kReplayWindow;
  // A NACK is answered by sending the cached packet again with the same sequence number
  // (RFC 4585 §6.2.1 without RTX): the sender's replay check must let it through. This is only
  // safe when the repeated packet is byte-identical, header included (see protect_rtp()).
  policy.allow_repeat_tx = 1;
  policy.next = nullptr;

  srtp_t session = nullptr;
  const srtp_err_status_t status = srtp_create(&session, &policy);
  // The session holds its own derived keys; do not leave the master key on the stack.
  OPENSSL_cleanse(key.data(), key.size());
  if (status != srtp_err_status_ok) {
    set_error(error, "srtp_create failed with status " + std::to_string(status));
    return std::nullopt;
  }
  return SrtpSession(session, suite, direction);
}

std::optional<SrtpSession> SrtpSession::create(SrtpSuite suite, SrtpDirection direction,
                                               std::span<const uint8_t> master_key_and_salt,
                                               std::string* error) {
  const size_t key_length = srtp_master_key_length(suite);
  if (master_key_and_salt.size() != srtp_master_length(suite)) {
    set_error(error, std::string(to_string(suite)) + " needs " +
                         std::to_string(srtp_master_length(suite)) +
                         " bytes of master key and salt, got " +
                         std::to_string(master_key_and_salt.size()));
    return std::nullopt;
  }
  return create(suite, direction, master_key_and_salt.first(key_length),
                master_key_and_salt.subspan(key_length), error);
}

SrtpSession::SrtpSession(srtp_ctx_t_* session, SrtpSuite suite, SrtpDirection direction)
    : session_(session),
      suite_(suite),
      direction_(direction),
      rtp_trailer_(static_cast<uint8_t>(rtp_tag_length(suite))),
      rtcp_trailer_(static_cast<uint8_t>(rtp_tag_length(suite) + kSrtcpIndexLength)) {}

SrtpSession::SrtpSession(SrtpSession&& other) noexcept
    : session_(std::exchange(other.session_, nullptr)),
      suite_(other.suite_),
      direction_(other.direction_),
      rtp_trailer_(other.rtp_trailer_),
      rtcp_trailer_(other.rtcp_trailer_) {}

SrtpSession& SrtpSession::operator=(SrtpSession&& other) noexcept {
  if (this != &other) {
    if (session_ != nullptr) {
      srtp_dealloc(session_);
    }
    session_ = std::exchange(other.session_, nullptr);
    suite_ = other.suite_;
    direction_ = other.direction_;
    rtp_trailer_ = other.rtp_trailer_;
    rtcp_trailer_ = other.rtcp_trailer_;
  }
  return *this;
}

SrtpSession::~SrtpSession() {
  if (session_ != nullptr) {
    srtp_dealloc(session_);
  }
}

SrtpResult SrtpSession::protect_rtp(std::span<uint8_t> buffer, size_t& length) {
  if (session_ == nullptr || direction_ != SrtpDirection::kOutbound) {
    return SrtpResult::kOther;
  }
  if (length > buffer.size() || buffer.size() - length < rtp_trailer_) {
    return SrtpResult::kNoRoom;
  }
  if (length > INT_MAX - kMaxTrailer) {
    return SrtpResult::kMalformed;
  }
  int len = static_cast<int>(length);
  const SrtpResult result = map_status(srtp_protect(session_, buffer.data(), &len));
  if (result == SrtpResult::kOk) {
    length = static_cast<size_t>(len);
  }
  return result;
}

SrtpResult SrtpSession::unprotect_rtp(std::span<uint8_t> buffer, size_t& length) {
  if (session_ == nullptr || direction_ != SrtpDirection::kInbound) {
    return SrtpResult::kOther;
  }
  if (length > buffer.size() || length > INT_MAX) {
    return SrtpResult::kMalformed;
  }
  int len = static_cast<int>(length);
  const SrtpResult result = map_status(srtp_unprotect(session_, buffer.data(), &len));
  if (result == SrtpResult::kOk) {
    length = static_cast<size_t>(len);
  }
  return result;
}

SrtpResult SrtpSession::protect_rtcp(std::span<uint8_t> buffer, size_t& length) {
  if (session_ == nullptr || direction_ != SrtpDirection::kOutbound) {
    return SrtpResult::kOther;
  }
  if (length > buffer.size() || buffer.size() - length < rtcp_trailer_) {
    return SrtpResult::kNoRoom;
  }
  if (length > INT_MAX - kMaxTrailer) {
    return SrtpResult::kMalformed;
  }
  int len = static_cast<int>(length);
  const SrtpResult result = map_status(srtp_protect_rtcp(session_, buffer.data(), &len));
  if (result == SrtpResult::kOk) {
    length = static_cast<size_t>(len);
  }
  return result;
}

SrtpResult SrtpSession::unprotect_rtcp(std::span<uint8_t> buffer, size_t& length) {
  if (session_ == nullptr || direction_ != SrtpDirection::kInbound) {
    return SrtpResult::kOther;
  }
  if (length > buffer.size() || length > INT_MAX) {
    return SrtpResult::kMalformed;
  }
  int len = static_cast<int>(length);
  const SrtpResult result = map_status(srtp_unprotect_rtcp(session_, buffer.data(), &len));
  if (result == SrtpResult::kOk) {
    length = static_cast<size_t>(len);
  }
  return result;
}

}  // namespace ringcast::rtc
