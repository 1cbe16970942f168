#include "rtc/dtls_context.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <stdexcept>

namespace ringcast::rtc {
namespace {

// ECDHE with AEAD only. The ECDSA suites serve our own certificate; the RSA ones are there for
// the client role against a peer whose certificate is RSA (older Firefox, some native stacks).
constexpr const char* kCipherList =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-CHACHA20-POLY1305";

}  // namespace

DtlsContext::~DtlsContext() { SSL_CTX_free(ctx_); }

std::unique_ptr<DtlsContext> DtlsContext::create(const DtlsCertificate& certificate,
                                                 std::string_view srtp_profiles,
                                                 std::string* error) {
  auto fail = [&](const char* what) -> std::unique_ptr<DtlsContext> {
    if (error != nullptr) {
      *error = what;
      const unsigned long code = ERR_get_error();
      if (code != 0) {
        char buffer[256];
        ERR_error_string_n(code, buffer, sizeof(buffer));
        *error += ": ";
        *error += buffer;
      }
    }
    ERR_clear_error();
    return nullptr;
  };

  SSL_CTX* ctx = SSL_CTX_new(DTLS_method());
  if (ctx == nullptr) {
    return fail("SSL_CTX_new");
  }
  std::unique_ptr<DtlsContext> out(new DtlsContext(certificate, ctx));
  const std::string profiles(srtp_profiles);
  // RFC 8827 §6.5: DTLS 1.2 at least. DTLS 1.3 is not yet in OpenSSL 3.0 (nor in every browser).
  if (SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION) != 1 ||
      SSL_CTX_set_max_proto_version(ctx, DTLS1_2_VERSION) != 1) {
    return fail("DTLS 1.2 version range");
  }
  if (SSL_CTX_use_certificate(ctx, certificate.certificate()) != 1 ||
      SSL_CTX_use_PrivateKey(ctx, certificate.key()) != 1 || SSL_CTX_check_private_key(ctx) != 1) {
    return fail("certificate and key");
  }
  if (SSL_CTX_set_cipher_list(ctx, kCipherList) != 1) {
    return fail("cipher list");
  }
  // Unlike other OpenSSL setters, this one returns 0 on success.
  if (SSL_CTX_set_tlsext_use_srtp(ctx, profiles.c_str()) != 0) {
    return fail("SRTP profiles");
  }
  // Every WebRTC peer authenticates with a certificate; DtlsSession's verify callback replaces
  // chain validation with the fingerprint check.
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  SSL_CTX_set_verify_depth(ctx, 4);
  // Each session is one call; resumption would only keep state around.
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  // No path-MTU probing on a memory BIO; DtlsSession sets the link MTU itself. No renegotiation
  // (RFC 8827 does not use it, and it is an attack surface).
  SSL_CTX_set_options(ctx, SSL_OP_NO_QUERY_MTU | SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION |
                               SSL_OP_CIPHER_SERVER_PREFERENCE);
  return out;
}

DtlsContext& DtlsContext::process() {
  static const std::unique_ptr<DtlsContext> context = [] {
    std::string error;
    auto created = create(DtlsCertificate::process(), kDefaultSrtpProfiles, &error);
    if (created == nullptr) {
      throw std::runtime_error("DTLS context: " + error);
    }
    return created;
  }();
  return *context;
}

}  // namespace ringcast::rtc
