#pragma once

// Protocol control messages (Adobe RTMP spec 1.0, 5.4) and User Control events (spec 6.2 and
// 7.1.7): encoders that append complete chunk-encoded messages, and parsers of received payloads.
// They travel on chunk stream 2 with message stream id 0 (spec 5.4).

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace ringcast::rtmp {

inline constexpr uint32_t kControlCsid = 2;

enum class UserControlEvent : uint16_t {
  kStreamBegin = 0,
  kStreamEof = 1,
  kStreamDry = 2,
  kSetBufferLength = 3,
  kStreamIsRecorded = 4,
  kPingRequest = 6,
  kPingResponse = 7,
};

// Spec 5.4.5: how the peer is to treat a Set Peer Bandwidth limit.
enum class PeerBandwidthLimit : uint8_t { kHard = 0, kSoft = 1, kDynamic = 2 };

// Protocol control messages are always shorter than the smallest chunk size (128), so each is a
// single type 0 chunk whatever size was announced.
void append_set_chunk_size(std::vector<uint8_t>& out, uint32_t chunk_size);
void append_abort(std::vector<uint8_t>& out, uint32_t csid);
void append_acknowledgement(std::vector<uint8_t>& out, uint32_t sequence_number);
void append_window_ack_size(std::vector<uint8_t>& out, uint32_t window);
void append_set_peer_bandwidth(std::vector<uint8_t>& out, uint32_t window,
                               PeerBandwidthLimit limit);
void append_stream_begin(std::vector<uint8_t>& out, uint32_t stream_id);
void append_stream_eof(std::vector<uint8_t>& out, uint32_t stream_id);
void append_stream_is_recorded(std::vector<uint8_t>& out, uint32_t stream_id);
void append_ping_request(std::vector<uint8_t>& out, uint32_t timestamp);
void append_ping_response(std::vector<uint8_t>& out, uint32_t timestamp);

// A 4-byte big-endian payload (Set Chunk Size, Abort, Acknowledgement, Window Ack Size).
std::optional<uint32_t> parse_u32_payload(std::span<const uint8_t> payload);

struct UserControl {
  UserControlEvent event{};
  uint32_t value = 0;             // stream id or timestamp
  uint32_t buffer_length_ms = 0;  // Set Buffer Length only
};
std::optional<UserControl> parse_user_control(std::span<const uint8_t> payload);

}  // namespace ringcast::rtmp
