#include "floor/mmsg_forwarder.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "core/send_buffer_pool.hpp"

namespace ringcast::bench::floor {
namespace {

constexpr int kPollMs = 100;
// How long a full socket send buffer may hold up one flush before the rest is dropped.
constexpr int kSendBlockedMs = 10;

struct alignas(64) Slot {
  uint8_t data[core::SendBuffer::kCapacity];
};

}  // namespace

MmsgForwarder::MmsgForwarder(const FloorConfig& config, int socket_fd)
    : config_(config), socket_fd_(socket_fd) {}

void MmsgForwarder::run(const volatile std::sig_atomic_t& stop,
                        const std::function<void()>& on_ready) {
  FloorRoutes routes(config_);
  // Everything is allocated once here; the loop allocates nothing.
  auto receive_slots = std::make_unique<Slot[]>(kReceiveBatch);
  auto receive_iov = std::make_unique<iovec[]>(kReceiveBatch);
  auto receive_messages = std::make_unique<mmsghdr[]>(kReceiveBatch);
  auto send_slots = std::make_unique<Slot[]>(kSendBatch);
  auto send_iov = std::make_unique<iovec[]>(kSendBatch);
  auto send_messages = std::make_unique<mmsghdr[]>(kSendBatch);
  for (unsigned i = 0; i < kReceiveBatch; ++i) {
    receive_iov[i] = {receive_slots[i].data, sizeof receive_slots[i].data};
  }
  for (unsigned i = 0; i < kSendBatch; ++i) {
    send_iov[i].iov_base = send_slots[i].data;
    send_messages[i].msg_hdr.msg_iov = &send_iov[i];
    send_messages[i].msg_hdr.msg_iovlen = 1;
    send_messages[i].msg_hdr.msg_namelen = sizeof(sockaddr_in);
  }
  unsigned queued = 0;

  auto flush = [&] {
    unsigned sent = 0;
    unsigned failed = 0;
    while (sent < queued) {
      const int result = sendmmsg(socket_fd_, &send_messages[sent], queued - sent, 0);
      if (result > 0) {
        sent += static_cast<unsigned>(result);
        continue;
      }
      if (result < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        pollfd writable{socket_fd_, POLLOUT, 0};
        if (poll(&writable, 1, kSendBlockedMs) > 0) {
          continue;
        }
      } else if (result < 0 && errno == EINTR) {
        continue;
      }
      // An error on one message: count it and go on with the next.
      ++failed;
      ++sent;
    }
    counters_.tx_errors += failed;
    counters_.tx_datagrams += queued - failed;
    queued = 0;
  };

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
      if (queued == kSendBatch) {
        flush();
      }
      uint8_t* out = send_slots[queued].data;
      memcpy(out, data, length);
      size_t protected_length = length;
      if (destination.srtp.protect_rtp({out, sizeof send_slots[queued].data}, protected_length) !=
          rtc::SrtpResult::kOk) {
        ++counters_.tx_protect_failures;
        continue;
      }
      send_iov[queued].iov_len = protected_length;
      send_messages[queued].msg_hdr.msg_name = &destination.address;
      ++queued;
    }
  };

  on_ready();
  bool maybe_more = false;
  while (stop == 0) {
    if (!maybe_more) {
      pollfd readable{socket_fd_, POLLIN, 0};
      if (poll(&readable, 1, kPollMs) <= 0) {
        continue;
      }
    }
    for (unsigned i = 0; i < kReceiveBatch; ++i) {
      receive_messages[i].msg_hdr = {};
      receive_messages[i].msg_hdr.msg_iov = &receive_iov[i];
      receive_messages[i].msg_hdr.msg_iovlen = 1;
    }
    const int received =
        recvmmsg(socket_fd_, receive_messages.get(), kReceiveBatch, MSG_DONTWAIT, nullptr);
    ++counters_.submits;
    ++counters_.loop_turns;
    if (received <= 0) {
      if (received < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        ++counters_.rx_errors;
      }
      maybe_more = false;
      continue;
    }
    // A full batch suggests more are waiting: skip the poll next turn.
    maybe_more = static_cast<unsigned>(received) == kReceiveBatch;
    for (int i = 0; i < received; ++i) {
      if (receive_messages[i].msg_hdr.msg_flags & MSG_TRUNC) {
        ++counters_.rx_truncated;
        continue;
      }
      ++counters_.rx_datagrams;
      forward(receive_slots[i].data, receive_messages[i].msg_len);
    }
    flush();
  }
  flush();
}

}  // namespace ringcast::bench::floor
