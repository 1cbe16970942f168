#include "config/controlplane_config.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/config_error.hpp"

namespace ringcast::controlplane::config {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

// The message of the ConfigError that parsing text throws, or "" when it parses.
std::string error_of(std::string_view text) {
  try {
    parse_controlplane_config(text, "test.toml");
  } catch (const ConfigError& error) {
    return error.what();
  }
  return {};
}

TEST(ControlplaneConfigTest, EmptyFileGivesDefaults) {
  const ControlplaneConfig config = parse_controlplane_config("", "test.toml");
  EXPECT_EQ(config.listen, (ListenAddress{"127.0.0.1", 8080}));
  EXPECT_EQ(config.dataplane_socket, "var/dataplane.sock");
  EXPECT_EQ(config.log_format, log::LogFormat::kJson);
}

TEST(ControlplaneConfigTest, ReadsEveryKeyAndSkipsDataplaneSections) {
  const ControlplaneConfig config = parse_controlplane_config(R"(
[dataplane]
listen_ip = "10.0.0.1"
whatever_the_dataplane_wants = 1

[rtmp]
port = 1935

[controlplane]
listen = "0.0.0.0:9000"
dataplane_socket = "/run/ringcast/dataplane.sock"
log_format = "text"
)",
                                                              "test.toml");
  EXPECT_EQ(config.listen, (ListenAddress{"0.0.0.0", 9000}));
  EXPECT_EQ(config.dataplane_socket, "/run/ringcast/dataplane.sock");
  EXPECT_EQ(config.log_format, log::LogFormat::kText);
}

TEST(ControlplaneConfigTest, AcceptsIpv6AndPortZero) {
  const ControlplaneConfig config =
      parse_controlplane_config("[controlplane]\nlisten = \"[::1]:0\"\n", "test.toml");
  EXPECT_EQ(config.listen, (ListenAddress{"::1", 0}));
  EXPECT_EQ(config.listen.to_string(), "[::1]:0");
}

TEST(ControlplaneConfigTest, UnknownKeyNamesKeyAndLine) {
  EXPECT_THAT(
      error_of("[controlplane]\nlisten = \"127.0.0.1:1\"\n\nlisten_port = 80\n"),
      AllOf(HasSubstr("controlplane.listen_port"), HasSubstr("line 4"), HasSubstr("unknown key")));
}

TEST(ControlplaneConfigTest, UnknownSectionIsAnError) {
  EXPECT_THAT(error_of("[controlplane]\n[signalling]\nport = 1\n"),
              AllOf(HasSubstr("signalling"), HasSubstr("line 2"), HasSubstr("unknown section")));
  EXPECT_THAT(error_of("stray = 1\n"), AllOf(HasSubstr("stray"), HasSubstr("unknown section")));
}

TEST(ControlplaneConfigTest, SectionMustBeATable) {
  EXPECT_THAT(error_of("controlplane = 3\n"), HasSubstr("controlplane (line 1): must be a table"));
}

TEST(ControlplaneConfigTest, BadListenValues) {
  for (const char* bad :
       {"127.0.0.1", "127.0.0.1:", ":8080", "localhost:8080", "127.0.0.1:65536", "127.0.0.1:80x",
        "127.0.0.1:-1", "::1:8080", "[127.0.0.1]:80", "300.1.1.1:80", ""}) {
    SCOPED_TRACE(bad);
    EXPECT_THAT(error_of(std::string("[controlplane]\nlisten = \"") + bad + "\"\n"),
                AllOf(HasSubstr("controlplane.listen (line 2)"), HasSubstr("HOST:PORT")));
  }
}

TEST(ControlplaneConfigTest, WrongTypesNameTheKeyAndTheType) {
  EXPECT_THAT(error_of("[controlplane]\nlisten = 8080\n"),
              HasSubstr("controlplane.listen (line 2): must be a string, not an integer"));
  EXPECT_THAT(error_of("[controlplane]\nlog_format = true\n"),
              HasSubstr("controlplane.log_format (line 2): must be a string, not a boolean"));
  EXPECT_THAT(error_of("[controlplane]\n\ndataplane_socket = [\"a\"]\n"),
              HasSubstr("controlplane.dataplane_socket (line 3): must be a string, not an array"));
}

TEST(ControlplaneConfigTest, BadValues) {
  EXPECT_THAT(error_of("[controlplane]\nlog_format = \"xml\"\n"),
              AllOf(HasSubstr("controlplane.log_format (line 2)"), HasSubstr("'xml'")));
  EXPECT_THAT(error_of("[controlplane]\ndataplane_socket = \"\"\n"),
              HasSubstr("controlplane.dataplane_socket (line 2): must be a non-empty path"));
  EXPECT_THAT(error_of("[controlplane]\ndataplane_socket = \"/" + std::string(107, 'x') + "\"\n"),
              HasSubstr("longer than a Unix socket path"));
}

TEST(ControlplaneConfigTest, SyntaxErrorNamesFileAndLine) {
  EXPECT_THAT(error_of("[controlplane]\nlisten = \"127.0.0.1:80\n"),
              AllOf(HasSubstr("test.toml (line 2)")));
}

TEST(ControlplaneConfigTest, LoadsAFileAndReportsAMissingOne) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("controlplane_config_test." + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::filesystem::path file = dir / "ringcast.toml";
  std::ofstream(file) << "[controlplane]\nlisten = \"127.0.0.1:8181\"\n";

  EXPECT_EQ(load_controlplane_config(file).listen.port, 8181);
  try {
    load_controlplane_config(dir / "missing.toml");
    ADD_FAILURE() << "a missing file must throw";
  } catch (const ConfigError& error) {
    EXPECT_THAT(error.what(), AllOf(HasSubstr("missing.toml"), HasSubstr("cannot open")));
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ringcast::controlplane::config
