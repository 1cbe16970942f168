#pragma once

// N lightweight RTMP players on one io_uring in one thread (pinned to the load core): each is a
// TCP connection with a LoadSession (handshake, connect, createStream, play, Acknowledgements)
// that counts bytes and timestamp gaps. Receives are multishot recv over one provided-buffer
// ring, as in the data plane, so 2,000+ players cost the load core little more than the kernel's
// copy. Connections are opened gradually, at most `concurrency` handshakes at a time, because a
// burst of thousands of connects measures the accept queue, not fan-out.

#include <netinet/in.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "rtmp/gap_detector.hpp"

namespace ringcast::bench::rtmp {

struct FleetOptions {
  uint32_t players = 100;
  // Players between connect and Play.Start at the same time.
  uint32_t concurrency = 64;
  sockaddr_in server{};
  std::string app = "live";
  std::string tc_url;
  std::string stream_key;
  int core = -1;  // the core the loop thread pins itself to; -1 leaves it unpinned
  GapThresholds gaps;
  // Ramp-up ends when every player is playing or has failed, or at this limit.
  uint64_t ramp_timeout_ns = 60'000'000'000;
  // After the ramp: unmeasured warm-up, then the measurement window.
  uint64_t warmup_ns = 2'000'000'000;
  uint64_t window_ns = 10'000'000'000;
};

struct FleetResult {
  uint32_t players = 0;
  uint32_t playing_at_window_start = 0;
  uint32_t playing_at_window_end = 0;
  uint32_t failed = 0;  // refused, reset or closed before or during the window
  double ramp_seconds = 0;
  double window_seconds = 0;  // measured between the two window edges
  // Per player, over the window: audio + video payload bytes (for keep-up).
  std::vector<uint64_t> media_bytes;
  uint64_t wire_bytes = 0;  // every byte the players received in the window
  uint64_t gaps = 0;        // timestamp gaps in the window, all players
  uint32_t players_with_gaps = 0;
  uint64_t acknowledgements = 0;
  uint64_t rx_no_buffer = 0;  // multishot receives ended by an empty buffer ring (re-armed)
  // The load thread's CPU time over the window divided by the window: near 1 means the players,
  // not the server, limited the figures.
  double generator_cpu_ratio = 0;
  std::vector<std::string> errors;  // the first few distinct failure reasons
  // Players still setting up when the window ended, by where they were stuck: connecting (TCP),
  // handshake, connect, createStream, play (waiting for Play.Start).
  uint32_t stuck_connecting = 0;
  uint32_t stuck_handshake = 0;
  uint32_t stuck_connect = 0;
  uint32_t stuck_create_stream = 0;
  uint32_t stuck_play = 0;
};

// Called on the fleet's thread exactly at the window's start (true) and end (false), so the
// caller samples the server's CPU time and the publisher's byte count at the same instants as
// the players' counters.
using WindowEdge = std::function<void(bool start)>;

class PlayerFleet {
 public:
  explicit PlayerFleet(FleetOptions options);

  // Runs ramp-up, warm-up and the window on the calling thread; throws std::runtime_error on
  // setup failures (io_uring, buffer ring).
  FleetResult run(const WindowEdge& edge);

 private:
  FleetOptions options_;
};

}  // namespace ringcast::bench::rtmp
