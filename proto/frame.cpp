#include "frame.hpp"

namespace ringcast::proto {

void append_frame(const control::Envelope& envelope, std::string& out) {
  const size_t payload_size = envelope.ByteSizeLong();
  const size_t header_at = out.size();
  out.resize(header_at + kFrameHeaderSize + payload_size);
  auto* header = reinterpret_cast<uint8_t*>(out.data() + header_at);
  header[0] = static_cast<uint8_t>(payload_size >> 24);
  header[1] = static_cast<uint8_t>(payload_size >> 16);
  header[2] = static_cast<uint8_t>(payload_size >> 8);
  header[3] = static_cast<uint8_t>(payload_size);
  envelope.SerializeWithCachedSizesToArray(header + kFrameHeaderSize);
}

std::string encode_frame(const control::Envelope& envelope) {
  std::string out;
  append_frame(envelope, out);
  return out;
}

std::string_view to_string(FrameError error) {
  switch (error) {
    case FrameError::kNone:
      return "none";
    case FrameError::kTooLarge:
      return "frame larger than 4 MiB";
    case FrameError::kMalformed:
      return "frame payload is not a valid Envelope";
    case FrameError::kTruncated:
      return "stream ended inside a frame";
  }
  return "unknown";
}

bool FrameDecoder::feed(std::span<const uint8_t> bytes) {
  if (failed()) {
    return false;
  }
  // Compact before growing so a long-lived connection's buffer stays the size of one frame.
  if (consumed_ > 0 && consumed_ == buffer_.size()) {
    buffer_.clear();
    consumed_ = 0;
  } else if (consumed_ > 64 * 1024) {
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<ptrdiff_t>(consumed_));
    consumed_ = 0;
  }
  buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
  return true;
}

bool FrameDecoder::next(control::Envelope& envelope) {
  if (failed() || buffered_bytes() < kFrameHeaderSize) {
    return false;
  }
  const uint8_t* header = buffer_.data() + consumed_;
  const size_t payload_size = (size_t{header[0]} << 24) | (size_t{header[1]} << 16) |
                              (size_t{header[2]} << 8) | size_t{header[3]};
  if (payload_size > kMaxFramePayload) {
    error_ = FrameError::kTooLarge;
    return false;
  }
  if (buffered_bytes() < kFrameHeaderSize + payload_size) {
    return false;
  }
  const uint8_t* payload = header + kFrameHeaderSize;
  if (!envelope.ParseFromArray(payload, static_cast<int>(payload_size))) {
    error_ = FrameError::kMalformed;
    return false;
  }
  consumed_ += kFrameHeaderSize + payload_size;
  return true;
}

void FrameDecoder::finish() {
  if (!failed() && buffered_bytes() > 0) {
    error_ = FrameError::kTruncated;
  }
}

}  // namespace ringcast::proto
