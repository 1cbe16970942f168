// SrtpSession protect/unprotect cost per suite and packet size, through the same wrapper the
// packet path uses. Packets are prepared in batches with the clock paused, so the figures are
// the crypto call alone (no copy into the send buffer); ringcast-bench srtp gives the
// per-packet figure against Debian's NSS build.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "rtc/srtp_session.hpp"

namespace {

using ringcast::rtc::SrtpDirection;
using ringcast::rtc::SrtpResult;
using ringcast::rtc::SrtpSession;
using ringcast::rtc::SrtpSuite;

constexpr size_t kBatch = 512;
constexpr size_t kSlot = 1536;  // a send-buffer slot: MTU-sized packet plus trailer, aligned

SrtpSession make(SrtpSuite suite, SrtpDirection direction) {
  std::vector<uint8_t> master(ringcast::rtc::srtp_master_length(suite));
  for (size_t i = 0; i < master.size(); ++i) {
    master[i] = static_cast<uint8_t>(0x5a ^ i);
  }
  auto session = SrtpSession::create(suite, direction, master);
  if (!session) {
    std::abort();
  }
  return std::move(*session);
}

// RFC 3550 §5.1 header with sequence number `seq`, then a payload up to `size` bytes.
void write_rtp(uint8_t* slot, size_t size, uint32_t seq) {
  std::memset(slot, 0xA5, size);
  slot[0] = 0x80;
  slot[1] = 96;
  slot[2] = static_cast<uint8_t>(seq >> 8);
  slot[3] = static_cast<uint8_t>(seq);
  std::memset(slot + 4, 0, 4);
  slot[8] = 0x12;
  slot[9] = 0x34;
  slot[10] = 0x56;
  slot[11] = 0x78;
}

void BM_SrtpProtectRtp(benchmark::State& state, SrtpSuite suite) {
  const size_t size = static_cast<size_t>(state.range(0));
  SrtpSession sender = make(suite, SrtpDirection::kOutbound);
  std::vector<uint8_t> slots(kBatch * kSlot);
  uint32_t seq = 0;
  size_t next = kBatch;
  for (auto _ : state) {
    if (next == kBatch) {
      state.PauseTiming();
      for (size_t i = 0; i < kBatch; ++i) {
        write_rtp(&slots[i * kSlot], size, seq++);
      }
      next = 0;
      state.ResumeTiming();
    }
    size_t length = size;
    const SrtpResult result = sender.protect_rtp({&slots[next * kSlot], kSlot}, length);
    benchmark::DoNotOptimize(result);
    ++next;
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * size));
}

void BM_SrtpUnprotectRtp(benchmark::State& state, SrtpSuite suite) {
  const size_t size = static_cast<size_t>(state.range(0));
  SrtpSession sender = make(suite, SrtpDirection::kOutbound);
  SrtpSession receiver = make(suite, SrtpDirection::kInbound);
  std::vector<uint8_t> slots(kBatch * kSlot);
  std::vector<size_t> lengths(kBatch);
  uint32_t seq = 0;
  size_t next = kBatch;
  for (auto _ : state) {
    if (next == kBatch) {
      state.PauseTiming();
      for (size_t i = 0; i < kBatch; ++i) {
        write_rtp(&slots[i * kSlot], size, seq++);
        lengths[i] = size;
        if (sender.protect_rtp({&slots[i * kSlot], kSlot}, lengths[i]) != SrtpResult::kOk) {
          std::abort();
        }
      }
      next = 0;
      state.ResumeTiming();
    }
    const SrtpResult result = receiver.unprotect_rtp({&slots[next * kSlot], kSlot}, lengths[next]);
    if (result != SrtpResult::kOk) {
      state.SkipWithError("unprotect failed");
      break;
    }
    ++next;
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * size));
}

// Names read BM_SrtpProtectRtp/<suite>/<packet bytes>.
BENCHMARK_CAPTURE(BM_SrtpProtectRtp, cm, SrtpSuite::kAesCm128HmacSha1_80)
    ->Arg(100)
    ->Arg(500)
    ->Arg(1200);
BENCHMARK_CAPTURE(BM_SrtpProtectRtp, gcm, SrtpSuite::kAeadAes128Gcm)->Arg(100)->Arg(500)->Arg(1200);
BENCHMARK_CAPTURE(BM_SrtpUnprotectRtp, cm, SrtpSuite::kAesCm128HmacSha1_80)
    ->Arg(100)
    ->Arg(500)
    ->Arg(1200);
BENCHMARK_CAPTURE(BM_SrtpUnprotectRtp, gcm, SrtpSuite::kAeadAes128Gcm)
    ->Arg(100)
    ->Arg(500)
    ->Arg(1200);

}  // namespace
