#pragma once

#include <cstdint>

namespace ringcast::core {

// Counts heap allocations per thread, so the packet path can prove it allocates nothing: each
// shard reports its thread's count as the `heap_allocations` counter, and tests and benchmarks
// compare it before and after a steady-state window.
//
// The count comes from jemalloc's allocation hook (experimental.hooks.install), so it sees every
// malloc, new, and allocation inside C libraries (libsrtp, OpenSSL). Where jemalloc is not the
// allocator (the sanitizer build) counting is unavailable.
class AllocationCounter {
 public:
  // Installs the hook once per process; later calls return the first result.
  static bool install();
  static bool available();
  // Allocations made so far by the calling thread (0 when unavailable), not counting those made
  // inside a ControlWork scope.
  static uint64_t thread_allocations();

  // Marks control work on a shard (a cross-shard task creating a transport, gathering stats):
  // it may allocate, and is kept out of the count so the count measures the loop's own work,
  // which is the packet path and its timers.
  class ControlWork {
   public:
    ControlWork();
    ~ControlWork();
    ControlWork(const ControlWork&) = delete;
    ControlWork& operator=(const ControlWork&) = delete;
  };
};

}  // namespace ringcast::core
