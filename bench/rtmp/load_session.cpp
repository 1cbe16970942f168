#include "rtmp/load_session.hpp"

#include <utility>

#include "rtmp/amf0.hpp"
#include "rtmp/flv_file.hpp"
#include "rtmp/flv_tags.hpp"
#include "rtmp/messages.hpp"
#include "rtmp/protocol_control.hpp"

namespace ringcast::bench::rtmp {
namespace {

namespace wire = ringcast::rtmp;

// Chunk stream of the client's stream-level commands (publish, play) and media. FFmpeg's librtmp
// writer uses 8 for play/publish and 4/6 for media; any id 3..65599 is valid.
constexpr uint32_t kClientStreamCsid = 8;
constexpr double kConnectTransaction = 1;

}  // namespace

void build_play(std::vector<uint8_t>& out, double transaction_id, std::string_view stream_name) {
  wire::Amf0Writer w(out);
  w.string("play").number(transaction_id).null().string(stream_name).number(-2);
}

LoadSession::LoadSession(SessionOptions options)
    : options_(std::move(options)),
      reader_(options_.limits),
      writer_(wire::kDefaultChunkSize),
      gaps_(options_.gaps) {}

void LoadSession::fail(std::string reason) {
  if (state_ != SessionState::kFailed) {
    state_ = SessionState::kFailed;
    error_ = std::move(reason);
  }
}

void LoadSession::start(std::vector<uint8_t>& out) {
  handshake_.start(out);
  state_ = SessionState::kHandshake;
}

void LoadSession::send_command(std::span<const uint8_t> payload, uint32_t csid, uint32_t stream_id,
                               std::vector<uint8_t>& out) {
  wire::MessageHeader header;
  header.csid = csid;
  header.type_id = static_cast<uint8_t>(wire::MessageType::kCommandAmf0);
  header.stream_id = stream_id;
  writer_.write(header, payload, out);
}

void LoadSession::on_connected(std::vector<uint8_t>& out) {
  if (options_.role == SessionRole::kPublish) {
    // Everything the publisher writes after this uses the larger chunk size.
    wire::append_set_chunk_size(out, options_.chunk_size);
    writer_.set_chunk_size(options_.chunk_size);
  }
  scratch_.clear();
  wire::ConnectRequest connect;
  connect.app = options_.app;
  connect.tc_url = options_.tc_url;
  wire::build_connect(scratch_, kConnectTransaction, connect);
  send_command(scratch_, wire::kCommandCsid, 0, out);
  state_ = SessionState::kConnecting;
}

SessionState LoadSession::feed(std::span<const uint8_t> input, std::vector<uint8_t>& out) {
  if (state_ == SessionState::kFailed || state_ == SessionState::kIdle) {
    return state_;
  }
  bytes_received_ += input.size();
  if (state_ == SessionState::kHandshake) {
    switch (handshake_.feed(input, out)) {
      case wire::HandshakeStatus::kNeedMore:
        return state_;
      case wire::HandshakeStatus::kError:
        fail("handshake: " + std::string(wire::to_string(handshake_.error())));
        return state_;
      case wire::HandshakeStatus::kDone:
        on_connected(out);
        break;
    }
  }
  wire::ChunkMessage message;
  while (state_ != SessionState::kFailed) {
    const wire::ChunkStatus status = reader_.read(input, message);
    if (status == wire::ChunkStatus::kNeedMore) {
      break;
    }
    if (status == wire::ChunkStatus::kError) {
      fail("chunk stream: " + std::string(wire::to_string(reader_.error())));
      break;
    }
    handle_message(message, out);
  }
  // Spec 5.4.3: acknowledge after receiving bytes equal to the window size. The sequence number
  // is the byte count so far, modulo 2^32.
  if (window_ack_size_ > 0 && bytes_received_ - last_acknowledged_ >= window_ack_size_ &&
      state_ != SessionState::kFailed) {
    wire::append_acknowledgement(out, static_cast<uint32_t>(bytes_received_));
    last_acknowledged_ = bytes_received_;
    ++acknowledgements_sent_;
  }
  return state_;
}

void LoadSession::handle_message(const wire::ChunkMessage& message, std::vector<uint8_t>& out) {
  switch (static_cast<wire::MessageType>(message.type_id)) {
    case wire::MessageType::kAudio:
    case wire::MessageType::kVideo: {
      media_bytes_ += message.payload.size();
      ++media_messages_;
      // Sequence headers are sent at play start with timestamps of the server's choosing (often
      // 0): only coded frames say whether the stream is continuous.
      bool sequence_header = false;
      if (message.type_id == kFlvVideo) {
        wire::VideoTag video;
        sequence_header = wire::parse_video_tag(message.payload, video) == wire::FlvError::kNone &&
                          video.sequence_header();
      } else {
        wire::AudioTag audio;
        sequence_header = wire::parse_audio_tag(message.payload, audio) == wire::FlvError::kNone &&
                          audio.sequence_header();
      }
      if (!sequence_header && !message.payload.empty()) {
        gaps_.on_media(message.type_id, message.timestamp);
      }
      return;
    }
    case wire::MessageType::kWindowAckSize:
      if (auto window = wire::parse_u32_payload(message.payload)) {
        window_ack_size_ = *window;
      }
      return;
    case wire::MessageType::kUserControl:
      if (auto control = wire::parse_user_control(message.payload);
          control && control->event == wire::UserControlEvent::kPingRequest) {
        wire::append_ping_response(out, control->value);
      }
      return;
    case wire::MessageType::kCommandAmf0:
      handle_command(message.payload, false, out);
      return;
    case wire::MessageType::kCommandAmf3:
      handle_command(message.payload, true, out);
      return;
    default:
      // Set Chunk Size and Abort were applied by the reader; Set Peer Bandwidth, Acknowledgement
      // and data messages (onMetaData, |RtmpSampleAccess) need nothing from a load player.
      return;
  }
}

void LoadSession::handle_command(std::span<const uint8_t> payload, bool amf3,
                                 std::vector<uint8_t>& out) {
  wire::Command command;
  if (wire::parse_command(payload, command, amf3) != wire::CommandError::kNone) {
    fail("unparsable command from the server");
    return;
  }
  switch (command.kind) {
    case wire::CommandKind::kResult:
      if (state_ == SessionState::kConnecting && command.transaction_id == kConnectTransaction) {
        scratch_.clear();
        double transaction = kConnectTransaction;
        if (options_.role == SessionRole::kPublish) {
          // What OBS and ffmpeg send before createStream; servers answer or ignore them.
          wire::build_stream_command(scratch_, "releaseStream", ++transaction, options_.stream_key);
          send_command(scratch_, wire::kCommandCsid, 0, out);
          scratch_.clear();
          wire::build_stream_command(scratch_, "FCPublish", ++transaction, options_.stream_key);
          send_command(scratch_, wire::kCommandCsid, 0, out);
          scratch_.clear();
        }
        create_stream_transaction_ = ++transaction;
        wire::build_create_stream(scratch_, create_stream_transaction_);
        send_command(scratch_, wire::kCommandCsid, 0, out);
        state_ = SessionState::kCreatingStream;
      } else if (state_ == SessionState::kCreatingStream &&
                 command.transaction_id == create_stream_transaction_) {
        if (command.args.empty() || !command.args[0].is_number()) {
          fail("createStream _result without a stream id");
          return;
        }
        on_stream_created(static_cast<uint32_t>(command.args[0].as_number()), out);
      }
      return;
    case wire::CommandKind::kError:
      if (command.transaction_id == kConnectTransaction ||
          command.transaction_id == create_stream_transaction_) {
        fail("server answered _error to " +
             std::string(command.transaction_id == kConnectTransaction ? "connect"
                                                                       : "createStream"));
      }
      return;
    case wire::CommandKind::kOnStatus: {
      const wire::Amf0Value* info = command.args.empty() ? nullptr : &command.args[0];
      const wire::Amf0Value* code = info != nullptr ? info->find("code") : nullptr;
      const wire::Amf0Value* level = info != nullptr ? info->find("level") : nullptr;
      const std::string_view code_text = code != nullptr ? code->as_string() : "";
      if (level != nullptr && level->as_string() == wire::status::kLevelError) {
        fail("onStatus " + std::string(code_text));
        return;
      }
      if (state_ == SessionState::kStarting &&
          ((options_.role == SessionRole::kPublish && code_text == wire::status::kPublishStart) ||
           (options_.role == SessionRole::kPlay && code_text == wire::status::kPlayStart))) {
        state_ = SessionState::kActive;
      }
      return;
    }
    default:
      // onBWDone, onFCPublish, |RtmpSampleAccess and the like.
      return;
  }
}

void LoadSession::on_stream_created(uint32_t stream_id, std::vector<uint8_t>& out) {
  stream_id_ = stream_id;
  scratch_.clear();
  if (options_.role == SessionRole::kPublish) {
    wire::build_publish(scratch_, 0, options_.stream_key);
  } else {
    build_play(scratch_, 0, options_.stream_key);
  }
  send_command(scratch_, kClientStreamCsid, stream_id_, out);
  state_ = SessionState::kStarting;
}

void LoadSession::append_media(uint8_t type, uint32_t timestamp, std::span<const uint8_t> payload,
                               std::vector<uint8_t>& out) const {
  wire::MessageHeader header;
  header.csid = type == kFlvAudio   ? wire::kAudioCsid
                : type == kFlvVideo ? wire::kVideoCsid
                                    : wire::kStreamCsid;
  header.timestamp = timestamp;
  header.type_id = type;
  header.stream_id = stream_id_;
  writer_.write(header, payload, out);
}

void LoadSession::append_metadata(std::span<const uint8_t> script_payload,
                                  std::vector<uint8_t>& out) const {
  std::vector<uint8_t> payload;
  wire::Amf0Writer(payload).string("@setDataFrame");
  payload.insert(payload.end(), script_payload.begin(), script_payload.end());
  append_media(kFlvScript, 0, payload, out);
}

}  // namespace ringcast::bench::rtmp
