#pragma once
// One RTMP TCP connection on a shard: the handshake, the chunk stream, the command state
// machine, and its send queue. Server side (OBS/ffmpeg publishing, players playing) or client
// side (a push relay publishing to a remote server). I/O is the RtmpServer's: it feeds received
// bytes in and turns the send queue into one sendmsg per loop turn. See docs/rtmp.md.

#include <sys/socket.h>
#include <sys/uio.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/timer_wheel.hpp"
#include "rtmp/chunk_reader.hpp"
#include "rtmp/chunk_writer.hpp"
#include "rtmp/handshake.hpp"
#include "rtmp/messages.hpp"
#include "rtmp/rtmp_counters.hpp"
#include "rtmp/send_queue.hpp"
#include "rtmp/stream_subscriber.hpp"

namespace ringcast::rtmp {

class RtmpServer;
class PushRelay;

// Every message this server sends to players is on message stream 1 (the id createStream hands
// out), so one encoding serves every player.
inline constexpr uint32_t kMediaStreamId = 1;

class RtmpConnection : public StreamSubscriber {
 public:
  enum class Role : uint8_t { kNone, kPublisher, kPlayer, kRelay };
  static constexpr size_t kMaxIovecs = 64;

  // `fd` is owned from here on. A relay connection (`relay` non-null) is the client side.
  RtmpConnection(RtmpServer& server, int fd, uint32_t id, PushRelay* relay = nullptr);
  ~RtmpConnection() override;
  RtmpConnection(const RtmpConnection&) = delete;
  RtmpConnection& operator=(const RtmpConnection&) = delete;

  int fd() const { return fd_; }
  uint32_t id() const { return id_; }
  Role role() const { return role_; }
  const std::string& stream_key() const { return stream_key_; }
  const std::string& app() const { return app_; }
  const std::string& stream_name() const { return stream_name_; }

  // Server side: expect C0+C1. Client side: called when the TCP connect completed.
  void start();
  // Bytes from the socket, in order.
  void on_receive(std::span<const uint8_t> data);
  // The peer closed or the socket failed.
  void on_peer_closed();

  // StreamSubscriber: a player's (or relay's) share of the stream.
  void on_stream_message(SharedBuffer* buffer) override;
  void on_stream_unpublished() override;
  void on_stream_published() override;

  // --- for the server's I/O ---
  // Seals pending control bytes and fills the iovecs of the next sendmsg (0: nothing to send).
  size_t prepare_send();
  msghdr* send_header() { return &send_header_; }
  void on_sent(int result);
  bool send_in_flight() const { return queue_.in_flight(); }
  // Nothing of this shard's left in the connection: it may move to another shard.
  bool drained() const { return !queue_.in_flight() && queue_.empty() && control_ == nullptr; }
  bool recv_armed = false;
  bool dirty = false;           // in the server's flush list
  uint64_t dirty_since_ms = 0;  // when it joined the flush list
  // Bytes queued and not yet handed to the kernel, and whether any are replies/status (which
  // never wait for coalescing).
  size_t queued_bytes() const { return queue_.queued_bytes(); }
  bool has_control_bytes() const { return control_ != nullptr; }
  bool migrating = false;  // publisher on its way to the stream's shard
  bool in_reap_list = false;
  bool shut_down = false;
  // Bytes that arrived while migrating, parsed on the new shard.
  std::vector<uint8_t> pending_input;

  // Closes once the queue is empty (after a refusal), or after at most a second.
  void close_after_flush();
  // Marks the connection closing; the server detaches and destroys it at the end of the turn.
  void close(std::string_view reason);
  bool closing() const { return closing_; }
  // Unhooks from the stream (publisher, player, relay); called by the server when reaping.
  void detach();
  void drop_queue() { queue_.clear(); }
  // After a hand-over to another shard: rebinds to that shard's server under a new id.
  void rebind(RtmpServer& server, uint32_t id);
  void cancel_timer() { timer_.cancel(); }
  // The publish this (migrated) connection was authorized for, continued on the stream's shard.
  void finish_publish();
  bool detached() const { return role_ == Role::kNone && relay_ == nullptr; }
  // The relay that owned this client connection is gone.
  void forget_relay() { relay_ = nullptr; }
  void set_stream_counters(StreamCounters* counters) { stream_counters_ = counters; }

 private:
  enum class State : uint8_t { kHandshake, kSession };
  void process(std::span<const uint8_t> data);
  void handle_message(const ChunkMessage& message);
  void handle_command(const Command& command);
  void handle_client_command(const Command& command);
  void handle_data(const ChunkMessage& message);
  void handle_media(const ChunkMessage& message);
  void do_connect(const Command& command);
  void do_publish(const Command& command);
  void do_play(const Command& command);
  void try_publish();
  void publish_allowed();
  void publish_decided(bool allowed);
  void play_decided(bool allowed);
  void stop_stream_role();
  void acknowledge();

  // Control output: appended to a private buffer that joins the queue before any shared one.
  std::vector<uint8_t>& control_out();
  void commit_control();
  void send_command_payload(uint32_t csid, uint32_t stream_id, uint8_t type);
  void send_status(std::string_view level, std::string_view code, std::string_view description);
  void send_client_commands_after_connect();

  RtmpServer* server_;
  int fd_;
  uint32_t id_;
  PushRelay* relay_;
  State state_ = State::kHandshake;
  Role role_ = Role::kNone;
  bool connected_ = false;  // connect answered
  bool closing_ = false;
  bool close_after_flush_ = false;
  std::unique_ptr<ServerHandshake> server_handshake_;
  std::unique_ptr<ClientHandshake> client_handshake_;
  ChunkReader reader_;
  ChunkWriter writer_;
  SendQueue queue_;
  SharedBuffer* control_ = nullptr;
  std::vector<uint8_t> payload_;  // scratch for command payloads (keeps its capacity)
  std::vector<uint8_t> handshake_out_;
  Command command_;
  core::Timer timer_;

  std::string app_;
  std::string stream_name_;
  std::string stream_key_;  // app/name
  std::string query_;
  double object_encoding_ = 0;
  uint32_t peer_window_ = 0;
  uint64_t acked_bytes_ = 0;
  StreamCounters* stream_counters_ = nullptr;
  // Client side: transaction ids of the commands whose answers move the session on.
  static constexpr double kConnectTxn = 1;
  static constexpr double kCreateStreamTxn = 4;

  iovec iov_[kMaxIovecs]{};
  msghdr send_header_{};
};

}  // namespace ringcast::rtmp
