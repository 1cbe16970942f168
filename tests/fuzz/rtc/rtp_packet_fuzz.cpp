// Parses hostile bytes as RTP, walks the header extensions and rewrites a copy in place, then
// checks that the rewrite kept the packet parseable with the same layout.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "rtc/rtp_packet.hpp"

using namespace ringcast::rtc;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static uint8_t buffer[65536];
  if (size > sizeof(buffer)) {
    return 0;
  }
  std::memcpy(buffer, data, size);
  const std::span<uint8_t> bytes(buffer, size);

  (void)classify_rtp_rtcp(bytes);

  RtpPacket packet;
  if (packet.parse(bytes) != RtpError::kNone) {
    return 0;
  }
  const size_t header_size = packet.header_size();
  const size_t payload_size = packet.payload().size();
  if (header_size + payload_size + packet.padding_size() != size) {
    std::abort();
  }
  uint32_t sink = packet.ssrc() ^ packet.timestamp() ^ packet.sequence_number();
  for (size_t i = 0; i < packet.csrc_count(); ++i) {
    sink ^= packet.csrc(i);
  }

  RtpExtensionReader reader = packet.extensions();
  RtpExtension element;
  while (reader.next(element)) {
    if (element.value.data() < buffer ||
        element.value.data() + element.value.size() > buffer + size) {
      std::abort();
    }
    for (uint8_t b : element.value) {
      sink += b;
    }
  }
  RtpExtension found;
  (void)packet.find_extension(static_cast<uint8_t>(sink & 0x0F), found);

  // An id map derived from the input itself, so the fuzzer explores removals and renames.
  RtpExtensionIdMap map{};
  for (size_t id = 0; id < map.size(); ++id) {
    map[id] = static_cast<uint8_t>((id * 7 + (size > 0 ? data[0] : 0)) & 0xFF);
  }
  (void)packet.remap_extension_ids(map);
  packet.set_ssrc(sink);
  packet.set_payload_type(static_cast<uint8_t>(sink >> 8));
  packet.set_sequence_number(static_cast<uint16_t>(sink >> 16));
  packet.set_timestamp(~sink);
  packet.set_marker((sink & 1) != 0);

  RtpPacket again;
  if (again.parse(bytes) != RtpError::kNone || again.header_size() != header_size ||
      again.payload().size() != payload_size || again.ssrc() != sink) {
    std::abort();
  }
  return 0;
}
