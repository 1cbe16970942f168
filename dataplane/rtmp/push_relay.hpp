#pragma once
// Restreaming: an RTMP client session on the stream's shard that publishes the stream to a
// remote server while it has a publisher, and reconnects with exponential backoff when the
// remote side fails. See docs/rtmp.md, "Push relays".

#include <cstdint>
#include <string>
#include <string_view>

#include "core/timer_wheel.hpp"
#include "rtmp/rtmp_url.hpp"

namespace ringcast::rtmp {

class RtmpServer;
class RtmpConnection;

class PushRelay {
 public:
  enum class State : uint8_t { kIdle = 0, kConnecting = 1, kPublishing = 2, kBackoff = 3 };
  static std::string_view to_string(State state);

  // `stream_key` is the local "app/name"; the remote stream is `url.stream` or, when the URL
  // names only the app, the local name.
  PushRelay(RtmpServer& server, std::string stream_key, std::string url_text, RtmpUrl url,
            bool from_config);
  ~PushRelay();
  PushRelay(const PushRelay&) = delete;
  PushRelay& operator=(const PushRelay&) = delete;

  const std::string& url_text() const { return url_text_; }
  const RtmpUrl& url() const { return url_; }
  const std::string& stream_key() const { return stream_key_; }
  const std::string& remote_stream() const { return remote_stream_; }
  bool from_config() const { return from_config_; }
  State state() const { return state_; }
  uint64_t connects() const { return connects_; }
  uint64_t failures() const { return failures_; }
  uint64_t publishes() const { return publishes_; }

  // The local stream got a publisher / lost it.
  void on_published();
  void on_unpublished();
  // From the client connection: the remote side said Publish.Start / the connection is gone.
  void on_publishing(RtmpConnection* connection);
  void on_connection_closed(RtmpConnection* connection);

 private:
  void connect();
  void retry_later();

  RtmpServer& server_;
  std::string stream_key_;
  std::string url_text_;
  RtmpUrl url_;
  std::string remote_stream_;
  bool from_config_;
  State state_ = State::kIdle;
  bool published_ = false;
  RtmpConnection* connection_ = nullptr;
  core::Timer retry_;
  uint32_t backoff_ms_ = 0;
  uint64_t connects_ = 0;
  uint64_t failures_ = 0;
  uint64_t publishes_ = 0;
};

}  // namespace ringcast::rtmp
