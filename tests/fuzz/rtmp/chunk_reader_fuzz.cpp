// libFuzzer target: the chunk stream decoder. The first input byte picks how the rest is sliced
// (as a socket would deliver it), so split headers and payloads are exercised too. Every returned
// message is checked and its payload touched so ASan sees any stale span.

#include <cstddef>
#include <cstdint>
#include <span>

#include "rtmp/amf0.hpp"
#include "rtmp/chunk_reader.hpp"
#include "rtmp/flv_tags.hpp"
#include "rtmp/messages.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ringcast::rtmp;
  if (size == 0) {
    return 0;
  }
  const size_t slice = size_t{data[0]} + 1;
  ++data;
  --size;
  ChunkReaderLimits limits;
  // Small limits so the fuzzer reaches them with short inputs.
  limits.max_message_size = 4096;
  limits.max_buffered_bytes = 8192;
  limits.max_partial_messages = 4;
  limits.max_chunk_streams = 8;
  ChunkReader reader(limits);
  for (size_t off = 0; off < size; off += slice) {
    std::span<const uint8_t> in(data + off, size - off < slice ? size - off : slice);
    for (;;) {
      ChunkMessage m;
      const ChunkStatus st = reader.read(in, m);
      if (st == ChunkStatus::kError) {
        return 0;
      }
      if (st == ChunkStatus::kNeedMore) {
        if (!in.empty()) {
          __builtin_trap();
        }
        break;
      }
      volatile uint8_t sink = 0;
      for (uint8_t b : m.payload) {
        sink = sink ^ b;
      }
      (void)sink;
      if (m.type_id == static_cast<uint8_t>(MessageType::kCommandAmf0)) {
        Command c;
        (void)parse_command(m.payload, c);
      } else if (m.type_id == static_cast<uint8_t>(MessageType::kVideo)) {
        VideoTag t;
        (void)parse_video_tag(m.payload, t);
      } else if (m.type_id == static_cast<uint8_t>(MessageType::kAudio)) {
        AudioTag t;
        (void)parse_audio_tag(m.payload, t);
      }
    }
  }
  if (reader.buffered_bytes() > limits.max_buffered_bytes) {
    __builtin_trap();
  }
  return 0;
}
