#include "rtmp/process_cpu.hpp"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>

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
