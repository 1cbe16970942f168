#include "rtc/dtls_certificate.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <cstdio>
#include <stdexcept>

namespace ringcast::rtc {
namespace {

std::string openssl_error(const char* what) {
  std::string text = what;
  const unsigned long code = ERR_get_error();
  if (code != 0) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof(buffer));
    text += ": ";
    text += buffer;
  }
  ERR_clear_error();
  return text;
}

// Browsers ignore validity dates in WebRTC (only the fingerprint matters), but an expired
// certificate trips some non-browser stacks; a year outlives any process.
constexpr long kValiditySeconds = 365L * 24 * 3600;
// A day of backdating tolerates peers whose clocks are behind.
constexpr long kBackdateSeconds = 24L * 3600;

}  // namespace

DtlsCertificate::~DtlsCertificate() {
  X509_free(certificate_);
  EVP_PKEY_free(key_);
}

std::unique_ptr<DtlsCertificate> DtlsCertificate::generate(std::string* error) {
  auto fail = [&](const char* what) -> std::unique_ptr<DtlsCertificate> {
    const std::string text = openssl_error(what);
    if (error != nullptr) {
      *error = text;
    }
    return nullptr;
  };

  std::unique_ptr<DtlsCertificate> out(new DtlsCertificate());
  out->key_ = EVP_EC_gen("P-256");
  if (out->key_ == nullptr) {
    return fail("EC P-256 key generation");
  }
  out->certificate_ = X509_new();
  X509* cert = out->certificate_;
  if (cert == nullptr) {
    return fail("X509_new");
  }
  // A random positive 63-bit serial: RFC 5280 §4.1.2.2 wants it unique per issuer, and every
  // process is its own issuer.
  unsigned char serial_bytes[8];
  if (RAND_bytes(serial_bytes, sizeof(serial_bytes)) != 1) {
    return fail("RAND_bytes");
  }
  uint64_t serial = 0;
  for (unsigned char b : serial_bytes) {
    serial = (serial << 8) | b;
  }
  serial &= 0x7FFFFFFFFFFFFFFFull;
  X509_NAME* name = X509_NAME_new();
  const bool built =
      X509_set_version(cert, X509_VERSION_3) == 1 &&
      ASN1_INTEGER_set_uint64(X509_get_serialNumber(cert), serial) == 1 &&
      X509_gmtime_adj(X509_getm_notBefore(cert), -kBackdateSeconds) != nullptr &&
      X509_gmtime_adj(X509_getm_notAfter(cert), kValiditySeconds) != nullptr && name != nullptr &&
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                 reinterpret_cast<const unsigned char*>("ringcast"), -1, -1,
                                 0) == 1 &&
      X509_set_subject_name(cert, name) == 1 && X509_set_issuer_name(cert, name) == 1 &&
      X509_set_pubkey(cert, out->key_) == 1 && X509_sign(cert, out->key_, EVP_sha256()) > 0;
  X509_NAME_free(name);
  if (!built) {
    return fail("self-signed certificate");
  }

  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  if (X509_digest(cert, EVP_sha256(), digest, &digest_size) != 1) {
    return fail("certificate fingerprint");
  }
  out->fingerprint_ = "sha-256 ";
  for (unsigned int i = 0; i < digest_size; ++i) {
    char hex[4];
    std::snprintf(hex, sizeof(hex), i == 0 ? "%02X" : ":%02X", digest[i]);
    out->fingerprint_ += hex;
  }
  return out;
}

const DtlsCertificate& DtlsCertificate::process() {
  static const std::unique_ptr<DtlsCertificate> certificate = [] {
    std::string error;
    auto generated = generate(&error);
    if (generated == nullptr) {
      throw std::runtime_error("DTLS certificate: " + error);
    }
    return generated;
  }();
  return *certificate;
}

}  // namespace ringcast::rtc
