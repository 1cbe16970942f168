#include "control_client.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ringcast::proto {

namespace {
std::string errno_text(std::string_view what) { return std::string(what) + ": " + strerror(errno); }
}  // namespace

ControlClient::ControlClient(const std::filesystem::path& socket_path, std::string client_name,
                             std::chrono::milliseconds timeout)
    : timeout_(timeout) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (socket_path.native().size() >= sizeof address.sun_path) {
    throw ControlClientError(socket_path.string() + ": path too long for a Unix socket");
  }
  memcpy(address.sun_path, socket_path.c_str(), socket_path.native().size() + 1);
  fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    throw ControlClientError(errno_text("socket"));
  }
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    const std::string reason = errno_text("cannot connect to " + socket_path.string());
    ::close(fd_);
    fd_ = -1;
    throw ControlClientError(reason);
  }
  control::Request request;
  request.mutable_hello()->set_protocol_version(control::PROTOCOL_VERSION_CURRENT);
  request.mutable_hello()->set_client_name(std::move(client_name));
  control::Response response = call(request);
  if (response.has_error()) {
    throw ControlClientError("data plane refused Hello: " + response.error().reason());
  }
  hello_ = response.hello();
}

ControlClient::~ControlClient() {
  if (fd_ >= 0) {
    ::close(fd_);
  }
}

control::Response ControlClient::call(const control::Request& request) {
  control::Envelope envelope;
  const uint64_t id = next_id_++;
  envelope.set_id(id);
  *envelope.mutable_request() = request;
  const std::string frame = encode_frame(envelope);
  size_t sent = 0;
  while (sent < frame.size()) {
    const ssize_t n = ::send(fd_, frame.data() + sent, frame.size() - sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      throw ControlClientError(errno_text("send"));
    }
    sent += static_cast<size_t>(n);
  }
  for (;;) {
    control::Envelope answer = read_envelope();
    if (answer.body_case() == control::Envelope::kResponse && answer.id() == id) {
      return std::move(*answer.mutable_response());
    }
    // Events and stale responses are not this call's business.
  }
}

control::Envelope ControlClient::read_envelope() {
  control::Envelope envelope;
  for (;;) {
    if (decoder_.next(envelope)) {
      return envelope;
    }
    if (decoder_.failed()) {
      throw ControlClientError(std::string("bad frame from data plane: ") +
                               std::string(to_string(decoder_.error())));
    }
    pollfd ready{fd_, POLLIN, 0};
    const int polled = ::poll(&ready, 1, static_cast<int>(timeout_.count()));
    if (polled == 0) {
      throw ControlClientError("no response from data plane within " +
                               std::to_string(timeout_.count()) + " ms");
    }
    if (polled < 0) {
      if (errno == EINTR) {
        continue;
      }
      throw ControlClientError(errno_text("poll"));
    }
    uint8_t chunk[64 * 1024];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n == 0) {
      throw ControlClientError("data plane closed the control connection");
    }
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      throw ControlClientError(errno_text("recv"));
    }
    decoder_.feed({chunk, static_cast<size_t>(n)});
  }
}

}  // namespace ringcast::proto
