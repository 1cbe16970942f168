#pragma once

#include <cstdint>

namespace ringcast::core {

// A shard's own counters: plain integers, written only by the shard's thread and read by it
// when GetStats asks (through the cross-shard queue), so no atomics are needed.
// Names are the ones GetStats, ringcastctl and docs/architecture.md use.
struct ShardCounters {
  uint64_t loop_turns = 0;
  uint64_t submits = 0;        // io_uring_enter calls that submitted and waited
  uint64_t early_submits = 0;  // extra submits because the SQ filled mid-turn
  uint64_t completions = 0;
  uint64_t rx_datagrams = 0;
  uint64_t rx_bytes = 0;
  uint64_t rx_no_buffer = 0;  // the provided-buffer ring ran dry (ENOBUFS)
  uint64_t rx_truncated = 0;  // datagram larger than a receive buffer
  uint64_t rx_errors = 0;
  uint64_t rx_unhandled = 0;  // datagrams no handler claimed
  uint64_t rx_rearms = 0;     // multishot receive re-armed after it ended
  uint64_t tx_datagrams = 0;
  uint64_t tx_bytes = 0;
  uint64_t tx_errors = 0;
  uint64_t tx_no_buffer = 0;   // send pool exhausted: packet dropped
  uint64_t send_syscalls = 0;  // sendmmsg calls (send_mode = "sendmmsg")
  uint64_t timers_fired = 0;
  uint64_t cross_shard_tasks_received = 0;
  uint64_t cross_shard_tasks_sent = 0;
  uint64_t cross_shard_wakes_sent = 0;

  template <typename Visitor>
  void for_each(Visitor&& visit) const {
    visit("loop_turns", loop_turns);
    visit("submits", submits);
    visit("early_submits", early_submits);
    visit("completions", completions);
    visit("rx_datagrams", rx_datagrams);
    visit("rx_bytes", rx_bytes);
    visit("rx_no_buffer", rx_no_buffer);
    visit("rx_truncated", rx_truncated);
    visit("rx_errors", rx_errors);
    visit("rx_unhandled", rx_unhandled);
    visit("rx_rearms", rx_rearms);
    visit("tx_datagrams", tx_datagrams);
    visit("tx_bytes", tx_bytes);
    visit("tx_errors", tx_errors);
    visit("tx_no_buffer", tx_no_buffer);
    visit("send_syscalls", send_syscalls);
    visit("send_syscalls", send_syscalls);
    visit("timers_fired", timers_fired);
    visit("cross_shard_tasks_received", cross_shard_tasks_received);
    visit("cross_shard_tasks_sent", cross_shard_tasks_sent);
    visit("cross_shard_wakes_sent", cross_shard_wakes_sent);
  }
};

}  // namespace ringcast::core
