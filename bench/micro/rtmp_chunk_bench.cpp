// RTMP chunk stream hot path: decoding what ffmpeg (128-byte chunks) and OBS (4096) publish, and
// encoding one video message for fan-out.

#include <benchmark/benchmark.h>

#include <cstdint>
#include <span>
#include <vector>

#include "rtmp/chunk_reader.hpp"
#include "rtmp/chunk_writer.hpp"
#include "rtmp/protocol_control.hpp"

namespace {

using namespace ringcast::rtmp;

// One second of a 4.5 Mbit/s publish: 30 video frames (one 60 KB keyframe, the rest 15 KB) and
// 47 AAC frames of 370 bytes, interleaved as encoders do, encoded with the given chunk size.
std::vector<uint8_t> publish_stream(uint32_t chunk_size) {
  std::vector<uint8_t> out;
  if (chunk_size != kDefaultChunkSize) {
    append_set_chunk_size(out, chunk_size);
  }
  ChunkWriter writer(chunk_size);
  std::vector<uint8_t> key(60000, 0x17);
  std::vector<uint8_t> inter(15000, 0x27);
  std::vector<uint8_t> audio(370, 0xAF);
  uint32_t audio_ts = 0;
  for (uint32_t f = 0; f < 30; ++f) {
    const uint32_t ts = f * 33;
    writer.write({6, ts, 9, 1}, f == 0 ? key : inter, out);
    while (audio_ts <= ts) {
      writer.write({4, audio_ts, 8, 1}, audio, out);
      audio_ts += 21;
    }
  }
  return out;
}

void read_stream(benchmark::State& state, uint32_t chunk_size, size_t recv_size) {
  const auto bytes = publish_stream(chunk_size);
  uint64_t messages = 0;
  for (auto _ : state) {
    ChunkReader reader;
    for (size_t off = 0; off < bytes.size(); off += recv_size) {
      std::span<const uint8_t> in(bytes.data() + off, std::min(recv_size, bytes.size() - off));
      ChunkMessage m;
      while (reader.read(in, m) == ChunkStatus::kMessage) {
        benchmark::DoNotOptimize(m.payload.data());
        ++messages;
      }
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes.size()));
  state.counters["messages/s"] =
      benchmark::Counter(static_cast<double>(messages), benchmark::Counter::kIsRate);
}

// 16 KiB reads, a typical provided-buffer size.
void BM_ChunkReader_Chunk128(benchmark::State& state) { read_stream(state, 128, 16384); }
void BM_ChunkReader_Chunk4096(benchmark::State& state) { read_stream(state, 4096, 16384); }
// Worst case of small TCP segments: 1448-byte reads.
void BM_ChunkReader_Chunk128_SmallReads(benchmark::State& state) { read_stream(state, 128, 1448); }

void BM_ChunkWriter_Video10K(benchmark::State& state) {
  const ChunkWriter writer(static_cast<uint32_t>(state.range(0)));
  const std::vector<uint8_t> payload(10 * 1024, 0x27);
  const MessageHeader header{7, 123456, 9, 1};
  std::vector<uint8_t> buffer(writer.encoded_size(header, payload.size()));
  for (auto _ : state) {
    benchmark::DoNotOptimize(writer.write(header, payload, std::span<uint8_t>(buffer)));
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * payload.size()));
}

}  // namespace

BENCHMARK(BM_ChunkReader_Chunk128);
BENCHMARK(BM_ChunkReader_Chunk4096);
BENCHMARK(BM_ChunkReader_Chunk128_SmallReads);
BENCHMARK(BM_ChunkWriter_Video10K)->Arg(128)->Arg(4096);
