#pragma once

#include <liburing.h>

#include <cstdint>
#include <string>
#include <vector>

namespace ringcast::core {

// What an io_uring completion is for: the top byte of user_data says which kind of operation,
// the rest identifies the object (a connection id, a send buffer index, ...).
enum class Op : uint8_t {
  kWake = 1,        // MSG_RING from another thread: inbound cross-shard queues have work
  kReceive = 2,     // multishot recvmsg on the shard's UDP socket
  kSend = 3,        // sendmsg of a send buffer
  kAccept = 4,      // multishot accept on a listening socket
  kStreamRecv = 5,  // recv on a stream connection
  kStreamSend = 6,  // send on a stream connection
  kSignal = 7,      // read of the signalfd
  kCancel = 8,      // an async cancel; its completion carries nothing we need
  kModule = 9,      // owned by a module registered with Shard::register_completion_handler
};

constexpr uint64_t make_user_data(Op op, uint64_t id) {
  return (uint64_t{static_cast<uint8_t>(op)} << 56) | (id & ((uint64_t{1} << 56) - 1));
}
constexpr Op op_of(uint64_t user_data) { return static_cast<Op>(user_data >> 56); }
constexpr uint64_t id_of(uint64_t user_data) { return user_data & ((uint64_t{1} << 56) - 1); }

struct IoRingOptions {
  unsigned entries = 4096;
  unsigned cq_entries = 16384;
  bool sqpoll = false;
  // Pins the SQPOLL kernel thread next to the shard; -1 leaves it unpinned.
  int sqpoll_cpu = -1;
};

// One io_uring, set up with the strongest flags the kernel accepts. Must be created on the
// thread that will submit to it: SINGLE_ISSUER binds the ring to its creating task.
class IoRing {
 public:
  explicit IoRing(const IoRingOptions& options);
  ~IoRing();
  IoRing(const IoRing&) = delete;
  IoRing& operator=(const IoRing&) = delete;

  io_uring* get() { return &ring_; }
  int fd() const { return ring_.ring_fd; }

  // Returns a free SQE, submitting what is queued first if the SQ is full (rare: the SQ is
  // sized for a full loop turn). Counts such early submits.
  io_uring_sqe* next_sqe();
  uint64_t early_submits() const { return early_submits_; }

  // The setup features the kernel accepted, e.g. {"single_issuer", "defer_taskrun"}.
  const std::vector<std::string>& features() const { return features_; }

 private:
  io_uring ring_{};
  std::vector<std::string> features_;
  uint64_t early_submits_ = 0;
};

}  // namespace ringcast::core
