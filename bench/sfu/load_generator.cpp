#include "sfu/load_generator.hpp"

#include <arpa/inet.h>
#include <pthread.h>
#include <sched.h>
#include <sys/socket.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>

#include "core/io_ring.hpp"
#include "core/provided_buffer_ring.hpp"
#include "core/send_buffer_pool.hpp"
#include "rtc/rtp_packet.hpp"
#include "rtc/srtp_session.hpp"
#include "sfu/probe_payload.hpp"

namespace ringcast::bench::sfu {
namespace {

constexpr uint16_t kReceiveGroup = 0;
constexpr uint32_t kReceiveBuffers = 8192;
constexpr uint32_t kReceiveBufferSize = 2048;
constexpr uint32_t kSendBuffers = 4096;
// A sender that fell behind (the thread was descheduled) catches up at most this many packets
// per producer per turn, so one turn stays short and receives keep being served.
constexpr uint32_t kMaxCatchUpPerTurn = 64;
// How long teardown waits for sends still in flight.
constexpr uint64_t kSendDrainNs = 200'000'000;
// The one-byte header extension block (RFC 8285 §4.2) with one transport-wide sequence element
// (draft-holmer-rmcat-transport-wide-cc-extensions-01 §2): 0xBEDE, length 1 word, then
// id/len, the 16-bit sequence and one byte of padding.
constexpr size_t kTransportCcExtensionLength = 8;

// Earliest arrival of each recent packet of a producer, in a small ring indexed by sequence.
constexpr uint32_t kFirstCopySlots = 1024;
struct FirstCopySlot {
  uint64_t sequence = UINT64_MAX;
  uint64_t latency_ns = UINT64_MAX;
  bool in_window = false;
};

struct ProducerState {
  std::optional<rtc::SrtpSession> srtp;
  uint64_t next_send_ns = 0;
  uint64_t period_ns = 0;
  uint64_t sequence = 0;
  uint64_t window_sent = 0;
  uint16_t transport_seq = 0;
  std::vector<FirstCopySlot> first_copies;
};

struct ReceiverState {
  std::optional<rtc::SrtpSession> srtp;
  uint32_t producer_ssrc = 0;
  int64_t last_sequence = -1;
  uint64_t window_received = 0;
};

sockaddr_in local_address(int fd) {
  sockaddr_in address{};
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  return address;
}

void pin_to_core(int core) {
  if (core < 0) {
    return;
  }
  cpu_set_t cpus;
  CPU_ZERO(&cpus);
  CPU_SET(core, &cpus);
  if (int error = pthread_setaffinity_np(pthread_self(), sizeof cpus, &cpus); error != 0) {
    throw std::runtime_error(
        fmt::format("load generator: cannot pin to core {}: {}", core, strerror(error)));
  }
}

uint64_t thread_cpu_ns() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<uint64_t>(now.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(now.tv_nsec);
}

// Field 2 of /proc/thread-self/schedstat: ns spent runnable but not running (sched-stats.rst).
uint64_t thread_run_delay_ns() {
  FILE* file = std::fopen("/proc/thread-self/schedstat", "r");
  if (file == nullptr) {
    return 0;
  }
  unsigned long long on_cpu = 0;
  unsigned long long waiting = 0;
  const int parsed = std::fscanf(file, "%llu %llu", &on_cpu, &waiting);
  std::fclose(file);
  return parsed == 2 ? waiting : 0;
}

}  // namespace

uint64_t LoadGenerator::monotonic_ns() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<uint64_t>(now.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(now.tv_nsec);
}

LoadGenerator::LoadGenerator(const LoadOptions& options) : options_(options) {
  if (options_.producers == 0 || options_.consumers_per_producer == 0 ||
      options_.packets_per_second == 0) {
    throw std::invalid_argument("load generator: producers, consumers and pps must be positive");
  }
  const size_t largest = kRtpHeaderLength + kTransportCcExtensionLength +
                         options_.payload_prefix.size() + options_.payload_bytes +
                         rtc::SrtpSession::kMaxTrailer;
  if (options_.payload_bytes < options_.payload_prefix.size() + kProbeHeaderLength ||
      largest > core::SendBuffer::kCapacity) {
    throw std::invalid_argument(fmt::format("load generator: payload must be {}..{} bytes",
                                            options_.payload_prefix.size() + kProbeHeaderLength,
                                            core::SendBuffer::kCapacity - kRtpHeaderLength -
                                                kTransportCcExtensionLength -
                                                rtc::SrtpSession::kMaxTrailer));
  }
  auto open = [](std::vector<net::FileDescriptor>& into, uint32_t count) {
    for (uint32_t i = 0; i < count; ++i) {
      net::SocketResult socket = net::open_udp_socket("127.0.0.1", 0);
      if (!socket.ok()) {
        throw std::runtime_error("load generator: " + socket.error);
      }
      into.push_back(std::move(socket.fd));
    }
  };
  open(producer_sockets_, producer_count());
  open(receiver_sockets_, receiver_count());
  producers_.resize(producer_count());
  receivers_.resize(receiver_count());
}

LoadGenerator::~LoadGenerator() = default;

sockaddr_in LoadGenerator::producer_address(uint32_t producer) const {
  return local_address(producer_sockets_.at(producer).get());
}

sockaddr_in LoadGenerator::receiver_address(uint32_t receiver) const {
  return local_address(receiver_sockets_.at(receiver).get());
}

void LoadGenerator::set_producer(uint32_t producer, ProducerLoad load) {
  producers_.at(producer) = std::move(load);
}

void LoadGenerator::set_receiver(uint32_t receiver, ReceiverLoad load) {
  receivers_.at(receiver) = std::move(load);
}

LoadResult LoadGenerator::run(uint64_t start_ns) {
  pin_to_core(options_.core);
  LoadResult result;
  const uint64_t cpu_start = thread_cpu_ns();
  const uint64_t wall_start = monotonic_ns();
  const uint64_t delay_start = thread_run_delay_ns();

  // Everything the loop touches is created here, on the loop's thread (SINGLE_ISSUER ring).
  core::IoRingOptions ring_options;
  ring_options.entries = 4096;
  ring_options.cq_entries = 32768;
  core::IoRing ring(ring_options);
  core::ProvidedBufferRing receive_buffers(ring.get(), kReceiveGroup, kReceiveBuffers,
                                           kReceiveBufferSize);
  core::SendBufferPool send_buffers(kSendBuffers);
  // Which producer's window count a send in flight belongs to (+1; 0 = not in the window), so a
  // failed send is not counted as sent.
  std::vector<uint32_t> send_window_producer(kSendBuffers, 0);

  const uint32_t producer_total = producer_count();
  const uint64_t window_start = start_ns + options_.warmup_ns;
  const uint64_t window_end = window_start + options_.window_ns;
  const uint64_t stop = window_end + options_.drain_ns;

  std::vector<ProducerState> producers(producer_total);
  for (uint32_t p = 0; p < producer_total; ++p) {
    std::string error;
    producers[p].srtp = rtc::SrtpSession::create(options_.suite, rtc::SrtpDirection::kOutbound,
                                                 producers_[p].srtp_key, &error);
    if (!producers[p].srtp) {
      throw std::runtime_error("load generator: producer SRTP: " + error);
    }
    producers[p].period_ns = 1'000'000'000ull / options_.packets_per_second;
    producers[p].first_copies.resize(kFirstCopySlots);
    // Producers are spread over one period so they do not all burst on the same tick.
    producers[p].next_send_ns = start_ns + producers[p].period_ns * p / producer_total;
  }
  std::vector<ReceiverState> receivers(receiver_count());
  for (uint32_t r = 0; r < receiver_count(); ++r) {
    std::string error;
    receivers[r].srtp = rtc::SrtpSession::create(options_.suite, rtc::SrtpDirection::kInbound,
                                                 receivers_[r].srtp_key, &error);
    if (!receivers[r].srtp) {
      throw std::runtime_error("load generator: receiver SRTP: " + error);
    }
    receivers[r].producer_ssrc = producers_[producer_of(r)].ssrc;
  }

  msghdr receive_header{};
  receive_header.msg_namelen = sizeof(sockaddr_in);
  auto arm_receive = [&](uint32_t receiver) {
    io_uring_sqe* sqe = ring.next_sqe();
    io_uring_prep_recvmsg_multishot(sqe, receiver_sockets_[receiver].get(), &receive_header, 0);
    sqe->flags |= IOSQE_BUFFER_SELECT;
    sqe->buf_group = kReceiveGroup;
    io_uring_sqe_set_data64(sqe, core::make_user_data(core::Op::kReceive, receiver));
  };
  for (uint32_t r = 0; r < receiver_count(); ++r) {
    arm_receive(r);
  }

  const size_t prefix = options_.payload_prefix.size();
  const uint64_t ts_per_ns_num = 90'000;  // RTP video clock, 90 kHz (RFC 6184 §8.2.1 et al.)

  auto send_one = [&](uint32_t p, uint64_t now) {
    ProducerState& producer = producers[p];
    const ProducerLoad& load = producers_[p];
    const uint64_t sequence = producer.sequence++;
    core::SendBuffer* buffer = send_buffers.acquire();
    if (buffer == nullptr) {
      ++result.tx_no_buffer;
      return;
    }
    std::span<uint8_t> bytes = buffer->bytes();
    const auto rtp_sequence = static_cast<uint16_t>(load.ssrc + sequence);
    const auto rtp_timestamp =
        static_cast<uint32_t>(load.ssrc + (now - start_ns) * ts_per_ns_num / 1'000'000'000ull);
    write_rtp_header(bytes, load.payload_type, true, rtp_sequence, rtp_timestamp, load.ssrc);
    size_t header_length = kRtpHeaderLength;
    if (options_.transport_cc_id != 0) {
      const uint16_t transport_seq = producer.transport_seq++;
      const uint8_t extension[kTransportCcExtensionLength] = {
          0xBE,
          0xDE,
          0x00,
          0x01,
          static_cast<uint8_t>((options_.transport_cc_id << 4) | 1),
          static_cast<uint8_t>(transport_seq >> 8),
          static_cast<uint8_t>(transport_seq),
          0x00};
      bytes[0] |= 0x10;  // X
      std::copy(std::begin(extension), std::end(extension), bytes.begin() + kRtpHeaderLength);
      header_length += kTransportCcExtensionLength;
    }
    std::span<uint8_t> payload = bytes.subspan(header_length, options_.payload_bytes);
    std::copy(options_.payload_prefix.begin(), options_.payload_prefix.end(), payload.begin());
    write_probe_payload(payload.subspan(prefix), load.ssrc, {now, sequence});
    size_t length = header_length + options_.payload_bytes;
    if (producer.srtp->protect_rtp(bytes, length) != rtc::SrtpResult::kOk) {
      ++result.tx_errors;
      send_buffers.release(buffer);
      return;
    }
    buffer->length = static_cast<uint32_t>(length);
    buffer->iov.iov_len = length;
    buffer->destination = load.server;
    const bool in_window = now >= window_start && now < window_end;
    send_window_producer[buffer->index] = in_window ? p + 1 : 0;
    if (in_window) {
      ++producer.window_sent;
    }
    io_uring_sqe* sqe = ring.next_sqe();
    io_uring_prep_sendmsg(sqe, producer_sockets_[p].get(), &buffer->header, 0);
    io_uring_sqe_set_data64(sqe, core::make_user_data(core::Op::kSend, buffer->index));
  };

  LatencyHistogram& latency = *result.latency;
  LatencyHistogram& first_copy_latency = *result.first_copy_latency;
  auto finish_first_copy = [&](FirstCopySlot& slot) {
    if (slot.in_window && slot.latency_ns != UINT64_MAX) {
      first_copy_latency.record_ns(slot.latency_ns);
    }
    slot = FirstCopySlot{};
  };
  auto handle_receive = [&](const io_uring_cqe& cqe) {
    const auto r = static_cast<uint32_t>(core::id_of(cqe.user_data));
    if (!(cqe.flags & IORING_CQE_F_MORE)) {
      arm_receive(r);
    }
    if (cqe.res < 0) {
      if (cqe.res == -ENOBUFS) {
        ++result.rx_no_buffer;
      }
      return;
    }
    if (!(cqe.flags & IORING_CQE_F_BUFFER)) {
      return;
    }
    const uint64_t now = monotonic_ns();
    const auto buffer_id = static_cast<uint16_t>(cqe.flags >> IORING_CQE_BUFFER_SHIFT);
    std::span<uint8_t> buffer = receive_buffers.buffer(buffer_id);
    receive_buffers.recycle(buffer_id);
    io_uring_recvmsg_out* out = io_uring_recvmsg_validate(buffer.data(), cqe.res, &receive_header);
    if (out == nullptr || (out->flags & MSG_TRUNC)) {
      ++result.wrong_header;
      return;
    }
    auto* data = static_cast<uint8_t*>(io_uring_recvmsg_payload(out, &receive_header));
    size_t length = io_uring_recvmsg_payload_length(out, cqe.res, &receive_header);
    std::span<uint8_t> datagram(data, length);
    ReceiverState& receiver = receivers[r];
    if (length == 0 || data[0] < 128 || data[0] > 191) {
      ++result.non_media_received;
      return;
    }
    if (rtc::classify_rtp_rtcp(datagram) == rtc::RtpRtcpKind::kRtcp) {
      // Sender reports and the like: authenticate, count, otherwise ignore.
      if (receiver.srtp->unprotect_rtcp(datagram, length) == rtc::SrtpResult::kOk) {
        ++result.rtcp_received;
      } else {
        ++result.srtp_failures;
      }
      return;
    }
    const rtc::SrtpResult unprotected = receiver.srtp->unprotect_rtp(datagram, length);
    if (unprotected == rtc::SrtpResult::kReplay) {
      ++result.duplicates;
      return;
    }
    if (unprotected != rtc::SrtpResult::kOk) {
      ++result.srtp_failures;
      return;
    }
    rtc::RtpPacket packet;
    if (packet.parse({data, length}) != rtc::RtpError::kNone ||
        packet.ssrc() != receivers_[r].ssrc ||
        packet.payload_type() != receivers_[r].payload_type || packet.payload().size() < prefix) {
      ++result.wrong_header;
      return;
    }
    ProbeFields fields;
    if (read_probe_payload(packet.payload().subspan(prefix), receiver.producer_ssrc, fields) !=
        ProbeCheck::kOk) {
      ++result.corrupted;
      return;
    }
    const auto sequence = static_cast<int64_t>(fields.sequence);
    if (sequence == receiver.last_sequence) {
      ++result.duplicates;
      return;
    }
    if (sequence < receiver.last_sequence) {
      ++result.reordered;
    } else {
      receiver.last_sequence = sequence;
    }
    const bool in_window = fields.send_ns >= window_start && fields.send_ns < window_end;
    FirstCopySlot& slot = producers[producer_of(r)].first_copies[fields.sequence % kFirstCopySlots];
    if (slot.sequence != fields.sequence) {
      finish_first_copy(slot);
      slot.sequence = fields.sequence;
      slot.in_window = in_window;
    }
    slot.latency_ns = std::min(slot.latency_ns, now - fields.send_ns);
    if (in_window) {
      ++receiver.window_received;
      latency.record_ns(now - fields.send_ns);
    } else if (fields.send_ns < window_start) {
      ++result.warmup_received;
    }
  };

  auto handle_send = [&](const io_uring_cqe& cqe) {
    const auto index = static_cast<uint32_t>(core::id_of(cqe.user_data));
    if (cqe.res < 0) {
      ++result.tx_errors;
      if (uint32_t p = send_window_producer[index]; p != 0) {
        --producers[p - 1].window_sent;
      }
    }
    send_buffers.release(send_buffers.at(index));
  };

  // Consent checks go out with plain sendto: a few per second at most, off the measured path.
  uint64_t next_consent_ns = start_ns;
  auto send_consent_checks = [&] {
    auto send = [](int fd, const std::vector<uint8_t>& bytes, const sockaddr_in& to) {
      if (!bytes.empty()) {
        sendto(fd, bytes.data(), bytes.size(), MSG_DONTWAIT, reinterpret_cast<const sockaddr*>(&to),
               sizeof to);
      }
    };
    for (uint32_t p = 0; p < producer_total; ++p) {
      send(producer_sockets_[p].get(), producers_[p].consent_check, producers_[p].server);
    }
    for (uint32_t r = 0; r < receiver_count(); ++r) {
      send(receiver_sockets_[r].get(), receivers_[r].consent_check, receivers_[r].server);
    }
  };

  for (;;) {
    uint64_t now = monotonic_ns();
    if (now >= stop) {
      break;
    }
    if (now >= next_consent_ns) {
      send_consent_checks();
      next_consent_ns = now + kConsentIntervalNs;
    }
    uint64_t next_wake = std::min(stop, next_consent_ns);
    for (uint32_t p = 0; p < producer_total; ++p) {
      ProducerState& producer = producers[p];
      for (uint32_t sent = 0; sent < kMaxCatchUpPerTurn && producer.next_send_ns <= now &&
                              producer.next_send_ns < window_end;
           ++sent) {
        result.send_lag_max_us =
            std::max(result.send_lag_max_us, (now - producer.next_send_ns) / 1000);
        send_one(p, now);
        producer.next_send_ns += producer.period_ns;
      }
      if (producer.next_send_ns < window_end) {
        next_wake = std::min(next_wake, producer.next_send_ns);
      }
    }
    now = monotonic_ns();
    const uint64_t wait_ns = next_wake > now ? next_wake - now : 0;
    __kernel_timespec timeout{};
    timeout.tv_sec = static_cast<long long>(wait_ns / 1'000'000'000ull);
    timeout.tv_nsec = static_cast<long long>(wait_ns % 1'000'000'000ull);
    io_uring_cqe* first = nullptr;
    // One io_uring_enter per turn: submits this turn's sends and waits for completions or the
    // next scheduled send.
    io_uring_submit_and_wait_timeout(ring.get(), &first, wait_ns == 0 ? 0 : 1, &timeout, nullptr);

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
  }

  // Let in-flight sends complete before their buffers go away with the pool.
  const uint64_t drain_deadline = monotonic_ns() + kSendDrainNs;
  while (send_buffers.in_flight() > 0 && monotonic_ns() < drain_deadline) {
    __kernel_timespec timeout{0, 10'000'000};
    io_uring_cqe* first = nullptr;
    io_uring_submit_and_wait_timeout(ring.get(), &first, 1, &timeout, nullptr);
    unsigned head = 0;
    unsigned seen = 0;
    io_uring_cqe* cqe = nullptr;
    io_uring_for_each_cqe(ring.get(), head, cqe) {
      if (core::op_of(cqe->user_data) == core::Op::kSend) {
        handle_send(*cqe);
      }
      ++seen;
    }
    io_uring_cq_advance(ring.get(), seen);
  }

  for (ProducerState& producer : producers) {
    for (FirstCopySlot& slot : producer.first_copies) {
      finish_first_copy(slot);
    }
  }
  result.window_seconds = double(options_.window_ns) / 1e9;
  result.generator_cpu_s = double(thread_cpu_ns() - cpu_start) / 1e9;
  result.generator_wall_s = double(monotonic_ns() - wall_start) / 1e9;
  result.generator_run_delay_s = double(thread_run_delay_ns() - delay_start) / 1e9;
  for (const ProducerState& producer : producers) {
    result.sent += producer.window_sent;
  }
  for (uint32_t r = 0; r < receiver_count(); ++r) {
    const uint64_t expected = producers[producer_of(r)].window_sent;
    result.expected += expected;
    result.received += receivers[r].window_received;
    result.lost +=
        expected > receivers[r].window_received ? expected - receivers[r].window_received : 0;
  }
  return result;
}

}  // namespace ringcast::bench::sfu
