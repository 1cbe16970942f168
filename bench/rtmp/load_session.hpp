#pragma once

// The client half of an RTMP session as the benchmark needs it, for the publisher and for every
// player: handshake, connect, createStream, then publish or play, over dataplane/rtmp's codecs.
// Pure code over byte spans (no sockets), like the server-side pieces: the caller feeds what the
// server sent and sends what the session appends, so one class serves the publisher's blocking
// socket and the players' io_uring alike, and tests drive it against a scripted server.
//
// What a player does beyond the command exchange is what a real player's network layer does and
// no more: follow Set Chunk Size (inside ChunkReader), acknowledge every Window Acknowledgement
// Size worth of received bytes (spec 5.4.3/5.4.4), answer pings, and count media bytes and
// timestamp gaps. It never decodes media.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "rtmp/chunk_reader.hpp"
#include "rtmp/chunk_writer.hpp"
#include "rtmp/gap_detector.hpp"
#include "rtmp/handshake.hpp"

namespace ringcast::bench::rtmp {

enum class SessionRole : uint8_t { kPublish, kPlay };

enum class SessionState : uint8_t {
  kIdle,            // start() not called yet
  kHandshake,       // C0+C1 sent, waiting for S0+S1+S2
  kConnecting,      // connect sent, waiting for its _result
  kCreatingStream,  // createStream sent, waiting for the stream id
  kStarting,        // publish/play sent, waiting for Publish.Start / Play.Start
  kActive,          // publishing, or receiving media
  kFailed,          // see error()
};

struct SessionOptions {
  SessionRole role = SessionRole::kPlay;
  std::string app = "live";
  std::string tc_url;  // rtmp://host:port/app
  std::string stream_key;
  // The chunk size this side announces (publisher only; a player's commands fit in the default
  // 128). OBS publishes with 4096.
  uint32_t chunk_size = 4096;
  GapThresholds gaps;
  ringcast::rtmp::ChunkReaderLimits limits;
};

class LoadSession {
 public:
  explicit LoadSession(SessionOptions options);

  // Appends C0+C1 and moves to kHandshake.
  void start(std::vector<uint8_t>& out);
  // Consumes everything the server sent; appends what must go back (C2, commands,
  // Acknowledgements, ping responses). Returns the new state.
  SessionState feed(std::span<const uint8_t> input, std::vector<uint8_t>& out);

  SessionState state() const { return state_; }
  bool active() const { return state_ == SessionState::kActive; }
  bool failed() const { return state_ == SessionState::kFailed; }
  const std::string& error() const { return error_; }
  uint32_t stream_id() const { return stream_id_; }

  // Publishing (kActive, role kPublish): one audio (8), video (9) or data (18) message on the
  // published stream. A script tag's onMetaData goes out as @setDataFrame (what OBS and ffmpeg
  // send) via append_metadata.
  void append_media(uint8_t type, uint32_t timestamp, std::span<const uint8_t> payload,
                    std::vector<uint8_t>& out) const;
  void append_metadata(std::span<const uint8_t> script_payload, std::vector<uint8_t>& out) const;

  // Counters. bytes_received counts everything fed, handshake included (what the
  // Acknowledgement sequence number counts, spec 5.4.3).
  uint64_t bytes_received() const { return bytes_received_; }
  uint64_t media_bytes() const { return media_bytes_; }
  uint64_t media_messages() const { return media_messages_; }
  uint64_t acknowledgements_sent() const { return acknowledgements_sent_; }
  uint32_t window_ack_size() const { return window_ack_size_; }
  const GapDetector& gaps() const { return gaps_; }

 private:
  void fail(std::string reason);
  void send_command(std::span<const uint8_t> payload, uint32_t csid, uint32_t stream_id,
                    std::vector<uint8_t>& out);
  void on_connected(std::vector<uint8_t>& out);
  void handle_message(const ringcast::rtmp::ChunkMessage& message, std::vector<uint8_t>& out);
  void handle_command(std::span<const uint8_t> payload, bool amf3, std::vector<uint8_t>& out);
  void on_stream_created(uint32_t stream_id, std::vector<uint8_t>& out);

  SessionOptions options_;
  SessionState state_ = SessionState::kIdle;
  std::string error_;
  ringcast::rtmp::ClientHandshake handshake_;
  ringcast::rtmp::ChunkReader reader_;
  ringcast::rtmp::ChunkWriter writer_;
  GapDetector gaps_;
  std::vector<uint8_t> scratch_;
  double create_stream_transaction_ = 0;
  uint32_t stream_id_ = 0;
  uint32_t window_ack_size_ = 0;  // 0 until the server sets one: no Acknowledgements
  uint64_t bytes_received_ = 0;
  uint64_t last_acknowledged_ = 0;
  uint64_t media_bytes_ = 0;
  uint64_t media_messages_ = 0;
  uint64_t acknowledgements_sent_ = 0;
};

// "play" stream-name, start -2 (live or recorded, spec 7.2.2.1); dataplane/rtmp has the
// publisher-side builders only.
void build_play(std::vector<uint8_t>& out, double transaction_id, std::string_view stream_name);

}  // namespace ringcast::bench::rtmp
