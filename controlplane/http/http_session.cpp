#include "http/http_session.hpp"

#include <chrono>

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "http/json_response.hpp"
#include "log/log.hpp"

namespace ringcast::controlplane::http {

namespace beast = boost::beast;
namespace beast_http = boost::beast::http;

namespace {

// Bounds on reading and discarding after an error answer: enough for a client to notice the
// answer and stop sending, never enough to tie the connection up.
constexpr std::chrono::milliseconds kLingerTimeout{1000};
constexpr uint64_t kLingerBytes = 1024 * 1024;
constexpr size_t kLingerChunk = 16 * 1024;

}  // namespace

HttpSession::HttpSession(uint64_t id, boost::asio::ip::tcp::socket socket, const Router& router,
                         const HttpLimits& limits, HttpSessionListener& listener)
    : id_(id), stream_(std::move(socket)), router_(router), limits_(limits), listener_(listener) {}

void HttpSession::start() { read_request(); }

void HttpSession::shut_down() {
  stopping_ = true;
  if (state_ == State::kReading || state_ == State::kLingering) {
    // Cancels the pending read; its handler then closes.
    stream_.cancel();
  }
}

void HttpSession::read_request() {
  state_ = State::kReading;
  parser_.emplace();
  parser_->header_limit(limits_.header_bytes);
  parser_->body_limit(limits_.body_bytes);
  stream_.expires_after(limits_.read_timeout);
  beast_http::async_read(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code error, size_t) { self->on_read(error); });
}

void HttpSession::on_read(beast::error_code error) {
  if (error == beast_http::error::end_of_stream || error == beast::error::timeout ||
      error == boost::asio::error::operation_aborted || (error && stopping_)) {
    close();
    return;
  }
  if (error) {
    reject(error);
    return;
  }
  // A request that arrived whole is answered even while stopping (write_response then closes).
  // The WebSocket upgrade of a later module branches off here: it needs this parsed request and
  // takes over stream_.
  write_response(router_.handle(parser_->release()));
}

void HttpSession::reject(beast::error_code error) {
  if (error.category() != beast_http::make_error_code(beast_http::error::bad_version).category()) {
    // A transport error (reset, broken pipe): there is nobody to answer.
    close();
    return;
  }
  Response response;
  if (error == beast_http::error::header_limit) {
    response =
        error_response(beast_http::status::request_header_fields_too_large, "headers_too_large",
                       "request line and headers exceed the limit", 11, false);
  } else if (error == beast_http::error::body_limit) {
    response = error_response(beast_http::status::payload_too_large, "body_too_large",
                              "request body exceeds the limit", 11, false);
  } else {
    response =
        error_response(beast_http::status::bad_request, "bad_request", error.message(), 11, false);
  }
  // The parser cannot resynchronise after an error, so the connection ends with this answer.
  linger_after_write_ = true;
  write_response(std::move(response));
}

void HttpSession::write_response(Response response) {
  state_ = State::kWriting;
  if (stopping_ || linger_after_write_) {
    response.keep_alive(false);
  }
  response_.emplace(std::move(response));
  stream_.expires_after(limits_.write_timeout);
  beast_http::async_write(
      stream_, *response_,
      [self = shared_from_this()](beast::error_code error, size_t) { self->on_write(error); });
}

void HttpSession::on_write(beast::error_code error) {
  const bool keep_alive = response_->keep_alive();
  response_.reset();
  if (!error && linger_after_write_ && !stopping_) {
    linger();
    return;
  }
  if (error || stopping_ || !keep_alive) {
    close();
    return;
  }
  read_request();
}

// A rejected client may still be sending the rest of its request. Closing a socket with unread
// data makes the kernel send RST, and an RST can destroy the error answer before the client has
// read it (RFC 9112, section 9.6). So: send FIN, read and discard for a while, then close.
void HttpSession::linger() {
  if (state_ != State::kLingering) {
    state_ = State::kLingering;
    beast::error_code ignored;
    stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
    stream_.expires_after(kLingerTimeout);
    buffer_.clear();
  }
  stream_.async_read_some(buffer_.prepare(kLingerChunk),
                          [self = shared_from_this()](beast::error_code error, size_t bytes) {
                            self->lingered_bytes_ += bytes;
                            if (error || self->stopping_ || self->lingered_bytes_ > kLingerBytes) {
                              self->close();
                              return;
                            }
                            self->linger();
                          });
}

void HttpSession::close() {
  if (state_ == State::kClosed) {
    return;
  }
  state_ = State::kClosed;
  beast::error_code ignored;
  // Send FIN first so the client reads the whole last response before it sees the close.
  stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
  stream_.close();
  listener_.on_session_closed(id_);
}

}  // namespace ringcast::controlplane::http
