#include "core/shard.hpp"

#include "core/allocation_counter.hpp"

#include <pthread.h>
#include <sched.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace ringcast::core {
namespace {

constexpr uint16_t kReceiveBufferGroup = 0;
// Datagrams per sendmmsg call; a larger turn is sent in several calls.
constexpr size_t kSendBatch = 1024;
// How long a stopping shard waits for in-flight sends before it leaves anyway.
constexpr uint64_t kDrainDeadlineMs = 500;

uint64_t monotonic_ns() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<uint64_t>(now.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(now.tv_nsec);
}

}  // namespace

Shard::Shard(const DataplaneConfig& config, CrossShardMesh& mesh, ShardSetup setup)
    : config_(config), mesh_(mesh), setup_(setup) {}

Shard::~Shard() = default;

uint64_t Shard::now_ms() const { return (monotonic_ns() - start_ns_) / 1'000'000; }

void Shard::prepare() {
  cpu_set_t cpus;
  CPU_ZERO(&cpus);
  CPU_SET(setup_.core, &cpus);
  if (int error = pthread_setaffinity_np(pthread_self(), sizeof cpus, &cpus); error != 0) {
    throw std::runtime_error(fmt::format("shard {}: cannot pin to core {}: {}", setup_.index,
                                         setup_.core, strerror(error)));
  }
  pthread_setname_np(pthread_self(), fmt::format("shard-{}", setup_.index).c_str());

  start_ns_ = monotonic_ns();
  IoRingOptions options;
  options.sqpoll = config_.sqpoll;
  options.sqpoll_cpu = static_cast<int>(setup_.core);
  ring_ = std::make_unique<IoRing>(options);
  ring_features_ = ring_->features();
  receive_buffers_ = std::make_unique<ProvidedBufferRing>(
      ring_->get(), kReceiveBufferGroup, config_.receive_buffers, config_.receive_buffer_size);
  ring_features_.push_back("provided_buffer_ring");
  ring_features_.push_back("recvmsg_multishot");
  send_buffers_ = std::make_unique<SendBufferPool>(config_.send_buffers);
  if (config_.send_mode == DataplaneConfig::SendMode::kSendmmsg) {
    pending_sends_.reserve(kSendBatch);
    send_headers_.resize(kSendBatch);
    ring_features_.push_back("sendmmsg_sends");
  } else {
    ring_features_.push_back("sendmsg_sqes");
  }
  timers_ = std::make_unique<TimerWheel>(0);
  mailbox_ = std::make_unique<Mailbox>(mesh_, setup_.mailbox_endpoint);
  mesh_.publish_ring_fd(setup_.mailbox_endpoint, ring_->fd());

  receive_header_.msg_namelen = sizeof(sockaddr_in);
  receive_header_.msg_controllen = 0;
  arm_receive();
}

void Shard::arm_receive() {
  io_uring_sqe* sqe = ring_->next_sqe();
  io_uring_prep_recvmsg_multishot(sqe, setup_.udp_socket, &receive_header_, 0);
  sqe->flags |= IOSQE_BUFFER_SELECT;
  sqe->buf_group = kReceiveBufferGroup;
  io_uring_sqe_set_data64(sqe, make_user_data(Op::kReceive, 0));
  receive_armed_ = true;
}

void Shard::run() {
  uint64_t drain_deadline = 0;
  for (;;) {
    if (stopping_) {
      const bool drained = !receive_armed_ && send_buffers_->in_flight() == 0;
      if (drained || now_ms() >= drain_deadline) {
        break;
      }
    }
    {
      // Wakes and backlog for tasks this shard sent: control traffic, not the packet path.
      AllocationCounter::ControlWork control_work;
      mailbox_->flush(*ring_);
    }
    flush_sends();
    wait_for_completions();

    unsigned head = 0;
    unsigned seen = 0;
    io_uring_cqe* cqe = nullptr;
    io_uring_for_each_cqe(ring_->get(), head, cqe) {
      handle_completion(*cqe);
      ++seen;
    }
    io_uring_cq_advance(ring_->get(), seen);
    counters_.completions += seen;
    receive_buffers_->commit();

    const bool was_stopping = stopping_;
    {
      AllocationCounter::ControlWork control_work;
      counters_.cross_shard_tasks_received += mailbox_->run_inbound();
    }
    if (stopping_ && !was_stopping) {
      drain_deadline = now_ms() + kDrainDeadlineMs;
      if (receive_armed_) {
        io_uring_sqe* sqe = ring_->next_sqe();
        io_uring_prep_cancel64(sqe, make_user_data(Op::kReceive, 0), 0);
        io_uring_sqe_set_data64(sqe, make_user_data(Op::kCancel, 0));
      }
    }
    counters_.timers_fired += timers_->advance(now_ms());
    for (CompletionHandler* handler : completion_handlers_) {
      handler->on_turn_end();
    }
    ++counters_.loop_turns;
  }
  // Anything still queued for other threads goes out with a final submit.
  flush_sends();
  mailbox_->flush(*ring_);
  io_uring_submit(ring_->get());
}

