#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ringcast/control.pb.h"

namespace ringcast::proto {

// A frame is a 4-byte big-endian payload length followed by one serialized Envelope.
inline constexpr size_t kFrameHeaderSize = 4;
// Larger frames are refused: no legitimate request or response comes near this, and a peer
// announcing more is broken or hostile.
inline constexpr size_t kMaxFramePayload = 4 * 1024 * 1024;

// Appends the framed encoding of `envelope` to `out`.
void append_frame(const control::Envelope& envelope, std::string& out);
std::string encode_frame(const control::Envelope& envelope);

enum class FrameError {
  kNone,
  kTooLarge,   // the length prefix exceeds kMaxFramePayload
  kMalformed,  // the payload is not a valid Envelope
  kTruncated,  // the stream ended inside a frame
};

std::string_view to_string(FrameError error);

// Reassembles frames from a byte stream. Feed it whatever the socket returned, then call next()
// until it yields nothing. After an error the decoder stays failed: the connection must close.
class FrameDecoder {
 public:
  // Copies `bytes` into the reassembly buffer. Refuses (returns false) once failed.
  bool feed(std::span<const uint8_t> bytes);

  // Decodes the next complete frame into `envelope`. Returns false when no complete frame is
  // buffered or the decoder failed; error() tells which.
  bool next(control::Envelope& envelope);

  // Call when the peer closed the stream: a partially received frame becomes kTruncated.
  void finish();

  FrameError error() const { return error_; }
  bool failed() const { return error_ != FrameError::kNone; }
  size_t buffered_bytes() const { return buffer_.size() - consumed_; }

 private:
  std::vector<uint8_t> buffer_;
  size_t consumed_ = 0;
  FrameError error_ = FrameError::kNone;
};

}  // namespace ringcast::proto
