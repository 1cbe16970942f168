// libFuzzer target: AMF0 decoding of hostile bytes, then re-encoding whatever decoded and checking
// that the re-encoding decodes and encodes to the same bytes (the writer and reader agree).

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "rtmp/amf0.hpp"
#include "rtmp/messages.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ringcast::rtmp;
  const std::span<const uint8_t> in(data, size);
  std::vector<Amf0Value> values;
  (void)amf0_decode_all(in, values);
  std::vector<uint8_t> again;
  Amf0Writer writer(again);
  for (const auto& v : values) {
    writer.value(v);
  }
  std::vector<Amf0Value> round;
  // Re-encoding can only nest as deep as the input did, but can hold more values (a lenient
  // ECMA array end gains a marker), so give the second pass a larger budget.
  if (amf0_decode_all(again, round, kAmf0DefaultMaxDepth, kAmf0DefaultMaxValues * 2) !=
          Amf0Error::kNone ||
      round.size() != values.size()) {
    __builtin_trap();
  }
  // Compare encodings rather than values: NaN never equals itself.
  std::vector<uint8_t> third;
  Amf0Writer writer2(third);
  for (const auto& v : round) {
    writer2.value(v);
  }
  if (third != again) {
    __builtin_trap();
  }
  Command command;
  (void)parse_command(in, command);
  (void)strip_set_data_frame(in);
  return 0;
}
