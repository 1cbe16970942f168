#include "rtmp/chunk_reader.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "rtmp/byte_io.hpp"
#include "rtmp/chunk_writer.hpp"
#include "rtmp/protocol_control.hpp"

namespace ringcast::rtmp {
namespace {

struct Received {
  uint32_t csid;
  uint32_t timestamp;
  uint32_t stream_id;
  uint8_t type_id;
  std::vector<uint8_t> payload;
};

// Feeds `bytes` in slices of `slice` bytes and collects every message; stops at an error.
ChunkStatus read_all(ChunkReader& reader, const std::vector<uint8_t>& bytes, size_t slice,
                     std::vector<Received>& out) {
  for (size_t off = 0; off < bytes.size(); off += slice) {
    std::span<const uint8_t> in(bytes.data() + off, std::min(slice, bytes.size() - off));
    for (;;) {
      ChunkMessage m;
      const ChunkStatus st = reader.read(in, m);
      if (st == ChunkStatus::kError) {
        return st;
      }
      if (st == ChunkStatus::kNeedMore) {
        EXPECT_TRUE(in.empty());
        break;
      }
      out.push_back({m.csid, m.timestamp, m.stream_id, m.type_id,
                     std::vector<uint8_t>(m.payload.begin(), m.payload.end())});
    }
  }
  return ChunkStatus::kNeedMore;
}

std::vector<uint8_t> pattern(size_t n, uint8_t seed) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) {
    v[i] = static_cast<uint8_t>(seed + i * 7);
  }
  return v;
}

void set_chunk_size(ChunkReader& reader, uint32_t size) {
  std::vector<uint8_t> bytes;
  append_set_chunk_size(bytes, size);
  std::vector<Received> got;
  ASSERT_EQ(read_all(reader, bytes, bytes.size(), got), ChunkStatus::kNeedMore);
  ASSERT_EQ(reader.chunk_size(), size);
}

class RoundTrip : public ::testing::TestWithParam<uint32_t> {};

TEST_P(RoundTrip, WriterToReaderAnySlicing) {
  const uint32_t chunk_size = GetParam();
  ChunkWriter writer(chunk_size);
  std::vector<uint8_t> bytes;
  append_set_chunk_size(bytes, chunk_size);
  const std::vector<MessageHeader> headers = {
      {6, 0, 9, 1},         {4, 0, 8, 1},   {6, 40, 9, 1},   {3, 0, 20, 0},
      {6, 0x1000000, 9, 1}, {70, 5, 18, 1}, {400, 99, 8, 2}, {65599, 0xFFFFFF, 9, 3},
      {6, 0xFFFFFFFF, 9, 1}};
  const std::vector<size_t> sizes = {10000, 200, 1, 300, 9000, 0, 4096, 128, 129};
  for (size_t i = 0; i < headers.size(); ++i) {
    writer.write(headers[i], pattern(sizes[i], static_cast<uint8_t>(i)), bytes);
  }
  for (size_t slice : {size_t{1}, size_t{7}, size_t{128}, size_t{1000}, bytes.size()}) {
    ChunkReader reader;
    std::vector<Received> got;
    ASSERT_EQ(read_all(reader, bytes, slice, got), ChunkStatus::kNeedMore) << slice;
    ASSERT_EQ(got.size(), headers.size() + 1);
    EXPECT_EQ(got[0].type_id, 1);
    for (size_t i = 0; i < headers.size(); ++i) {
      const Received& r = got[i + 1];
      EXPECT_EQ(r.csid, headers[i].csid);
      EXPECT_EQ(r.timestamp, headers[i].timestamp);
      EXPECT_EQ(r.type_id, headers[i].type_id);
      EXPECT_EQ(r.stream_id, headers[i].stream_id);
      EXPECT_EQ(r.payload, pattern(sizes[i], static_cast<uint8_t>(i))) << i;
    }
    EXPECT_EQ(reader.bytes_received(), bytes.size());
    EXPECT_EQ(reader.buffered_bytes(), 0u);
    EXPECT_EQ(reader.partial_messages(), 0u);
  }
}

INSTANTIATE_TEST_SUITE_P(ChunkSizes, RoundTrip, ::testing::Values(128u, 4096u, 1u, 60000u));

