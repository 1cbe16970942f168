#pragma once

#include <atomic>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <vector>

#include "core/io_ring.hpp"
#include "core/spsc_queue.hpp"

namespace ringcast::core {

// Work handed from one thread of the data plane to another. It runs on the receiving thread and
// may touch only that thread's objects. Control traffic and rare events travel this way, never
// per-packet work.
using CrossShardTask = std::function<void()>;

// The queues between every ordered pair of threads (the shards plus the control thread), and
// the ring descriptor of each thread so a sender can wake the receiver with IORING_OP_MSG_RING.
// Built before the threads start; after that each queue has exactly one producer and one consumer.
class CrossShardMesh {
 public:
  CrossShardMesh(size_t endpoints, size_t queue_capacity);

  size_t endpoints() const { return endpoints_; }
  SpscQueue<CrossShardTask>& queue(size_t from, size_t to) {
    return *queues_[from * endpoints_ + to];
  }

  // Each thread publishes its ring's fd after creating the ring, before anyone sends to it.
  void publish_ring_fd(size_t endpoint, int fd) {
    ring_fds_[endpoint].store(fd, std::memory_order_release);
  }
  int ring_fd(size_t endpoint) const { return ring_fds_[endpoint].load(std::memory_order_acquire); }

 private:
  size_t endpoints_;
  std::vector<std::unique_ptr<SpscQueue<CrossShardTask>>> queues_;
  std::unique_ptr<std::atomic<int>[]> ring_fds_;
};

// One thread's end of the mesh: sends tasks to other threads and runs the tasks sent to it.
// Wakes are batched: flush() queues at most one MSG_RING per target per loop turn.
class Mailbox {
 public:
  Mailbox(CrossShardMesh& mesh, size_t self);

  size_t self() const { return self_; }

  // Queues `task` to run on thread `to`. If that queue is full the task waits in a local
  // backlog and is retried on every flush(), so nothing is lost and nobody blocks.
  void send(size_t to, CrossShardTask task);

  // Retries backlogged tasks and queues one wake SQE per target that has new work.
  void flush(IoRing& ring);

  // Runs every task waiting in this thread's inbound queues. Returns how many ran.
  size_t run_inbound();

  uint64_t tasks_sent() const { return tasks_sent_; }
  uint64_t tasks_received() const { return tasks_received_; }
  uint64_t wakes_sent() const { return wakes_sent_; }
  size_t backlog() const;

 private:
  CrossShardMesh& mesh_;
  size_t self_;
  std::vector<std::deque<CrossShardTask>> backlog_;
  std::vector<bool> needs_wake_;
  uint64_t tasks_sent_ = 0;
  uint64_t tasks_received_ = 0;
  uint64_t wakes_sent_ = 0;
};

}  // namespace ringcast::core
