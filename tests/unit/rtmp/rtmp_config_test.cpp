#include "rtmp/rtmp_config.hpp"

#include <gtest/gtest.h>

#include "core/config.hpp"
#include "rtmp/key_authorizer.hpp"
#include "rtmp/rtmp_node.hpp"
#include "rtmp/rtmp_url.hpp"

namespace ringcast::rtmp {
namespace {

TEST(RtmpConfig, OffWithoutASection) {
  EXPECT_FALSE(parse_rtmp_config("[dataplane]\ncores = [0]\n", "t").enabled);
}

TEST(RtmpConfig, ReadsEveryKey) {
  const RtmpConfig config = parse_rtmp_config(R"([rtmp]
listen = "0.0.0.0:1936"
chunk_size = 60000
gop_cache = false
player_queue_bytes = 100000
player_disconnect_bytes = 400000
publish_keys = ["a"]
play_keys = ["b"]
[[rtmp.app]]
name = "live"
publish_keys = ["c", "d"]
[[rtmp.push]]
app = "live"
url = "rtmp://127.0.0.1:1937/out"
)",
                                              "t");
  EXPECT_TRUE(config.enabled);
  EXPECT_EQ(config.listen_ip, "0.0.0.0");
  EXPECT_EQ(config.listen_port, 1936);
  EXPECT_EQ(config.chunk_size, 60000u);
  EXPECT_FALSE(config.gop_cache);
  EXPECT_EQ(config.player_queue_bytes, 100000u);
  ASSERT_EQ(config.apps.size(), 1u);
  EXPECT_EQ(config.apps[0].publish_keys.size(), 2u);
  ASSERT_EQ(config.push.size(), 1u);
  EXPECT_EQ(config.push[0].url, "rtmp://127.0.0.1:1937/out");
}

TEST(RtmpConfig, ErrorsNameTheKeyAndLine) {
  try {
    parse_rtmp_config("[rtmp]\nlisten = \"127.0.0.1:1935\"\nchunk_sise = 1\n", "t");
    FAIL();
  } catch (const core::ConfigError& error) {
    EXPECT_NE(std::string(error.what()).find("rtmp.chunk_sise (line 3): unknown key"),
              std::string::npos)
        << error.what();
  }
  EXPECT_THROW(parse_rtmp_config("[rtmp]\nlisten = \"1935\"\n", "t"), core::ConfigError);
  EXPECT_THROW(parse_rtmp_config("[rtmp]\nchunk_size = 1\n", "t"), core::ConfigError);
  EXPECT_THROW(parse_rtmp_config("[[rtmp.push]]\napp = \"x\"\nurl = \"http://x/y\"\n", "t"),
               core::ConfigError);
}

TEST(KeyAuthorizer, ListsPerAppNameOrQueryKey) {
  RtmpConfig config;
  config.publish_keys = {"global"};
  config.apps.push_back({"live", {"secret"}, {}});
  ConfigKeyAuthorizer auth(config);
  EXPECT_TRUE(auth.allowed({StreamRole::kPublish, "live", "secret", ""}));
  EXPECT_FALSE(auth.allowed({StreamRole::kPublish, "live", "global", ""}));
  EXPECT_TRUE(auth.allowed({StreamRole::kPublish, "live", "cam", "x=1&key=secret"}));
  EXPECT_TRUE(auth.allowed({StreamRole::kPublish, "other", "global", ""}));
  EXPECT_FALSE(auth.allowed({StreamRole::kPublish, "other", "secret", ""}));
  EXPECT_TRUE(auth.allowed({StreamRole::kPlay, "live", "anything", ""})) << "no play keys: open";
}

TEST(RtmpUrl, Parses) {
  auto url = parse_rtmp_url("rtmp://127.0.0.1:1937/app/stream");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->port, 1937);
  EXPECT_EQ(url->app, "app");
  EXPECT_EQ(url->stream, "stream");
  EXPECT_EQ(url->tc_url, "rtmp://127.0.0.1:1937/app");
  url = parse_rtmp_url("rtmp://localhost/live");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->port, 1935);
  EXPECT_TRUE(url->stream.empty());
  EXPECT_FALSE(parse_rtmp_url("rtmp://example.com/live")) << "no DNS on a shard";
  EXPECT_FALSE(parse_rtmp_url("rtmp://127.0.0.1:0/live"));
  EXPECT_FALSE(parse_rtmp_url("rtmp://127.0.0.1"));
}

TEST(StreamShard, IsStableAndSpreads) {
  EXPECT_EQ(stream_shard("live/a", 4), stream_shard("live/a", 4));
  std::vector<int> seen(4, 0);
  for (int i = 0; i < 64; ++i) {
    ++seen[stream_shard("live/" + std::to_string(i), 4)];
  }
  for (int count : seen) {
    EXPECT_GT(count, 0);
  }
}

}  // namespace
}  // namespace ringcast::rtmp
