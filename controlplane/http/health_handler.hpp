#pragma once

#include <chrono>
#include <string>

#include "http/message.hpp"

namespace ringcast::controlplane::http {

// GET /healthz: {"status":"ok","version":"0.1.0","uptime_s":12}. It answers from the process
// alone: liveness for a supervisor or load balancer. Readiness that depends on data-plane links
// comes with the node links.
class HealthHandler {
 public:
  HealthHandler(std::string version, std::chrono::steady_clock::time_point started_at);

  Response operator()(const Request& request) const;

 private:
  std::string version_;
  std::chrono::steady_clock::time_point started_at_;
};

}  // namespace ringcast::controlplane::http
