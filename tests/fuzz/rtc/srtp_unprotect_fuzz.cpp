// The SRTP/SRTCP receive path must survive any datagram: unprotect arbitrary bytes with both
// suites, and (round-trip mode) protect the input, optionally corrupt one byte, unprotect again.
// Input: byte 0 selects the mode, bytes 1-2 the corruption in round-trip mode, the rest is the
// packet.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "rtc/srtp_session.hpp"

namespace {

using ringcast::rtc::SrtpDirection;
using ringcast::rtc::SrtpResult;
using ringcast::rtc::SrtpSession;
using ringcast::rtc::SrtpSuite;

constexpr uint8_t kMaster[30] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09,
                                 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13,
                                 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d};

SrtpSession make(SrtpSuite suite, SrtpDirection direction) {
  const std::span<const uint8_t> master(kMaster, ringcast::rtc::srtp_master_length(suite));
  auto session = SrtpSession::create(suite, direction, master);
  if (!session) {
    std::abort();
  }
  return std::move(*session);
}

SrtpResult unprotect(SrtpSession& session, bool rtcp, std::vector<uint8_t>& buffer,
                     size_t& length) {
  return rtcp ? session.unprotect_rtcp(buffer, length) : session.unprotect_rtp(buffer, length);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 3) {
    return 0;
  }
  const uint8_t mode = data[0];
  const SrtpSuite suite =
      (mode & 1) != 0 ? SrtpSuite::kAeadAes128Gcm : SrtpSuite::kAesCm128HmacSha1_80;
  const bool rtcp = (mode & 2) != 0;
  const bool round_trip = (mode & 4) != 0;
  const uint8_t flip_position = data[1];
  const uint8_t flip_mask = data[2];
  data += 3;
  size -= 3;

  // Fresh sessions per input keep runs reproducible (no replay state carried over).
  SrtpSession receiver = make(suite, SrtpDirection::kInbound);

  // A heap copy sized exactly, so ASan sees any read or write past the datagram.
  if (!round_trip) {
    std::vector<uint8_t> buffer(data, data + size);
    size_t length = size;
    const SrtpResult result = unprotect(receiver, rtcp, buffer, length);
    if (result == SrtpResult::kOk && length > size) {
      std::abort();
    }
    return 0;
  }

  SrtpSession sender = make(suite, SrtpDirection::kOutbound);
  std::vector<uint8_t> plain(data, data + size);
  if (!plain.empty()) {
    plain[0] = static_cast<uint8_t>((plain[0] & 0x3F) | 0x80);  // version 2
  }
  std::vector<uint8_t> buffer(plain.size() + SrtpSession::kMaxTrailer);
  std::memcpy(buffer.data(), plain.data(), plain.size());
  size_t length = plain.size();
  const SrtpResult protected_result =
      rtcp ? sender.protect_rtcp(buffer, length) : sender.protect_rtp(buffer, length);
  if (protected_result != SrtpResult::kOk) {
    return 0;
  }
  buffer.resize(length);
  const bool corrupt = flip_mask != 0 && flip_position < length;
  if (corrupt) {
    buffer[flip_position] ^= flip_mask;
  }
  const SrtpResult result = unprotect(receiver, rtcp, buffer, length);
  // Without corruption the packet must come back intact; with it, it must not authenticate
  // unless the flipped bit is one SRTP leaves unauthenticated (none are: RFC 3711 §3.1 and §3.4
  // cover the whole packet up to the tag, and SRTCP's index and E flag too).
  if (!corrupt) {
    if (result != SrtpResult::kOk || length != plain.size() ||
        std::memcmp(buffer.data(), plain.data(), length) != 0) {
      std::abort();
    }
  } else if (result == SrtpResult::kOk) {
    std::abort();
  }
  return 0;
}
