// The WebRTC receive path's first steps on hostile input. The input is a sequence of datagrams,
// each prefixed by a 2-byte big-endian length. Each is classified by its first byte
// (RFC 7983 §7: 0..3 STUN, 20..63 DTLS, 128..191 RTP/RTCP) and handed to what the transport
// would hand it to: the ICE-lite agent, a DtlsSession in the server role (fresh per input, so
// a sequence of datagrams can walk into the handshake), or the RTP/RTCP parsers with the
// header extension readers and the VP8 descriptor parser.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <vector>

#include "rtc/dtls_transport.hpp"
#include "rtc/ice_lite.hpp"
#include "rtc/rtcp_packet.hpp"
#include "rtc/rtp_header_extensions.hpp"
#include "rtc/rtp_packet.hpp"
#include "rtc/vp8_descriptor.hpp"

using namespace ringcast::rtc;

namespace {

struct Sink : DtlsSessionListener {
  size_t bytes = 0;
  void on_dtls_send(std::span<const uint8_t> datagram) override {
    if (datagram.empty() || datagram.size() > 1500) {
      std::abort();
    }
    bytes += datagram.size();
  }
  void on_dtls_state_changed(DtlsState) override {}
};

void handle_rtp(std::vector<uint8_t>& buffer) {
  RtpPacket packet;
  if (packet.parse(buffer) != RtpError::kNone) {
    return;
  }
  uint64_t sink = 0;
  for (uint8_t id = 1; id <= 14; ++id) {
    if (auto text = read_sdes_extension(packet, id)) {
      sink += text->size();
    }
    sink += read_transport_wide_seq(packet, id).value_or(0);
    sink += read_abs_send_time(packet, id).value_or(0);
    if (auto level = read_audio_level(packet, id)) {
      sink += level->level;
    }
  }
  (void)write_transport_wide_seq(packet, 3, static_cast<uint16_t>(sink));
  (void)write_abs_send_time(packet, 2, static_cast<uint32_t>(sink));
  Vp8Descriptor vp8;
  if (vp8.parse(packet.payload()) == Vp8Error::kNone && vp8.size > packet.payload().size()) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static std::unique_ptr<DtlsCertificate> certificate = DtlsCertificate::generate();
  static std::unique_ptr<DtlsContext> context = DtlsContext::create(*certificate);
  static IceLite agent;
  static uint8_t response[1024];

  Sink sink;
  DtlsSession::Options options;
  std::unique_ptr<DtlsSession> dtls = DtlsSession::create(*context, sink, options);
  if (dtls == nullptr) {
    std::abort();
  }
  TransportAddress from;
  from.family = TransportAddress::kIpv4;
  from.port = 5000;
  from.ip = {10, 0, 0, 1};

  uint64_t now_ms = 0;
  while (size >= 2) {
    const size_t length = std::min<size_t>((size_t{data[0]} << 8) | data[1], size - 2);
    // A heap copy sized exactly per datagram, so ASan sees any overread.
    std::vector<uint8_t> datagram(data + 2, data + 2 + length);
    data += 2 + length;
    size -= 2 + length;
    now_ms += 10;
    if (datagram.empty()) {
      continue;
    }
    const uint8_t first = datagram[0];
    if (first <= 3) {
      (void)agent.on_binding_request(datagram, from, now_ms, response);
    } else if (DtlsSession::looks_like_dtls(datagram)) {
      dtls->feed(datagram, now_ms);
      (void)dtls->next_timeout(now_ms);
    } else if (first >= 128 && first <= 191) {
      switch (classify_rtp_rtcp(datagram)) {
        case RtpRtcpKind::kRtp:
          handle_rtp(datagram);
          break;
        case RtpRtcpKind::kRtcp:
          (void)validate_rtcp_compound(datagram, false);
          break;
        case RtpRtcpKind::kNeither:
          break;
      }
    }
  }
  agent.tick(now_ms + 60'000);
  return 0;
}
