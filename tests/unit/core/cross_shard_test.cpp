#include "core/cross_shard.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "core/io_ring.hpp"

namespace ringcast::core {
namespace {

IoRingOptions small_ring() {
  IoRingOptions options;
  options.entries = 64;
  options.cq_entries = 256;
  return options;
}

// Submits queued wakes and waits on `ring` for a completion or `timeout_ms`, consuming what came.
void submit_and_wait(IoRing& ring, int timeout_ms) {
  __kernel_timespec timeout{};
  timeout.tv_nsec = timeout_ms * 1'000'000LL;
  io_uring_cqe* cqe = nullptr;
  io_uring_submit_and_wait_timeout(ring.get(), &cqe, 1, &timeout, nullptr);
  unsigned head = 0;
  unsigned seen = 0;
  io_uring_for_each_cqe(ring.get(), head, cqe) { ++seen; }
  io_uring_cq_advance(ring.get(), seen);
}

// Thread A sends tasks to thread B; B runs each on its own thread, in order, and answers with a
// task back to A. Both sleep in io_uring waits between turns and are woken by IORING_OP_MSG_RING.
// More tasks than a queue holds exercise the backlog.
TEST(CrossShard, TasksRoundTripInOrderBetweenTwoRings) {
  constexpr int kTasks = 5000;
  CrossShardMesh mesh(2, 64);
  std::atomic<Mailbox*> b_mailbox{nullptr};
  std::atomic<bool> a_done{false};
  std::thread::id b_thread;
  int ran_on_b = 0;  // touched only on B
  int answered = 0;  // touched only on A

  std::thread b([&] {
    IoRing ring(small_ring());
    Mailbox mailbox(mesh, 1);
    b_thread = std::this_thread::get_id();
    mesh.publish_ring_fd(1, ring.fd());
    b_mailbox = &mailbox;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!a_done && std::chrono::steady_clock::now() < deadline) {
      mailbox.flush(ring);
      submit_and_wait(ring, 100);
      mailbox.run_inbound();
    }
    mesh.publish_ring_fd(1, -1);
  });
  while (b_mailbox == nullptr) {
    std::this_thread::yield();
  }

  IoRing ring(small_ring());
  Mailbox mailbox(mesh, 0);
  mesh.publish_ring_fd(0, ring.fd());
  for (int i = 0; i < kTasks; ++i) {
    mailbox.send(1, [&, i] {
      EXPECT_EQ(std::this_thread::get_id(), b_thread);
      EXPECT_EQ(ran_on_b++, i) << "tasks run in the order they were sent";
      b_mailbox.load()->send(0, [&answered] { ++answered; });
    });
  }
  EXPECT_GT(mailbox.backlog(), 0u) << "5000 tasks cannot fit a 64-slot queue at once";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (answered < kTasks && std::chrono::steady_clock::now() < deadline) {
    mailbox.flush(ring);
    submit_and_wait(ring, 100);
    mailbox.run_inbound();
  }
  a_done = true;
  b.join();
  EXPECT_EQ(ran_on_b, kTasks);
  EXPECT_EQ(answered, kTasks);
  EXPECT_EQ(mailbox.backlog(), 0u);
  EXPECT_GT(mailbox.wakes_sent(), 0u);
  EXPECT_EQ(mailbox.tasks_received(), static_cast<uint64_t>(kTasks));
}

}  // namespace
}  // namespace ringcast::core
