#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "rtc/srtp_suite.hpp"

// libsrtp2's session type, declared here so that <srtp2/srtp.h> (and its macros) stays out of
// every file that includes this header.
struct srtp_ctx_t_;

namespace ringcast::rtc {

// Outcome of one protect/unprotect. The names double as drop counter names (`srtp_drop_<name>`),
// so keep them stable.
enum class SrtpResult : uint8_t {
  kOk = 0,
  kAuthFailed,  // authentication tag did not verify (RFC 3711 §3.3, RFC 7714)
  kReplay,      // index already seen or older than the replay window (RFC 3711 §3.3.2)
  kMalformed,   // too short or inconsistent header for libsrtp to process
  kNoRoom,      // protect: the buffer has no room after `length` for the trailer
  kOther,       // anything else libsrtp reports (key expired, cipher failure, wrong direction)
  kCount,
};

inline constexpr size_t kSrtpResultCount = static_cast<size_t>(SrtpResult::kCount);
const char* srtp_result_name(SrtpResult result);

// Which way a session works: an inbound session only unprotects, an outbound one only protects.
// libsrtp deliberately refuses to share one wildcard-SSRC context between both directions so a
// keystream is never used for two streams (srtp.h, srtp_policy_t; RFC 3711 §9.1).
enum class SrtpDirection : uint8_t { kInbound, kOutbound };

// One direction of one transport's SRTP and SRTCP (RFC 3711), backed by libsrtp2 built with
// OpenSSL. Any SSRC is accepted: the first packet of a new SSRC clones the session's template
// stream (one allocation per SSRC, not per packet; on receive only after the packet
// authenticated, so forged SSRCs cannot make it allocate).
//
// Not thread-safe, by design: a session belongs to the shard that owns its transport, so the
// packet path takes no lock. Buffers should be 4-byte aligned (libsrtp reads the header as
// 32-bit words).
class SrtpSession {
 public:
  // Largest trailer any supported suite appends: the SRTCP E flag + index (4 bytes, RFC 3711
  // §3.4) plus a 16-byte GCM tag (RFC 7714). SRTP appends at most the tag. No MKI is used.
  static constexpr size_t kMaxTrailer = 4 + 16;

  // RFC 3711 §3.3.2 asks for a window of at least 64; video bursts of a keyframe are hundreds of
  // packets and arrive reordered across NACK retransmissions, so keep more history.
  static constexpr unsigned kReplayWindow = 1024;

  // `master_key` and `master_salt` as negotiated (DTLS-SRTP exporter, RFC 5764 §4.2, or SDES
  // inline key, RFC 4568). On failure returns nullopt and, if given, fills `error`.
  static std::optional<SrtpSession> create(SrtpSuite suite, SrtpDirection direction,
                                           std::span<const uint8_t> master_key,
                                           std::span<const uint8_t> master_salt,
                                           std::string* error = nullptr);
  // The same with key and salt concatenated, as SDES carries them.
  static std::optional<SrtpSession> create(SrtpSuite suite, SrtpDirection direction,
                                           std::span<const uint8_t> master_key_and_salt,
                                           std::string* error = nullptr);

  SrtpSession(const SrtpSession&) = delete;
  SrtpSession& operator=(const SrtpSession&) = delete;
  SrtpSession(SrtpSession&& other) noexcept;
  SrtpSession& operator=(SrtpSession&& other) noexcept;
  ~SrtpSession();

  // In place. `length` bytes of `buffer` hold the packet; on kOk `length` is the new length.
  // Protect needs `buffer.size() >= length + rtp_trailer()` (or rtcp_trailer()); any buffer of
  // `length + kMaxTrailer` bytes is enough. On failure `length` is unchanged, the bytes may not be.
  //
  // Protecting the same SSRC and sequence number twice is allowed (a NACK answered without RTX),
  // but the second packet MUST be byte-identical to the first, header and extensions included:
  // the same index means the same keystream (RFC 3711 §9.1) and, with GCM, the same nonce, where
  // a different header (the AAD in RFC 7714; e.g. a rewritten transport-wide sequence number
  // extension) under one nonce exposes the GHASH key and lets anyone forge packets (NIST SP
  // 800-38D, Appendix A). Anything that changes per send needs RTX (RFC 4588).
  SrtpResult protect_rtp(std::span<uint8_t> buffer, size_t& length);
  SrtpResult unprotect_rtp(std::span<uint8_t> buffer, size_t& length);
  SrtpResult protect_rtcp(std::span<uint8_t> buffer, size_t& length);
  SrtpResult unprotect_rtcp(std::span<uint8_t> buffer, size_t& length);

  SrtpSuite suite() const { return suite_; }
  SrtpDirection direction() const { return direction_; }
  // Bytes protect adds: 10 (CM) or 16 (GCM) for RTP; 14 or 20 for RTCP.
  size_t rtp_trailer() const { return rtp_trailer_; }
  size_t rtcp_trailer() const { return rtcp_trailer_; }

 private:
  SrtpSession(srtp_ctx_t_* session, SrtpSuite suite, SrtpDirection direction);

  srtp_ctx_t_* session_ = nullptr;
  SrtpSuite suite_;
  SrtpDirection direction_;
  uint8_t rtp_trailer_;
  uint8_t rtcp_trailer_;
};

}  // namespace ringcast::rtc
