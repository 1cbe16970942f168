#pragma once

#include <chrono>
#include <cstdint>

namespace ringcast::controlplane::http {

// Bounds on what one HTTP client may cost the process. The control plane faces browsers and the
// internet, so every read and write has a size and a time limit.
struct HttpLimits {
  // Request line plus headers. Past it: 431 and close.
  uint32_t header_bytes = 8 * 1024;
  // Request body (JSON API calls are small). Past it: 413 and close.
  uint64_t body_bytes = 64 * 1024;
  // How long a kept-alive connection may wait for, or take to send, its next request.
  std::chrono::milliseconds read_timeout{30'000};
  // How long a client may take to read a response.
  std::chrono::milliseconds write_timeout{10'000};
};

}  // namespace ringcast::controlplane::http
