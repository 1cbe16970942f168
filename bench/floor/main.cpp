// ringcast-floor: the minimal SRTP forwarder the SFU benchmark compares the data plane against.
// See docs/benchmarks.md (sfu-fanout).
#include <pthread.h>
#include <sched.h>
#include <signal.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "core/allocation_counter.hpp"
#include "floor/floor_config.hpp"
#include "floor/mmsg_forwarder.hpp"
#include "floor/uring_forwarder.hpp"
#include "net/socket.hpp"

namespace {

volatile std::sig_atomic_t g_stop = 0;

void on_stop_signal(int) { g_stop = 1; }

void print_counters(const ringcast::bench::floor::FloorCounters& counters) {
  nlohmann::json json;
  counters.for_each([&](const char* name, uint64_t value) { json[name] = value; });
  std::printf("%s\n", json.dump().c_str());
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"ringcast-floor: minimal SRTP fan-out forwarder (the sfu-fanout benchmark's floor)"};
  std::string config_path;
  std::string ready_file;
  std::string io_override;
  app.add_option("--config", config_path, "JSON configuration written by ringcast-bench")
      ->required();
  app.add_option("--ready-file", ready_file, "Created once the floor receives");
  app.add_option("--io", io_override, "uring or sendmmsg (overrides the config)");
  CLI11_PARSE(app, argc, argv);

  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  // No SA_RESTART: a signal interrupts the wait, so the loop sees the flag at once.
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);

  using namespace ringcast::bench::floor;
  try {
    FloorConfig config = load_floor_config(config_path);
    if (!io_override.empty()) {
      config.io = floor_io_from_string(io_override);
    }
    if (config.core >= 0) {
      cpu_set_t cpus;
      CPU_ZERO(&cpus);
      CPU_SET(config.core, &cpus);
      if (int error = pthread_setaffinity_np(pthread_self(), sizeof cpus, &cpus); error != 0) {
        std::fprintf(stderr, "ringcast-floor: cannot pin to core %d: %s\n", config.core,
                     strerror(error));
        return 1;
      }
    }
    ringcast::net::SocketResult socket = ringcast::net::open_udp_socket(config.ip, config.port);
    if (!socket.ok()) {
      std::fprintf(stderr, "ringcast-floor: %s\n", socket.error.c_str());
      return 1;
    }
    ringcast::core::AllocationCounter::install();
    uint64_t allocations_at_ready = 0;
    auto ready = [&] {
      allocations_at_ready = ringcast::core::AllocationCounter::thread_allocations();
      if (!ready_file.empty()) {
        std::ofstream(ready_file) << "ready\n";
      }
    };
    if (config.io == FloorIo::kUring) {
      UringForwarder forwarder(config, socket.fd.get());
      forwarder.run(g_stop, ready);
      FloorCounters counters = forwarder.counters();
      counters.heap_allocations =
          ringcast::core::AllocationCounter::thread_allocations() - allocations_at_ready;
      print_counters(counters);
    } else {
      MmsgForwarder forwarder(config, socket.fd.get());
      forwarder.run(g_stop, ready);
      FloorCounters counters = forwarder.counters();
      counters.heap_allocations =
          ringcast::core::AllocationCounter::thread_allocations() - allocations_at_ready;
      print_counters(counters);
    }
  } catch (const std::exception& error) {
    std::fprintf(stderr, "ringcast-floor: %s\n", error.what());
    return 1;
  }
  return 0;
}
