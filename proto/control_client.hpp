#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "frame.hpp"

namespace ringcast::proto {

class ControlClientError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A blocking client for the data plane's control socket, for tools and tests (ringcastctl,
// ringcast-bench). It says Hello on connect and then sends one request at a time; events that
// arrive while it waits for a response are kept for next_event().
class ControlClient {
 public:
  // Connects and says Hello. Throws ControlClientError with a readable reason on failure.
  ControlClient(const std::filesystem::path& socket_path, std::string client_name,
                std::chrono::milliseconds timeout = std::chrono::seconds(5));
  ~ControlClient();
  ControlClient(const ControlClient&) = delete;
  ControlClient& operator=(const ControlClient&) = delete;

  // Sends `request` and waits for its response. A response carrying an error is returned as is.
  control::Response call(const control::Request& request);

  const control::HelloReply& hello() const { return hello_; }

 private:
  control::Envelope read_envelope();

  int fd_ = -1;
  std::chrono::milliseconds timeout_;
  uint64_t next_id_ = 1;
  FrameDecoder decoder_;
  control::HelloReply hello_;
};

}  // namespace ringcast::proto
