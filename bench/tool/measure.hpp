#pragma once

#include <chrono>
#include <vector>

namespace ringcast::bench {

// A point in wall-clock time and in the calling thread's CPU time. CPU time tells whether a wall
// figure was inflated by waiting for a core (another process on a small shared machine).
//
// The thread CPU clock is CLOCK_THREAD_CPUTIME_ID (the scheduler's exact runtime), not
// getrusage(RUSAGE_THREAD): getrusage's user/system split is sampled at timer ticks and, here,
// advanced in lumps (0 us for one 100 us interval, 785 us for another), which is right over
// seconds but useless per batch of packets. getrusage serves the whole-process totals below.
struct ClockSample {
  std::chrono::steady_clock::time_point wall;
  std::chrono::nanoseconds cpu{0};
};

ClockSample sample_clocks();

struct Elapsed {
  double wall_us = 0;
  double cpu_us = 0;

  Elapsed& operator+=(const Elapsed& other) {
    wall_us += other.wall_us;
    cpu_us += other.cpu_us;
    return *this;
  }
};

Elapsed elapsed_since(const ClockSample& start);

// User and system CPU seconds of the whole process so far (getrusage(RUSAGE_SELF)).
struct ProcessUsage {
  double user_s = 0;
  double system_s = 0;
};

ProcessUsage process_usage();

// Median of `values` (the mean of the middle two for an even count); NaN when empty. Benchmarks
// report medians of several runs so one disturbed run does not move the figure.
double median(std::vector<double> values);

}  // namespace ringcast::bench
