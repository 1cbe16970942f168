#include "rtc/stun_message.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace ringcast::rtc {
namespace {

constexpr std::string_view kRfc5769Password = "VOkJxbRl1RmTxUk/WvJxBt";

// RFC 5769 §2.1: sample request (an ICE connectivity check), software "STUN test client",
// username "evtj:h6vY" padded with spaces.
const std::vector<uint8_t> kSampleRequest = {
    0x00, 0x01, 0x00, 0x58, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86,
    0xfa, 0x87, 0xdf, 0xae, 0x80, 0x22, 0x00, 0x10, 0x53, 0x54, 0x55, 0x4e, 0x20, 0x74, 0x65, 0x73,
    0x74, 0x20, 0x63, 0x6c, 0x69, 0x65, 0x6e, 0x74, 0x00, 0x24, 0x00, 0x04, 0x6e, 0x00, 0x01, 0xff,
    0x80, 0x29, 0x00, 0x08, 0x93, 0x2f, 0xf9, 0xb1, 0x51, 0x26, 0x3b, 0x36, 0x00, 0x06, 0x00, 0x09,
    0x65, 0x76, 0x74, 0x6a, 0x3a, 0x68, 0x36, 0x76, 0x59, 0x20, 0x20, 0x20, 0x00, 0x08, 0x00, 0x14,
    0x9a, 0xea, 0xa7, 0x0c, 0xbf, 0xd8, 0xcb, 0x56, 0x78, 0x1e, 0xf2, 0xb5, 0xb2, 0xd3, 0xf2, 0x49,
    0xc1, 0xb5, 0x71, 0xa2, 0x80, 0x28, 0x00, 0x04, 0xe5, 0x7a, 0x3b, 0xcf};

// RFC 5769 §2.2: sample IPv4 response, XOR-MAPPED-ADDRESS 192.0.2.1:32853.
const std::vector<uint8_t> kSampleIpv4Response = {
    0x01, 0x01, 0x00, 0x3c, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86,
    0xfa, 0x87, 0xdf, 0xae, 0x80, 0x22, 0x00, 0x0b, 0x74, 0x65, 0x73, 0x74, 0x20, 0x76, 0x65, 0x63,
    0x74, 0x6f, 0x72, 0x20, 0x00, 0x20, 0x00, 0x08, 0x00, 0x01, 0xa1, 0x47, 0xe1, 0x12, 0xa6, 0x43,
    0x00, 0x08, 0x00, 0x14, 0x2b, 0x91, 0xf5, 0x99, 0xfd, 0x9e, 0x90, 0xc3, 0x8c, 0x74, 0x89, 0xf9,
    0x2a, 0xf9, 0xba, 0x53, 0xf0, 0x6b, 0xe7, 0xd7, 0x80, 0x28, 0x00, 0x04, 0xc0, 0x7d, 0x4c, 0x96};

// RFC 5769 §2.3: sample IPv6 response, XOR-MAPPED-ADDRESS
// [2001:db8:1234:5678:11:2233:4455:6677]:32853.
const std::vector<uint8_t> kSampleIpv6Response = {
    0x01, 0x01, 0x00, 0x48, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86,
    0xfa, 0x87, 0xdf, 0xae, 0x80, 0x22, 0x00, 0x0b, 0x74, 0x65, 0x73, 0x74, 0x20, 0x76, 0x65, 0x63,
    0x74, 0x6f, 0x72, 0x20, 0x00, 0x20, 0x00, 0x14, 0x00, 0x02, 0xa1, 0x47, 0x01, 0x13, 0xa9, 0xfa,
    0xa5, 0xd3, 0xf1, 0x79, 0xbc, 0x25, 0xf4, 0xb5, 0xbe, 0xd2, 0xb9, 0xd9, 0x00, 0x08, 0x00, 0x14,
    0xa3, 0x82, 0x95, 0x4e, 0x4b, 0xe6, 0x7b, 0xf1, 0x17, 0x84, 0xc9, 0x7c, 0x82, 0x92, 0xc2, 0x75,
    0xbf, 0xe3, 0xed, 0x41, 0x80, 0x28, 0x00, 0x04, 0xc8, 0xfb, 0x0b, 0x4c};

constexpr std::array<uint8_t, 12> kTransactionId = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};

TransportAddress ipv4(const char* ip, uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  inet_pton(AF_INET, ip, &address.sin_addr);
  return TransportAddress::from(address);
}

TransportAddress ipv6(const char* ip, uint16_t port) {
  sockaddr_in6 address{};
  address.sin6_family = AF_INET6;
  address.sin6_port = htons(port);
  inet_pton(AF_INET6, ip, &address.sin6_addr);
  return TransportAddress::from(address);
}