// Chunks of two messages interleaved by hand, as a publisher does with audio inside a large
// video frame (spec 5.3.2.2).
TEST(ChunkReader, InterleavedChunkStreams) {
  const auto video = pattern(300, 1);
  const auto audio = pattern(150, 2);
  ChunkWriter writer(128);
  std::vector<uint8_t> v_bytes;
  std::vector<uint8_t> a_bytes;
  writer.write({6, 1000, 9, 1}, video, v_bytes);
  writer.write({4, 1001, 8, 1}, audio, a_bytes);
  // Video: [12 hdr + 128][1 + 128][1 + 44]; audio: [12 + 128][1 + 22].
  std::vector<uint8_t> bytes;
  auto put = [&](const std::vector<uint8_t>& src, size_t from, size_t n) {
    bytes.insert(bytes.end(), src.begin() + static_cast<long>(from),
                 src.begin() + static_cast<long>(from + n));
  };
  put(v_bytes, 0, 140);
  put(a_bytes, 0, 140);
  put(v_bytes, 140, 129);
  put(a_bytes, 140, 23);
  put(v_bytes, 269, 45);
  ChunkReader reader;
  std::vector<Received> got;
  ASSERT_EQ(read_all(reader, bytes, 5, got), ChunkStatus::kNeedMore);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].csid, 4u);
  EXPECT_EQ(got[0].payload, audio);
  EXPECT_EQ(got[0].timestamp, 1001u);
  EXPECT_EQ(got[1].csid, 6u);
  EXPECT_EQ(got[1].payload, video);
}

std::vector<uint8_t> fmt0(uint32_t csid, uint32_t ts, uint32_t len, uint8_t type, uint32_t msid) {
  std::vector<uint8_t> b;
  if (csid < 64) {
    b.push_back(static_cast<uint8_t>(csid));
  } else if (csid < 320) {
    b.push_back(0);
    b.push_back(static_cast<uint8_t>(csid - 64));
  } else {
    b.push_back(1);
    b.push_back(static_cast<uint8_t>((csid - 64) & 0xFF));
    b.push_back(static_cast<uint8_t>((csid - 64) >> 8));
  }
  const bool ext = ts >= 0xFFFFFF;
  append_be24(b, ext ? 0xFFFFFF : ts);
  append_be24(b, len);
  b.push_back(type);
  uint8_t le[4];
  store_le32(le, msid);
  b.insert(b.end(), le, le + 4);
  if (ext) {
    append_be32(b, ts);
  }
  return b;
}

// Spec 5.3.2.1 example 1: type 0, then type 2 with a delta, then type 3 repeating the delta.
TEST(ChunkReader, TimestampDeltasAcrossHeaderTypes) {
  std::vector<uint8_t> b = fmt0(3, 1000, 32, 8, 12345);
  b.resize(b.size() + 32, 0xAA);
  b.push_back(0x80 | 3);  // fmt 2: delta 20
  append_be24(b, 20);
  b.resize(b.size() + 32, 0xBB);
  b.push_back(0xC0 | 3);  // fmt 3: new message, same delta
  b.resize(b.size() + 32, 0xCC);
  b.push_back(0xC0 | 3);
  b.resize(b.size() + 32, 0xDD);
  b.push_back(0x40 | 3);  // fmt 1: delta 5, new length and type
  append_be24(b, 5);
  append_be24(b, 2);
  b.push_back(9);
  b.push_back(1);
  b.push_back(2);
  ChunkReader reader;
  std::vector<Received> got;
  ASSERT_EQ(read_all(reader, b, b.size(), got), ChunkStatus::kNeedMore);
  ASSERT_EQ(got.size(), 5u);
  EXPECT_EQ(got[0].timestamp, 1000u);
  EXPECT_EQ(got[1].timestamp, 1020u);
  EXPECT_EQ(got[2].timestamp, 1040u);
  EXPECT_EQ(got[3].timestamp, 1060u);
  EXPECT_EQ(got[3].payload, std::vector<uint8_t>(32, 0xDD));
  EXPECT_EQ(got[4].timestamp, 1065u);
  EXPECT_EQ(got[4].type_id, 9);
  EXPECT_EQ(got[4].stream_id, 12345u);
  EXPECT_EQ(got[4].payload, (std::vector<uint8_t>{1, 2}));
}

// Spec 5.3.1.3: type 3 continuation chunks repeat the extended timestamp.
TEST(ChunkReader, ExtendedTimestampRepeatedInType3) {
  const uint32_t ts = 0x12345678;
  std::vector<uint8_t> b = fmt0(6, ts, 200, 9, 1);
  b.resize(b.size() + 128, 1);
  b.push_back(0xC0 | 6);
  append_be32(b, ts);
  b.resize(b.size() + 72, 2);
  for (size_t slice : {size_t{1}, size_t{3}, b.size()}) {
    ChunkReader reader;
    std::vector<Received> got;
    ASSERT_EQ(read_all(reader, b, slice, got), ChunkStatus::kNeedMore);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].timestamp, ts);
    ASSERT_EQ(got[0].payload.size(), 200u);
    EXPECT_EQ(got[0].payload[127], 1);
    EXPECT_EQ(got[0].payload[128], 2);
  }
}