void Shard::wait_for_completions() {
  // One io_uring_enter per turn: it submits everything queued since the last turn (sends,
  // re-arms, wakes) and waits for at least one completion or the next timer.
  __kernel_timespec timeout{};
  __kernel_timespec* timeout_ptr = nullptr;
  std::optional<uint64_t> next_timer = timers_->next_expiry_in_ticks();
  if (stopping_) {
    next_timer = 1;
  }
  if (next_timer) {
    timeout.tv_sec = static_cast<long long>(*next_timer / 1000);
    timeout.tv_nsec = static_cast<long long>((*next_timer % 1000) * 1'000'000);
    timeout_ptr = &timeout;
  }
  io_uring_cqe* cqe = nullptr;
  int result = timeout_ptr != nullptr
                   ? io_uring_submit_and_wait_timeout(ring_->get(), &cqe, 1, timeout_ptr, nullptr)
                   : io_uring_submit_and_wait(ring_->get(), 1);
  ++counters_.submits;
  counters_.early_submits = ring_->early_submits();
  if (result < 0 && result != -ETIME && result != -EINTR && result != -EBUSY) {
    spdlog::error("shard {}: io_uring_enter: {}", setup_.index, strerror(-result));
  }
}

void Shard::handle_completion(const io_uring_cqe& cqe) {
  switch (op_of(cqe.user_data)) {
    case Op::kReceive:
      handle_receive(cqe);
      break;
    case Op::kSend:
      handle_send(cqe);
      break;
    case Op::kModule: {
      const uint64_t id = id_of(cqe.user_data);
      const auto slot = static_cast<size_t>(id >> 40);
      if (slot < completion_handlers_.size()) {
        completion_handlers_[slot]->on_completion(cqe, id & ((uint64_t{1} << 40) - 1));
      }
      break;
    }
    case Op::kWake:
    case Op::kCancel:
      // A wake only interrupts the wait; inbound queues are drained every turn.
      break;
    default:
      spdlog::warn("shard {}: completion for unknown operation {:#x}", setup_.index, cqe.user_data);
      break;
  }
}