TEST(StunMessage, Rfc5769SampleRequest) {
  StunMessage message;
  ASSERT_EQ(message.parse(kSampleRequest), StunError::kNone);
  EXPECT_EQ(message.type(), kStunBindingRequest);
  EXPECT_EQ(message.method(), kStunMethodBinding);
  EXPECT_EQ(message.message_class(), StunClass::kRequest);
  EXPECT_EQ(message.username(), "evtj:h6vY");
  EXPECT_EQ(message.priority(), 0x6e0001ffu);
  EXPECT_EQ(message.ice_controlled(), 0x932ff9b151263b36ull);
  EXPECT_FALSE(message.ice_controlling().has_value());
  EXPECT_FALSE(message.use_candidate());
  EXPECT_EQ(message.unknown_required_attribute(), 0);
  EXPECT_EQ(message.transaction_id()[0], 0xb7);
  EXPECT_EQ(message.check_integrity(kRfc5769Password), StunCheck::kOk);
  EXPECT_EQ(message.check_integrity("wrong password"), StunCheck::kMismatch);
  EXPECT_EQ(message.check_fingerprint(), StunCheck::kOk);
}

TEST(StunMessage, Rfc5769SampleIpv4Response) {
  StunMessage message;
  ASSERT_EQ(message.parse(kSampleIpv4Response), StunError::kNone);
  EXPECT_EQ(message.message_class(), StunClass::kSuccess);
  TransportAddress mapped;
  ASSERT_TRUE(message.xor_mapped_address(mapped));
  EXPECT_EQ(mapped, ipv4("192.0.2.1", 32853));
  EXPECT_EQ(message.check_integrity(kRfc5769Password), StunCheck::kOk);
  EXPECT_EQ(message.check_fingerprint(), StunCheck::kOk);
}

TEST(StunMessage, Rfc5769SampleIpv6Response) {
  StunMessage message;
  ASSERT_EQ(message.parse(kSampleIpv6Response), StunError::kNone);
  TransportAddress mapped;
  ASSERT_TRUE(message.xor_mapped_address(mapped));
  EXPECT_EQ(mapped, ipv6("2001:db8:1234:5678:11:2233:4455:6677", 32853));
  EXPECT_EQ(message.check_integrity(kRfc5769Password), StunCheck::kOk);
  EXPECT_EQ(message.check_fingerprint(), StunCheck::kOk);
}

TEST(StunMessage, AnyFlippedBitBreaksIntegrityOrFingerprint) {
  for (size_t i = 0; i < kSampleRequest.size(); ++i) {
    std::vector<uint8_t> copy = kSampleRequest;
    copy[i] ^= 0x01;
    StunMessage message;
    if (message.parse(copy) != StunError::kNone) {
      continue;
    }
    EXPECT_TRUE(message.check_fingerprint() != StunCheck::kOk ||
                message.check_integrity(kRfc5769Password) != StunCheck::kOk)
        << "byte " << i;
  }
}

TEST(StunMessage, RejectsMalformedHeaders) {
  StunMessage message;
  std::vector<uint8_t> v = kSampleRequest;
  EXPECT_EQ(message.parse(std::span(v).first(19)), StunError::kTooShort);
  v[0] = 0x80;
  EXPECT_EQ(message.parse(v), StunError::kNotStun);
  v = kSampleRequest;
  v[4] = 0;
  EXPECT_EQ(message.parse(v), StunError::kBadMagicCookie);
  v = kSampleRequest;
  v[3] = 0x57;  // not a multiple of 4
  EXPECT_EQ(message.parse(v), StunError::kBadLength);
  v = kSampleRequest;
  v.push_back(0);  // datagram longer than the length says
  v.push_back(0);
  v.push_back(0);
  v.push_back(0);
  EXPECT_EQ(message.parse(v), StunError::kBadLength);
  EXPECT_TRUE(message.bytes().empty());
}

TEST(StunMessage, RejectsBadAttributes) {
  StunMessage message;
  // Header + one attribute claiming 8 bytes of value with only 4 present.
  std::vector<uint8_t> v = {0x00, 0x01, 0x00, 0x08, 0x21, 0x12, 0xa4, 0x42, 0,    0,    0, 0, 0, 0,
                            0,    0,    0,    0,    0,    0,    0x00, 0x24, 0x00, 0x08, 1, 2, 3, 4};
  EXPECT_EQ(message.parse(v), StunError::kAttributePastEnd);
  v[23] = 0x02;  // PRIORITY of 2 bytes
  EXPECT_EQ(message.parse(v), StunError::kBadAttribute);
  // FINGERPRINT followed by USE-CANDIDATE.
  v = {0x00, 0x01, 0x00, 0x0c, 0x21, 0x12, 0xa4, 0x42, 0, 0, 0, 0, 0,    0,    0,    0,
       0,    0,    0,    0,    0x80, 0x28, 0x00, 0x04, 1, 2, 3, 4, 0x00, 0x25, 0x00, 0x00};
  EXPECT_EQ(message.parse(v), StunError::kFingerprintNotLast);
}

