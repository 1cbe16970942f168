#pragma once

// The benchmark's publisher: sends a pre-encoded FLV file over RTMP with the file's own timing
// (each tag when its timestamp is due), looping it (FlvLoop) for as long as the run lasts. It
// only copies bytes to a blocking socket, so one publisher costs next to nothing on the load core.

#include <netinet/in.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>

#include "rtmp/flv_file.hpp"
#include "rtmp/load_session.hpp"

namespace ringcast::bench::rtmp {

struct PublisherOptions {
  sockaddr_in server{};
  std::string app = "live";
  std::string tc_url;
  std::string stream_key;
  uint32_t chunk_size = 4096;
  int core = -1;  // the core the sending thread pins itself to; -1 leaves it unpinned
};

class FlvPublisher {
 public:
  // `file` must outlive the publisher.
  FlvPublisher(const FlvFile& file, PublisherOptions options);
  ~FlvPublisher();
  FlvPublisher(const FlvPublisher&) = delete;
  FlvPublisher& operator=(const FlvPublisher&) = delete;

  // Connects and publishes on the calling thread (handshake, connect, createStream, publish,
  // until NetStream.Publish.Start), then starts the paced sending thread. Throws
  // std::runtime_error with the reason when the server refuses or `timeout` passes.
  void start(std::chrono::milliseconds timeout);
  // Stops and joins the sending thread and closes the connection.
  void stop();

  // Audio and video payload bytes sent so far (what players must receive to keep up).
  uint64_t media_bytes_sent() const { return media_bytes_sent_.load(std::memory_order_relaxed); }
  // The worst lateness of a send behind its timestamp: if it grows, the publisher (or a server
  // that stopped reading it) and not the players limits the figures.
  uint64_t max_lag_ms() const { return max_lag_ms_.load(std::memory_order_relaxed); }
  // Nominal media rate of the file (bits per second of audio + video payload).
  double media_bits_per_second() const;
  // Why the sending thread stopped early; empty while it runs or after stop().
  std::string failure() const;

 private:
  void run();
  bool send_all(const std::vector<uint8_t>& bytes);
  bool drain_input(std::vector<uint8_t>& out);

  const FlvFile& file_;
  PublisherOptions options_;
  LoadSession session_;
  int fd_ = -1;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> failed_{false};
  std::string failure_;  // written by the thread before failed_ is set
  std::atomic<uint64_t> media_bytes_sent_{0};
  std::atomic<uint64_t> max_lag_ms_{0};
};

}  // namespace ringcast::bench::rtmp
