#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>

#include "http/http_limits.hpp"
#include "http/message.hpp"
#include "http/router.hpp"

namespace ringcast::controlplane::http {

// How a session tells its owner it is gone. Called from a completion handler only, never from a
// destructor, so an owner that outlives the running io_context never hears from a dead session.
class HttpSessionListener {
 public:
  virtual void on_session_closed(uint64_t session_id) = 0;

 protected:
  ~HttpSessionListener() = default;
};

// One accepted TCP connection serving HTTP/1.1 requests one after the other (keep-alive, no
// pipelining beyond what the parser buffers). Owned by its pending operation's handler.
class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(uint64_t id, boost::asio::ip::tcp::socket socket, const Router& router,
              const HttpLimits& limits, HttpSessionListener& listener);

  void start();

  // Graceful close: an idle connection closes now; one that is answering finishes that response
  // (sent with Connection: close) and then closes.
  void shut_down();

 private:
  enum class State { kReading, kWriting, kLingering, kClosed };

  void read_request();
  void on_read(boost::beast::error_code error);
  void write_response(Response response);
  void on_write(boost::beast::error_code error);
  // Answers a request that could not be parsed, then closes.
  void reject(boost::beast::error_code error);
  // Discards what the client still sends after an error answer, then closes (see the .cpp).
  void linger();
  void close();

  uint64_t id_;
  boost::beast::tcp_stream stream_;
  const Router& router_;
  const HttpLimits& limits_;
  HttpSessionListener& listener_;
  boost::beast::flat_buffer buffer_;
  // A fresh parser per request: limits and state do not carry over between requests.
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  // Kept alive here until async_write completes.
  std::optional<Response> response_;
  State state_ = State::kReading;
  bool stopping_ = false;
  bool linger_after_write_ = false;
  uint64_t lingered_bytes_ = 0;
};

}  // namespace ringcast::controlplane::http
