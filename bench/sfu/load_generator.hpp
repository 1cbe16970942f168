#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "net/socket.hpp"
#include "rtc/srtp_suite.hpp"
#include "sfu/latency_histogram.hpp"

namespace ringcast::bench::sfu {

struct LoadOptions {
  uint32_t producers = 1;
  uint32_t consumers_per_producer = 200;
  uint32_t packets_per_second = 250;  // per producer
  uint32_t payload_bytes = 1200;      // RTP payload, after the 12-byte header
  rtc::SrtpSuite suite = rtc::SrtpSuite::kAeadAes128Gcm;
  // Bytes written at the start of every payload before the probe (e.g. a codec descriptor the
  // server may parse); receivers skip the same number of bytes.
  std::vector<uint8_t> payload_prefix;
  // Non-zero: every packet carries a transport-wide sequence number (one-byte header extension,
  // RFC 8285 §4.2) with this id, as a browser's do when transport-cc is negotiated.
  uint8_t transport_cc_id = 0;
  int core = -1;  // the core the generator thread pins itself to; -1 leaves it unpinned
  uint64_t warmup_ns = 1'000'000'000;
  uint64_t window_ns = 5'000'000'000;
  // After the last send, how long receivers keep collecting packets still in flight.
  uint64_t drain_ns = 300'000'000;
};

// What one producer sends: its SSRC and RTP payload type, the key the server's transport expects
// (the generator protects with it), and where the server receives it.
struct ProducerLoad {
  uint32_t ssrc = 0;
  uint8_t payload_type = 96;
  std::vector<uint8_t> srtp_key;  // master key + salt
  sockaddr_in server{};
  // Non-empty: sent to `server` every kConsentIntervalNs (a WebRTC transport's ICE consent
  // check, RFC 7675 §5.1; the answers are not read).
  std::vector<uint8_t> consent_check;
};

// What one receiver must see: the SSRC and payload type the server gives its consumer and the
// key the server protects with.
struct ReceiverLoad {
  uint32_t ssrc = 0;
  uint8_t payload_type = 100;
  std::vector<uint8_t> srtp_key;
  // As ProducerLoad::consent_check, sent to `server`; answers are counted as non_media_received.
  std::vector<uint8_t> consent_check;
  sockaddr_in server{};
};

// Browsers refresh consent every ~5 s (RFC 7675 §5.1); a path without one for 30 s is dropped.
inline constexpr uint64_t kConsentIntervalNs = 5'000'000'000;

struct LoadResult {
  double window_seconds = 0;
  uint64_t sent = 0;       // packets the producers sent in the window
  uint64_t expected = 0;   // sum over receivers of what their producer sent in the window
  uint64_t received = 0;   // distinct in-window packets receivers accepted
  uint64_t lost = 0;       // expected - received
  uint64_t reordered = 0;  // arrived after a later sequence of the same producer
  uint64_t duplicates = 0;
  uint64_t corrupted = 0;      // probe filler did not verify
  uint64_t wrong_header = 0;   // not RTP v2, or SSRC / payload type not the consumer's
  uint64_t srtp_failures = 0;  // unprotect failed (auth, malformed, other; replays are duplicates)
  uint64_t rtcp_received = 0;
  uint64_t non_media_received = 0;  // STUN (consent answers) or DTLS: not RTP/RTCP (RFC 7983)
  uint64_t warmup_received = 0;
  uint64_t rx_no_buffer = 0;
  uint64_t tx_errors = 0;
  uint64_t tx_no_buffer = 0;
  uint64_t send_lag_max_us = 0;  // worst lateness of a paced send behind its schedule
  // CPU time of the generator's thread over the whole run: if it nears the run's wall time the
  // generator, not the server, limits the figures.
  double generator_cpu_s = 0;
  double generator_wall_s = 0;
  // Time the generator thread was runnable but waiting for its core (schedstat run_delay): on a
  // shared machine this, not the server, is where milliseconds of latency come from.
  double generator_run_delay_s = 0;
  std::unique_ptr<LatencyHistogram> latency = std::make_unique<LatencyHistogram>();
  // Per window packet, the latency of its first copy to reach any consumer: the server's reaction
  // time without the fan-out's serialization (the last of C copies leaves C sends later).
  std::unique_ptr<LatencyHistogram> first_copy_latency = std::make_unique<LatencyHistogram>();

  double delivered_pps() const {
    return window_seconds > 0 ? double(received) / window_seconds : 0;
  }
  double loss_ratio() const { return expected == 0 ? 0.0 : double(lost) / double(expected); }
};

// The SFU fan-out load: P paced SRTP senders (one UDP socket each, so the server tells producers
// apart by source address) and P x C verifying receivers (one UDP socket each, the consumers'
// remote addresses), all on one io_uring in the calling thread. Sockets are bound by the
// constructor so their addresses can be given to the server before run().
class LoadGenerator {
 public:
  explicit LoadGenerator(const LoadOptions& options);
  ~LoadGenerator();
  LoadGenerator(const LoadGenerator&) = delete;
  LoadGenerator& operator=(const LoadGenerator&) = delete;

  uint32_t producer_count() const { return options_.producers; }
  uint32_t receiver_count() const { return options_.producers * options_.consumers_per_producer; }
  // Receiver j listens to producer j / consumers_per_producer.
  uint32_t producer_of(uint32_t receiver) const {
    return receiver / options_.consumers_per_producer;
  }
  sockaddr_in producer_address(uint32_t producer) const;
  sockaddr_in receiver_address(uint32_t receiver) const;
  // The sockets, for a setup exchange before run() (ICE and DTLS of a WebRTC transport).
  int producer_fd(uint32_t producer) const { return producer_sockets_.at(producer).get(); }
  int receiver_fd(uint32_t receiver) const { return receiver_sockets_.at(receiver).get(); }

  void set_producer(uint32_t producer, ProducerLoad load);
  void set_receiver(uint32_t receiver, ReceiverLoad load);

  // Sends and receives for warmup + window + drain, starting at `start_ns` (CLOCK_MONOTONIC),
  // so another thread can sample the server at start_ns + warmup_ns and at the window's end.
  // Throws std::runtime_error on setup failures.
  LoadResult run(uint64_t start_ns);

  static uint64_t monotonic_ns();

 private:
  LoadOptions options_;
  std::vector<net::FileDescriptor> producer_sockets_;
  std::vector<net::FileDescriptor> receiver_sockets_;
  std::vector<ProducerLoad> producers_;
  std::vector<ReceiverLoad> receivers_;
};

}  // namespace ringcast::bench::sfu
