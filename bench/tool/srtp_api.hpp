#pragma once

#include <srtp2/srtp.h>

#include <optional>
#include <string>

namespace ringcast::bench {

// The libsrtp2 entry points the srtp benchmark calls, as function pointers, so the build linked
// into this binary (2.5.0 with OpenSSL, cmake/Libsrtp2.cmake) and a dlopen'd shared build are
// called the same way and their difference is the library, not the call.
//
// The shared build is used through this binary's <srtp2/srtp.h>: that is sound only when it is
// the same release (policy struct layout), which load_shared() checks via the version string.
struct SrtpApi {
  std::string name;          // "openssl" or "nss"
  std::string library_path;  // where the code of srtp_protect lives (dladdr)
  std::string version;       // srtp_get_version_string()

  decltype(&::srtp_init) init = nullptr;
  decltype(&::srtp_create) create = nullptr;
  decltype(&::srtp_dealloc) dealloc = nullptr;
  decltype(&::srtp_protect) protect = nullptr;
  decltype(&::srtp_unprotect) unprotect = nullptr;
  // AES_CM_128_HMAC_SHA1_80 (srtp.h defines the named setter as a macro for this one).
  decltype(&::srtp_crypto_policy_set_rtp_default) set_cm_policy = nullptr;
  decltype(&::srtp_crypto_policy_set_aes_gcm_128_16_auth) set_gcm_policy = nullptr;

  // The library statically linked into this executable.
  static SrtpApi linked();

  // dlopen(soname, RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND): DEEPBIND makes the shared library
  // resolve its own srtp_* calls to itself even though this executable has the same names, so
  // its crypto kernel, globals and NSS backend are really its own (not under ASan, which refuses
  // DEEPBIND; see srtp_api.cpp). On failure returns nullopt with the reason in `why_not`. The
  // library stays loaded for the life of the process (NSS does not like being unloaded).
  static std::optional<SrtpApi> load_shared(const char* soname, const char* name,
                                            std::string* why_not);
};

// The file that holds the code at `address`, or "" if dladdr cannot tell.
std::string library_of(const void* address);

}  // namespace ringcast::bench
