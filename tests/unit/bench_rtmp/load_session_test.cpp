#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "rtmp/amf0.hpp"
#include "rtmp/chunk_reader.hpp"
#include "rtmp/chunk_writer.hpp"
#include "rtmp/flv_file.hpp"
#include "rtmp/handshake.hpp"
#include "rtmp/load_session.hpp"
#include "rtmp/messages.hpp"
#include "rtmp/protocol_control.hpp"

namespace ringcast::bench::rtmp {
namespace {

namespace wire = ringcast::rtmp;

// A scripted server built from dataplane/rtmp's server-side pieces: it answers the handshake,
// connect (Window Ack Size, Set Chunk Size 4096, _result), createStream (_result 1) and
// publish/play (onStatus), and records every command and message the client sent.
class ScriptedServer {
 public:
  explicit ScriptedServer(uint32_t window) : window_(window) {}

  // Consumes the client's bytes and returns the server's answer.
  std::vector<uint8_t> receive(std::span<const uint8_t> input) {
    std::vector<uint8_t> out;
    if (!handshake_done_) {
      const wire::HandshakeStatus status = handshake_.feed(input, out);
      EXPECT_NE(status, wire::HandshakeStatus::kError);
      if (status != wire::HandshakeStatus::kDone) {
        return out;
      }
      handshake_done_ = true;
    }
    wire::ChunkMessage message;
    while (reader_.read(input, message) == wire::ChunkStatus::kMessage) {
      types.push_back(message.type_id);
      if (message.type_id == uint8_t(wire::MessageType::kAcknowledgement)) {
        acknowledgements.push_back(*wire::parse_u32_payload(message.payload));
      }
      if (message.type_id == kFlvAudio || message.type_id == kFlvVideo ||
          message.type_id == kFlvScript) {
        media.emplace_back(message.payload.begin(), message.payload.end());
        media_timestamps.push_back(message.timestamp);
      }
      if (message.type_id != uint8_t(wire::MessageType::kCommandAmf0)) {
        continue;
      }
      wire::Command command;
      EXPECT_EQ(wire::parse_command(message.payload, command), wire::CommandError::kNone);
      commands.push_back(command.name);
      std::vector<uint8_t> payload;
      wire::MessageHeader header;
      header.type_id = uint8_t(wire::MessageType::kCommandAmf0);
      if (command.kind == wire::CommandKind::kConnect) {
        wire::append_window_ack_size(out, window_);
        wire::append_set_chunk_size(out, 4096);
        writer_.set_chunk_size(4096);
        wire::build_connect_result(payload, command.transaction_id);
      } else if (command.kind == wire::CommandKind::kCreateStream) {
        wire::build_create_stream_result(payload, command.transaction_id, 1);
      } else if (command.kind == wire::CommandKind::kPublish) {
        stream_name = std::string(wire::stream_name_arg(command));
        header.stream_id = message.stream_id;
        wire::build_on_status(payload, wire::status::kLevelStatus, wire::status::kPublishStart,
                              "go");
      } else if (command.kind == wire::CommandKind::kPlay) {
        stream_name = std::string(wire::stream_name_arg(command));
        header.stream_id = message.stream_id;
        wire::append_stream_begin(out, 1);
        wire::build_on_status(payload, wire::status::kLevelStatus, wire::status::kPlayReset, "");
        writer_.write(header, payload, out);
        payload.clear();
        wire::build_on_status(
            payload, wire::status::kLevelStatus,
            refuse_play ? wire::status::kPlayStreamNotFound : wire::status::kPlayStart, "");
        if (refuse_play) {
          payload.clear();
          wire::build_on_status(payload, wire::status::kLevelError,
                                wire::status::kPlayStreamNotFound, "no such stream");
        }
      } else {
        continue;
      }
      writer_.write(header, payload, out);
    }
    return out;
  }