TEST(ChunkReader, ExtendedDeltaAndWrap) {
  std::vector<uint8_t> b = fmt0(6, 0xFFFFFFF0, 1, 9, 1);
  b.push_back(0);
  b.push_back(0x80 | 6);  // fmt 2 with an extended delta
  append_be24(b, 0xFFFFFF);
  append_be32(b, 0x01000020);
  b.push_back(0);
  b.push_back(0xC0 | 6);  // new message, fmt 3 repeats the extended delta field
  append_be32(b, 0x01000020);
  b.push_back(0);
  ChunkReader reader;
  std::vector<Received> got;
  ASSERT_EQ(read_all(reader, b, 1, got), ChunkStatus::kNeedMore);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].timestamp, 0xFFFFFFF0u);
  EXPECT_EQ(got[1].timestamp, 0x01000010u);  // modulo 2^32
  EXPECT_EQ(got[2].timestamp, 0x02000030u);
}

TEST(ChunkReader, CsidForms) {
  for (uint32_t csid : {2u, 63u, 64u, 319u, 320u, 65599u}) {
    std::vector<uint8_t> b = fmt0(csid, 7, 3, 9, 1);
    b.insert(b.end(), {1, 2, 3});
    ChunkReader reader;
    std::vector<Received> got;
    ASSERT_EQ(read_all(reader, b, 1, got), ChunkStatus::kNeedMore);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].csid, csid);
  }
}

TEST(ChunkReader, ZeroLengthMessage) {
  std::vector<uint8_t> b = fmt0(3, 0, 0, 18, 1);
  b.push_back(0xC0 | 3);
  ChunkReader reader;
  std::vector<Received> got;
  ASSERT_EQ(read_all(reader, b, b.size(), got), ChunkStatus::kNeedMore);
  EXPECT_EQ(got.size(), 2u);
}

TEST(ChunkReader, SingleChunkMessageIsZeroCopy) {
  std::vector<uint8_t> b = fmt0(4, 0, 50, 8, 1);
  b.resize(b.size() + 50, 9);
  ChunkReader reader;
  std::span<const uint8_t> in(b);
  ChunkMessage m;
  ASSERT_EQ(reader.read(in, m), ChunkStatus::kMessage);
  EXPECT_EQ(m.payload.data(), b.data() + 12);
}

TEST(ChunkReader, RejectsTypeWithoutPreviousHeader) {
  for (uint8_t first : {uint8_t{0x40 | 5}, uint8_t{0x80 | 5}, uint8_t{0xC0 | 5}}) {
    std::vector<uint8_t> b(20, 0);
    b[0] = first;
    ChunkReader reader;
    std::vector<Received> got;
    EXPECT_EQ(read_all(reader, b, b.size(), got), ChunkStatus::kError);
    EXPECT_EQ(reader.error(), ChunkError::kNoPreviousHeader);
  }
}

TEST(ChunkReader, RejectsHeaderInsideMessage) {
  std::vector<uint8_t> b = fmt0(6, 0, 300, 9, 1);
  b.resize(b.size() + 128, 0);
  const auto again = fmt0(6, 0, 300, 9, 1);
  b.insert(b.end(), again.begin(), again.end());
  ChunkReader reader;
  std::vector<Received> got;
  EXPECT_EQ(read_all(reader, b, b.size(), got), ChunkStatus::kError);
  EXPECT_EQ(reader.error(), ChunkError::kHeaderInsideMessage);
}

TEST(ChunkReader, RejectsOversizedMessageBeforeBuffering) {
  ChunkReaderLimits limits;
  limits.max_message_size = 1000;
  ChunkReader reader(limits);
  std::vector<uint8_t> b = fmt0(6, 0, 1001, 9, 1);
  std::vector<Received> got;
  EXPECT_EQ(read_all(reader, b, b.size(), got), ChunkStatus::kError);
  EXPECT_EQ(reader.error(), ChunkError::kMessageTooLarge);
  EXPECT_EQ(reader.buffered_bytes(), 0u);
  // Sticky: nothing more is parsed.
  std::span<const uint8_t> in(b);
  ChunkMessage m;
  EXPECT_EQ(reader.read(in, m), ChunkStatus::kError);
}

