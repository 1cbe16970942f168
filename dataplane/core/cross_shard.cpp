#include "core/cross_shard.hpp"

namespace ringcast::core {

CrossShardMesh::CrossShardMesh(size_t endpoints, size_t queue_capacity)
    : endpoints_(endpoints), ring_fds_(std::make_unique<std::atomic<int>[]>(endpoints)) {
  queues_.reserve(endpoints * endpoints);
  for (size_t i = 0; i < endpoints * endpoints; ++i) {
    queues_.push_back(std::make_unique<SpscQueue<CrossShardTask>>(queue_capacity));
  }
  for (size_t i = 0; i < endpoints; ++i) {
    ring_fds_[i].store(-1, std::memory_order_relaxed);
  }
}

Mailbox::Mailbox(CrossShardMesh& mesh, size_t self)
    : mesh_(mesh), self_(self), backlog_(mesh.endpoints()), needs_wake_(mesh.endpoints(), false) {}

void Mailbox::send(size_t to, CrossShardTask task) {
  ++tasks_sent_;
  needs_wake_[to] = true;
  // Keep order: once something is backlogged for `to`, later tasks queue behind it.
  if (backlog_[to].empty() && mesh_.queue(self_, to).try_push(std::move(task))) {
    return;
  }
  backlog_[to].push_back(std::move(task));
}

void Mailbox::flush(IoRing& ring) {
  for (size_t to = 0; to < backlog_.size(); ++to) {
    auto& pending = backlog_[to];
    while (!pending.empty() && mesh_.queue(self_, to).try_push(std::move(pending.front()))) {
      pending.pop_front();
    }
    if (!needs_wake_[to]) {
      continue;
    }
    const int target_fd = mesh_.ring_fd(to);
    if (target_fd < 0) {
      continue;  // not started yet; it drains its queues when it starts
    }
    needs_wake_[to] = !pending.empty();
    io_uring_sqe* sqe = ring.next_sqe();
    io_uring_prep_msg_ring(sqe, target_fd, 0, make_user_data(Op::kWake, self_), 0);
    // The sender has nothing to learn from a successful wake.
    sqe->flags |= IOSQE_CQE_SKIP_SUCCESS;
    io_uring_sqe_set_data64(sqe, make_user_data(Op::kCancel, 0));
    ++wakes_sent_;
  }
}

size_t Mailbox::run_inbound() {
  size_t ran = 0;
  for (size_t from = 0; from < mesh_.endpoints(); ++from) {
    auto& queue = mesh_.queue(from, self_);
    // Bounded per turn so a flood from one thread cannot starve packet handling.
    for (size_t n = 0; n < queue.capacity(); ++n) {
      auto task = queue.try_pop();
      if (!task) {
        break;
      }
      (*task)();
      ++ran;
    }
  }
  tasks_received_ += ran;
  return ran;
}

size_t Mailbox::backlog() const {
  size_t total = 0;
  for (const auto& pending : backlog_) {
    total += pending.size();
  }
  return total;
}

}  // namespace ringcast::core
