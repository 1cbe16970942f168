#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>

namespace ringcast::net {

// Owns a file descriptor; closes it on destruction.
class FileDescriptor {
 public:
  FileDescriptor() = default;
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() { reset(); }
  FileDescriptor(FileDescriptor&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  FileDescriptor& operator=(FileDescriptor&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release() { return std::exchange(fd_, -1); }
  void reset();

 private:
  int fd_ = -1;
};

// The result of opening a socket: the descriptor, or an error text that names the address.
struct SocketResult {
  FileDescriptor fd;
  std::string error;
  bool ok() const { return fd.valid(); }
};

// A UDP socket bound to ip:port with large kernel buffers, for a shard's media traffic.
SocketResult open_udp_socket(std::string_view ip, uint16_t port);

// A listening Unix stream socket at `path`. A stale socket file left by a dead process is
// replaced; a path where another process is still accepting is refused ("in use").
SocketResult listen_unix_socket(const std::filesystem::path& path);

// Connects to a Unix stream socket (blocking).
SocketResult connect_unix_socket(const std::filesystem::path& path);

std::string to_string(const sockaddr_in& address);

}  // namespace ringcast::net
