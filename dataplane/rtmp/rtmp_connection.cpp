#include "rtmp/rtmp_connection.hpp"

#include <unistd.h>

#include <cstring>

#include <spdlog/spdlog.h>

#include "rtmp/flv_tags.hpp"
#include "rtmp/protocol_control.hpp"
#include "rtmp/push_relay.hpp"
#include "rtmp/rtmp_server.hpp"

namespace ringcast::rtmp {
namespace {

// Commands and data messages are small; a peer announcing more is not a client we serve.
constexpr size_t kMaxCommandSize = 64 * 1024;
// What we announce with Window Acknowledgement Size and Set Peer Bandwidth (as nginx-rtmp).
constexpr uint32_t kWindow = 5'000'000;
// A refused client gets this long to read its onStatus before the socket is closed.
constexpr uint64_t kFlushCloseMs = 1000;
// The client side's transactions (push relays).
constexpr double kReleaseStreamTxn = 2;
constexpr double kFcPublishTxn = 3;
constexpr double kPublishTxn = 5;

bool starts_with_on_metadata(std::span<const uint8_t> payload) {
  static constexpr uint8_t kPrefix[] = {0x02, 0x00, 0x0A, 'o', 'n', 'M', 'e',
                                        't',  'a',  'D',  'a', 't', 'a'};
  return payload.size() >= sizeof kPrefix && memcmp(payload.data(), kPrefix, sizeof kPrefix) == 0;
}

ChunkReaderLimits reader_limits(const RtmpConfig& config) {
  ChunkReaderLimits limits;
  limits.max_message_size = config.max_message_size;
  limits.max_buffered_bytes = size_t{config.max_message_size} * 2;
  return limits;
}

SendQueueLimits queue_limits(const RtmpConfig& config) {
  SendQueueLimits limits;
  limits.queue_bytes = config.player_queue_bytes;
  limits.disconnect_bytes = config.player_disconnect_bytes;
  return limits;
}

// "live/" and "live?x=1" are the app "live".
std::string clean_app(std::string_view app) {
  app = app.substr(0, app.find('?'));
  while (!app.empty() && app.back() == '/') {
    app.remove_suffix(1);
  }
  return std::string(app);
}

}  // namespace

RtmpConnection::RtmpConnection(RtmpServer& server, int fd, uint32_t id, PushRelay* relay)
    : server_(&server),
      fd_(fd),
      id_(id),
      relay_(relay),
      reader_(reader_limits(server.config())),
      writer_(server.config().chunk_size),
      queue_(queue_limits(server.config())),
      timer_([this] {
        if (!close_after_flush_) {
          ++server_->counters().rtmp_timeouts;
        }
        close("timeout");
      }) {
  send_header_.msg_iov = iov_;
}

RtmpConnection::~RtmpConnection() {
  timer_.cancel();
  if (control_ != nullptr) {
    release(control_);
  }
  queue_.clear();
  if (fd_ >= 0) {
    ::close(fd_);
  }
}

void RtmpConnection::rebind(RtmpServer& server, uint32_t id) {
  server_ = &server;
  id_ = id;
}

void RtmpConnection::start() {
  if (relay_ != nullptr) {
    stream_key_ = relay_->stream_key();
    client_handshake_ = std::make_unique<ClientHandshake>();
    client_handshake_->start(control_out());
    commit_control();
  } else {
    server_handshake_ =
        std::make_unique<ServerHandshake>(static_cast<uint32_t>(server_->shard().now_ms()));
  }
  server_->shard().timers().schedule(timer_, server_->config().handshake_timeout_ms);
}

std::vector<uint8_t>& RtmpConnection::control_out() {
  if (control_ == nullptr) {
    control_ = server_->pool().acquire(kBufferControl);
  }
  return control_->storage;
}

void RtmpConnection::commit_control() {
  if (control_ == nullptr) {
    return;
  }
  if (control_->storage.empty()) {
    release(control_);
  } else {
    SharedBufferPool::seal(control_);
    queue_.push_owned(control_);
    server_->mark_dirty(this);
  }
  control_ = nullptr;
}

void RtmpConnection::send_command_payload(uint32_t csid, uint32_t stream_id, uint8_t type) {
  MessageHeader header;
  header.csid = csid;
  header.type_id = type;
  header.stream_id = stream_id;
  writer_.write(header, payload_, control_out());
}

void RtmpConnection::send_status(std::string_view level, std::string_view code,
                                 std::string_view description) {
  payload_.clear();
  build_on_status(payload_, level, code, description);
  send_command_payload(kStreamCsid, kMediaStreamId,
                       static_cast<uint8_t>(MessageType::kCommandAmf0));
}

void RtmpConnection::on_receive(std::span<const uint8_t> data) {
  if (closing_) {
    return;
  }
  server_->counters().rtmp_rx_bytes += data.size();
  if (migrating) {
    pending_input.insert(pending_input.end(), data.begin(), data.end());
    return;
  }
  process(data);
}

void RtmpConnection::process(std::span<const uint8_t> data) {
  if (state_ == State::kHandshake) {
    const HandshakeStatus status = server_handshake_ != nullptr
                                       ? server_handshake_->feed(data, control_out())
                                       : client_handshake_->feed(data, control_out());
    if (status == HandshakeStatus::kError) {
      ++server_->counters().rtmp_handshake_errors;
      close("bad handshake");
      return;
    }
    if (status == HandshakeStatus::kNeedMore) {
      commit_control();
      return;
    }
    state_ = State::kSession;
    server_handshake_.reset();
    client_handshake_.reset();
    if (relay_ != nullptr) {
      // Our chunk size first: the shared media buffers are encoded with it.
      append_set_chunk_size(control_out(), writer_.chunk_size());
      ConnectRequest request;
      request.app = relay_->url().app;
      request.tc_url = relay_->url().tc_url;
      payload_.clear();
      build_connect(payload_, kConnectTxn, request);
      send_command_payload(kCommandCsid, 0, static_cast<uint8_t>(MessageType::kCommandAmf0));
    }
  }
  ChunkMessage message;
  while (!closing_) {
    const ChunkStatus status = reader_.read(data, message);
    if (status == ChunkStatus::kNeedMore) {
      break;
    }
    if (status == ChunkStatus::kError) {
      ++server_->counters().rtmp_protocol_errors;
      close(to_string(reader_.error()));
      break;
    }
    handle_message(message);
    if (migrating) {
      // The rest is parsed by the shard that owns the stream, after the hand-over.
      pending_input.insert(pending_input.end(), data.begin(), data.end());
      break;
    }
  }
  acknowledge();
  commit_control();
}

void RtmpConnection::acknowledge() {
  // Spec 5.4.3: tell the peer what arrived each time a window's worth did.
  if (peer_window_ != 0 && reader_.bytes_received() - acked_bytes_ >= peer_window_) {
    acked_bytes_ = reader_.bytes_received();
    append_acknowledgement(control_out(), static_cast<uint32_t>(acked_bytes_));
  }
}

void RtmpConnection::handle_message(const ChunkMessage& message) {
  ++server_->counters().rtmp_rx_messages;
  switch (static_cast<MessageType>(message.type_id)) {
    case MessageType::kWindowAckSize:
      if (auto window = parse_u32_payload(message.payload)) {
        peer_window_ = *window;
      }
      return;
    case MessageType::kUserControl:
      if (auto event = parse_user_control(message.payload);
          event && event->event == UserControlEvent::kPingRequest) {
        append_ping_response(control_out(), event->value);
      }
      return;
    case MessageType::kCommandAmf0:
    case MessageType::kCommandAmf3: {
      if (message.payload.size() > kMaxCommandSize) {
        ++server_->counters().rtmp_protocol_errors;
        close("command too large");
        return;
      }
      const bool amf3 = message.type_id == static_cast<uint8_t>(MessageType::kCommandAmf3);
      if (parse_command(message.payload, command_, amf3) != CommandError::kNone) {
        ++server_->counters().rtmp_protocol_errors;
        close("bad command");
        return;
      }
      if (relay_ != nullptr) {
        handle_client_command(command_);
      } else {
        handle_command(command_);
      }
      return;
    }
    case MessageType::kDataAmf0:
    case MessageType::kDataAmf3:
      handle_data(message);
      return;
    case MessageType::kAudio:
    case MessageType::kVideo:
      handle_media(message);
      return;
    default:
      // Set Chunk Size and Abort were applied by the reader; acknowledgements, bandwidth and
      // aggregate messages need nothing from us.
      return;
  }
}

void RtmpConnection::handle_command(const Command& command) {
  const auto command_type = static_cast<uint8_t>(MessageType::kCommandAmf0);
  if (command.kind != CommandKind::kConnect && !connected_) {
    ++server_->counters().rtmp_protocol_errors;
    close("command before connect");
    return;
  }
  switch (command.kind) {
    case CommandKind::kConnect:
      do_connect(command);
      return;
    case CommandKind::kReleaseStream:
    case CommandKind::kFcPublish:
      if (command.transaction_id != 0) {
        payload_.clear();
        build_result(payload_, command.transaction_id);
        send_command_payload(kCommandCsid, 0, command_type);
      }
      if (command.kind == CommandKind::kFcPublish) {
        payload_.clear();
        build_on_fc_publish(payload_, status::kPublishStart, stream_name_arg(command));
        send_command_payload(kCommandCsid, 0, command_type);
      }
      return;
    case CommandKind::kCreateStream:
      payload_.clear();
      build_create_stream_result(payload_, command.transaction_id, kMediaStreamId);
      send_command_payload(kCommandCsid, 0, command_type);
      return;
    case CommandKind::kPublish:
      do_publish(command);
      return;
    case CommandKind::kPlay:
      do_play(command);
      return;
    case CommandKind::kFcUnpublish:
    case CommandKind::kDeleteStream:
    case CommandKind::kCloseStream:
      stop_stream_role();
      return;
    default:
      // getStreamLength, FCSubscribe, _checkbw, receiveAudio...: nothing a live server must do.
      return;
  }
}

void RtmpConnection::do_connect(const Command& command) {
  if (connected_) {
    return;
  }
  std::optional<ConnectParams> params = connect_params(command);
  if (!params) {
    ++server_->counters().rtmp_protocol_errors;
    close("connect without a command object");
    return;
  }
  app_ = clean_app(params->app);
  object_encoding_ = params->object_encoding;
  std::vector<uint8_t>& out = control_out();
  append_window_ack_size(out, kWindow);
  append_set_peer_bandwidth(out, kWindow, PeerBandwidthLimit::kDynamic);
  append_set_chunk_size(out, writer_.chunk_size());
  payload_.clear();
  build_connect_result(payload_, command.transaction_id, object_encoding_);
  send_command_payload(kCommandCsid, 0, static_cast<uint8_t>(MessageType::kCommandAmf0));
  connected_ = true;
  timer_.cancel();
}

void RtmpConnection::do_publish(const Command& command) {
  std::optional<PublishParams> params = publish_params(command);
  const StreamNameParts parts = split_stream_name(params ? params->stream_name : std::string());
  if (role_ != Role::kNone || parts.name.empty() || app_.empty() ||
      parts.name.find('/') != std::string_view::npos) {
    ++server_->counters().rtmp_publish_refused;
    send_status(status::kLevelError, status::kPublishBadName, "bad stream name");
    close_after_flush();
    return;
  }
  stream_name_ = std::string(parts.name);
  query_ = std::string(parts.query);
  stream_key_ = app_ + "/" + stream_name_;
  AuthRequest request{StreamRole::kPublish, app_, stream_name_, query_};
  server_->authorizer().authorize(request, [server = server_, id = id_](bool allowed) {
    if (RtmpConnection* connection = server->find(id)) {
      connection->publish_decided(allowed);
    }
  });
}

void RtmpConnection::publish_decided(bool allowed) {
  if (closing_) {
    return;
  }
  if (!allowed) {
    ++server_->counters().rtmp_auth_refused;
    send_status(status::kLevelError, status::kPublishBadName, "publish key refused");
    commit_control();
    close_after_flush();
    return;
  }
  try_publish();
}

void RtmpConnection::try_publish() {
  role_ = Role::kPublisher;
  if (!server_->begin_publish(this)) {
    role_ = Role::kNone;
    ++server_->counters().rtmp_publish_refused;
    send_status(status::kLevelError, status::kPublishBadName, "stream is already being published");
    commit_control();
    close_after_flush();
    return;
  }
  if (!migrating) {
    publish_allowed();
  }
}

void RtmpConnection::publish_allowed() {
  append_stream_begin(control_out(), kMediaStreamId);
  send_status(status::kLevelStatus, status::kPublishStart, stream_name_);
  commit_control();
}

void RtmpConnection::finish_publish() {
  std::vector<uint8_t> input;
  input.swap(pending_input);
  try_publish();
  if (!closing_ && !input.empty()) {
    process(input);
  }
}

void RtmpConnection::do_play(const Command& command) {
  std::optional<PlayParams> params = play_params(command);
  const StreamNameParts parts = split_stream_name(params ? params->stream_name : std::string());
  if (role_ != Role::kNone || parts.name.empty() || app_.empty()) {
    send_status(status::kLevelError, status::kPlayStreamNotFound, "bad stream name");
    close_after_flush();
    return;
  }
  stream_name_ = std::string(parts.name);
  query_ = std::string(parts.query);
  stream_key_ = app_ + "/" + stream_name_;
  AuthRequest request{StreamRole::kPlay, app_, stream_name_, query_};
  server_->authorizer().authorize(request, [server = server_, id = id_](bool allowed) {
    if (RtmpConnection* connection = server->find(id)) {
      connection->play_decided(allowed);
    }
  });
}

void RtmpConnection::play_decided(bool allowed) {
  if (closing_) {
    return;
  }
  if (!allowed) {
    ++server_->counters().rtmp_auth_refused;
    send_status(status::kLevelError, "NetStream.Play.Failed", "play key refused");
    commit_control();
    close_after_flush();
    return;
  }
  role_ = Role::kPlayer;
  append_stream_begin(control_out(), kMediaStreamId);
  send_status(status::kLevelStatus, status::kPlayReset, stream_name_);
  send_status(status::kLevelStatus, status::kPlayStart, stream_name_);
  payload_.clear();
  build_sample_access(payload_);
  send_command_payload(kStreamCsid, kMediaStreamId, static_cast<uint8_t>(MessageType::kDataAmf0));
  commit_control();
  // A player starts on a keyframe (the cached GOP's first, or the next one).
  queue_.wait_for_start();
  server_->begin_play(this);
}

void RtmpConnection::stop_stream_role() {
  if (role_ == Role::kPublisher) {
    send_status(status::kLevelStatus, status::kUnpublishSuccess, stream_name_);
    server_->detach(this);
  } else if (role_ == Role::kPlayer) {
    server_->detach(this);
  }
  role_ = Role::kNone;
  stream_counters_ = nullptr;
}

void RtmpConnection::handle_data(const ChunkMessage& message) {
  if (role_ != Role::kPublisher ||
      message.type_id != static_cast<uint8_t>(MessageType::kDataAmf0)) {
    return;
  }
  std::span<const uint8_t> payload = message.payload;
  if (auto stripped = strip_set_data_frame(payload)) {
    payload = *stripped;
  }
  if (!starts_with_on_metadata(payload) || payload.size() > kMaxCommandSize) {
    return;
  }
  SharedBuffer* buffer = server_->pool().acquire(kBufferMetadata);
  MessageHeader header;
  header.csid = kStreamCsid;
  header.timestamp = message.timestamp;
  header.type_id = static_cast<uint8_t>(MessageType::kDataAmf0);
  header.stream_id = kMediaStreamId;
  writer_.write(header, payload, buffer->storage);
  SharedBufferPool::seal(buffer);
  server_->publish_message(this, buffer, false);
  release(buffer);
}

void RtmpConnection::handle_media(const ChunkMessage& message) {
  if (role_ != Role::kPublisher || message.payload.empty()) {
    return;
  }
  const bool video = message.type_id == static_cast<uint8_t>(MessageType::kVideo);
  uint8_t flags = 0;
  if (video) {
    VideoTag tag;
    if (parse_video_tag(message.payload, tag) != FlvError::kNone) {
      return;
    }
    if (tag.sequence_header()) {
      flags = kBufferVideoHeader;
    } else {
      flags = kBufferVideo | (tag.keyframe() ? kBufferStartPoint : 0);
    }
  } else {
    AudioTag tag;
    if (parse_audio_tag(message.payload, tag) != FlvError::kNone) {
      return;
    }
    flags = tag.sequence_header() ? kBufferAudioHeader : kBufferAudio;
  }
  // Enhanced RTMP payloads (hvc1, av01, vp09, Opus, ...) are forwarded as received: only the
  // chunk framing is ours.
  SharedBuffer* buffer = server_->pool().acquire(flags);
  MessageHeader header;
  header.csid = video ? kVideoCsid : kAudioCsid;
  header.timestamp = message.timestamp;
  header.type_id = message.type_id;
  header.stream_id = kMediaStreamId;
  writer_.write(header, message.payload, buffer->storage);
  SharedBufferPool::seal(buffer);
  server_->publish_message(this, buffer, video);
  release(buffer);
}

void RtmpConnection::handle_client_command(const Command& command) {
  const auto command_type = static_cast<uint8_t>(MessageType::kCommandAmf0);
  switch (command.kind) {
    case CommandKind::kResult:
      if (command.transaction_id == kConnectTxn) {
        const std::string& name = relay_->remote_stream();
        payload_.clear();
        build_stream_command(payload_, "releaseStream", kReleaseStreamTxn, name);
        send_command_payload(kCommandCsid, 0, command_type);
        payload_.clear();
        build_stream_command(payload_, "FCPublish", kFcPublishTxn, name);
        send_command_payload(kCommandCsid, 0, command_type);
        payload_.clear();
        build_create_stream(payload_, kCreateStreamTxn);
        send_command_payload(kCommandCsid, 0, command_type);
      } else if (command.transaction_id == kCreateStreamTxn) {
        const double stream_id = command.args.empty() ? 0 : command.args[0].as_number(0);
        if (stream_id != kMediaStreamId) {
          // Shared buffers carry message stream id 1; every server we know hands out 1 first.
          close("remote server gave a stream id other than 1");
          return;
        }
        payload_.clear();
        build_publish(payload_, kPublishTxn, relay_->remote_stream());
        send_command_payload(kStreamCsid, kMediaStreamId, command_type);
      }
      return;
    case CommandKind::kError:
      close("remote server refused a command");
      return;
    case CommandKind::kOnStatus: {
      const Amf0Value* info = command.args.empty() ? nullptr : &command.args[0];
      const Amf0Value* code = info != nullptr ? info->find("code") : nullptr;
      const Amf0Value* level = info != nullptr ? info->find("level") : nullptr;
      if (code != nullptr && code->as_string() == status::kPublishStart && role_ == Role::kNone) {
        role_ = Role::kRelay;
        timer_.cancel();
        relay_->on_publishing(this);
      } else if (level != nullptr && level->as_string() == status::kLevelError) {
        close("remote server refused the publish");
      }
      return;
    }
    default:
      return;
  }
}

void RtmpConnection::on_stream_message(SharedBuffer* buffer) {
  if (closing_) {
    return;
  }
  commit_control();
  const uint64_t skips = queue_.skips();
  const uint64_t dropped = queue_.dropped_messages();
  const PushResult result = queue_.push(buffer);
  RtmpCounters& counters = server_->counters();
  if (queue_.skips() != skips) {
    counters.rtmp_player_skips += queue_.skips() - skips;
    if (stream_counters_ != nullptr) {
      stream_counters_->player_skips += queue_.skips() - skips;
    }
  }
  if (queue_.dropped_messages() != dropped) {
    counters.rtmp_player_dropped_messages += queue_.dropped_messages() - dropped;
    if (stream_counters_ != nullptr) {
      stream_counters_->player_dropped_messages += queue_.dropped_messages() - dropped;
    }
  }
  if (result == PushResult::kDisconnect) {
    ++counters.rtmp_player_disconnects;
    if (stream_counters_ != nullptr) {
      ++stream_counters_->player_disconnects;
    }
    close("player too far behind");
    return;
  }
  if (result == PushResult::kQueued) {
    server_->mark_dirty(this);
  }
}

void RtmpConnection::on_stream_unpublished() {
  if (closing_) {
    return;
  }
  if (role_ == Role::kRelay) {
    payload_.clear();
    build_stream_command(payload_, "FCUnpublish", 6,
                         relay_ != nullptr ? relay_->remote_stream() : "");
    send_command_payload(kCommandCsid, 0, static_cast<uint8_t>(MessageType::kCommandAmf0));
    payload_.clear();
    build_delete_stream(payload_, 7, kMediaStreamId);
    send_command_payload(kCommandCsid, 0, static_cast<uint8_t>(MessageType::kCommandAmf0));
    commit_control();
    close_after_flush();
    return;
  }
  // ffmpeg and librtmp players end the stream cleanly on UnpublishNotify / Stream EOF.
  append_stream_eof(control_out(), kMediaStreamId);
  send_status(status::kLevelStatus, status::kPlayUnpublishNotify, stream_name_);
  commit_control();
  queue_.wait_for_start();
}

void RtmpConnection::on_stream_published() {}

size_t RtmpConnection::prepare_send() {
  commit_control();
  const size_t n = queue_.prepare(iov_, kMaxIovecs);
  send_header_.msg_iov = iov_;
  send_header_.msg_iovlen = n;
  return n;
}

void RtmpConnection::on_sent(int result) {
  if (result < 0) {
    queue_.abort_in_flight();
    if (!closing_) {
      ++server_->counters().rtmp_send_errors;
    }
    close("send failed");
    return;
  }
  server_->counters().rtmp_tx_bytes += static_cast<uint64_t>(result);
  queue_.complete(static_cast<size_t>(result));
  if (closing_) {
    return;
  }
  if (close_after_flush_ && queue_.empty() && control_ == nullptr) {
    close("refused");
    return;
  }
  if (!queue_.empty()) {
    server_->mark_dirty(this);
  }
}

void RtmpConnection::on_peer_closed() { close("peer closed"); }

void RtmpConnection::close_after_flush() {
  if (closing_ || close_after_flush_) {
    return;
  }
  close_after_flush_ = true;
  server_->shard().timers().schedule(timer_, kFlushCloseMs);
  server_->mark_dirty(this);
}

void RtmpConnection::close(std::string_view reason) {
  if (closing_) {
    return;
  }
  closing_ = true;
  timer_.cancel();
  spdlog::debug("rtmp: connection {} ({}) closed: {}", id_, stream_key_, reason);
  server_->schedule_reap(this);
}

void RtmpConnection::detach() {
  if (role_ != Role::kNone) {
    server_->detach(this);
    role_ = Role::kNone;
    stream_counters_ = nullptr;
  }
  if (relay_ != nullptr) {
    PushRelay* relay = relay_;
    relay_ = nullptr;
    relay->on_connection_closed(this);
  }
}

}  // namespace ringcast::rtmp
