#include "floor/uring_forwarder.hpp"

#include <time.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/io_ring.hpp"
#include "core/provided_buffer_ring.hpp"
#include "core/send_buffer_pool.hpp"

namespace ringcast::bench::floor {
namespace {

constexpr uint16_t kReceiveGroup = 0;
// The data plane's stopping shard waits the same for in-flight sends (core/shard.cpp).
constexpr uint64_t kDrainDeadlineNs = 500'000'000;
// Bounds each wait so a SIGTERM that lands between the flag check and the wait is seen soon.
constexpr long long kWaitNs = 100'000'000;

uint64_t monotonic_ns() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<uint64_t>(now.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(now.tv_nsec);
}

}  // namespace

UringForwarder::UringForwarder(const FloorConfig& config, int socket_fd)
    : config_(config), socket_fd_(socket_fd) {}

void UringForwarder::run(const volatile std::sig_atomic_t& stop,
                         const std::function<void()>& on_ready) {
  core::IoRing ring(core::IoRingOptions{});
  core::ProvidedBufferRing receive_buffers(ring.get(), kReceiveGroup, config_.receive_buffers,
                                           config_.receive_buffer_size);
  core::SendBufferPool send_buffers(config_.send_buffers);
  FloorRoutes routes(config_);

  msghdr receive_header{};
  receive_header.msg_namelen = sizeof(sockaddr_in);
  bool receive_armed = false;
  bool stopping = false;
  auto arm_receive = [&] {
    io_uring_sqe* sqe = ring.next_sqe();
    io_uring_prep_recvmsg_multishot(sqe, socket_fd_, &receive_header, 0);
    sqe->flags |= IOSQE_BUFFER_SELECT;
    sqe->buf_group = kReceiveGroup;
    io_uring_sqe_set_data64(sqe, core::make_user_data(core::Op::kReceive, 0));
    receive_armed = true;
  };

  // recv -> unprotect in place -> for each consumer: copy, protect, queue sendmsg.
  auto forward = [&](uint8_t* data, size_t length) {
    if (length < 12) {
      ++counters_.rx_errors;
      return;
    }
    FloorSource* source = routes.find(rtp_ssrc(data));
    if (source == nullptr) {
      ++counters_.rx_unknown_ssrc;
      return;
    }
    if (source->srtp.unprotect_rtp({data, length}, length) != rtc::SrtpResult::kOk) {
      ++counters_.rx_srtp_failures;
      return;
    }
    for (FloorDestination& destination : routes.destinations(*source)) {
      core::SendBuffer* buffer = send_buffers.acquire();
      if (buffer == nullptr) {
        ++counters_.tx_no_buffer;
        continue;
      }
      memcpy(buffer->data, data, length);
      size_t protected_length = length;
      if (destination.srtp.protect_rtp(buffer->bytes(), protected_length) != rtc::SrtpResult::kOk) {
        ++counters_.tx_protect_failures;
        send_buffers.release(buffer);
        continue;
      }
      buffer->length = static_cast<uint32_t>(protected_length);
      buffer->iov.iov_len = protected_length;
      buffer->destination = destination.address;
      io_uring_sqe* sqe = ring.next_sqe();
      io_uring_prep_sendmsg(sqe, socket_fd_, &buffer->header, 0);
      io_uring_sqe_set_data64(sqe, core::make_user_data(core::Op::kSend, buffer->index));
    }
  };

  auto handle_receive = [&](const io_uring_cqe& cqe) {
    if (!(cqe.flags & IORING_CQE_F_MORE)) {
      receive_armed = false;
      if (!stopping) {
        arm_receive();
      }
    }
    if (cqe.res < 0) {
      if (cqe.res == -ENOBUFS) {
        ++counters_.rx_no_buffer;
      } else if (cqe.res != -ECANCELED) {
        ++counters_.rx_errors;
      }
      return;
    }
    if (!(cqe.flags & IORING_CQE_F_BUFFER)) {
      return;
    }
    const auto buffer_id = static_cast<uint16_t>(cqe.flags >> IORING_CQE_BUFFER_SHIFT);
    std::span<uint8_t> buffer = receive_buffers.buffer(buffer_id);
    io_uring_recvmsg_out* out = io_uring_recvmsg_validate(buffer.data(), cqe.res, &receive_header);
    if (out == nullptr) {
      ++counters_.rx_errors;
    } else if (out->flags & MSG_TRUNC) {
      ++counters_.rx_truncated;
    } else {
      ++counters_.rx_datagrams;
      forward(static_cast<uint8_t*>(io_uring_recvmsg_payload(out, &receive_header)),
              io_uring_recvmsg_payload_length(out, cqe.res, &receive_header));
    }
    receive_buffers.recycle(buffer_id);
  };

  auto handle_send = [&](const io_uring_cqe& cqe) {
    if (cqe.res < 0) {
      ++counters_.tx_errors;
    } else {
      ++counters_.tx_datagrams;
    }
    send_buffers.release(send_buffers.at(static_cast<uint32_t>(core::id_of(cqe.user_data))));
  };

  arm_receive();
  io_uring_submit(ring.get());
  on_ready();

  uint64_t drain_deadline = 0;
  for (;;) {
    if (stop != 0 && !stopping) {
      stopping = true;
      drain_deadline = monotonic_ns() + kDrainDeadlineNs;
      if (receive_armed) {
        io_uring_sqe* sqe = ring.next_sqe();
        io_uring_prep_cancel64(sqe, core::make_user_data(core::Op::kReceive, 0), 0);
        io_uring_sqe_set_data64(sqe, core::make_user_data(core::Op::kCancel, 0));
      }
    }
    if (stopping &&
        ((!receive_armed && send_buffers.in_flight() == 0) || monotonic_ns() >= drain_deadline)) {
      break;
    }
    // The one io_uring_enter of the turn: submit everything queued, wait for completions.
    __kernel_timespec timeout{0, stopping ? 1'000'000 : kWaitNs};
    io_uring_cqe* first = nullptr;
    io_uring_submit_and_wait_timeout(ring.get(), &first, 1, &timeout, nullptr);
    ++counters_.submits;

    unsigned head = 0;
    unsigned seen = 0;
    io_uring_cqe* cqe = nullptr;
    io_uring_for_each_cqe(ring.get(), head, cqe) {
      switch (core::op_of(cqe->user_data)) {
        case core::Op::kReceive:
          handle_receive(*cqe);
          break;
        case core::Op::kSend:
          handle_send(*cqe);
          break;
        default:
          break;
      }
      ++seen;
    }
    io_uring_cq_advance(ring.get(), seen);
    receive_buffers.commit();
    ++counters_.loop_turns;
  }
  counters_.submits += ring.early_submits();
}

}  // namespace ringcast::bench::floor
