#pragma once

#include <sys/signalfd.h>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "control/control_service.hpp"
#include "control/event_hub.hpp"
#include "core/cross_shard.hpp"
#include "core/io_ring.hpp"
#include "core/runtime.hpp"
#include "frame.hpp"
#include "net/socket.hpp"

namespace ringcast::control {

// The control thread's loop: its own io_uring serving the Unix control socket (framed protobuf,
// see docs/control-protocol.md), the signalfd, and the replies shards send back through the
// cross-shard queues. A connection that sends a bad frame is closed with a logged reason; the
// others are unaffected.
class ControlServer {
 public:
  ControlServer(const core::DataplaneConfig& config, core::Runtime& runtime, EventHub& events,
                net::FileDescriptor listen_socket, net::FileDescriptor signal_fd);
  ~ControlServer();

  // Serves until SIGINT or SIGTERM, then asks every shard to stop and returns once they have.
  void run();

 private:
  struct Connection {
    uint64_t id = 0;
    net::FileDescriptor fd;
    proto::FrameDecoder decoder;
    std::array<uint8_t, 64 * 1024> receive_buffer{};
    std::string outbox;   // frames waiting for the send in flight to finish
    std::string sending;  // bytes of the send in flight
    size_t sending_offset = 0;
    bool receive_pending = false;
    bool send_pending = false;
    bool closing = false;
    bool greeted = false;  // a Hello with our protocol version has been answered
  };

  void arm_accept();
  void arm_signal_read();
  void arm_receive(Connection& connection);
  void flush_sends(Connection& connection);
  void handle_completion(const io_uring_cqe& cqe);
  void on_accept(const io_uring_cqe& cqe);
  void on_receive(Connection& connection, int result);
  void on_send(Connection& connection, int result);
  void on_frame(Connection& connection, const ringcast::control::Envelope& envelope);
  void queue_frame(uint64_t connection_id, const ringcast::control::Envelope& envelope);
  void close_connection(Connection& connection, std::string_view reason);
  void reap_if_idle(Connection& connection);
  void stop_shards();
  void broadcast_event(const ringcast::control::Event& event);

  const core::DataplaneConfig& config_;
  core::Runtime& runtime_;
  EventHub& events_;
  net::FileDescriptor listen_socket_;
  net::FileDescriptor signal_fd_;
  std::unique_ptr<core::IoRing> ring_;
  std::unique_ptr<core::Mailbox> mailbox_;
  std::unique_ptr<ControlService> service_;
  signalfd_siginfo signal_info_{};
  bool running_ = true;
  uint64_t next_connection_id_ = 1;
  std::unordered_map<uint64_t, std::unique_ptr<Connection>> connections_;
};

}  // namespace ringcast::control
