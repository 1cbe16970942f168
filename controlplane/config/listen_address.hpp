#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ringcast::controlplane::config {

// Where a TCP listener binds. The host is an IP literal, never a name: a listener that depends on
// DNS at start-up fails in confusing ways, and operators pin addresses anyway.
struct ListenAddress {
  std::string host;
  // 0 asks the kernel for a free port; the bound port is then logged and printed.
  uint16_t port = 0;

  // "127.0.0.1:8080" or "[::1]:8080", the form parse() accepts.
  std::string to_string() const;

  // Parses HOST:PORT where HOST is an IPv4 address or a bracketed IPv6 address and PORT is
  // 0..65535. Throws ConfigError saying what is wrong with the text; the caller prefixes where
  // it came from (a config key and line, or a flag).
  static ListenAddress parse(std::string_view text);

  bool operator==(const ListenAddress&) const = default;
};

}  // namespace ringcast::controlplane::config
