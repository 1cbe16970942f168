#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "config/listen_address.hpp"
#include "http/http_limits.hpp"
#include "http/http_session.hpp"
#include "http/router.hpp"

namespace ringcast::controlplane::http {

// Accepts TCP connections on one address and serves each with an HttpSession over the router.
// Single-threaded: every member runs on the io_context's one thread.
class HttpServer final : private HttpSessionListener {
 public:
  // Binds and listens at once, so a port taken or an address not on this host fails at start-up,
  // not at the first client. Throws boost::system::system_error. router must outlive the server.
  HttpServer(boost::asio::io_context& io, const config::ListenAddress& address,
             const Router& router, HttpLimits limits);

  // The bound address: with port 0 in the config, this holds the port the kernel chose.
  boost::asio::ip::tcp::endpoint local_endpoint() const;

  void start();

  // Stops accepting and shuts every session down gracefully (see HttpSession::shut_down).
  // on_drained is posted once the last session has closed.
  void stop(std::function<void()> on_drained);

 private:
  void accept();
  void on_accept(boost::system::error_code error, boost::asio::ip::tcp::socket socket);
  void on_session_closed(uint64_t session_id) override;
  void notify_if_drained();

  boost::asio::io_context& io_;
  const Router& router_;
  HttpLimits limits_;
  boost::asio::ip::tcp::acceptor acceptor_;
  // Paces accept() after an error such as EMFILE, which would otherwise repeat at once forever.
  boost::asio::steady_timer accept_retry_;
  uint64_t next_session_id_ = 1;
  std::unordered_map<uint64_t, std::weak_ptr<HttpSession>> sessions_;
  bool stopping_ = false;
  std::function<void()> on_drained_;
};

}  // namespace ringcast::controlplane::http
