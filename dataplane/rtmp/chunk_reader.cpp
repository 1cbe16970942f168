#include "rtmp/chunk_reader.hpp"

#include <algorithm>
#include <cstring>

#include "rtmp/byte_io.hpp"

namespace ringcast::rtmp {

namespace {

// Spec 5.3.1.2: message header length by chunk type (fmt) 0..3.
constexpr size_t kMessageHeaderLength[4] = {11, 7, 3, 0};
// Spec 5.4: protocol control message type ids the reader must act on itself.
constexpr uint8_t kTypeSetChunkSize = 1;
constexpr uint8_t kTypeAbort = 2;
// First reservation of an assembly buffer; the rest grows with bytes that really arrive, so a
// huge announced length costs nothing until the peer sends it.
constexpr size_t kInitialReserve = 64 * 1024;

}  // namespace

std::string_view to_string(ChunkError error) {
  switch (error) {
    case ChunkError::kNone:
      return "none";
    case ChunkError::kNoPreviousHeader:
      return "chunk type 1/2/3 on a chunk stream without a type 0 header";
    case ChunkError::kHeaderInsideMessage:
      return "chunk type 0/1/2 inside an incomplete message";
    case ChunkError::kMessageTooLarge:
      return "message length above the limit";
    case ChunkError::kTooManyChunkStreams:
      return "too many chunk streams";
    case ChunkError::kTooManyPartialMessages:
      return "too many interleaved incomplete messages";
    case ChunkError::kBufferLimit:
      return "buffered bytes of incomplete messages above the limit";
    case ChunkError::kBadChunkSize:
      return "invalid Set Chunk Size";
    case ChunkError::kBadAbort:
      return "invalid Abort Message";
  }
  return "unknown";
}

ChunkReader::ChunkReader(ChunkReaderLimits limits) : limits_(limits) { streams_.reserve(8); }

ChunkStatus ChunkReader::fail(ChunkError error) {
  error_ = error;
  return ChunkStatus::kError;
}

ChunkReader::Stream* ChunkReader::find_stream(uint32_t csid) {
  for (auto& s : streams_) {
    if (s.csid == csid) {
      return &s;
    }
  }
  return nullptr;
}

ChunkReader::Stream* ChunkReader::find_or_add_stream(uint32_t csid) {
  if (Stream* s = find_stream(csid)) {
    return s;
  }
  if (streams_.size() >= limits_.max_chunk_streams) {
    return nullptr;
  }
  streams_.emplace_back();
  streams_.back().csid = csid;
  return &streams_.back();
}

size_t ChunkReader::header_length(const uint8_t* p, size_t n) {
  if (n == 0) {
    return 1;
  }
  const unsigned fmt = p[0] >> 6;
  const unsigned low = p[0] & 0x3F;
  // Spec 5.3.1.1: csid bits 0 and 1 select the 2- and 3-byte basic header forms.
  const size_t basic = low == 0 ? 2 : (low == 1 ? 3 : 1);
  const size_t fixed = basic + kMessageHeaderLength[fmt];
  if (fmt < 3) {
    if (n < basic + 3) {
      return fixed;
    }
    return fixed + (load_be24(p + basic) == kExtendedTimestampMarker ? 4 : 0);
  }
  if (n < basic) {
    return basic;
  }
  const uint32_t csid = low == 0 ? 64u + p[1] : (low == 1 ? 64u + p[1] + 256u * p[2] : low);
  // Spec 5.3.1.3: a type 3 chunk repeats the extended timestamp when the last type 0/1/2 header
  // of its chunk stream carried one.
  const Stream* s = find_stream(csid);
  return basic + (s != nullptr && s->extended ? 4 : 0);
}

bool ChunkReader::apply_header(const uint8_t* p) {
  const unsigned fmt = p[0] >> 6;
  const unsigned low = p[0] & 0x3F;
  size_t pos = 1;
  uint32_t csid = low;
  if (low == 0) {
    csid = 64u + p[1];
    pos = 2;
  } else if (low == 1) {
    csid = 64u + p[1] + 256u * p[2];
    pos = 3;
  }
  Stream* s = fmt == 0 ? find_or_add_stream(csid) : find_stream(csid);
  if (s == nullptr) {
    fail(fmt == 0 ? ChunkError::kTooManyChunkStreams : ChunkError::kNoPreviousHeader);
    return false;
  }
  if (fmt < 3) {
    if (s->received != 0) {
      fail(ChunkError::kHeaderInsideMessage);
      return false;
    }
    uint32_t ts = load_be24(p + pos);
    uint32_t length = s->length;
    if (fmt <= 1) {
      length = load_be24(p + pos + 3);
      if (length > limits_.max_message_size) {
        fail(ChunkError::kMessageTooLarge);
        return false;
      }
    }
    s->extended = ts == kExtendedTimestampMarker;
    if (s->extended) {
      ts = load_be32(p + pos + kMessageHeaderLength[fmt]);
    }
    if (fmt <= 1) {
      s->length = length;
      s->type_id = p[pos + 6];
    }
    if (fmt == 0) {
      s->stream_id = load_le32(p + pos + 7);
      s->timestamp = ts;
    } else {
      s->timestamp += ts;
    }
    s->timestamp_delta = ts;
  } else if (s->received == 0) {
    s->timestamp += s->timestamp_delta;
  }
  current_ = static_cast<int>(s - streams_.data());
  chunk_remaining_ = std::min(chunk_size_, s->length - s->received);
  return true;
}

void ChunkReader::release_completed() {
  if (completed_ < 0) {
    return;
  }
  auto& buffer = streams_[static_cast<size_t>(completed_)].buffer;
  buffer.clear();
  if (buffer.capacity() > limits_.retained_buffer_capacity) {
    std::vector<uint8_t>().swap(buffer);
  }
  completed_ = -1;
}

bool ChunkReader::apply_control(const ChunkMessage& m) {
  if (m.type_id == kTypeSetChunkSize) {
    // Spec 5.4.1: 31-bit size, top bit reserved as zero; a zero size could never make progress.
    if (m.payload.size() < 4) {
      fail(ChunkError::kBadChunkSize);
      return false;
    }
    const uint32_t size = load_be32(m.payload.data());
    if (size == 0 || size > kMaxChunkSize) {
      fail(ChunkError::kBadChunkSize);
      return false;
    }
    chunk_size_ = size;
  } else if (m.type_id == kTypeAbort) {
    // Spec 5.4.2: drop the partly received message of the named chunk stream.
    if (m.payload.size() < 4) {
      fail(ChunkError::kBadAbort);
      return false;
    }
    Stream* s = find_stream(load_be32(m.payload.data()));
    if (s != nullptr && s->received != 0) {
      buffered_bytes_ -= s->received;
      --partial_messages_;
      s->received = 0;
      s->buffer.clear();
    }
  }
  return true;
}

ChunkStatus ChunkReader::complete(Stream& s, std::span<const uint8_t> payload, ChunkMessage& out) {
  out.csid = s.csid;
  out.timestamp = s.timestamp;
  out.stream_id = s.stream_id;
  out.type_id = s.type_id;
  out.payload = payload;
  s.received = 0;
  current_ = -1;
  if ((out.type_id == kTypeSetChunkSize || out.type_id == kTypeAbort) && !apply_control(out)) {
    return ChunkStatus::kError;
  }
  return ChunkStatus::kMessage;
}

ChunkStatus ChunkReader::read(std::span<const uint8_t>& input, ChunkMessage& out) {
  release_completed();
  if (error_ != ChunkError::kNone) {
    return ChunkStatus::kError;
  }
  auto consume = [&](size_t n) {
    input = input.subspan(n);
    bytes_received_ += n;
  };
  for (;;) {
    if (current_ < 0) {
      if (header_fill_ == 0) {
        const size_t need = header_length(input.data(), input.size());
        if (input.size() < need) {
          // Keep the partial header; it is at most 18 bytes.
          if (!input.empty()) {
            std::memcpy(header_, input.data(), input.size());
          }
          header_fill_ = input.size();
          consume(input.size());
          return ChunkStatus::kNeedMore;
        }
        if (!apply_header(input.data())) {
          return ChunkStatus::kError;
        }
        consume(need);
      } else {
        for (;;) {
          const size_t need = header_length(header_, header_fill_);
          if (header_fill_ >= need) {
            break;
          }
          if (input.empty()) {
            return ChunkStatus::kNeedMore;
          }
          const size_t take = std::min(need - header_fill_, input.size());
          std::memcpy(header_ + header_fill_, input.data(), take);
          header_fill_ += take;
          consume(take);
        }
        header_fill_ = 0;
        if (!apply_header(header_)) {
          return ChunkStatus::kError;
        }
      }
      Stream& s = streams_[static_cast<size_t>(current_)];
      if (s.length == 0) {
        return complete(s, {}, out);
      }
    }

    const size_t index = static_cast<size_t>(current_);
    Stream& s = streams_[index];
    // Fast path: the whole message is one chunk and already in the input, so hand out a view of
    // the caller's bytes without copying (every audio frame and small video frame at 4096).
    if (s.received == 0 && chunk_remaining_ == s.length && input.size() >= s.length) {
      const auto payload = input.first(s.length);
      consume(s.length);
      return complete(s, payload, out);
    }
    if (input.empty()) {
      return ChunkStatus::kNeedMore;
    }
    const size_t take = std::min<size_t>(chunk_remaining_, input.size());
    if (s.received == 0) {
      if (partial_messages_ >= limits_.max_partial_messages) {
        return fail(ChunkError::kTooManyPartialMessages);
      }
      ++partial_messages_;
      s.buffer.reserve(std::min<size_t>(s.length, kInitialReserve));
    }
    if (buffered_bytes_ + take > limits_.max_buffered_bytes) {
      return fail(ChunkError::kBufferLimit);
    }
    s.buffer.insert(s.buffer.end(), input.data(), input.data() + take);
    buffered_bytes_ += take;
    s.received += static_cast<uint32_t>(take);
    chunk_remaining_ -= static_cast<uint32_t>(take);
    consume(take);
    if (chunk_remaining_ != 0) {
      return ChunkStatus::kNeedMore;
    }
    current_ = -1;
    if (s.received == s.length) {
      --partial_messages_;
      buffered_bytes_ -= s.length;
      completed_ = static_cast<int>(index);
      return complete(s, s.buffer, out);
    }
  }
}

}  // namespace ringcast::rtmp
