#include "rtmp/rtmp_node.hpp"

#include <arpa/inet.h>
#include <netinet/tcp.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "core/config.hpp"

namespace ringcast::rtmp {
namespace {

net::FileDescriptor listen_tcp(const std::string& ip, uint16_t port, uint16_t& bound_port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  inet_pton(AF_INET, ip.c_str(), &address.sin_addr);
  net::FileDescriptor fd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) {
    throw core::ConfigError(fmt::format("rtmp.listen: socket(): {}", strerror(errno)));
  }
  const int one = 1;
  // One listener per shard on the same port: the kernel spreads new connections over them.
  setsockopt(fd.get(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
  setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    throw core::ConfigError(
        fmt::format("rtmp.listen: cannot bind TCP {}:{}: {}", ip, port, strerror(errno)));
  }
  if (::listen(fd.get(), 1024) != 0) {
    throw core::ConfigError(
        fmt::format("rtmp.listen: cannot listen on {}:{}: {}", ip, port, strerror(errno)));
  }
  socklen_t length = sizeof address;
  getsockname(fd.get(), reinterpret_cast<sockaddr*>(&address), &length);
  bound_port = ntohs(address.sin_port);
  return fd;
}

}  // namespace

RtmpNode::RtmpNode(RtmpConfig config, size_t shards) : config_(std::move(config)) {
  // SO_REUSEPORT lets another process that set it too share the port; refuse that case, it is
  // "port in use" for an operator. A probe bind without SO_REUSEPORT tells.
  if (config_.listen_port != 0) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(config_.listen_port);
    inet_pton(AF_INET, config_.listen_ip.c_str(), &address.sin_addr);
    net::FileDescriptor probe(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    const int one = 1;
    setsockopt(probe.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(probe.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      throw core::ConfigError(fmt::format("rtmp.listen: cannot bind TCP {}:{}: {}",
                                          config_.listen_ip, config_.listen_port, strerror(errno)));
    }
  }
  uint16_t port = config_.listen_port;
  for (size_t i = 0; i < shards; ++i) {
    listeners_.push_back(listen_tcp(config_.listen_ip, port, port_));
    port = port_;  // port 0: every shard joins the port the first one got
  }
}

uint32_t stream_shard(std::string_view stream_key, size_t shards) {
  // FNV-1a: stable across processes and builds (std::hash is neither promised).
  uint64_t hash = 14695981039346656037ull;
  for (char c : stream_key) {
    hash ^= static_cast<uint8_t>(c);
    hash *= 1099511628211ull;
  }
  return shards == 0 ? 0 : static_cast<uint32_t>(hash % shards);
}

}  // namespace ringcast::rtmp
