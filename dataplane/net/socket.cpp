#include "net/socket.hpp"

#include <arpa/inet.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace ringcast::net {

void FileDescriptor::reset() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

namespace {

SocketResult failure(std::string text) {
  SocketResult result;
  result.error = std::move(text);
  return result;
}

bool fill_unix_address(const std::filesystem::path& path, sockaddr_un& address) {
  const std::string& text = path.native();
  if (text.size() >= sizeof(address.sun_path)) {
    return false;
  }
  memset(&address, 0, sizeof address);
  address.sun_family = AF_UNIX;
  memcpy(address.sun_path, text.c_str(), text.size() + 1);
  return true;
}

}  // namespace

SocketResult open_udp_socket(std::string_view ip, uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  const std::string ip_text(ip);
  if (inet_pton(AF_INET, ip_text.c_str(), &address.sin_addr) != 1) {
    return failure(fmt::format("'{}' is not an IPv4 address", ip));
  }
  FileDescriptor fd(::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) {
    return failure(fmt::format("socket(): {}", strerror(errno)));
  }
  // Bursts of video frames to hundreds of consumers need more than the default ~200 KB.
  const int buffer_bytes = 8 * 1024 * 1024;
  setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUF, &buffer_bytes, sizeof buffer_bytes);
  setsockopt(fd.get(), SOL_SOCKET, SO_SNDBUF, &buffer_bytes, sizeof buffer_bytes);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    return failure(fmt::format("cannot bind UDP {}:{}: {}", ip, port, strerror(errno)));
  }
  SocketResult result;
  result.fd = std::move(fd);
  return result;
}

SocketResult listen_unix_socket(const std::filesystem::path& path) {
  sockaddr_un address{};
  if (!fill_unix_address(path, address)) {
    return failure(fmt::format("{}: path too long for a Unix socket", path.string()));
  }
  std::error_code ignored;
  if (path.has_parent_path()) {
    std::filesystem::create_directories(path.parent_path(), ignored);
  }
  struct stat existing {};
  if (::lstat(path.c_str(), &existing) == 0) {
    if (!S_ISSOCK(existing.st_mode)) {
      return failure(fmt::format("{}: exists and is not a socket", path.string()));
    }
    if (connect_unix_socket(path).ok()) {
      return failure(fmt::format("{}: in use by another running process", path.string()));
    }
    ::unlink(path.c_str());
  }
  FileDescriptor fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) {
    return failure(fmt::format("socket(): {}", strerror(errno)));
  }
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    return failure(fmt::format("cannot bind {}: {}", path.string(), strerror(errno)));
  }
  if (::listen(fd.get(), 64) != 0) {
    return failure(fmt::format("cannot listen on {}: {}", path.string(), strerror(errno)));
  }
  SocketResult result;
  result.fd = std::move(fd);
  return result;
}

SocketResult connect_unix_socket(const std::filesystem::path& path) {
  sockaddr_un address{};
  if (!fill_unix_address(path, address)) {
    return failure(fmt::format("{}: path too long for a Unix socket", path.string()));
  }
  FileDescriptor fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) {
    return failure(fmt::format("socket(): {}", strerror(errno)));
  }
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    return failure(fmt::format("cannot connect to {}: {}", path.string(), strerror(errno)));
  }
  SocketResult result;
  result.fd = std::move(fd);
  return result;
}

std::string to_string(const sockaddr_in& address) {
  char text[INET_ADDRSTRLEN] = {};
  inet_ntop(AF_INET, &address.sin_addr, text, sizeof text);
  return fmt::format("{}:{}", text, ntohs(address.sin_port));
}

}  // namespace ringcast::net
