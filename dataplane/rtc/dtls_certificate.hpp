#pragma once

#include <memory>
#include <string>
#include <string_view>

// OpenSSL's types, declared so <openssl/*.h> stays out of every includer.
struct evp_pkey_st;
struct x509_st;

namespace ringcast::rtc {

// The DTLS identity of the process: an ECDSA P-256 key and a self-signed X.509 certificate.
// WebRTC does not use PKI: the certificate's SHA-256 fingerprint travels in the SDP
// (a=fingerprint, RFC 8122 §5) and each side checks the other's handshake certificate against
// it (RFC 8827 §6.5). P-256 ECDSA is what browsers generate themselves and what every one of
// them accepts; its signatures keep the handshake flights small enough for one datagram each.
//
// Immutable after creation, so shards read it without locks.
class DtlsCertificate {
 public:
  // A new key and certificate. Returns null and fills `error` if OpenSSL fails.
  static std::unique_ptr<DtlsCertificate> generate(std::string* error = nullptr);

  // The process-wide certificate, generated on first use. C++ guarantees the initialisation
  // runs once even when shards race to it; call it at start-up to keep the ~1 ms of key
  // generation off a shard. Throws std::runtime_error if OpenSSL fails.
  static const DtlsCertificate& process();

  ~DtlsCertificate();
  DtlsCertificate(const DtlsCertificate&) = delete;
  DtlsCertificate& operator=(const DtlsCertificate&) = delete;

  evp_pkey_st* key() const { return key_; }
  x509_st* certificate() const { return certificate_; }

  // "sha-256 AB:CD:...": the a=fingerprint attribute value (RFC 8122 §5, upper-case hex).
  const std::string& fingerprint() const { return fingerprint_; }
  std::string_view fingerprint_algorithm() const { return "sha-256"; }
  // "AB:CD:..." without the algorithm.
  std::string_view fingerprint_value() const {
    return std::string_view(fingerprint_).substr(fingerprint_algorithm().size() + 1);
  }

 private:
  DtlsCertificate() = default;

  evp_pkey_st* key_ = nullptr;
  x509_st* certificate_ = nullptr;
  std::string fingerprint_;
};

}  // namespace ringcast::rtc
