// Feeds arbitrary bytes to the control socket's frame decoder, split at a point taken from the
// input, exactly as a hostile peer's writes would arrive.
#include <cstddef>
#include <cstdint>

#include "frame.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) {
    return 0;
  }
  const size_t split = data[0] % size;
  ringcast::proto::FrameDecoder decoder;
  ringcast::control::Envelope envelope;
  decoder.feed({data + 1, split > 0 ? split - 1 : 0});
  while (decoder.next(envelope)) {
  }
  decoder.feed({data + (split > 0 ? split : 1), size - (split > 0 ? split : 1)});
  while (decoder.next(envelope)) {
    // Re-encoding what was accepted must not fail either.
    (void)ringcast::proto::encode_frame(envelope);
  }
  decoder.finish();
  return 0;
}
