#include "core/io_ring.hpp"

#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

namespace ringcast::core {

IoRing::IoRing(const IoRingOptions& options) {
  struct Attempt {
    unsigned flags;
    std::vector<std::string> features;
  };
  // Strongest first. DEFER_TASKRUN runs completion work only when this thread asks for events,
  // so no other context interrupts the shard; the kernel accepts it only with SINGLE_ISSUER and
  // not with SQPOLL. COOP_TASKRUN is the fallback that still avoids IPIs.
  std::vector<Attempt> attempts;
  if (options.sqpoll) {
    unsigned sqpoll_flags =
        IORING_SETUP_SQPOLL | (options.sqpoll_cpu >= 0 ? IORING_SETUP_SQ_AFF : 0);
    attempts.push_back({sqpoll_flags | IORING_SETUP_SINGLE_ISSUER, {"sqpoll", "single_issuer"}});
    attempts.push_back({sqpoll_flags, {"sqpoll"}});
  }
  attempts.push_back({IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN,
                      {"single_issuer", "defer_taskrun"}});
  attempts.push_back(
      {IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_COOP_TASKRUN, {"single_issuer", "coop_taskrun"}});
  attempts.push_back({IORING_SETUP_COOP_TASKRUN, {"coop_taskrun"}});
  attempts.push_back({0, {}});

  int last_error = 0;
  for (const Attempt& attempt : attempts) {
    io_uring_params params{};
    params.flags = attempt.flags | IORING_SETUP_CQSIZE | IORING_SETUP_SUBMIT_ALL;
    params.cq_entries = options.cq_entries;
    if (attempt.flags & IORING_SETUP_SQPOLL) {
      params.sq_thread_idle = 100;
      params.sq_thread_cpu =
          options.sqpoll_cpu >= 0 ? static_cast<unsigned>(options.sqpoll_cpu) : 0;
    }
    last_error = io_uring_queue_init_params(options.entries, &ring_, &params);
    if (last_error == 0) {
      features_ = attempt.features;
      if (params.features & IORING_FEAT_EXT_ARG) {
        features_.push_back("ext_arg");
      }
      return;
    }
  }
  throw std::runtime_error(fmt::format("io_uring_queue_init failed: {}", strerror(-last_error)));
}

IoRing::~IoRing() { io_uring_queue_exit(&ring_); }

io_uring_sqe* IoRing::next_sqe() {
  io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
  if (sqe == nullptr) {
    ++early_submits_;
    io_uring_submit(&ring_);
    sqe = io_uring_get_sqe(&ring_);
  }
  return sqe;
}

}  // namespace ringcast::core
