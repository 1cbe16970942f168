#include "config/listen_address.hpp"

#include <arpa/inet.h>

#include <charconv>

#include <fmt/format.h>

#include "config/config_error.hpp"

namespace ringcast::controlplane::config {
namespace {

bool is_ipv4(const std::string& host) {
  in_addr parsed{};
  return inet_pton(AF_INET, host.c_str(), &parsed) == 1;
}

bool is_ipv6(const std::string& host) {
  in6_addr parsed{};
  return inet_pton(AF_INET6, host.c_str(), &parsed) == 1;
}

}  // namespace

std::string ListenAddress::to_string() const {
  if (host.find(':') != std::string::npos) {
    return fmt::format("[{}]:{}", host, port);
  }
  return fmt::format("{}:{}", host, port);
}

ListenAddress ListenAddress::parse(std::string_view text) {
  const auto invalid = [&](std::string_view why) {
    return ConfigError(
        fmt::format("'{}' {} (expected HOST:PORT with an IPv4 address or a bracketed IPv6 address, "
                    "e.g. 127.0.0.1:8080 or [::1]:8080)",
                    text, why));
  };

  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    throw invalid("has no port");
  }
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);

  bool bracketed = false;
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
    bracketed = true;
  }
  if (host.empty()) {
    throw invalid("has no host");
  }
  ListenAddress address;
  address.host = std::string(host);
  if (bracketed ? !is_ipv6(address.host) : !is_ipv4(address.host)) {
    throw invalid(bracketed ? "does not hold an IPv6 address in brackets"
                            : "does not start with an IPv4 address");
  }

  // from_chars alone would accept "80abc" as 80; the whole field must be digits.
  unsigned port = 0;
  const char* end = port_text.data() + port_text.size();
  const auto [stop, error] = std::from_chars(port_text.data(), end, port);
  if (port_text.empty() || error != std::errc{} || stop != end || port > 65535) {
    throw invalid("does not end with a port number 0..65535");
  }
  address.port = static_cast<uint16_t>(port);
  return address;
}

}  // namespace ringcast::controlplane::config