TEST(StunMessage, ReportsUnknownRequiredAttribute) {
  std::array<uint8_t, 64> buffer{};
  StunWriter writer(buffer, kStunBindingRequest, kTransactionId);
  writer.add_u32(0x8123, 7);  // comprehension-optional: ignored
  writer.add_u32(0x0031, 7);  // comprehension-required, unknown
  StunMessage message;
  ASSERT_EQ(message.parse(std::span(buffer).first(writer.size())), StunError::kNone);
  EXPECT_EQ(message.unknown_required_attribute(), 0x0031);
}

TEST(StunMessage, AttributesAfterIntegrityAreIgnored) {
  std::array<uint8_t, 128> buffer{};
  HmacSha1 key("secret");
  StunWriter writer(buffer, kStunBindingRequest, kTransactionId);
  writer.add_string(kStunAttrUsername, "a:b");
  writer.add_message_integrity(key);
  writer.add_flag(kStunAttrUseCandidate);  // not covered by the HMAC: must not count
  writer.add_fingerprint();
  StunMessage message;
  ASSERT_EQ(message.parse(std::span(buffer).first(writer.size())), StunError::kNone);
  EXPECT_FALSE(message.use_candidate());
  EXPECT_EQ(message.check_integrity(key), StunCheck::kOk);
  EXPECT_EQ(message.check_fingerprint(), StunCheck::kOk);
}

TEST(StunMessage, BindingSuccessRoundTrip) {
  HmacSha1 key("local-password-of-22-chars");
  for (const TransportAddress& mapped : {ipv4("203.0.113.9", 50000), ipv6("2001:db8::1", 443)}) {
    std::array<uint8_t, 128> buffer{};
    const size_t size = build_binding_success(buffer, kTransactionId, mapped, key);
    ASSERT_GT(size, 0u);
    EXPECT_EQ(size % 4, 0u);
    StunMessage message;
    ASSERT_EQ(message.parse(std::span(buffer).first(size)), StunError::kNone);
    EXPECT_EQ(message.type(), kStunBindingSuccess);
    EXPECT_TRUE(
        std::equal(kTransactionId.begin(), kTransactionId.end(), message.transaction_id().begin()));
    TransportAddress decoded;
    ASSERT_TRUE(message.xor_mapped_address(decoded));
    EXPECT_EQ(decoded, mapped);
    EXPECT_EQ(message.check_integrity(key), StunCheck::kOk);
    EXPECT_EQ(message.check_integrity("local-password-of-22-chart"), StunCheck::kMismatch);
    EXPECT_EQ(message.check_fingerprint(), StunCheck::kOk);
    // Too small a buffer: nothing, not a truncated message.
    EXPECT_EQ(build_binding_success(std::span(buffer).first(size - 1), kTransactionId, mapped, key),
              0u);
  }
}

TEST(StunMessage, BindingErrorResponses) {
  HmacSha1 key("pw");
  std::array<uint8_t, 128> buffer{};
  size_t size = build_binding_error(buffer, kTransactionId, 487, &key);
  ASSERT_GT(size, 0u);
  StunMessage message;
  ASSERT_EQ(message.parse(std::span(buffer).first(size)), StunError::kNone);
  EXPECT_EQ(message.message_class(), StunClass::kError);
  EXPECT_EQ(message.error_code(), 487);
  EXPECT_EQ(message.error_reason(), "Role Conflict");
  EXPECT_EQ(message.check_integrity(key), StunCheck::kOk);
  EXPECT_EQ(message.check_fingerprint(), StunCheck::kOk);

  size = build_binding_error(buffer, kTransactionId, 400, nullptr);
  ASSERT_EQ(message.parse(std::span(buffer).first(size)), StunError::kNone);
  EXPECT_EQ(message.error_code(), 400);
  EXPECT_EQ(message.error_reason(), "Bad Request");
  EXPECT_EQ(message.check_integrity(key), StunCheck::kMissing);
  EXPECT_EQ(message.check_fingerprint(), StunCheck::kOk);
}

TEST(StunMessage, BindingRequestRoundTrip) {
  HmacSha1 key("remote-password");
  std::array<uint8_t, 128> buffer{};
  StunBindingRequest request{kTransactionId, "remote:local",     0x6e0001ff,
                             true,           0x1122334455667788, true};
  const size_t size = build_binding_request(buffer, request, &key);
  ASSERT_GT(size, 0u);
  StunMessage message;
  ASSERT_EQ(message.parse(std::span(buffer).first(size)), StunError::kNone);
  EXPECT_EQ(message.username(), "remote:local");
  EXPECT_EQ(message.priority(), 0x6e0001ffu);
  EXPECT_EQ(message.ice_controlling(), 0x1122334455667788ull);
  EXPECT_TRUE(message.use_candidate());
  EXPECT_EQ(message.check_integrity(key), StunCheck::kOk);
  EXPECT_EQ(message.check_fingerprint(), StunCheck::kOk);
}

TEST(StunMessage, Crc32KnownValue) {
  const std::string text = "123456789";
  EXPECT_EQ(crc32_ieee({reinterpret_cast<const uint8_t*>(text.data()), text.size()}), 0xCBF43926u);
}

}  // namespace
}  // namespace ringcast::rtc
