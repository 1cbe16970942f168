#include "http/http_server.hpp"

#include <chrono>
#include <utility>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>

#include "log/log.hpp"

namespace ringcast::controlplane::http {

namespace {

constexpr std::chrono::milliseconds kAcceptRetryDelay{100};

}  // namespace

HttpServer::HttpServer(boost::asio::io_context& io, const config::ListenAddress& address,
                       const Router& router, HttpLimits limits)
    : io_(io), router_(router), limits_(limits), acceptor_(io), accept_retry_(io) {
  const boost::asio::ip::tcp::endpoint endpoint(boost::asio::ip::make_address(address.host),
                                                address.port);
  acceptor_.open(endpoint.protocol());
  // A restarted control plane must rebind while old connections sit in TIME_WAIT.
  acceptor_.set_option(boost::asio::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(boost::asio::socket_base::max_listen_connections);
}

boost::asio::ip::tcp::endpoint HttpServer::local_endpoint() const {
  return acceptor_.local_endpoint();
}

void HttpServer::start() { accept(); }

void HttpServer::stop(std::function<void()> on_drained) {
  stopping_ = true;
  on_drained_ = std::move(on_drained);
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  accept_retry_.cancel();
  for (auto& [id, weak] : sessions_) {
    if (auto session = weak.lock()) {
      session->shut_down();
    }
  }
  notify_if_drained();
}

void HttpServer::accept() {
  acceptor_.async_accept(
      [this](boost::system::error_code error, boost::asio::ip::tcp::socket socket) {
        on_accept(error, std::move(socket));
      });
}

void HttpServer::on_accept(boost::system::error_code error, boost::asio::ip::tcp::socket socket) {
  if (stopping_) {
    return;
  }
  if (error) {
    log::warn("accept failed", {{"error", error.message()}});
    accept_retry_.expires_after(kAcceptRetryDelay);
    accept_retry_.async_wait([this](boost::system::error_code wait_error) {
      if (!wait_error && !stopping_) {
        accept();
      }
    });
    return;
  }
  boost::system::error_code ignored;
  // Responses are written whole; Nagle would only delay the last segment of each.
  socket.set_option(boost::asio::ip::tcp::no_delay(true), ignored);
  const uint64_t id = next_session_id_++;
  HttpSessionListener& listener = *this;
  auto session = std::make_shared<HttpSession>(id, std::move(socket), router_, limits_, listener);
  sessions_.emplace(id, session);
  session->start();
  accept();
}

void HttpServer::on_session_closed(uint64_t session_id) {
  sessions_.erase(session_id);
  notify_if_drained();
}

void HttpServer::notify_if_drained() {
  if (stopping_ && sessions_.empty() && on_drained_) {
    boost::asio::post(io_, std::exchange(on_drained_, nullptr));
  }
}

}  // namespace ringcast::controlplane::http
