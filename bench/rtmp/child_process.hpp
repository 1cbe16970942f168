#pragma once

// The servers and the encoder the RTMP benchmark starts: a child process with a chosen CPU
// affinity and its output in a file, stopped with SIGTERM (SIGKILL after a timeout) when it goes
// out of scope, and its CPU time read from /proc, children included (nginx's worker is a child of
// its master).

#include <sched.h>
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ringcast::bench::rtmp {

class ChildProcess {
 public:
  // Forks and execs argv[0] (a path) with `affinity`, stdout and stderr appended to `output`.
  // Throws std::runtime_error when fork fails; an exec failure shows as exit code 127.
  ChildProcess(const std::vector<std::string>& argv, const cpu_set_t& affinity,
               const std::filesystem::path& output);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  // True once the process has exited (reaped).
  bool exited();
  // Waits up to `timeout` for the process to exit by itself; returns its exit code, or nullopt
  // after killing it on timeout (or when a signal ended it).
  std::optional<int> wait(std::chrono::milliseconds timeout);
  // SIGTERM, up to `timeout` for the process to exit, then SIGKILL. Returns whether it exited
  // without SIGKILL.
  bool stop(std::chrono::milliseconds timeout = std::chrono::seconds(5));

 private:
  pid_t pid_ = -1;
  int status_ = 0;
};

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
