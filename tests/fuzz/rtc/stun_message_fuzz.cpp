// Parses hostile bytes as STUN, reads every attribute accessor, and runs MESSAGE-INTEGRITY and
// FINGERPRINT checks with a fixed password. A message that parses is answered as the ICE-lite
// agent would (success response to its transaction and source); the answer must parse back
// with valid integrity and fingerprint. The same bytes also go through an IceLite agent.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "rtc/ice_lite.hpp"
#include "rtc/stun_message.hpp"

using namespace ringcast::rtc;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static HmacSha1 key("VOkJxbRl1RmTxUk/WvJxBt");  // RFC 5769's, so the seeds verify
  static IceLite agent;
  static uint8_t response[1024];

  const std::span<const uint8_t> bytes(data, size);
  (void)StunMessage::looks_like_stun(bytes);
  StunMessage message;
  if (message.parse(bytes) != StunError::kNone) {
    if (!message.bytes().empty()) {
      std::abort();  // a failed parse leaves the view empty
    }
    return 0;
  }
  uint64_t sink = message.method() + static_cast<uint64_t>(message.message_class());
  sink += message.username().size();
  sink += message.priority().value_or(0);
  sink += message.ice_controlling().value_or(0) ^ message.ice_controlled().value_or(0);
  sink += message.use_candidate() ? 1 : 0;
  sink += message.error_code().value_or(0) + message.error_reason().size();
  sink += message.unknown_required_attribute();
  TransportAddress mapped;
  if (message.xor_mapped_address(mapped)) {
    sink += mapped.port;
    if (mapped.family != TransportAddress::kIpv4 && mapped.family != TransportAddress::kIpv6) {
      std::abort();
    }
  }
  (void)message.check_integrity(key);
  (void)message.check_fingerprint();

  TransportAddress source;
  source.family = TransportAddress::kIpv4;
  source.port = static_cast<uint16_t>(sink);
  source.ip = {192, 0, 2, static_cast<uint8_t>(sink >> 16)};
  const size_t length = build_binding_success(response, message.transaction_id(), source, key);
  StunMessage answer;
  TransportAddress decoded;
  if (length == 0 || answer.parse(std::span<const uint8_t>(response, length)) != StunError::kNone ||
      answer.check_integrity(key) != StunCheck::kOk ||
      answer.check_fingerprint() != StunCheck::kOk || !answer.xor_mapped_address(decoded) ||
      !(decoded == source)) {
    std::abort();
  }

  const IceCheckResult result = agent.on_binding_request(bytes, source, sink, response);
  if (result.response_size > sizeof(response)) {
    std::abort();
  }
  agent.tick(sink + 60'000);  // keep the path table from carrying over between inputs
  return 0;
}
