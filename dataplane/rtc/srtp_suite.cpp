#include "rtc/srtp_suite.hpp"

namespace ringcast::rtc {

std::string_view to_string(SrtpSuite suite) {
  switch (suite) {
    case SrtpSuite::kAeadAes128Gcm:
      return "AEAD_AES_128_GCM";
    case SrtpSuite::kAesCm128HmacSha1_80:
      return "AES_CM_128_HMAC_SHA1_80";
  }
  return "unknown";
}

std::string_view short_name(SrtpSuite suite) {
  switch (suite) {
    case SrtpSuite::kAeadAes128Gcm:
      return "gcm";
    case SrtpSuite::kAesCm128HmacSha1_80:
      return "cm";
  }
  return "unknown";
}

std::optional<SrtpSuite> srtp_suite_from_string(std::string_view name) {
  if (name == "gcm" || name == "AEAD_AES_128_GCM" || name == "SRTP_AEAD_AES_128_GCM") {
    return SrtpSuite::kAeadAes128Gcm;
  }
  if (name == "cm" || name == "AES_CM_128_HMAC_SHA1_80" || name == "SRTP_AES128_CM_SHA1_80") {
    return SrtpSuite::kAesCm128HmacSha1_80;
  }
  return std::nullopt;
}

size_t srtp_master_key_length(SrtpSuite /*suite*/) {
  // Both suites use AES-128.
  return 16;
}

size_t srtp_master_salt_length(SrtpSuite suite) {
  return suite == SrtpSuite::kAeadAes128Gcm ? 12 : 14;
}

}  // namespace ringcast::rtc
