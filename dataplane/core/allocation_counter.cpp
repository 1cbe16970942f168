#include "core/allocation_counter.hpp"

#include <cstddef>
#include <mutex>

// Declared weak so that binaries without jemalloc (the sanitizer build, unit tests) still link
// and simply report counting as unavailable.
extern "C" int mallctl(const char* name, void* oldp, size_t* oldlenp, void* newp, size_t newlen)
    __attribute__((weak));

namespace ringcast::core {
namespace {

// The layout jemalloc 5.x expects for experimental.hooks.install (jemalloc/internal/hook.h); it
// is not in the public header.
using HookAlloc = void (*)(void* extra, int type, void* result, uintptr_t result_raw,
                           uintptr_t args_raw[3]);
using HookDalloc = void (*)(void* extra, int type, void* address, uintptr_t args_raw[3]);
using HookExpand = void (*)(void* extra, int type, void* address, size_t old_usize,
                            size_t new_usize, uintptr_t result_raw, uintptr_t args_raw[4]);
struct JemallocHooks {
  HookAlloc alloc_hook;
  HookDalloc dalloc_hook;
  HookExpand expand_hook;
  void* extra;
};

thread_local uint64_t allocations_on_this_thread = 0;
thread_local unsigned control_work_depth = 0;
bool installed = false;

void count_allocation(void*, int, void*, uintptr_t, uintptr_t*) {
  if (control_work_depth == 0) {
    ++allocations_on_this_thread;
  }
}

}  // namespace

bool AllocationCounter::install() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (mallctl == nullptr) {
      return;
    }
    JemallocHooks hooks{count_allocation, nullptr, nullptr, nullptr};
    void* handle = nullptr;
    size_t handle_size = sizeof handle;
    installed =
        mallctl("experimental.hooks.install", &handle, &handle_size, &hooks, sizeof hooks) == 0;
  });
  return installed;
}

bool AllocationCounter::available() { return installed; }

uint64_t AllocationCounter::thread_allocations() { return allocations_on_this_thread; }

AllocationCounter::ControlWork::ControlWork() { ++control_work_depth; }

AllocationCounter::ControlWork::~ControlWork() { --control_work_depth; }

}  // namespace ringcast::core
