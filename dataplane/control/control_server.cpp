#include "control/control_server.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <spdlog/spdlog.h>

namespace ringcast::control {

namespace pb = ringcast::control;

ControlServer::ControlServer(const core::DataplaneConfig& config, core::Runtime& runtime,
                             EventHub& events, net::FileDescriptor listen_socket,
                             net::FileDescriptor signal_fd)
    : config_(config),
      runtime_(runtime),
      events_(events),
      listen_socket_(std::move(listen_socket)),
      signal_fd_(std::move(signal_fd)) {
  core::IoRingOptions options;
  options.entries = 256;
  options.cq_entries = 1024;
  ring_ = std::make_unique<core::IoRing>(options);
  mailbox_ = std::make_unique<core::Mailbox>(runtime_.mesh(), runtime_.control_endpoint());
  runtime_.mesh().publish_ring_fd(runtime_.control_endpoint(), ring_->fd());
  service_ = std::make_unique<ControlService>(config_, runtime_, *mailbox_);
  events_.set_listener([this](const pb::Event& event) { broadcast_event(event); });
}

ControlServer::~ControlServer() {
  events_.set_listener(nullptr);
  runtime_.mesh().publish_ring_fd(runtime_.control_endpoint(), -1);
}

void ControlServer::broadcast_event(const pb::Event& event) {
  pb::Envelope envelope;
  *envelope.mutable_event() = event;
  for (auto& [id, connection] : connections_) {
    if (connection->greeted) {
      queue_frame(id, envelope);
    }
  }
}

void ControlServer::arm_accept() {
  io_uring_sqe* sqe = ring_->next_sqe();
  io_uring_prep_multishot_accept(sqe, listen_socket_.get(), nullptr, nullptr, SOCK_CLOEXEC);
  io_uring_sqe_set_data64(sqe, core::make_user_data(core::Op::kAccept, 0));
}

void ControlServer::arm_signal_read() {
  io_uring_sqe* sqe = ring_->next_sqe();
  io_uring_prep_read(sqe, signal_fd_.get(), &signal_info_, sizeof signal_info_, 0);
  io_uring_sqe_set_data64(sqe, core::make_user_data(core::Op::kSignal, 0));
}

void ControlServer::arm_receive(Connection& connection) {
  io_uring_sqe* sqe = ring_->next_sqe();
  io_uring_prep_recv(sqe, connection.fd.get(), connection.receive_buffer.data(),
                     connection.receive_buffer.size(), 0);
  io_uring_sqe_set_data64(sqe, core::make_user_data(core::Op::kStreamRecv, connection.id));
  connection.receive_pending = true;
}

void ControlServer::run() {
  arm_accept();
  arm_signal_read();
  while (running_) {
    mailbox_->flush(*ring_);
    io_uring_cqe* cqe = nullptr;
    const int result = io_uring_submit_and_wait(ring_->get(), 1);
    if (result < 0 && result != -EINTR && result != -EBUSY) {
      spdlog::error("control: io_uring_enter: {}", strerror(-result));
    }
    unsigned head = 0;
    unsigned seen = 0;
    io_uring_for_each_cqe(ring_->get(), head, cqe) {
      handle_completion(*cqe);
      ++seen;
    }
    io_uring_cq_advance(ring_->get(), seen);
    mailbox_->run_inbound();
  }
  stop_shards();
}

void ControlServer::stop_shards() {
  for (size_t i = 0; i < runtime_.shard_count(); ++i) {
    core::Shard* shard = &runtime_.shard(i);
    mailbox_->send(i, [shard] { shard->request_stop(); });
  }
  mailbox_->flush(*ring_);
  io_uring_submit(ring_->get());
  runtime_.join();
}

void ControlServer::handle_completion(const io_uring_cqe& cqe) {
  const uint64_t id = core::id_of(cqe.user_data);
  switch (core::op_of(cqe.user_data)) {
    case core::Op::kAccept:
      on_accept(cqe);
      return;
    case core::Op::kSignal:
      if (cqe.res == static_cast<int>(sizeof signal_info_)) {
        spdlog::info("received signal {}, stopping", signal_info_.ssi_signo);
        running_ = false;
      } else {
        arm_signal_read();
      }
      return;
    case core::Op::kStreamRecv:
    case core::Op::kStreamSend: {
      auto found = connections_.find(id);
      if (found == connections_.end()) {
        return;
      }
      Connection& connection = *found->second;
      if (core::op_of(cqe.user_data) == core::Op::kStreamRecv) {
        on_receive(connection, cqe.res);
      } else {
        on_send(connection, cqe.res);
      }
      return;
    }
    default:
      return;
  }
}

void ControlServer::on_accept(const io_uring_cqe& cqe) {
  if (!(cqe.flags & IORING_CQE_F_MORE)) {
    arm_accept();
  }
  if (cqe.res < 0) {
    spdlog::warn("control: accept failed: {}", strerror(-cqe.res));
    return;
  }
  auto connection = std::make_unique<Connection>();
  connection->id = next_connection_id_++;
  connection->fd = net::FileDescriptor(cqe.res);
  Connection& added = *connection;
  connections_.emplace(added.id, std::move(connection));
  spdlog::info("control: connection {} opened", added.id);
  arm_receive(added);
}

void ControlServer::on_receive(Connection& connection, int result) {
  connection.receive_pending = false;
  if (connection.closing) {
    reap_if_idle(connection);
    return;
  }
  if (result <= 0) {
    if (result < 0) {
      close_connection(connection, fmt::format("receive failed: {}", strerror(-result)));
      return;
    }
    connection.decoder.finish();
    close_connection(connection, connection.decoder.failed()
                                     ? proto::to_string(connection.decoder.error())
                                     : std::string_view("peer closed"));
    return;
  }
  connection.decoder.feed({connection.receive_buffer.data(), static_cast<size_t>(result)});
  pb::Envelope envelope;
  while (connection.decoder.next(envelope)) {
    on_frame(connection, envelope);
    if (connection.closing) {
      return;
    }
  }
  if (connection.decoder.failed()) {
    close_connection(connection, proto::to_string(connection.decoder.error()));
    return;
  }
  arm_receive(connection);
}

void ControlServer::on_frame(Connection& connection, const pb::Envelope& envelope) {
  if (envelope.body_case() != pb::Envelope::kRequest) {
    close_connection(connection, "peer sent something other than a request");
    return;
  }
  const pb::Request& request = envelope.request();
  const uint64_t connection_id = connection.id;
  const uint64_t request_id = envelope.id();
  auto reply = [this, connection_id, request_id](pb::Response response) {
    pb::Envelope answer;
    answer.set_id(request_id);
    *answer.mutable_response() = std::move(response);
    queue_frame(connection_id, answer);
  };

  if (!connection.greeted) {
    if (request.kind_case() != pb::Request::kHello) {
      pb::Response refusal;
      refusal.mutable_error()->set_code(pb::ERROR_CODE_BAD_REQUEST);
      refusal.mutable_error()->set_reason("the first request on a connection must be Hello");
      reply(std::move(refusal));
      return;
    }
    if (request.hello().protocol_version() != pb::PROTOCOL_VERSION_CURRENT) {
      pb::Response refusal;
      refusal.mutable_error()->set_code(pb::ERROR_CODE_VERSION_MISMATCH);
      refusal.mutable_error()->set_reason(fmt::format(
          "protocol version {} is not spoken here (this data plane speaks {})",
          request.hello().protocol_version(), static_cast<int>(pb::PROTOCOL_VERSION_CURRENT)));
      reply(std::move(refusal));
      return;
    }
    connection.greeted = true;
    spdlog::info("control: connection {} is {}", connection.id, request.hello().client_name());
  }
  service_->handle(request, std::move(reply));
}

void ControlServer::queue_frame(uint64_t connection_id, const pb::Envelope& envelope) {
  auto found = connections_.find(connection_id);
  if (found == connections_.end() || found->second->closing) {
    return;  // the requester went away while a shard was answering
  }
  proto::append_frame(envelope, found->second->outbox);
  flush_sends(*found->second);
}

void ControlServer::flush_sends(Connection& connection) {
  if (connection.send_pending || connection.closing) {
    return;
  }
  if (connection.sending_offset == connection.sending.size()) {
    if (connection.outbox.empty()) {
      return;
    }
    connection.sending.swap(connection.outbox);
    connection.outbox.clear();
    connection.sending_offset = 0;
  }
  io_uring_sqe* sqe = ring_->next_sqe();
  io_uring_prep_send(sqe, connection.fd.get(),
                     connection.sending.data() + connection.sending_offset,
                     connection.sending.size() - connection.sending_offset, MSG_NOSIGNAL);
  io_uring_sqe_set_data64(sqe, core::make_user_data(core::Op::kStreamSend, connection.id));
  connection.send_pending = true;
}

void ControlServer::on_send(Connection& connection, int result) {
  connection.send_pending = false;
  if (connection.closing) {
    reap_if_idle(connection);
    return;
  }
  if (result < 0) {
    close_connection(connection, fmt::format("send failed: {}", strerror(-result)));
    return;
  }
  connection.sending_offset += static_cast<size_t>(result);
  flush_sends(connection);
}

void ControlServer::close_connection(Connection& connection, std::string_view reason) {
  if (connection.closing) {
    return;
  }
  spdlog::info("control: connection {} closed: {}", connection.id, reason);
  connection.closing = true;
  // Shutting the socket down completes the receive or send still in flight; the connection's
  // buffers must outlive them, so it is freed only when both have come back.
  ::shutdown(connection.fd.get(), SHUT_RDWR);
  reap_if_idle(connection);
}

void ControlServer::reap_if_idle(Connection& connection) {
  if (!connection.receive_pending && !connection.send_pending) {
    connections_.erase(connection.id);
  }
}

}  // namespace ringcast::control
