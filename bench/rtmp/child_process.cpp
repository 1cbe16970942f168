#include "rtmp/child_process.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace ringcast::bench::rtmp {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::optional<CpuTicks> own_cpu_ticks(pid_t pid) {
  const std::string text = read_file("/proc/" + std::to_string(pid) + "/stat");
  if (text.empty()) {
    return std::nullopt;
  }
  return stat_cpu_ticks(text);
}

// Children of every thread of `pid` (/proc/PID/task/TID/children, Linux 3.5+ with
// CONFIG_PROC_CHILDREN, which Debian kernels have).
std::vector<pid_t> children_of(pid_t pid) {
  std::vector<pid_t> children;
  std::error_code ignored;
  const std::filesystem::path tasks = "/proc/" + std::to_string(pid) + "/task";
  for (const auto& task : std::filesystem::directory_iterator(tasks, ignored)) {
    std::istringstream list(read_file((task.path() / "children").string()));
    for (pid_t child = 0; list >> child;) {
      children.push_back(child);
    }
  }
  return children;
}

}  // namespace

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const cpu_set_t& affinity,
                           const std::filesystem::path& output) {
  pid_ = fork();
  if (pid_ < 0) {
    throw std::runtime_error(std::string("fork: ") + strerror(errno));
  }
  if (pid_ == 0) {
    sched_setaffinity(0, sizeof affinity, &affinity);
    if (FILE* out = std::freopen(output.c_str(), "a", stdout); out != nullptr) {
      dup2(fileno(out), STDERR_FILENO);
    }
    std::vector<char*> args;
    for (const std::string& arg : argv) {
      args.push_back(const_cast<char*>(arg.c_str()));
    }
    args.push_back(nullptr);
    execv(args[0], args.data());
    std::fprintf(stderr, "exec %s: %s\n", args[0], strerror(errno));
    _exit(127);
  }
}

ChildProcess::~ChildProcess() { stop(); }

bool ChildProcess::exited() {
  if (pid_ <= 0) {
    return true;
  }
  if (waitpid(pid_, &status_, WNOHANG) == pid_) {
    pid_ = -1;
    return true;
  }
  return false;
}

std::optional<int> ChildProcess::wait(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!exited()) {
    if (std::chrono::steady_clock::now() > deadline) {
      stop(std::chrono::seconds(2));
      return std::nullopt;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (WIFEXITED(status_)) {
    return WEXITSTATUS(status_);
  }
  return std::nullopt;
}

bool ChildProcess::stop(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) {
    return true;
  }
  kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (exited()) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, &status_, 0);
  pid_ = -1;
  return false;
}

std::optional<CpuTicks> stat_cpu_ticks(std::string_view stat_line) {
  const size_t close = stat_line.rfind(')');
  if (close == std::string_view::npos) {
    return std::nullopt;
  }
  std::istringstream fields{std::string(stat_line.substr(close + 1))};
  std::string field;
  CpuTicks ticks;
  int index = 3;  // the field after ')' is field 3 (state)
  for (; index <= 15 && fields >> field; ++index) {
    if (index == 14 || index == 15) {
      char* end = nullptr;
      const unsigned long long value = std::strtoull(field.c_str(), &end, 10);
      if (end == field.c_str() || *end != '\0') {
        return std::nullopt;
      }
      (index == 14 ? ticks.user : ticks.system) = value;
    }
  }
  if (index <= 15) {
    return std::nullopt;
  }
  return ticks;
}

std::optional<CpuSeconds> process_tree_cpu(pid_t pid) {
  const std::optional<CpuTicks> own = own_cpu_ticks(pid);
  if (!own) {
    return std::nullopt;
  }
  CpuTicks ticks = *own;
  // nginx has two levels at most (master, workers); the walk stays bounded anyway.
  std::vector<pid_t> frontier = children_of(pid);
  for (size_t depth = 0; depth < 4 && !frontier.empty(); ++depth) {
    std::vector<pid_t> next;
    for (pid_t child : frontier) {
      if (std::optional<CpuTicks> child_ticks = own_cpu_ticks(child)) {
        ticks.user += child_ticks->user;
        ticks.system += child_ticks->system;
      }
      for (pid_t grandchild : children_of(child)) {
        next.push_back(grandchild);
      }
    }
    frontier = std::move(next);
  }
  const auto per_second = double(sysconf(_SC_CLK_TCK));
  return CpuSeconds{double(ticks.user) / per_second, double(ticks.system) / per_second};
}

}  // namespace ringcast::bench::rtmp
