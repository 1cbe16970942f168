#include "rtmp/push_relay.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "rtmp/rtmp_connection.hpp"
#include "rtmp/rtmp_server.hpp"

namespace ringcast::rtmp {
namespace {

constexpr uint32_t kFirstBackoffMs = 500;
constexpr uint32_t kMaxBackoffMs = 30000;

}  // namespace

std::string_view PushRelay::to_string(State state) {
  switch (state) {
    case State::kIdle:
      return "idle";
    case State::kConnecting:
      return "connecting";
    case State::kPublishing:
      return "publishing";
    case State::kBackoff:
      return "backoff";
  }
  return "?";
}

PushRelay::PushRelay(RtmpServer& server, std::string stream_key, std::string url_text, RtmpUrl url,
                     bool from_config)
    : server_(server),
      stream_key_(std::move(stream_key)),
      url_text_(std::move(url_text)),
      url_(std::move(url)),
      from_config_(from_config),
      retry_([this] {
        if (published_ && connection_ == nullptr) {
          connect();
        }
      }) {
  remote_stream_ =
      url_.stream.empty() ? stream_key_.substr(stream_key_.find('/') + 1) : url_.stream;
  if (server_.stream_published(stream_key_)) {
    on_published();
  }
}

PushRelay::~PushRelay() {
  retry_.cancel();
  if (connection_ != nullptr) {
    connection_->forget_relay();
    connection_->close("push relay removed");
    connection_ = nullptr;
  }
}

void PushRelay::on_published() {
  published_ = true;
  backoff_ms_ = 0;
  if (connection_ == nullptr && !retry_.scheduled()) {
    connect();
  }
}

void PushRelay::on_unpublished() {
  published_ = false;
  retry_.cancel();
  if (connection_ == nullptr) {
    state_ = State::kIdle;
  }
  // A publishing connection is told by the stream itself (it is a subscriber) and closes after
  // sending FCUnpublish/deleteStream; one still connecting is simply closed.
  if (connection_ != nullptr && state_ != State::kPublishing) {
    connection_->close("local stream unpublished");
  }
}

void PushRelay::connect() {
  ++connects_;
  state_ = State::kConnecting;
  connection_ = server_.open_relay_connection(this, url_.address);
  if (connection_ == nullptr) {
    retry_later();
  }
}

void PushRelay::on_publishing(RtmpConnection* connection) {
  if (connection != connection_) {
    return;
  }
  state_ = State::kPublishing;
  ++publishes_;
  backoff_ms_ = 0;
  spdlog::info("rtmp: relay {} -> {} publishing", stream_key_, url_text_);
  server_.attach_relay(connection);
}

void PushRelay::on_connection_closed(RtmpConnection* connection) {
  if (connection != connection_) {
    return;
  }
  connection_ = nullptr;
  const bool was_publishing = state_ == State::kPublishing;
  if (!published_) {
    state_ = State::kIdle;
    return;
  }
  if (!was_publishing) {
    ++failures_;
  }
  retry_later();
}

void PushRelay::retry_later() {
  state_ = State::kBackoff;
  backoff_ms_ = backoff_ms_ == 0 ? kFirstBackoffMs : std::min(backoff_ms_ * 2, kMaxBackoffMs);
  spdlog::info("rtmp: relay {} -> {} retrying in {} ms", stream_key_, url_text_, backoff_ms_);
  server_.shard().timers().schedule(retry_, backoff_ms_);
}

}  // namespace ringcast::rtmp