  // A media message to the player on stream 1.
  std::vector<uint8_t> media_message(uint8_t type, uint32_t timestamp,
                                     const std::vector<uint8_t>& payload) {
    std::vector<uint8_t> out;
    writer_.write({.csid = 6, .timestamp = timestamp, .type_id = type, .stream_id = 1}, payload,
                  out);
    return out;
  }

  bool refuse_play = false;
  std::vector<std::string> commands;
  std::vector<uint8_t> types;
  std::vector<uint32_t> acknowledgements;
  std::vector<std::vector<uint8_t>> media;
  std::vector<uint32_t> media_timestamps;
  std::string stream_name;

 private:
  uint32_t window_;
  bool handshake_done_ = false;
  wire::ServerHandshake handshake_;
  wire::ChunkReader reader_;
  wire::ChunkWriter writer_{128};
};

SessionOptions options(SessionRole role) {
  SessionOptions session;
  session.role = role;
  session.tc_url = "rtmp://127.0.0.1:1935/live";
  session.stream_key = "bench";
  return session;
}

// Shuttles bytes between client and server, in slices of `slice` bytes, until neither has more.
void converse(LoadSession& client, ScriptedServer& server, std::vector<uint8_t> to_server,
              size_t slice) {
  for (int turn = 0; turn < 20 && !to_server.empty(); ++turn) {
    std::vector<uint8_t> to_client = server.receive(to_server);
    to_server.clear();
    for (size_t i = 0; i < to_client.size(); i += slice) {
      const size_t n = std::min(slice, to_client.size() - i);
      client.feed(std::span<const uint8_t>(to_client).subspan(i, n), to_server);
    }
  }
}

TEST(LoadSessionTest, PlayerReachesPlayStartThroughHandshakeConnectAndCreateStream) {
  for (size_t slice : {size_t{1}, size_t{7}, size_t{100'000}}) {
    ScriptedServer server(1'000'000);
    LoadSession player(options(SessionRole::kPlay));
    std::vector<uint8_t> out;
    player.start(out);
    EXPECT_EQ(player.state(), SessionState::kHandshake);
    converse(player, server, out, slice);
    EXPECT_EQ(player.state(), SessionState::kActive) << player.error();
    EXPECT_EQ(player.stream_id(), 1u);
    EXPECT_EQ(server.commands, (std::vector<std::string>{"connect", "createStream", "play"}));
    EXPECT_EQ(server.stream_name, "bench");
    EXPECT_EQ(player.window_ack_size(), 1'000'000u);
  }
}

TEST(LoadSessionTest, PublisherSendsFmleCommandsThenMetadataAndMedia) {
  ScriptedServer server(1'000'000);
  LoadSession publisher(options(SessionRole::kPublish));
  std::vector<uint8_t> out;
  publisher.start(out);
  converse(publisher, server, out, 4096);
  ASSERT_EQ(publisher.state(), SessionState::kActive) << publisher.error();
  EXPECT_EQ(server.commands, (std::vector<std::string>{"connect", "releaseStream", "FCPublish",
                                                       "createStream", "publish"}));
  // The publisher announced 4096 before its commands; the server reader followed it.
  EXPECT_EQ(server.types.front(), uint8_t(wire::MessageType::kSetChunkSize));

  const std::vector<uint8_t> script = {0x02, 0x00, 0x0A, 'o', 'n', 'M', 'e',
                                       't',  'a',  'D',  'a', 't', 'a', 0x05};
  const std::vector<uint8_t> frame(10'000, 0x27);
  out.clear();
  publisher.append_metadata(script, out);
  publisher.append_media(kFlvVideo, 1234, frame, out);
  server.receive(out);
  ASSERT_EQ(server.media.size(), 2u);
  // "@setDataFrame" then the file's onMetaData bytes unchanged.
  const std::optional<std::span<const uint8_t>> stripped =
      wire::strip_set_data_frame(server.media[0]);
  ASSERT_TRUE(stripped.has_value());
  EXPECT_EQ(std::vector<uint8_t>(stripped->begin(), stripped->end()), script);
  EXPECT_EQ(server.media[1], frame);
  EXPECT_EQ(server.media_timestamps[1], 1234u);
}

TEST(LoadSessionTest, PlayerCountsMediaAcknowledgesAndFindsGaps) {
  ScriptedServer server(20'000);
  LoadSession player(options(SessionRole::kPlay));
  std::vector<uint8_t> out;
  player.start(out);
  converse(player, server, out, 100'000);
  ASSERT_TRUE(player.active()) << player.error();

  const std::vector<uint8_t> sequence_header = {0x17, 0x00, 0, 0, 0, 1, 2, 3};
  const std::vector<uint8_t> frame(5'000, 0x27);
  uint64_t media = 0;
  out.clear();
  // A sequence header at 0 then frames from 10,000 ms: the header is not part of the timeline.
  std::vector<uint8_t> bytes = server.media_message(kFlvVideo, 0, sequence_header);
  media += sequence_header.size();
  for (uint32_t i = 0; i < 20; ++i) {
    // Frame 10 is missing: one 66 ms step is no gap, so drop 10 frames instead.
    const uint32_t timestamp = 10'000 + i * 33 + (i >= 10 ? 330 : 0);
    const std::vector<uint8_t> message = server.media_message(kFlvVideo, timestamp, frame);
    bytes.insert(bytes.end(), message.begin(), message.end());
    media += frame.size();
  }
  const uint64_t before = player.bytes_received();
  player.feed(bytes, out);
  EXPECT_EQ(player.media_bytes(), media);
  EXPECT_EQ(player.media_messages(), 21u);
  EXPECT_EQ(player.gaps().gaps(), 1u);
  EXPECT_EQ(player.bytes_received(), before + bytes.size());

  // More than the 20,000-byte window arrived: one Acknowledgement carrying the byte count.
  server.receive(out);
  ASSERT_EQ(server.acknowledgements.size(), 1u);
  EXPECT_EQ(server.acknowledgements[0], static_cast<uint32_t>(player.bytes_received()));
  EXPECT_EQ(player.acknowledgements_sent(), 1u);
}

TEST(LoadSessionTest, PlayerAnswersPings) {
  ScriptedServer server(1'000'000);
  LoadSession player(options(SessionRole::kPlay));
  std::vector<uint8_t> out;
  player.start(out);
  converse(player, server, out, 100'000);
  std::vector<uint8_t> ping;
  wire::append_ping_request(ping, 77);
  out.clear();
  player.feed(ping, out);
  wire::ChunkReader reader;
  std::span<const uint8_t> input(out);
  wire::ChunkMessage message;
  ASSERT_EQ(reader.read(input, message), wire::ChunkStatus::kMessage);
  const std::optional<wire::UserControl> control = wire::parse_user_control(message.payload);
  ASSERT_TRUE(control.has_value());
  EXPECT_EQ(control->event, wire::UserControlEvent::kPingResponse);
  EXPECT_EQ(control->value, 77u);
}

TEST(LoadSessionTest, AnErrorStatusFailsTheSessionWithItsCode) {
  ScriptedServer server(1'000'000);
  server.refuse_play = true;
  LoadSession player(options(SessionRole::kPlay));
  std::vector<uint8_t> out;
  player.start(out);
  converse(player, server, out, 100'000);
  EXPECT_TRUE(player.failed());
  EXPECT_NE(player.error().find("NetStream.Play.StreamNotFound"), std::string::npos);
}

TEST(LoadSessionTest, ABadServerVersionFailsTheHandshake) {
  LoadSession player(options(SessionRole::kPlay));
  std::vector<uint8_t> out;
  player.start(out);
  std::vector<uint8_t> s0s1(1 + 1536, 0);
  s0s1[0] = 6;  // RTMPE
  out.clear();
  EXPECT_EQ(player.feed(s0s1, out), SessionState::kFailed);
  EXPECT_NE(player.error().find("handshake"), std::string::npos);
}

}  // namespace
}  // namespace ringcast::bench::rtmp
