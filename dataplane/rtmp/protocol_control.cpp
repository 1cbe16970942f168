#include "rtmp/protocol_control.hpp"

#include "rtmp/byte_io.hpp"
#include "rtmp/chunk_reader.hpp"
#include "rtmp/chunk_writer.hpp"
#include "rtmp/messages.hpp"

namespace ringcast::rtmp {

namespace {

void append_control(std::vector<uint8_t>& out, MessageType type, std::span<const uint8_t> body) {
  const ChunkWriter writer(kDefaultChunkSize);
  writer.write(MessageHeader{kControlCsid, 0, static_cast<uint8_t>(type), 0}, body, out);
}

void append_u32(std::vector<uint8_t>& out, MessageType type, uint32_t value) {
  uint8_t body[4];
  store_be32(body, value);
  append_control(out, type, body);
}

void append_user_control(std::vector<uint8_t>& out, UserControlEvent event, uint32_t value) {
  uint8_t body[6];
  store_be16(body, static_cast<uint16_t>(event));
  store_be32(body + 2, value);
  append_control(out, MessageType::kUserControl, body);
}

}  // namespace

void append_set_chunk_size(std::vector<uint8_t>& out, uint32_t chunk_size) {
  append_u32(out, MessageType::kSetChunkSize, chunk_size & 0x7FFFFFFF);
}
void append_abort(std::vector<uint8_t>& out, uint32_t csid) {
  append_u32(out, MessageType::kAbort, csid);
}
void append_acknowledgement(std::vector<uint8_t>& out, uint32_t sequence_number) {
  append_u32(out, MessageType::kAcknowledgement, sequence_number);
}
void append_window_ack_size(std::vector<uint8_t>& out, uint32_t window) {
  append_u32(out, MessageType::kWindowAckSize, window);
}
void append_set_peer_bandwidth(std::vector<uint8_t>& out, uint32_t window,
                               PeerBandwidthLimit limit) {
  uint8_t body[5];
  store_be32(body, window);
  body[4] = static_cast<uint8_t>(limit);
  append_control(out, MessageType::kSetPeerBandwidth, body);
}
void append_stream_begin(std::vector<uint8_t>& out, uint32_t stream_id) {
  append_user_control(out, UserControlEvent::kStreamBegin, stream_id);
}
void append_stream_eof(std::vector<uint8_t>& out, uint32_t stream_id) {
  append_user_control(out, UserControlEvent::kStreamEof, stream_id);
}
void append_stream_is_recorded(std::vector<uint8_t>& out, uint32_t stream_id) {
  append_user_control(out, UserControlEvent::kStreamIsRecorded, stream_id);
}
void append_ping_request(std::vector<uint8_t>& out, uint32_t timestamp) {
  append_user_control(out, UserControlEvent::kPingRequest, timestamp);
}
void append_ping_response(std::vector<uint8_t>& out, uint32_t timestamp) {
  append_user_control(out, UserControlEvent::kPingResponse, timestamp);
}

std::optional<uint32_t> parse_u32_payload(std::span<const uint8_t> payload) {
  if (payload.size() < 4) {
    return std::nullopt;
  }
  return load_be32(payload.data());
}

std::optional<UserControl> parse_user_control(std::span<const uint8_t> payload) {
  // Spec 7.1.7: 2-byte event type, then event data (4 bytes; 8 for Set Buffer Length).
  if (payload.size() < 6) {
    return std::nullopt;
  }
  UserControl uc;
  uc.event = static_cast<UserControlEvent>(load_be16(payload.data()));
  uc.value = load_be32(payload.data() + 2);
  if (uc.event == UserControlEvent::kSetBufferLength) {
    if (payload.size() < 10) {
      return std::nullopt;
    }
    uc.buffer_length_ms = load_be32(payload.data() + 6);
  }
  return uc;
}

}  // namespace ringcast::rtmp
