#include "app/application.hpp"

#include <csignal>

#include <boost/beast/http/verb.hpp>

#include "http/health_handler.hpp"
#include "log/log.hpp"

namespace ringcast::controlplane::app {

namespace {

// Connections get this long to finish the response in flight; the process must be gone within a
// second of SIGTERM, so a supervisor's restart never waits on a slow client.
constexpr std::chrono::milliseconds kShutdownGrace{500};

std::string_view signal_name(int signal_number) {
  return signal_number == SIGINT ? "SIGINT" : signal_number == SIGTERM ? "SIGTERM" : "signal";
}

std::string endpoint_text(const boost::asio::ip::tcp::endpoint& endpoint) {
  return config::ListenAddress{endpoint.address().to_string(), endpoint.port()}.to_string();
}

}  // namespace

Application::Application(const config::ControlplaneConfig& config, std::string version)
    : started_at_(std::chrono::steady_clock::now()),
      signals_(io_, SIGINT, SIGTERM),
      shutdown_deadline_(io_),
      router_(),
      http_server_(io_, config.listen, router_, http::HttpLimits{}) {
  router_.add(boost::beast::http::verb::get, "/healthz",
              http::HealthHandler(std::move(version), started_at_));
  log::info("listening", {{"proto", "http"}, {"addr", endpoint_text(http_endpoint())}});
}

boost::asio::ip::tcp::endpoint Application::http_endpoint() const {
  return http_server_.local_endpoint();
}

int Application::run() {
  wait_for_stop_signal();
  http_server_.start();
  io_.run();
  log::info("stopped");
  return 0;
}

void Application::wait_for_stop_signal() {
  signals_.async_wait([this](boost::system::error_code error, int signal_number) {
    if (!error) {
      on_stop_signal(signal_number);
    }
  });
}

void Application::on_stop_signal(int signal_number) {
  if (stopping_) {
    // A second signal: the operator does not want to wait for the grace period.
    log::warn("stopping now", {{"signal", signal_name(signal_number)}});
    io_.stop();
    return;
  }
  stopping_ = true;
  log::info("stopping", {{"signal", signal_name(signal_number)}});
  wait_for_stop_signal();

  shutdown_deadline_.expires_after(kShutdownGrace);
  shutdown_deadline_.async_wait([this](boost::system::error_code error) {
    if (!error) {
      log::warn("connections still open at the shutdown deadline; dropping them");
      io_.stop();
    }
  });
  // With the listener closed, the timer and the pending signal wait are the only work left once
  // the last connection has gone: cancel both and run() returns.
  http_server_.stop([this] {
    shutdown_deadline_.cancel();
    signals_.cancel();
  });
}

}  // namespace ringcast::controlplane::app
