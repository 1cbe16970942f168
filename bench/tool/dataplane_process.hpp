#pragma once

// What the data plane benchmarks (sfu-fanout, dtls-handshakes) share: a child process pinned
// like the bench was before it moved off the server cores, a private temporary directory, the
// server's CPU and run delay from /proc, and a ringcast-dataplane started from a temporary config
// with its control socket in that directory.

#include <netinet/in.h>
#include <sched.h>
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "control_client.hpp"

namespace ringcast::bench {

// A child process started with `affinity` (the data plane checks its configured cores against its
// own affinity), its stdout and stderr appended to `output`. Stopped with SIGTERM (then SIGKILL)
// when it goes out of scope. Every benchmark that starts a server or a tool uses this one.
class ChildProcess {
 public:
  // Forks and execs argv[0] (a path). Throws std::runtime_error when fork fails; an exec failure
  // shows as exit code 127.
  ChildProcess(const std::vector<std::string>& argv, const cpu_set_t& affinity,
               const std::filesystem::path& output);
  ~ChildProcess() { stop(); }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  // True once the process has exited (reaped).
  bool exited();
  // Waits up to `timeout` for the process to exit by itself; returns its exit code, or nullopt
  // after stopping it on timeout (or when a signal ended it).
  std::optional<int> wait(std::chrono::milliseconds timeout);
  // SIGTERM, up to `timeout` for the process to exit, then SIGKILL. Returns whether it exited
  // without SIGKILL.
  bool stop(std::chrono::milliseconds timeout = std::chrono::seconds(5));

 private:
  pid_t pid_ = -1;
  int status_ = 0;
};

// A private temporary directory, removed with everything in it.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// The affinity the process has now.
cpu_set_t process_affinity();

// Server CPU (user + system, all threads) of `pid` so far, in µs (/proc/PID/stat).
std::optional<double> process_cpu_us(pid_t pid);

// Total time the threads of `pid` spent runnable but waiting for a core, in µs (schedstat).
std::optional<double> process_run_delay_us(pid_t pid);

uint16_t free_udp_port();
std::string tail_of(const std::filesystem::path& path);
sockaddr_in ipv4(const std::string& ip, uint32_t port);

// Sends `request` and throws std::runtime_error naming `what` if the response is an error.
control::Response call_checked(proto::ControlClient& client, const control::Request& request,
                               const char* what);

// The data plane's shard counters summed over shards (GetStats).
std::map<std::string, uint64_t> shard_counters(proto::ControlClient& client);

// ringcast-dataplane (from `bin`) on `cores`, listening on 127.0.0.1 at a free port base, its
// config, control socket and log in `dir`. The constructor returns once the control socket
// answers; throws std::runtime_error with the log's tail otherwise.
class DataplaneProcess {
 public:
  DataplaneProcess(const std::filesystem::path& bin, const std::vector<int>& cores,
                   const cpu_set_t& affinity, const std::filesystem::path& dir);

  const std::filesystem::path& socket() const { return socket_; }
  pid_t pid() const { return process_->pid(); }
  std::string log_tail() const { return tail_of(log_); }
  // Returns whether it exited on SIGTERM (false: it needed SIGKILL).
  bool stop() { return process_->stop(); }

 private:
  std::filesystem::path socket_;
  std::filesystem::path log_;
  std::optional<ChildProcess> process_;
};

}  // namespace ringcast::bench
