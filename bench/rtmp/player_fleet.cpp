#include "rtmp/player_fleet.hpp"

#include <netinet/tcp.h>
#include <pthread.h>
#include <sched.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>

#include "core/io_ring.hpp"
#include "core/provided_buffer_ring.hpp"
#include "rtmp/load_session.hpp"

namespace ringcast::bench::rtmp {
namespace {

constexpr uint16_t kReceiveGroup = 0;
// 64 MiB of receive buffers: at 6 Gbit/s that is ~85 ms of data, far more than one loop turn
// holds, and 32 KiB per completion keeps the completion rate per byte low.
constexpr uint32_t kReceiveBuffers = 2048;
constexpr uint32_t kReceiveBufferSize = 32768;
// The longest the loop sleeps without completions, so window edges are taken on time.
constexpr uint64_t kMaxWaitNs = 20'000'000;
constexpr size_t kMaxErrors = 5;
// A player only assembles messages to find commands and media boundaries; big keyframes need not
// keep their buffer between messages (memory for thousands of players matters more).
constexpr size_t kRetainedAssemblyBytes = 64 * 1024;

// What a completion is for (the top byte of user_data); the rest is the player index.
enum class FleetOp : uint8_t { kConnect = 1, kReceive = 2, kSend = 3 };

uint64_t user_data(FleetOp op, uint32_t player) {
  return (uint64_t{static_cast<uint8_t>(op)} << 56) | player;
}

uint64_t monotonic_ns() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<uint64_t>(now.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(now.tv_nsec);
}

uint64_t thread_cpu_ns() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<uint64_t>(now.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(now.tv_nsec);
}

enum class Phase : uint8_t { kIdle, kConnecting, kSetup, kPlaying, kClosed };

struct Player {
  int fd = -1;
  Phase phase = Phase::kIdle;
  std::optional<LoadSession> session;
  // Bytes being sent (at most one send in flight per player) and bytes queued behind them.
  std::vector<uint8_t> sending;
  size_t send_offset = 0;
  bool send_in_flight = false;
  std::vector<uint8_t> pending;
  // Counters at the window's start.
  uint64_t start_wire = 0;
  uint64_t start_media = 0;
  uint64_t start_gaps = 0;
};

}  // namespace

PlayerFleet::PlayerFleet(FleetOptions options) : options_(std::move(options)) {
  if (options_.players == 0 || options_.concurrency == 0) {
    throw std::invalid_argument("player fleet: players and concurrency must be positive");
  }
}

FleetResult PlayerFleet::run(const WindowEdge& edge) {
  if (options_.core >= 0) {
    cpu_set_t cpus;
    CPU_ZERO(&cpus);
    CPU_SET(options_.core, &cpus);
    if (int error = pthread_setaffinity_np(pthread_self(), sizeof cpus, &cpus); error != 0) {
      throw std::runtime_error(
          fmt::format("player fleet: cannot pin to core {}: {}", options_.core, strerror(error)));
    }
  }
  FleetResult result;
  result.players = options_.players;
  std::vector<Player> players(options_.players);

  SessionOptions session_options;
  session_options.role = SessionRole::kPlay;
  session_options.app = options_.app;
  session_options.tc_url = options_.tc_url;
  session_options.stream_key = options_.stream_key;
  session_options.gaps = options_.gaps;
  session_options.limits.retained_buffer_capacity = kRetainedAssemblyBytes;

  auto note_error = [&](const std::string& reason) {
    if (result.errors.size() < kMaxErrors &&
        std::find(result.errors.begin(), result.errors.end(), reason) == result.errors.end()) {
      result.errors.push_back(reason);
    }
  };

  {
    // Everything that references the ring is created on this thread (SINGLE_ISSUER) and goes away
    // before the sockets are closed below, which cancels the multishot receives.
    core::IoRingOptions ring_options;
    ring_options.entries = 4096;
    ring_options.cq_entries = 65536;
    core::IoRing ring(ring_options);
    core::ProvidedBufferRing buffers(ring.get(), kReceiveGroup, kReceiveBuffers,
                                     kReceiveBufferSize);

    uint32_t started = 0;
    uint32_t in_setup = 0;  // connecting or between handshake and Play.Start
    uint32_t playing = 0;

    auto arm_receive = [&](uint32_t index) {
      io_uring_sqe* sqe = ring.next_sqe();
      io_uring_prep_recv_multishot(sqe, players[index].fd, nullptr, 0, 0);
      sqe->flags |= IOSQE_BUFFER_SELECT;
      sqe->buf_group = kReceiveGroup;
      io_uring_sqe_set_data64(sqe, user_data(FleetOp::kReceive, index));
    };
    auto submit_send = [&](uint32_t index) {
      Player& player = players[index];
      io_uring_sqe* sqe = ring.next_sqe();
      io_uring_prep_send(sqe, player.fd, player.sending.data() + player.send_offset,
                         player.sending.size() - player.send_offset, MSG_NOSIGNAL);
      io_uring_sqe_set_data64(sqe, user_data(FleetOp::kSend, index));
      player.send_in_flight = true;
    };
    // Moves queued bytes into flight when nothing is being sent.
    auto flush = [&](uint32_t index) {
      Player& player = players[index];
      if (player.send_in_flight || player.pending.empty() || player.phase == Phase::kClosed) {
        return;
      }
      player.sending.swap(player.pending);
      player.pending.clear();
      player.send_offset = 0;
      submit_send(index);
    };
    auto close_player = [&](uint32_t index, const std::string& reason) {
      Player& player = players[index];
      if (player.phase == Phase::kClosed) {
        return;
      }
      if (player.phase == Phase::kPlaying) {
        --playing;
      } else if (player.phase == Phase::kConnecting || player.phase == Phase::kSetup) {
        --in_setup;
      }
      player.phase = Phase::kClosed;
      ++result.failed;
      note_error(reason);
      // Ends the multishot receive (it completes with 0); the descriptor is closed at the end,
      // when nothing in the ring can refer to it any more.
      ::shutdown(player.fd, SHUT_RDWR);
    };
    auto open_player = [&](uint32_t index) {
      Player& player = players[index];
      player.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      ++in_setup;
      player.phase = Phase::kConnecting;
      if (player.fd < 0) {
        player.phase = Phase::kIdle;
        close_player(index, std::string("socket: ") + strerror(errno));
        return;
      }
      const int one = 1;
      setsockopt(player.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      player.session.emplace(session_options);
      io_uring_sqe* sqe = ring.next_sqe();
      io_uring_prep_connect(sqe, player.fd, reinterpret_cast<const sockaddr*>(&options_.server),
                            sizeof options_.server);
      io_uring_sqe_set_data64(sqe, user_data(FleetOp::kConnect, index));
    };
    auto on_connect = [&](uint32_t index, int res) {
      Player& player = players[index];
      if (res < 0) {
        close_player(index, std::string("connect: ") + strerror(-res));
        return;
      }
      player.phase = Phase::kSetup;
      player.session->start(player.pending);
      flush(index);
      arm_receive(index);
    };
    auto on_receive = [&](uint32_t index, const io_uring_cqe& cqe) {
      Player& player = players[index];
      if (cqe.res > 0 && (cqe.flags & IORING_CQE_F_BUFFER)) {
        const auto buffer_id = static_cast<uint16_t>(cqe.flags >> IORING_CQE_BUFFER_SHIFT);
        if (player.phase == Phase::kSetup || player.phase == Phase::kPlaying) {
          const std::span<uint8_t> bytes =
              buffers.buffer(buffer_id).first(static_cast<size_t>(cqe.res));
          const SessionState state = player.session->feed(bytes, player.pending);
          if (state == SessionState::kFailed) {
            close_player(index, player.session->error());
          } else if (state == SessionState::kActive && player.phase == Phase::kSetup) {
            player.phase = Phase::kPlaying;
            --in_setup;
            ++playing;
          }
        }
        buffers.recycle(buffer_id);
        flush(index);
      }
      if (cqe.flags & IORING_CQE_F_MORE) {
        return;
      }
      if (player.phase == Phase::kClosed) {
        return;
      }
      if (cqe.res == -ENOBUFS) {
        // The load thread fell behind and every buffer was taken: the kernel ended the multishot
        // receive; the bytes wait in the socket, so nothing is lost by re-arming.
        ++result.rx_no_buffer;
        arm_receive(index);
      } else if (cqe.res == 0) {
        close_player(index, "server closed the connection");
      } else if (cqe.res < 0) {
        close_player(index, std::string("recv: ") + strerror(-cqe.res));
      } else {
        arm_receive(index);
      }
    };
    auto on_send = [&](uint32_t index, int res) {
      Player& player = players[index];
      player.send_in_flight = false;
      if (player.phase == Phase::kClosed) {
        return;
      }
      if (res < 0) {
        close_player(index, std::string("send: ") + strerror(-res));
        return;
      }
      player.send_offset += static_cast<size_t>(res);
      if (player.send_offset < player.sending.size()) {
        submit_send(index);
        return;
      }
      player.sending.clear();
      flush(index);
    };

    const uint64_t ramp_start = monotonic_ns();
    const uint64_t ramp_deadline = ramp_start + options_.ramp_timeout_ns;
    uint64_t window_start = 0;  // 0 while ramping
    uint64_t window_end = 0;
    bool window_open = false;
    uint64_t window_start_taken = 0;
    uint64_t cpu_at_start = 0;

    for (;;) {
      uint64_t now = monotonic_ns();
      if (window_start == 0) {
        while (started < options_.players && in_setup < options_.concurrency &&
               now < ramp_deadline) {
          open_player(started++);
        }
        if ((started == options_.players && in_setup == 0) || now >= ramp_deadline) {
          result.ramp_seconds = double(now - ramp_start) / 1e9;
          window_start = now + options_.warmup_ns;
          window_end = window_start + options_.window_ns;
        }
      }
      if (window_start != 0 && !window_open && now >= window_start) {
        for (Player& player : players) {
          if (player.session) {
            player.start_wire = player.session->bytes_received();
            player.start_media = player.session->media_bytes();
            player.start_gaps = player.session->gaps().gaps();
          }
        }
        result.playing_at_window_start = playing;
        window_open = true;
        window_start_taken = monotonic_ns();
        cpu_at_start = thread_cpu_ns();
        edge(true);
      }
      if (window_open && now >= window_end) {
        edge(false);
        const uint64_t taken = monotonic_ns();
        result.window_seconds = double(taken - window_start_taken) / 1e9;
        result.generator_cpu_ratio =
            double(thread_cpu_ns() - cpu_at_start) / double(taken - window_start_taken);
        result.playing_at_window_end = playing;
        result.media_bytes.reserve(players.size());
        for (Player& player : players) {
          if (!player.session) {
            result.media_bytes.push_back(0);
            continue;
          }
          if (player.phase == Phase::kConnecting) {
            ++result.stuck_connecting;
          } else if (player.phase == Phase::kSetup) {
            switch (player.session->state()) {
              case SessionState::kHandshake:
                ++result.stuck_handshake;
                break;
              case SessionState::kConnecting:
                ++result.stuck_connect;
                break;
              case SessionState::kCreatingStream:
                ++result.stuck_create_stream;
                break;
              default:
                ++result.stuck_play;
                break;
            }
          }
          const LoadSession& session = *player.session;
          result.media_bytes.push_back(session.media_bytes() - player.start_media);
          result.wire_bytes += session.bytes_received() - player.start_wire;
          const uint64_t gaps = session.gaps().gaps() - player.start_gaps;
          result.gaps += gaps;
          result.players_with_gaps += gaps > 0 ? 1 : 0;
          result.acknowledgements += session.acknowledgements_sent();
        }
        break;
      }

      uint64_t wake = now + kMaxWaitNs;
      if (window_start != 0) {
        wake = std::min(wake, window_open ? window_end : window_start);
      }
      now = monotonic_ns();
      const uint64_t wait_ns = wake > now ? wake - now : 0;
      __kernel_timespec timeout{};
      timeout.tv_sec = static_cast<long long>(wait_ns / 1'000'000'000ull);
      timeout.tv_nsec = static_cast<long long>(wait_ns % 1'000'000'000ull);
      io_uring_cqe* first = nullptr;
      // One io_uring_enter per turn: submits the turn's sends and receives and waits.
      io_uring_submit_and_wait_timeout(ring.get(), &first, wait_ns == 0 ? 0 : 1, &timeout, nullptr);
      unsigned head = 0;
      unsigned seen = 0;
      io_uring_cqe* cqe = nullptr;
      io_uring_for_each_cqe(ring.get(), head, cqe) {
        const auto index = static_cast<uint32_t>(cqe->user_data & ((uint64_t{1} << 56) - 1));
        switch (static_cast<FleetOp>(cqe->user_data >> 56)) {
          case FleetOp::kConnect:
            on_connect(index, cqe->res);
            break;
          case FleetOp::kReceive:
            on_receive(index, *cqe);
            break;
          case FleetOp::kSend:
            on_send(index, cqe->res);
            break;
        }
        ++seen;
      }
      io_uring_cq_advance(ring.get(), seen);
      buffers.commit();
    }
  }
  for (Player& player : players) {
    if (player.fd >= 0) {
      ::close(player.fd);
    }
  }
  return result;
}

}  // namespace ringcast::bench::rtmp