TEST(ChunkReader, ChunkSizeZeroAndTopBitRejected) {
  for (uint32_t bad : {0u, 0x80000000u, 0xFFFFFFFFu}) {
    std::vector<uint8_t> b = fmt0(2, 0, 4, 1, 0);
    append_be32(b, bad);
    ChunkReader reader;
    std::vector<Received> got;
    EXPECT_EQ(read_all(reader, b, b.size(), got), ChunkStatus::kError);
    EXPECT_EQ(reader.error(), ChunkError::kBadChunkSize);
  }
  std::vector<uint8_t> b = fmt0(2, 0, 2, 1, 0);
  b.insert(b.end(), {0, 1});
  ChunkReader reader;
  std::vector<Received> got;
  EXPECT_EQ(read_all(reader, b, b.size(), got), ChunkStatus::kError);
  EXPECT_EQ(reader.error(), ChunkError::kBadChunkSize);
}

TEST(ChunkReader, MaxChunkSizeAccepted) {
  ChunkReader reader;
  set_chunk_size(reader, kMaxChunkSize);
  std::vector<uint8_t> b;
  ChunkWriter(kMaxChunkSize).write({6, 1, 9, 1}, pattern(70000, 3), b);
  std::vector<Received> got;
  ASSERT_EQ(read_all(reader, b, 4096, got), ChunkStatus::kNeedMore);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].payload, pattern(70000, 3));
}

// An "endless chunk": a peer keeps starting large messages on new chunk streams and never
// finishes them. The reader must stop it by count and by bytes, not by running out of memory.
TEST(ChunkReader, EndlessPartialMessagesAreBounded) {
  ChunkReaderLimits limits;
  limits.max_partial_messages = 4;
  ChunkReader reader(limits);
  std::vector<uint8_t> b;
  for (uint32_t csid = 3; csid < 10; ++csid) {
    const auto h = fmt0(csid, 0, 1000, 9, 1);
    b.insert(b.end(), h.begin(), h.end());
    b.resize(b.size() + 128, 0);
  }
  std::vector<Received> got;
  EXPECT_EQ(read_all(reader, b, b.size(), got), ChunkStatus::kError);
  EXPECT_EQ(reader.error(), ChunkError::kTooManyPartialMessages);

  ChunkReaderLimits bytes_limit;
  bytes_limit.max_buffered_bytes = 300;
  ChunkReader reader2(bytes_limit);
  got.clear();
  EXPECT_EQ(read_all(reader2, b, 17, got), ChunkStatus::kError);
  EXPECT_EQ(reader2.error(), ChunkError::kBufferLimit);
  EXPECT_LE(reader2.buffered_bytes(), 300u);
}

TEST(ChunkReader, TooManyChunkStreams) {
  ChunkReaderLimits limits;
  limits.max_chunk_streams = 3;
  ChunkReader reader(limits);
  std::vector<uint8_t> b;
  for (uint32_t csid = 3; csid < 8; ++csid) {
    const auto h = fmt0(csid, 0, 0, 9, 1);
    b.insert(b.end(), h.begin(), h.end());
  }
  std::vector<Received> got;
  EXPECT_EQ(read_all(reader, b, b.size(), got), ChunkStatus::kError);
  EXPECT_EQ(reader.error(), ChunkError::kTooManyChunkStreams);
  EXPECT_EQ(got.size(), 3u);
}

// Spec 5.4.2: Abort Message discards the partial message of a chunk stream.
TEST(ChunkReader, AbortDropsPartialMessage) {
  std::vector<uint8_t> b = fmt0(6, 0, 300, 9, 1);
  b.resize(b.size() + 128, 0);
  append_abort(b, 6);
  const auto h = fmt0(6, 10, 3, 9, 1);
  b.insert(b.end(), h.begin(), h.end());
  b.insert(b.end(), {7, 8, 9});
  ChunkReader reader;
  std::vector<Received> got;
  ASSERT_EQ(read_all(reader, b, b.size(), got), ChunkStatus::kNeedMore);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].type_id, 2);
  EXPECT_EQ(got[1].payload, (std::vector<uint8_t>{7, 8, 9}));
  EXPECT_EQ(reader.buffered_bytes(), 0u);
  EXPECT_EQ(reader.partial_messages(), 0u);
}

TEST(ChunkReader, TruncatedInputWaits) {
  std::vector<uint8_t> b = fmt0(6, 0xFFFFFF + 5, 300, 9, 1);
  b.resize(b.size() + 100, 0);
  ChunkReader reader;
  std::vector<Received> got;
  EXPECT_EQ(read_all(reader, b, 1, got), ChunkStatus::kNeedMore);
  EXPECT_TRUE(got.empty());
  EXPECT_EQ(reader.buffered_bytes(), 100u);
}

TEST(ChunkReader, ErrorStrings) {
  EXPECT_EQ(to_string(ChunkError::kBadChunkSize), "invalid Set Chunk Size");
  EXPECT_EQ(to_string(ChunkError::kNone), "none");
}

}  // namespace
}  // namespace ringcast::rtmp