void Shard::handle_receive(const io_uring_cqe& cqe) {
  if (!(cqe.flags & IORING_CQE_F_MORE)) {
    // The multishot receive ended (out of buffers, an error, or our cancel): re-arm unless
    // stopping.
    receive_armed_ = false;
    if (!stopping_) {
      ++counters_.rx_rearms;
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
  std::span<uint8_t> buffer = receive_buffers_->buffer(buffer_id);
  io_uring_recvmsg_out* out = io_uring_recvmsg_validate(buffer.data(), cqe.res, &receive_header_);
  if (out == nullptr) {
    ++counters_.rx_errors;
  } else if (out->flags & MSG_TRUNC) {
    ++counters_.rx_truncated;
  } else {
    auto* payload = static_cast<uint8_t*>(io_uring_recvmsg_payload(out, &receive_header_));
    const unsigned length = io_uring_recvmsg_payload_length(out, cqe.res, &receive_header_);
    sockaddr_in from{};
    memcpy(&from, io_uring_recvmsg_name(out), std::min<size_t>(out->namelen, sizeof from));
    ++counters_.rx_datagrams;
    counters_.rx_bytes += length;
    if (datagram_handler_ != nullptr) {
      datagram_handler_->on_datagram({payload, length}, from);
    } else {
      ++counters_.rx_unhandled;
    }
  }
  receive_buffers_->recycle(buffer_id);
}

SendBuffer* Shard::acquire_send_buffer() {
  SendBuffer* buffer = send_buffers_->acquire();
  if (buffer == nullptr) {
    ++counters_.tx_no_buffer;
  }
  return buffer;
}

void Shard::send(SendBuffer* buffer) {
  buffer->iov.iov_len = buffer->length;
  if (!send_headers_.empty()) {
    pending_sends_.push_back(buffer);
    if (pending_sends_.size() == kSendBatch) {
      flush_sends();
    }
    return;
  }
  io_uring_sqe* sqe = ring_->next_sqe();
  io_uring_prep_sendmsg(sqe, setup_.udp_socket, &buffer->header, 0);
  io_uring_sqe_set_data64(sqe, make_user_data(Op::kSend, buffer->index));
}

void Shard::flush_sends() {
  const size_t count = pending_sends_.size();
  if (count == 0) {
    return;
  }
  for (size_t i = 0; i < count; ++i) {
    send_headers_[i].msg_hdr = pending_sends_[i]->header;
    send_headers_[i].msg_len = 0;
  }
  size_t done = 0;
  while (done < count) {
    const int sent = sendmmsg(setup_.udp_socket, send_headers_.data() + done,
                              static_cast<unsigned>(count - done), MSG_DONTWAIT);
    ++counters_.send_syscalls;
    if (sent < 0) {
      if (errno == EINTR) {
        continue;
      }
      // The first datagram failed (a full socket buffer, or an error for its destination):
      // count it and carry on with the rest, as the kernel would for separate sends.
      ++counters_.tx_errors;
      ++done;
      continue;
    }
    for (size_t i = done; i < done + static_cast<size_t>(sent); ++i) {
      ++counters_.tx_datagrams;
      counters_.tx_bytes += send_headers_[i].msg_len;
    }
    done += static_cast<size_t>(sent);
  }
  // The kernel copied every datagram: the buffers are free again.
  for (SendBuffer* buffer : pending_sends_) {
    send_buffers_->release(buffer);
  }
  pending_sends_.clear();
}

void Shard::handle_send(const io_uring_cqe& cqe) {
  SendBuffer* buffer = send_buffers_->at(static_cast<uint32_t>(id_of(cqe.user_data)));
  if (cqe.res < 0) {
    ++counters_.tx_errors;
  } else {
    ++counters_.tx_datagrams;
    counters_.tx_bytes += static_cast<uint64_t>(cqe.res);
  }
  send_buffers_->release(buffer);
}

void Shard::request_stop() { stopping_ = true; }

void Shard::teardown() {
  mesh_.publish_ring_fd(setup_.mailbox_endpoint, -1);
  // Modules first: they may own registered buffers or in-flight state tied to the ring.
  while (!modules_.empty()) {
    modules_.pop_back();
  }
  datagram_handler_ = nullptr;
  completion_handlers_.clear();
  counter_sources_.clear();
  receive_buffers_.reset();
  ring_.reset();
}

uint16_t Shard::register_completion_handler(CompletionHandler* handler) {
  completion_handlers_.push_back(handler);
  return static_cast<uint16_t>(completion_handlers_.size() - 1);
}

void Shard::add_counter_source(const CounterSource* source) { counter_sources_.push_back(source); }

void Shard::remove_counter_source(const CounterSource* source) {
  std::erase(counter_sources_, source);
}

void Shard::visit_counters(const CounterVisitor& visit) const {
  ShardCounters snapshot = counters_;
  snapshot.cross_shard_tasks_sent = mailbox_->tasks_sent();
  snapshot.cross_shard_wakes_sent = mailbox_->wakes_sent();
  snapshot.for_each([&](std::string_view name, uint64_t value) { visit(name, value); });
  // Read on the shard's own thread (GetStats runs here), so it is this shard's count.
  if (AllocationCounter::available()) {
    visit("heap_allocations", AllocationCounter::thread_allocations());
  }
  for (const CounterSource* source : counter_sources_) {
    source->visit_counters(visit);
  }
}

}  // namespace ringcast::core
