#pragma once

// Incremental decoder of the RTMP chunk stream (Adobe RTMP spec 1.0, section 5.3). Pure code over
// byte spans: the connection feeds whatever the socket delivered and pulls complete messages out.
//
// Hostile-input rules: every announced length is checked against ChunkReaderLimits before any
// memory is committed, assembly buffers grow only with bytes that actually arrived, and the first
// violation puts the reader into a sticky error state with a ChunkError reason.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace ringcast::rtmp {

// Spec 5.4.1: the default maximum chunk size is 128 bytes until a Set Chunk Size arrives.
inline constexpr uint32_t kDefaultChunkSize = 128;
// Spec 5.4.1: chunk sizes are 31-bit; the top bit of the Set Chunk Size payload must be zero.
inline constexpr uint32_t kMaxChunkSize = 0x7FFFFFFF;
// Spec 5.3.1.1: a 3-byte basic header reaches chunk stream id 65599.
inline constexpr uint32_t kMaxChunkStreamId = 65599;
// Spec 5.3.1.3: a 24-bit timestamp field of 0xFFFFFF means a 32-bit extended timestamp follows.
inline constexpr uint32_t kExtendedTimestampMarker = 0xFFFFFF;

enum class ChunkError : uint8_t {
  kNone,
  // fmt 1, 2 or 3 on a chunk stream that never carried a type 0 header.
  kNoPreviousHeader,
  // A type 0/1/2 header arrived while a message on that chunk stream was still incomplete.
  kHeaderInsideMessage,
  // Announced message length above ChunkReaderLimits::max_message_size.
  kMessageTooLarge,
  // More chunk streams than ChunkReaderLimits::max_chunk_streams.
  kTooManyChunkStreams,
  // More messages in flight than ChunkReaderLimits::max_partial_messages.
  kTooManyPartialMessages,
  // Bytes held for incomplete messages would exceed ChunkReaderLimits::max_buffered_bytes.
  kBufferLimit,
  // Set Chunk Size of 0 or with the reserved top bit set, or a payload shorter than 4 bytes.
  kBadChunkSize,
  // Abort Message payload shorter than 4 bytes.
  kBadAbort,
};

std::string_view to_string(ChunkError error);

struct ChunkReaderLimits {
  // Largest message accepted; a 1080p keyframe is well under 2 MiB.
  uint32_t max_message_size = 16u << 20;
  // Distinct chunk stream ids remembered per connection; real clients use fewer than ten.
  uint32_t max_chunk_streams = 64;
  // Messages whose chunks are interleaved at the same time.
  uint32_t max_partial_messages = 8;
  // Sum of bytes held for all incomplete messages.
  size_t max_buffered_bytes = 32u << 20;
  // After a message completes, an assembly buffer larger than this gives its memory back.
  size_t retained_buffer_capacity = 1u << 20;
};

struct ChunkMessage {
  uint32_t csid = 0;
  // Absolute message timestamp in milliseconds, accumulated from deltas modulo 2^32.
  uint32_t timestamp = 0;
  uint32_t stream_id = 0;
  uint8_t type_id = 0;
  // Valid until the next call to read() and for as long as the caller's input bytes live (a
  // message that arrived in one chunk points straight into the input).
  std::span<const uint8_t> payload;
};

enum class ChunkStatus : uint8_t { kMessage, kNeedMore, kError };

class ChunkReader {
 public:
  explicit ChunkReader(ChunkReaderLimits limits = {});

  // Consumes bytes from the front of `input` until one message completes (kMessage, `out` filled),
  // the input runs out (kNeedMore, every byte consumed and remembered) or the stream is invalid
  // (kError). Set Chunk Size and Abort Message are applied here, because they change how the
  // following bytes parse, and are still returned so the session can see them.
  ChunkStatus read(std::span<const uint8_t>& input, ChunkMessage& out);

  ChunkError error() const { return error_; }
  uint32_t chunk_size() const { return chunk_size_; }
  // Total bytes consumed, for the Acknowledgement window (spec 5.4.3); wraps are the caller's.
  uint64_t bytes_received() const { return bytes_received_; }
  size_t buffered_bytes() const { return buffered_bytes_; }
  uint32_t partial_messages() const { return partial_messages_; }

 private:
  struct Stream {
    uint32_t csid = 0;
    uint32_t timestamp = 0;
    // The last timestamp field (absolute for type 0, delta otherwise): what a type 3 chunk that
    // starts a new message adds (spec 5.3.1.2.4, and how FFmpeg and librtmp writers use it).
    uint32_t timestamp_delta = 0;
    // Raw 32-bit extended timestamp of the last type 0/1/2 header, repeated in type 3 chunks.
    bool extended = false;
    uint32_t length = 0;
    uint32_t stream_id = 0;
    uint8_t type_id = 0;
    // Bytes of the current message received so far (0: between messages).
    uint32_t received = 0;
    std::vector<uint8_t> buffer;
  };

  ChunkStatus fail(ChunkError error);
  Stream* find_stream(uint32_t csid);
  Stream* find_or_add_stream(uint32_t csid);
  // Total header length implied by the first `n` header bytes, or a lower bound larger than `n`
  // when those bytes do not tell yet.
  size_t header_length(const uint8_t* p, size_t n);
  // Applies a complete chunk header; sets current_ and chunk_remaining_.
  bool apply_header(const uint8_t* p);
  ChunkStatus complete(Stream& s, std::span<const uint8_t> payload, ChunkMessage& out);
  bool apply_control(const ChunkMessage& m);
  void release_completed();

  ChunkReaderLimits limits_;
  ChunkError error_ = ChunkError::kNone;
  uint32_t chunk_size_ = kDefaultChunkSize;
  uint64_t bytes_received_ = 0;
  size_t buffered_bytes_ = 0;
  uint32_t partial_messages_ = 0;

  std::vector<Stream> streams_;
  // Index of the stream whose chunk payload is being read, or -1 between chunks.
  int current_ = -1;
  uint32_t chunk_remaining_ = 0;
  // Index of the stream whose assembled message was returned last; its buffer is reset on the
  // next read() so the returned span stays valid until then.
  int completed_ = -1;
  // A chunk header split across two read() calls (at most 3 + 11 + 4 bytes).
  uint8_t header_[18] = {};
  size_t header_fill_ = 0;
};

}  // namespace ringcast::rtmp
