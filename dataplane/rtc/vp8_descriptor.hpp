#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace ringcast::rtc {

// Why an RTP payload was not accepted as VP8. The names double as counter names
// (`vp8_drop_<name>`).
enum class Vp8Error : uint8_t {
  kNone = 0,
  kEmpty,      // no payload at all
  kTruncated,  // the descriptor's optional fields run past the payload
  kNoPayload,  // a descriptor with no VP8 data after it
  kCount,
};
inline constexpr size_t kVp8ErrorCount = static_cast<size_t>(Vp8Error::kCount);
const char* vp8_error_name(Vp8Error error);

// The VP8 payload descriptor at the start of an RTP payload (RFC 7741 §4.2):
//
//        0 1 2 3 4 5 6 7
//       +-+-+-+-+-+-+-+-+
//       |X|R|N|S|R| PID |  (required)
//       +-+-+-+-+-+-+-+-+
//  X:   |I|L|T|K| RSV   |  (optional)
//       +-+-+-+-+-+-+-+-+
//  I:   |M| PictureID   |  (optional; M=1: 15 bits over two bytes)
//       +-+-+-+-+-+-+-+-+
//  L:   |   TL0PICIDX   |  (optional)
//       +-+-+-+-+-+-+-+-+
//  T/K: |TID|Y| KEYIDX  |  (optional)
//       +-+-+-+-+-+-+-+-+
//
// parse() reads it and whether the packet starts a key frame; set_picture_id() and
// set_tl0_pic_idx() rewrite those fields in place, which is how a consumer keeps one continuous
// picture numbering across simulcast layer switches.
struct Vp8Descriptor {
  bool non_reference = false;       // N
  bool start_of_partition = false;  // S
  uint8_t partition_id = 0;         // PID

  bool has_picture_id = false;   // I
  bool long_picture_id = false;  // M: 15 bits rather than 7
  uint16_t picture_id = 0;
  bool has_tl0_pic_idx = false;  // L
  uint8_t tl0_pic_idx = 0;
  bool has_tid = false;  // T
  uint8_t tid = 0;
  bool layer_sync = false;   // Y
  bool has_key_idx = false;  // K
  uint8_t key_idx = 0;

  size_t size = 0;  // descriptor bytes; the VP8 payload starts here

  // First packet of a key frame: S=1, PID=0 and the VP8 payload header's P bit (inverse key
  // frame flag) is 0 (RFC 7741 §4.3, RFC 6386 §9.1).
  bool key_frame = false;
  // From the key frame header when the packet holds it (RFC 6386 §9.1: start code 9d 01 2a,
  // then 14-bit width and height); 0 otherwise.
  uint16_t width = 0;
  uint16_t height = 0;

  Vp8Error parse(std::span<const uint8_t> payload);

  // In place, keeping the field's width (7-bit ids wrap at 128, 15-bit at 32768). False when
  // the descriptor has no such field. `payload` must be the one parse() read.
  bool set_picture_id(std::span<uint8_t> payload, uint16_t value);
  bool set_tl0_pic_idx(std::span<uint8_t> payload, uint8_t value);

 private:
  uint8_t picture_id_offset_ = 0;
  uint8_t tl0_pic_idx_offset_ = 0;
};

}  // namespace ringcast::rtc
