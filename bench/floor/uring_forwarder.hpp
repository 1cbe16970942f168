#pragma once

#include <csignal>
#include <functional>

#include "floor/floor_config.hpp"
#include "floor/floor_routes.hpp"

namespace ringcast::bench::floor {

// The floor on io_uring, in the shape of the data plane's shard loop (core/shard.cpp): one
// multishot recvmsg over a provided-buffer ring, every completion of a turn handled, every
// resulting sendmsg queued as an SQE from the send pool, one io_uring_enter per turn.
class UringForwarder {
 public:
  UringForwarder(const FloorConfig& config, int socket_fd);

  // Runs on the calling thread until `stop` becomes non-zero; calls `on_ready` once receiving.
  void run(const volatile std::sig_atomic_t& stop, const std::function<void()>& on_ready);

  const FloorCounters& counters() const { return counters_; }

 private:
  const FloorConfig& config_;
  int socket_fd_;
  FloorCounters counters_;
};

}  // namespace ringcast::bench::floor
