#pragma once

// The CPU time of the servers the RTMP benchmark starts, read from /proc with their children
// included (nginx's worker is a child of its master). Starting them is bench::ChildProcess
// (bench/tool/dataplane_process.hpp).

#include <sched.h>
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ringcast::bench::rtmp {

struct CpuTicks {
  uint64_t user = 0;
  uint64_t system = 0;
  uint64_t total() const { return user + system; }
};

// utime and stime of one /proc/PID/stat line in clock ticks (proc(5) fields 14 and 15); nullopt
// when the line is malformed. The command name (field 2) may contain spaces and parentheses, so
// fields are counted from the last ')'.
std::optional<CpuTicks> stat_cpu_ticks(std::string_view stat_line);

// User and system CPU seconds (every thread) of a process and all its descendants so far.
struct CpuSeconds {
  double user = 0;
  double system = 0;
  double total() const { return user + system; }
};

// From /proc; nullopt when `pid` is gone.
std::optional<CpuSeconds> process_tree_cpu(pid_t pid);

}  // namespace ringcast::bench::rtmp
