#include "rtmp/flv_publisher.hpp"

#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "rtmp/flv_loop.hpp"

namespace ringcast::bench::rtmp {
namespace {

// Blocking calls wake up this often to notice stop().
constexpr int kPollSliceMs = 50;
constexpr uint64_t kMaxSleepSliceNs = 50'000'000;

uint64_t monotonic_ns() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<uint64_t>(now.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(now.tv_nsec);
}

SessionOptions session_options(const PublisherOptions& options) {
  SessionOptions session;
  session.role = SessionRole::kPublish;
  session.app = options.app;
  session.tc_url = options.tc_url;
  session.stream_key = options.stream_key;
  session.chunk_size = options.chunk_size;
  return session;
}

}  // namespace

FlvPublisher::FlvPublisher(const FlvFile& file, PublisherOptions options)
    : file_(file), options_(std::move(options)), session_(session_options(options_)) {}

FlvPublisher::~FlvPublisher() { stop(); }

double FlvPublisher::media_bits_per_second() const {
  return FlvLoop(file_).media_bits_per_second();
}

std::string FlvPublisher::failure() const {
  return failed_.load(std::memory_order_acquire) ? failure_ : std::string();
}

bool FlvPublisher::send_all(const std::vector<uint8_t>& bytes) {
  size_t offset = 0;
  while (offset < bytes.size()) {
    const ssize_t sent = ::send(fd_, bytes.data() + offset, bytes.size() - offset, MSG_NOSIGNAL);
    if (sent > 0) {
      offset += static_cast<size_t>(sent);
      continue;
    }
    if (sent < 0 && errno == EINTR) {
      continue;
    }
    if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      // The server is not reading (SO_SNDTIMEO expired): keep trying unless told to stop.
      if (stop_.load(std::memory_order_relaxed)) {
        return false;
      }
      continue;
    }
    failure_ = std::string("send: ") + (sent == 0 ? "connection closed" : strerror(errno));
    return false;
  }
  return true;
}

// Reads whatever the server sent without blocking and feeds it to the session (its
// acknowledgements, pings, status messages). Returns false when the connection is gone.
bool FlvPublisher::drain_input(std::vector<uint8_t>& out) {
  uint8_t buffer[16384];
  for (;;) {
    const ssize_t got = ::recv(fd_, buffer, sizeof buffer, MSG_DONTWAIT);
    if (got > 0) {
      session_.feed({buffer, static_cast<size_t>(got)}, out);
      if (session_.failed()) {
        failure_ = "session: " + session_.error();
        return false;
      }
      continue;
    }
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
      return true;
    }
    failure_ = got == 0 ? "server closed the connection" : std::string("recv: ") + strerror(errno);
    return false;
  }
}

void FlvPublisher::start(std::chrono::milliseconds timeout) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    throw std::runtime_error(std::string("publisher socket: ") + strerror(errno));
  }
  const int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  // Bounded blocking: stop() is noticed within a slice even if the server stops reading.
  timeval slice{0, kPollSliceMs * 1000};
  setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &slice, sizeof slice);
  if (::connect(fd_, reinterpret_cast<const sockaddr*>(&options_.server), sizeof options_.server) !=
      0) {
    throw std::runtime_error(std::string("publisher connect: ") + strerror(errno));
  }
  std::vector<uint8_t> out;
  session_.start(out);
  const uint64_t deadline = monotonic_ns() + static_cast<uint64_t>(timeout.count()) * 1'000'000ull;
  while (!session_.active()) {
    if (!out.empty()) {
      if (!send_all(out)) {
        throw std::runtime_error("publisher: " + failure_);
      }
      out.clear();
    }
    const uint64_t now = monotonic_ns();
    if (now >= deadline) {
      throw std::runtime_error("publisher: no NetStream.Publish.Start within the timeout");
    }
    pollfd poll_fd{fd_, POLLIN, 0};
    ::poll(&poll_fd, 1, kPollSliceMs);
    if (!drain_input(out)) {
      throw std::runtime_error("publisher: " + failure_);
    }
  }
  if (!out.empty() && !send_all(out)) {
    throw std::runtime_error("publisher: " + failure_);
  }
  thread_ = std::thread([this] { run(); });
}

void FlvPublisher::run() {
  if (options_.core >= 0) {
    cpu_set_t cpus;
    CPU_ZERO(&cpus);
    CPU_SET(options_.core, &cpus);
    pthread_setaffinity_np(pthread_self(), sizeof cpus, &cpus);
  }
  auto give_up = [this] { failed_.store(true, std::memory_order_release); };
  FlvLoop loop(file_);
  std::vector<uint8_t> out;
  const uint64_t start_ns = monotonic_ns();
  uint64_t max_lag_ms = 0;
  while (!stop_.load(std::memory_order_relaxed)) {
    const ScheduledTag next = loop.next();
    const uint64_t due = start_ns + next.timestamp_ms * 1'000'000ull;
    for (uint64_t now = monotonic_ns(); now < due; now = monotonic_ns()) {
      if (stop_.load(std::memory_order_relaxed)) {
        return;
      }
      const uint64_t wake = std::min(due, now + kMaxSleepSliceNs);
      timespec until{static_cast<time_t>(wake / 1'000'000'000ull),
                     static_cast<long>(wake % 1'000'000'000ull)};
      clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, nullptr);
    }
    const uint64_t lag_ms = (monotonic_ns() - due) / 1'000'000ull;
    if (lag_ms > max_lag_ms) {
      max_lag_ms = lag_ms;
      max_lag_ms_.store(lag_ms, std::memory_order_relaxed);
    }
    out.clear();
    const FlvTag& tag = *next.tag;
    if (tag.type == kFlvScript) {
      session_.append_metadata(file_.payload(tag), out);
    } else {
      // RTMP timestamps are 32-bit milliseconds; a run would need 49 days to wrap.
      session_.append_media(tag.type, static_cast<uint32_t>(next.timestamp_ms), file_.payload(tag),
                            out);
    }
    if (!send_all(out)) {
      give_up();
      return;
    }
    if (tag.type != kFlvScript) {
      media_bytes_sent_.fetch_add(tag.size, std::memory_order_relaxed);
    }
    out.clear();
    if (!drain_input(out) || (!out.empty() && !send_all(out))) {
      give_up();
      return;
    }
  }
}

void FlvPublisher::stop() {
  stop_.store(true, std::memory_order_relaxed);
  if (thread_.joinable()) {
    thread_.join();
  }
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

}  // namespace ringcast::bench::rtmp
