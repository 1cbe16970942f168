#include "rtmp/protocol_control.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "rtmp/chunk_reader.hpp"
#include "rtmp/chunk_writer.hpp"

namespace ringcast::rtmp {
namespace {

TEST(ChunkWriter, ExactBytesOfSmallMessage) {
  std::vector<uint8_t> out;
  append_set_chunk_size(out, 4096);
  const std::vector<uint8_t> expected = {0x02, 0, 0, 0, 0, 0, 4, 0x01, 0, 0, 0, 0, 0, 0, 0x10, 0};
  EXPECT_EQ(out, expected);
}

TEST(ChunkWriter, ContinuationAndExtendedTimestamp) {
  ChunkWriter w(128);
  std::vector<uint8_t> payload(300, 0x55);
  std::vector<uint8_t> out;
  w.write({6, 0x01000000, 9, 1}, payload, out);
  // fmt0 (1 + 11 + 4) + 128, then two fmt3 chunks (1 + 4) + 128 and + 44.
  ASSERT_EQ(out.size(), 16 + 128 + 5 + 128 + 5 + 44);
  EXPECT_EQ(out.size(), w.encoded_size({6, 0x01000000, 9, 1}, payload.size()));
  EXPECT_EQ(out[0], 0x06);
  EXPECT_EQ(out[1], 0xFF);
  EXPECT_EQ(out[144], 0xC6);
  EXPECT_EQ(out[145], 0x01);  // repeated extended timestamp
  // Same message, same bytes: nothing depends on what was written before.
  std::vector<uint8_t> again;
  w.write({6, 0x01000000, 9, 1}, payload, again);
  EXPECT_EQ(out, again);
}

TEST(ChunkWriter, FixedBufferTooSmall) {
  ChunkWriter w(4096);
  std::vector<uint8_t> payload(10000, 1);
  std::vector<uint8_t> buf(w.encoded_size({7, 0, 9, 1}, payload.size()));
  EXPECT_EQ(w.write({7, 0, 9, 1}, payload, std::span<uint8_t>(buf).first(buf.size() - 1)), 0u);
  EXPECT_EQ(w.write({7, 0, 9, 1}, payload, std::span<uint8_t>(buf)), buf.size());
}

TEST(ProtocolControl, EncodeThenParse) {
  std::vector<uint8_t> out;
  append_window_ack_size(out, 2500000);
  append_set_peer_bandwidth(out, 2500000, PeerBandwidthLimit::kDynamic);
  append_acknowledgement(out, 12345);
  append_stream_begin(out, 1);
  append_stream_eof(out, 1);
  append_ping_request(out, 99);
  append_ping_response(out, 99);
  ChunkReader reader;
  std::span<const uint8_t> in(out);
  std::vector<std::pair<uint8_t, std::vector<uint8_t>>> got;
  ChunkMessage m;
  while (reader.read(in, m) == ChunkStatus::kMessage) {
    EXPECT_EQ(m.csid, kControlCsid);
    EXPECT_EQ(m.stream_id, 0u);
    got.emplace_back(m.type_id, std::vector<uint8_t>(m.payload.begin(), m.payload.end()));
  }
  ASSERT_EQ(got.size(), 7u);
  EXPECT_EQ(got[0].first, 5);
  EXPECT_EQ(parse_u32_payload(got[0].second), 2500000u);
  EXPECT_EQ(got[1].first, 6);
  EXPECT_EQ(got[1].second.size(), 5u);
  EXPECT_EQ(got[1].second[4], 2);
  EXPECT_EQ(parse_u32_payload(got[2].second), 12345u);
  const auto begin = parse_user_control(got[3].second);
  ASSERT_TRUE(begin.has_value());
  EXPECT_EQ(begin->event, UserControlEvent::kStreamBegin);
  EXPECT_EQ(begin->value, 1u);
  EXPECT_EQ(parse_user_control(got[4].second)->event, UserControlEvent::kStreamEof);
  EXPECT_EQ(parse_user_control(got[5].second)->event, UserControlEvent::kPingRequest);
  EXPECT_EQ(parse_user_control(got[6].second)->value, 99u);
}

TEST(ProtocolControl, ParseMalformed) {
  EXPECT_FALSE(parse_u32_payload(std::vector<uint8_t>{1, 2, 3}).has_value());
  EXPECT_FALSE(parse_user_control(std::vector<uint8_t>{0, 0, 0}).has_value());
  // Set Buffer Length needs 8 bytes of event data.
  const std::vector<uint8_t> sbl = {0, 3, 0, 0, 0, 1, 0, 0};
  EXPECT_FALSE(parse_user_control(sbl).has_value());
  const std::vector<uint8_t> sbl_ok = {0, 3, 0, 0, 0, 1, 0, 0, 0x0B, 0xB8};
  EXPECT_EQ(parse_user_control(sbl_ok)->buffer_length_ms, 3000u);
}

}  // namespace
}  // namespace ringcast::rtmp
