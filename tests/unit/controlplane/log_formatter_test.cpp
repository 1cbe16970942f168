#include <chrono>
#include <string>

#include <gtest/gtest.h>
#include <spdlog/details/log_msg.h>
#include <nlohmann/json.hpp>

#include "log/json_formatter.hpp"
#include "log/log_line.hpp"
#include "log/text_formatter.hpp"
#include "log/timestamp.hpp"

namespace ringcast::controlplane::log {
namespace {

std::string render(spdlog::formatter& formatter, spdlog::level::level_enum level,
                   const std::string& payload) {
  spdlog::details::log_msg msg("controlplane", level, payload);
  // 2026-11-22T05:19:11.123Z
  msg.time = std::chrono::system_clock::time_point(std::chrono::milliseconds(1795324751123));
  spdlog::memory_buf_t out;
  formatter.format(msg, out);
  return std::string(out.data(), out.size());
}

TEST(TimestampTest, IsUtcWithMilliseconds) {
  EXPECT_EQ(format_timestamp(
                std::chrono::system_clock::time_point(std::chrono::milliseconds(1795324751123))),
            "2026-11-22T05:19:11.123Z");
  EXPECT_EQ(format_timestamp(std::chrono::system_clock::time_point{}), "1970-01-01T00:00:00.000Z");
}

TEST(JsonFormatterTest, OneObjectPerLineWithFieldsAtTopLevel) {
  JsonFormatter formatter;
  const std::string line = render(
      formatter, spdlog::level::info,
      LogLine::encode("listening", {{"addr", "127.0.0.1:80"}, {"port", 80}, {"msg", "clash"}}));
  ASSERT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  EXPECT_EQ(line.rfind(R"({"ts":"2026-11-22T05:19:11.123Z","level":"info","msg":"listening",)", 0),
            0u);
  const nlohmann::json parsed = nlohmann::json::parse(line);
  EXPECT_EQ(parsed["addr"], "127.0.0.1:80");
  EXPECT_EQ(parsed["port"], 80);
  EXPECT_EQ(parsed["msg"], "listening");
  EXPECT_EQ(parsed["_msg"], "clash");
}

TEST(JsonFormatterTest, PlainSpdlogLinesAndHostileTextStayValidJson) {
  JsonFormatter formatter;
  const std::string line =
      render(formatter, spdlog::level::warn, std::string("quote \" newline \n bad \xff utf8"));
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  const nlohmann::json parsed = nlohmann::json::parse(line);
  EXPECT_EQ(parsed["level"], "warning");
  EXPECT_EQ(parsed.size(), 3u);
}

TEST(TextFormatterTest, ReadsLikeKeyValuePairs) {
  TextFormatter formatter;
  EXPECT_EQ(render(formatter, spdlog::level::info,
                   LogLine::encode("stopping", {{"signal", "SIGTERM"}, {"note", "two words"}})),
            "2026-11-22T05:19:11.123Z info stopping note=\"two words\" signal=SIGTERM\n");
}

TEST(LogLineTest, MessageMayContainTheMarker) {
  const std::string payload =
      LogLine::encode(std::string("a") + LogLine::kFieldsMarker + "b", {{"k", "v"}});
  const LogLine line = LogLine::decode(payload);
  EXPECT_EQ(line.msg, std::string("a") + LogLine::kFieldsMarker + "b");
  EXPECT_EQ(line.fields()["k"], "v");
}

}  // namespace
}  // namespace ringcast::controlplane::log
