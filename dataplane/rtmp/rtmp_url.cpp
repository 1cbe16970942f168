#include "rtmp/rtmp_url.hpp"

#include <arpa/inet.h>

#include <charconv>

namespace ringcast::rtmp {

std::optional<RtmpUrl> parse_rtmp_url(std::string_view url) {
  constexpr std::string_view kScheme = "rtmp://";
  if (url.substr(0, kScheme.size()) != kScheme) {
    return std::nullopt;
  }
  url.remove_prefix(kScheme.size());
  const size_t slash = url.find('/');
  if (slash == std::string_view::npos) {
    return std::nullopt;
  }
  std::string_view authority = url.substr(0, slash);
  std::string_view path = url.substr(slash + 1);
  RtmpUrl out;
  if (const size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    const std::string_view port_text = authority.substr(colon + 1);
    unsigned port = 0;
    auto [end, error] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (error != std::errc() || end != port_text.data() + port_text.size() || port == 0 ||
        port > 65535) {
      return std::nullopt;
    }
    out.port = static_cast<uint16_t>(port);
    authority = authority.substr(0, colon);
  }
  out.host = std::string(authority);
  const std::string ip = out.host == "localhost" ? "127.0.0.1" : out.host;
  out.address.sin_family = AF_INET;
  out.address.sin_port = htons(out.port);
  if (inet_pton(AF_INET, ip.c_str(), &out.address.sin_addr) != 1) {
    return std::nullopt;
  }
  const size_t app_end = path.find('/');
  out.app = std::string(path.substr(0, app_end));
  if (app_end != std::string_view::npos) {
    out.stream = std::string(path.substr(app_end + 1));
  }
  if (out.app.empty()) {
    return std::nullopt;
  }
  out.tc_url = "rtmp://" + out.host + ":" + std::to_string(out.port) + "/" + out.app;
  return out;
}

}  // namespace ringcast::rtmp
