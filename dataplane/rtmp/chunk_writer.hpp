#pragma once

// Chunk stream encoder (Adobe RTMP spec 1.0, section 5.3). Every message is written as one type 0
// chunk followed by type 3 continuations, so the bytes depend only on the message and the chunk
// size, never on what this connection sent before. That is what lets fan-out encode a media
// message once into a shared buffer and send the same bytes to every player.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace ringcast::rtmp {

struct MessageHeader {
  uint32_t csid = 3;
  uint32_t timestamp = 0;
  uint8_t type_id = 0;
  uint32_t stream_id = 0;
};

class ChunkWriter {
 public:
  // `chunk_size` is the size this side announced with Set Chunk Size (1..0x7FFFFFFF).
  explicit ChunkWriter(uint32_t chunk_size = 128);

  uint32_t chunk_size() const { return chunk_size_; }
  void set_chunk_size(uint32_t chunk_size);

  // Exact number of bytes write() produces for this message.
  size_t encoded_size(const MessageHeader& header, size_t payload_size) const;

  // Appends the chunks of one message to `out`. The csid must be 2..65599 and the payload below
  // 2^24 bytes (the message length field is 24 bits); both are the caller's contract.
  void write(const MessageHeader& header, std::span<const uint8_t> payload,
             std::vector<uint8_t>& out) const;

  // Same bytes into a caller-owned buffer (a registered send buffer); returns the bytes written,
  // or 0 when `out` is smaller than encoded_size().
  size_t write(const MessageHeader& header, std::span<const uint8_t> payload,
               std::span<uint8_t> out) const;

 private:
  uint32_t chunk_size_;
};

}  // namespace ringcast::rtmp
