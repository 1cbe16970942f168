#include "tool/srtp_api.hpp"

#include <dlfcn.h>
#include <limits.h>
#include <stdlib.h>

namespace ringcast::bench {
namespace {

template <typename Function>
bool resolve(void* handle, const char* symbol, Function& out, std::string* why_not) {
  out = reinterpret_cast<Function>(dlsym(handle, symbol));
  if (out == nullptr) {
    *why_not = std::string("dlsym(") + symbol + ") failed: " + dlerror();
    return false;
  }
  return true;
}

// The sanitizer runtimes refuse RTLD_DEEPBIND (it would bypass their malloc interposition). Without
// it the shared library still binds to itself here, because this executable exports no srtp_*
// symbols; the dladdr check in load_shared() would catch it otherwise.
#if defined(__SANITIZE_ADDRESS__)
constexpr int kDeepBind = 0;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr int kDeepBind = 0;
#else
constexpr int kDeepBind = RTLD_DEEPBIND;
#endif
#else
constexpr int kDeepBind = RTLD_DEEPBIND;
#endif

}  // namespace

std::string library_of(const void* address) {
  Dl_info info{};
  if (dladdr(address, &info) == 0 || info.dli_fname == nullptr) {
    return "";
  }
  char resolved[PATH_MAX];
  return realpath(info.dli_fname, resolved) != nullptr ? resolved : info.dli_fname;
}

SrtpApi SrtpApi::linked() {
  SrtpApi api;
  api.name = "openssl";
  api.init = &::srtp_init;
  api.create = &::srtp_create;
  api.dealloc = &::srtp_dealloc;
  api.protect = &::srtp_protect;
  api.unprotect = &::srtp_unprotect;
  api.set_cm_policy = &::srtp_crypto_policy_set_rtp_default;
  api.set_gcm_policy = &::srtp_crypto_policy_set_aes_gcm_128_16_auth;
  api.version = ::srtp_get_version_string();
  api.library_path = library_of(reinterpret_cast<const void*>(api.protect));
  return api;
}

std::optional<SrtpApi> SrtpApi::load_shared(const char* soname, const char* name,
                                            std::string* why_not) {
  void* handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL | kDeepBind);
  if (handle == nullptr) {
    const char* error = dlerror();
    *why_not = std::string("dlopen(") + soname + ") failed: " + (error ? error : "unknown");
    return std::nullopt;
  }
  SrtpApi api;
  api.name = name;
  decltype(&::srtp_get_version_string) version_string = nullptr;
  if (!resolve(handle, "srtp_init", api.init, why_not) ||
      !resolve(handle, "srtp_create", api.create, why_not) ||
      !resolve(handle, "srtp_dealloc", api.dealloc, why_not) ||
      !resolve(handle, "srtp_protect", api.protect, why_not) ||
      !resolve(handle, "srtp_unprotect", api.unprotect, why_not) ||
      !resolve(handle, "srtp_crypto_policy_set_rtp_default", api.set_cm_policy, why_not) ||
      !resolve(handle, "srtp_crypto_policy_set_aes_gcm_128_16_auth", api.set_gcm_policy, why_not) ||
      !resolve(handle, "srtp_get_version_string", version_string, why_not)) {
    return std::nullopt;
  }
  api.version = version_string();
  api.library_path = library_of(reinterpret_cast<const void*>(api.protect));

  // Proof that this is a separate copy and not our static one under another name.
  const std::string ours = library_of(reinterpret_cast<const void*>(&::srtp_protect));
  if (api.protect == &::srtp_protect || api.library_path.empty() || api.library_path == ours) {
    *why_not = std::string("dlsym(srtp_protect) resolved into '") + api.library_path +
               "', not into " + soname;
    return std::nullopt;
  }
  const std::string linked_version = ::srtp_get_version_string();
  if (api.version != linked_version) {
    *why_not = std::string(soname) + " is " + api.version + " but this binary was built against " +
               linked_version + "; the policy struct may differ, so it is not called";
    return std::nullopt;
  }
  return api;
}

}  // namespace ringcast::bench
