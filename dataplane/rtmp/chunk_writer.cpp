#include "rtmp/chunk_writer.hpp"

#include <algorithm>
#include <cstring>

#include "rtmp/byte_io.hpp"
#include "rtmp/chunk_reader.hpp"

namespace ringcast::rtmp {

namespace {

size_t basic_header_length(uint32_t csid) {
  // Spec 5.3.1.1: ids 2..63 fit in one byte, 64..319 in two, up to 65599 in three.
  return csid < 64 ? 1 : (csid < 320 ? 2 : 3);
}

uint8_t* put_basic_header(uint8_t* p, unsigned fmt, uint32_t csid) {
  const auto f = static_cast<uint8_t>(fmt << 6);
  if (csid < 64) {
    *p++ = static_cast<uint8_t>(f | csid);
  } else if (csid < 320) {
    *p++ = f;
    *p++ = static_cast<uint8_t>(csid - 64);
  } else {
    const uint32_t v = csid - 64;
    *p++ = static_cast<uint8_t>(f | 1);
    *p++ = static_cast<uint8_t>(v & 0xFF);
    *p++ = static_cast<uint8_t>(v >> 8);
  }
  return p;
}

}  // namespace

ChunkWriter::ChunkWriter(uint32_t chunk_size) : chunk_size_(chunk_size == 0 ? 1 : chunk_size) {}

void ChunkWriter::set_chunk_size(uint32_t chunk_size) {
  chunk_size_ = std::clamp<uint32_t>(chunk_size, 1, kMaxChunkSize);
}

size_t ChunkWriter::encoded_size(const MessageHeader& header, size_t payload_size) const {
  const bool extended = header.timestamp >= kExtendedTimestampMarker;
  const size_t basic = basic_header_length(header.csid);
  const size_t chunks = payload_size == 0 ? 1 : (payload_size + chunk_size_ - 1) / chunk_size_;
  // Spec 5.3.1.3: every type 3 continuation repeats the 4-byte extended timestamp.
  const size_t ext = extended ? 4 : 0;
  return payload_size + basic + 11 + ext + (chunks - 1) * (basic + ext);
}

size_t ChunkWriter::write(const MessageHeader& header, std::span<const uint8_t> payload,
                          std::span<uint8_t> out) const {
  const size_t total = encoded_size(header, payload.size());
  if (out.size() < total) {
    return 0;
  }
  const bool extended = header.timestamp >= kExtendedTimestampMarker;
  uint8_t* p = put_basic_header(out.data(), 0, header.csid);
  store_be24(p, extended ? kExtendedTimestampMarker : header.timestamp);
  store_be24(p + 3, static_cast<uint32_t>(payload.size()));
  p[6] = header.type_id;
  // Spec 5.3.1.2.1: the message stream id is the one little-endian field of the protocol.
  store_le32(p + 7, header.stream_id);
  p += 11;
  if (extended) {
    store_be32(p, header.timestamp);
    p += 4;
  }
  size_t offset = 0;
  for (;;) {
    const size_t n = std::min<size_t>(chunk_size_, payload.size() - offset);
    if (n != 0) {
      std::memcpy(p, payload.data() + offset, n);
    }
    p += n;
    offset += n;
    if (offset >= payload.size()) {
      break;
    }
    p = put_basic_header(p, 3, header.csid);
    if (extended) {
      store_be32(p, header.timestamp);
      p += 4;
    }
  }
  return static_cast<size_t>(p - out.data());
}

void ChunkWriter::write(const MessageHeader& header, std::span<const uint8_t> payload,
                        std::vector<uint8_t>& out) const {
  const size_t start = out.size();
  out.resize(start + encoded_size(header, payload.size()));
  write(header, payload, std::span<uint8_t>(out).subspan(start));
}

}  // namespace ringcast::rtmp
