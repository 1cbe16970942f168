#include "rtmp/messages.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace ringcast::rtmp {
namespace {

// What OBS sends first (captured field set): connect with an object of app/tcUrl/flashVer/...
std::vector<uint8_t> obs_connect() {
  std::vector<uint8_t> out;
  Amf0Writer w(out);
  w.string("connect").number(1).object_begin();
  w.key("app").string("live");
  w.key("type").string("nonprivate");
  w.key("flashVer").string("FMLE/3.0 (compatible; FMSc/1.0)");
  w.key("swfUrl").string("rtmp://localhost/live");
  w.key("tcUrl").string("rtmp://localhost/live");
  w.key("fourCcList")
      .value(Amf0Value::strict_array({Amf0Value::string("av01"), Amf0Value::string("hvc1")}));
  w.object_end();
  return out;
}

TEST(Messages, ParseConnect) {
  Command c;
  ASSERT_EQ(parse_command(obs_connect(), c), CommandError::kNone);
  EXPECT_EQ(c.kind, CommandKind::kConnect);
  EXPECT_EQ(c.transaction_id, 1);
  const auto p = connect_params(c);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->app, "live");
  EXPECT_EQ(p->tc_url, "rtmp://localhost/live");
  EXPECT_EQ(p->flash_ver, "FMLE/3.0 (compatible; FMSc/1.0)");
  EXPECT_EQ(p->fourcc_list, (std::vector<std::string>{"av01", "hvc1"}));
}

TEST(Messages, ParseAmf3CommandEnvelope) {
  auto payload = obs_connect();
  payload.insert(payload.begin(), 0x00);
  Command c;
  ASSERT_EQ(parse_command(payload, c, true), CommandError::kNone);
  EXPECT_EQ(c.kind, CommandKind::kConnect);
}

TEST(Messages, ParsePublishAndPlay) {
  std::vector<uint8_t> pub;
  build_publish(pub, 5, "stream?key=abc", "live");
  Command c;
  ASSERT_EQ(parse_command(pub, c), CommandError::kNone);
  EXPECT_EQ(c.kind, CommandKind::kPublish);
  EXPECT_TRUE(c.command_object.is_null_or_undefined());
  const auto p = publish_params(c);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->stream_name, "stream?key=abc");
  EXPECT_EQ(p->publish_type, "live");
  const auto parts = split_stream_name(p->stream_name);
  EXPECT_EQ(parts.name, "stream");
  EXPECT_EQ(parts.query, "key=abc");

  std::vector<uint8_t> play;
  Amf0Writer(play).string("play").number(4).null().string("cam").number(-1000).number(-1).boolean(
      false);
  ASSERT_EQ(parse_command(play, c), CommandError::kNone);
  const auto pp = play_params(c);
  ASSERT_TRUE(pp.has_value());
  EXPECT_EQ(pp->stream_name, "cam");
  EXPECT_EQ(pp->start, -1000);
  EXPECT_FALSE(pp->reset);

  std::vector<uint8_t> del;
  build_delete_stream(del, 6, 1);
  ASSERT_EQ(parse_command(del, c), CommandError::kNone);
  EXPECT_EQ(c.kind, CommandKind::kDeleteStream);
  EXPECT_EQ(delete_stream_id(c), 1u);

  for (const char* name : {"releaseStream", "FCPublish", "FCUnpublish"}) {
    std::vector<uint8_t> b;
    build_stream_command(b, name, 2, "cam");
    ASSERT_EQ(parse_command(b, c), CommandError::kNone);
    EXPECT_NE(c.kind, CommandKind::kUnknown);
    EXPECT_EQ(stream_name_arg(c), "cam");
  }
}

