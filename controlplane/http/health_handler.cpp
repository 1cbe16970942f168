#include "http/health_handler.hpp"

#include <nlohmann/json.hpp>

#include "http/json_response.hpp"

namespace ringcast::controlplane::http {

HealthHandler::HealthHandler(std::string version, std::chrono::steady_clock::time_point started_at)
    : version_(std::move(version)), started_at_(started_at) {}

Response HealthHandler::operator()(const Request& request) const {
  // steady_clock: uptime must not jump when the wall clock is set.
  const auto uptime = std::chrono::duration_cast<std::chrono::seconds>(
      std::chrono::steady_clock::now() - started_at_);
  return json_response(boost::beast::http::status::ok,
                       {{"status", "ok"}, {"version", version_}, {"uptime_s", uptime.count()}},
                       request.version(), request.keep_alive());
}

}  // namespace ringcast::controlplane::http
