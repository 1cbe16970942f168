#pragma once

#include <chrono>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "config/controlplane_config.hpp"
#include "http/http_server.hpp"
#include "http/router.hpp"

namespace ringcast::controlplane::app {

// The ringcast-controlplane process: one io_context thread that serves HTTP and stops on SIGINT or
// SIGTERM. Modules that come later (signaling, rooms, node links) are owned here and register
// their routes on router_.
class Application {
 public:
  // Binds the HTTP listener. Throws boost::system::system_error when it cannot.
  Application(const config::ControlplaneConfig& config, std::string version);

  Application(const Application&) = delete;
  Application& operator=(const Application&) = delete;

  boost::asio::ip::tcp::endpoint http_endpoint() const;

  // Serves until a stop signal has been handled and every connection is closed (or the grace
  // period ran out). Returns the process exit status.
  int run();

 private:
  void wait_for_stop_signal();
  void on_stop_signal(int signal_number);

  const std::chrono::steady_clock::time_point started_at_;
  // Declared before everything that holds I/O objects on it: it must be destroyed last.
  boost::asio::io_context io_;
  boost::asio::signal_set signals_;
  boost::asio::steady_timer shutdown_deadline_;
  http::Router router_;
  http::HttpServer http_server_;
  bool stopping_ = false;
};

}  // namespace ringcast::controlplane::app
