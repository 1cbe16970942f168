#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "rtc/dtls_certificate.hpp"

struct ssl_ctx_st;

namespace ringcast::rtc {

// The OpenSSL SSL_CTX every DtlsSession is made from: DTLS 1.2 only, our certificate, a peer
// certificate required (WebRTC authenticates both ends by fingerprint, RFC 8827 §6.5), the
// DTLS-SRTP extension with our profiles (RFC 5764 §4.1.1), no session resumption.
//
// Thread safety: one context per process is shared by all shards. After create() nothing
// modifies it, and OpenSSL allows concurrent SSL_new() on a shared SSL_CTX (it only bumps a
// reference count), so shards create sessions without a lock of ours. The SSL objects made from
// it belong to one shard each.
class DtlsContext {
 public:
  // RFC 5764 §4.1.2 and RFC 7714 §14.2 names, in our order of preference: GCM first, it costs
  // about half of CM + HMAC-SHA1 per packet (docs/benchmarks.md); CM is mandatory to implement.
  static constexpr std::string_view kDefaultSrtpProfiles =
      "SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80";

  // `srtp_profiles` is a colon-separated list of the names above (tests use one to force a
  // suite). Returns null and fills `error` on failure.
  static std::unique_ptr<DtlsContext> create(const DtlsCertificate& certificate,
                                             std::string_view srtp_profiles = kDefaultSrtpProfiles,
                                             std::string* error = nullptr);

  // The process-wide context over DtlsCertificate::process(), created on first use (call it at
  // start-up). Throws std::runtime_error if OpenSSL fails.
  static DtlsContext& process();

  ~DtlsContext();
  DtlsContext(const DtlsContext&) = delete;
  DtlsContext& operator=(const DtlsContext&) = delete;

  ssl_ctx_st* get() const { return ctx_; }
  const DtlsCertificate& certificate() const { return certificate_; }

 private:
  DtlsContext(const DtlsCertificate& certificate, ssl_ctx_st* ctx)
      : certificate_(certificate), ctx_(ctx) {}

  const DtlsCertificate& certificate_;
  ssl_ctx_st* ctx_;
};

}  // namespace ringcast::rtc