TEST(Messages, MalformedCommands) {
  Command c;
  EXPECT_EQ(parse_command({}, c), CommandError::kEmpty);
  const std::vector<uint8_t> number_first = {0x00, 0, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(parse_command(number_first, c), CommandError::kMissingName);
  std::vector<uint8_t> bad_txn;
  Amf0Writer(bad_txn).string("connect").string("x");
  EXPECT_EQ(parse_command(bad_txn, c), CommandError::kMissingTransactionId);
  std::vector<uint8_t> truncated = obs_connect();
  truncated.pop_back();
  EXPECT_EQ(parse_command(truncated, c), CommandError::kBadAmf);
  std::vector<uint8_t> bare;
  Amf0Writer(bare).string("closeStream");
  ASSERT_EQ(parse_command(bare, c), CommandError::kNone);
  EXPECT_EQ(c.kind, CommandKind::kCloseStream);
  std::vector<uint8_t> no_name_arg;
  Amf0Writer(no_name_arg).string("publish").number(1).null();
  ASSERT_EQ(parse_command(no_name_arg, c), CommandError::kNone);
  EXPECT_FALSE(publish_params(c).has_value());
  EXPECT_FALSE(play_params(c).has_value());
  EXPECT_FALSE(delete_stream_id(c).has_value());
}

TEST(Messages, ConnectResult) {
  std::vector<uint8_t> out;
  build_connect_result(out, 1, 0);
  std::vector<Amf0Value> v;
  ASSERT_EQ(amf0_decode_all(out, v), Amf0Error::kNone);
  ASSERT_EQ(v.size(), 4u);
  EXPECT_EQ(v[0].as_string(), "_result");
  EXPECT_EQ(v[1].as_number(), 1);
  EXPECT_EQ(v[2].find("fmsVer")->as_string(), "FMS/3,0,1,123");
  EXPECT_EQ(v[2].find("capabilities")->as_number(), 31);
  EXPECT_EQ(v[3].find("level")->as_string(), "status");
  EXPECT_EQ(v[3].find("code")->as_string(), "NetConnection.Connect.Success");
  EXPECT_EQ(v[3].find("objectEncoding")->as_number(), 0);
  EXPECT_NE(v[3].find("description"), nullptr);
}

TEST(Messages, Replies) {
  std::vector<uint8_t> out;
  build_create_stream_result(out, 4, 1);
  std::vector<Amf0Value> v;
  ASSERT_EQ(amf0_decode_all(out, v), Amf0Error::kNone);
  ASSERT_EQ(v.size(), 4u);
  EXPECT_EQ(v[0].as_string(), "_result");
  EXPECT_EQ(v[1].as_number(), 4);
  EXPECT_TRUE(v[2].is_null_or_undefined());
  EXPECT_EQ(v[3].as_number(), 1);

  for (auto code : {status::kPublishStart, status::kPublishBadName, status::kPlayReset,
                    status::kPlayStart, status::kPlayStreamNotFound, status::kUnpublishSuccess}) {
    out.clear();
    v.clear();
    build_on_status(out, status::kLevelStatus, code, "d", "cam");
    Command c;
    ASSERT_EQ(parse_command(out, c), CommandError::kNone);
    EXPECT_EQ(c.kind, CommandKind::kOnStatus);
    EXPECT_EQ(c.transaction_id, 0);
    ASSERT_EQ(c.args.size(), 1u);
    EXPECT_EQ(c.args[0].find("code")->as_string(), code);
    EXPECT_EQ(c.args[0].find("details")->as_string(), "cam");
  }

  out.clear();
  build_connect_rejected(out, 1, "bad key");
  Command c;
  ASSERT_EQ(parse_command(out, c), CommandError::kNone);
  EXPECT_EQ(c.kind, CommandKind::kError);
  EXPECT_EQ(c.args[0].find("code")->as_string(), status::kConnectRejected);
  EXPECT_EQ(c.args[0].find("level")->as_string(), "error");

  out.clear();
  build_on_fc_publish(out, status::kPublishStart, "cam");
  ASSERT_EQ(parse_command(out, c), CommandError::kNone);
  EXPECT_EQ(c.name, "onFCPublish");

  out.clear();
  build_sample_access(out);
  v.clear();
  ASSERT_EQ(amf0_decode_all(out, v), Amf0Error::kNone);
  EXPECT_EQ(v[0].as_string(), "|RtmpSampleAccess");
  EXPECT_TRUE(v[1].as_boolean());

  out.clear();
  build_result(out, 3);
  ASSERT_EQ(parse_command(out, c), CommandError::kNone);
  EXPECT_EQ(c.kind, CommandKind::kResult);
}

TEST(Messages, SetDataFrameStrippedToOnMetaData) {
  const Amf0Value meta = Amf0Value::ecma_array(
      {{"width", Amf0Value::number(1280)}, {"videocodecid", Amf0Value::number(7)}});
  std::vector<uint8_t> published;
  Amf0Writer(published).string("@setDataFrame").string("onMetaData").value(meta);
  const auto stripped = strip_set_data_frame(published);
  ASSERT_TRUE(stripped.has_value());
  std::vector<uint8_t> expected;
  build_on_metadata(expected, meta);
  EXPECT_TRUE(std::equal(stripped->begin(), stripped->end(), expected.begin(), expected.end()));
  std::vector<uint8_t> plain;
  build_on_metadata(plain, meta);
  EXPECT_FALSE(strip_set_data_frame(plain).has_value());
}

TEST(Messages, ClientConnect) {
  std::vector<uint8_t> out;
  build_connect(out, 1, {"live", "rtmp://example/live", "FMLE/3.0", {"hvc1"}});
  Command c;
  ASSERT_EQ(parse_command(out, c), CommandError::kNone);
  const auto p = connect_params(c);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->app, "live");
  EXPECT_EQ(p->fourcc_list, (std::vector<std::string>{"hvc1"}));
}

}  // namespace
}  // namespace ringcast::rtmp
