#include "tool/measure.hpp"

#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <cmath>

namespace ringcast::bench {
namespace {

double seconds(const timeval& tv) {
  return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
}

}  // namespace

ClockSample sample_clocks() {
  timespec cpu{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu);
  ClockSample sample;
  sample.cpu = std::chrono::seconds(cpu.tv_sec) + std::chrono::nanoseconds(cpu.tv_nsec);
  sample.wall = std::chrono::steady_clock::now();
  return sample;
}

Elapsed elapsed_since(const ClockSample& start) {
  const ClockSample end = sample_clocks();
  Elapsed elapsed;
  elapsed.wall_us = std::chrono::duration<double, std::micro>(end.wall - start.wall).count();
  elapsed.cpu_us = std::chrono::duration<double, std::micro>(end.cpu - start.cpu).count();
  return elapsed;
}

ProcessUsage process_usage() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return ProcessUsage{seconds(usage.ru_utime), seconds(usage.ru_stime)};
}

double median(std::vector<double> values) {
  if (values.empty()) {
    return std::nan("");
  }
  std::sort(values.begin(), values.end());
  const size_t mid = values.size() / 2;
  return values.size() % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

}  // namespace ringcast::bench
