#pragma once
// Who may publish or play a stream. The session asks before it answers publish/play, and sends
// NetStream.Publish.Start / Play.Start only after a yes. The answer is a callback so that an
// implementation asking the control plane (a request over the control socket) can answer later;
// the one implemented now checks key lists from the [rtmp] config and answers at once.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "rtmp/rtmp_config.hpp"

namespace ringcast::rtmp {

enum class StreamRole : uint8_t { kPublish, kPlay };

struct AuthRequest {
  StreamRole role = StreamRole::kPublish;
  std::string_view app;
  std::string_view name;   // the stream name without its query ("key" in "key?token=x")
  std::string_view query;  // "token=x", may be empty
};

class KeyAuthorizer {
 public:
  virtual ~KeyAuthorizer() = default;
  // Calls `done(allowed)` exactly once, now or later, on the calling shard's thread.
  virtual void authorize(const AuthRequest& request, std::function<void(bool)> done) = 0;
};

// Key lists from the config: per app ([[rtmp.app]]) or the section's defaults. An empty list
// lets everyone in. A key matches the stream name itself (OBS's "stream key") or the value of a
// `key=` query parameter ("name?key=secret").
class ConfigKeyAuthorizer : public KeyAuthorizer {
 public:
  explicit ConfigKeyAuthorizer(const RtmpConfig& config) : config_(config) {}
  void authorize(const AuthRequest& request, std::function<void(bool)> done) override;
  bool allowed(const AuthRequest& request) const;

 private:
  const RtmpConfig& config_;
};

}  // namespace ringcast::rtmp
