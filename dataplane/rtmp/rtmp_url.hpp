#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ringcast::rtmp {

// rtmp://host[:port]/app[/stream]. The host is an IPv4 literal or "localhost": push relays
// connect from a shard, where a blocking DNS lookup has no place (docs/rtmp.md).
struct RtmpUrl {
  sockaddr_in address{};
  std::string host;
  uint16_t port = 1935;
  std::string app;
  // Empty when the URL names only the app.
  std::string stream;
  std::string tc_url;  // rtmp://host:port/app, what connect's tcUrl carries
};

std::optional<RtmpUrl> parse_rtmp_url(std::string_view url);

}  // namespace ringcast::rtmp
