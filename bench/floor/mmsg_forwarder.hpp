#pragma once

#include <csignal>
#include <functional>

#include "floor/floor_config.hpp"
#include "floor/floor_routes.hpp"

namespace ringcast::bench::floor {

// The floor on classic batched syscalls: poll, one recvmmsg per batch of up to kReceiveBatch
// datagrams, the same SRTP work, and one sendmmsg per batch (split at UIO_MAXIOV messages).
// Exists so the benchmark shows whether io_uring beats recvmmsg/sendmmsg on this machine.
class MmsgForwarder {
 public:
  static constexpr unsigned kReceiveBatch = 64;
  static constexpr unsigned kSendBatch = 1024;  // UIO_MAXIOV: sendmmsg's limit per call

  MmsgForwarder(const FloorConfig& config, int socket_fd);

  void run(const volatile std::sig_atomic_t& stop, const std::function<void()>& on_ready);

  const FloorCounters& counters() const { return counters_; }

 private:
  const FloorConfig& config_;
  int socket_fd_;
  FloorCounters counters_;
};

}  // namespace ringcast::bench::floor
