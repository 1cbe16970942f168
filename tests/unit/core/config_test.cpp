#include "core/config.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ringcast::core {
namespace {

std::string error_of(std::string_view toml) {
  try {
    parse_dataplane_config(toml, "test.toml");
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "";
}

TEST(Config, EmptyFileGivesTheEmbeddedDefaults) {
  const DataplaneConfig config = parse_dataplane_config("", "test.toml");
  EXPECT_EQ(config.listen_ip, "127.0.0.1");
  EXPECT_EQ(config.udp_port_base, 40000);
  EXPECT_TRUE(config.cores.empty());
  EXPECT_EQ(config.control_socket, "var/dataplane.sock");
  EXPECT_FALSE(config.sqpoll);
}

TEST(Config, ReadsEveryDocumentedKey) {
  const DataplaneConfig config = parse_dataplane_config(R"(
[dataplane]
listen_ip = "127.0.0.2"
announced_ip = "203.0.113.7"
udp_port_base = 41000
cores = [1, 0]
control_socket = "/run/ringcast.sock"
sqpoll = true
receive_buffers = 1024
receive_buffer_size = 4096
send_buffers = 512
send_mode = "io_uring"

[controlplane]
listen = "127.0.0.1:8080"
)",
                                                        "test.toml");
  EXPECT_EQ(config.listen_ip, "127.0.0.2");
  EXPECT_EQ(config.announced_ip, "203.0.113.7");
  EXPECT_EQ(config.udp_port_base, 41000);
  EXPECT_EQ(config.cores, (std::vector<unsigned>{1, 0}));
  EXPECT_EQ(config.control_socket, "/run/ringcast.sock");
  EXPECT_TRUE(config.sqpoll);
  EXPECT_EQ(config.receive_buffers, 1024u);
  EXPECT_EQ(config.receive_buffer_size, 4096u);
  EXPECT_EQ(config.send_buffers, 512u);
  EXPECT_EQ(config.send_mode, DataplaneConfig::SendMode::kIoUring);
}

TEST(Config, UnknownKeyIsNamedWithItsLine) {
  const std::string error = error_of("[dataplane]\nlisten_ip = \"127.0.0.1\"\nlisten_port = 5\n");
  EXPECT_NE(error.find("dataplane.listen_port"), std::string::npos) << error;
  EXPECT_NE(error.find("line 3"), std::string::npos) << error;
  EXPECT_NE(error.find("unknown key"), std::string::npos) << error;
}

TEST(Config, UnknownSectionIsAnError) {
  const std::string error = error_of("[dataplan]\ncores = [0]\n");
  EXPECT_NE(error.find("dataplan"), std::string::npos) << error;
  EXPECT_NE(error.find("unknown section"), std::string::npos) << error;
}

TEST(Config, SyntaxErrorNamesTheLine) {
  const std::string error = error_of("[dataplane]\n\nudp_port_base = = 4\n");
  EXPECT_NE(error.find("line 3"), std::string::npos) << error;
}

TEST(Config, WrongTypesAndRangesNameTheKey) {
  EXPECT_NE(error_of("[dataplane]\nudp_port_base = \"40000\"\n").find("dataplane.udp_port_base"),
            std::string::npos);
  EXPECT_NE(error_of("[dataplane]\nudp_port_base = 70000\n").find("outside"), std::string::npos);
  EXPECT_NE(error_of("[dataplane]\nlisten_ip = \"localhost\"\n").find("not an IPv4 address"),
            std::string::npos);
  EXPECT_NE(error_of("[dataplane]\ncores = [0, 0]\n").find("twice"), std::string::npos);
  EXPECT_NE(error_of("[dataplane]\ncores = [-1]\n").find("dataplane.cores[0]"), std::string::npos);
  EXPECT_NE(error_of("[dataplane]\nsqpoll = 1\n").find("dataplane.sqpoll"), std::string::npos);
  EXPECT_NE(error_of("[dataplane]\nreceive_buffers = 1000\n").find("power of two"),
            std::string::npos);
  EXPECT_NE(error_of("dataplane = 5\n").find("must be a table"), std::string::npos);
  EXPECT_NE(error_of("[dataplane]\nsend_mode = \"writev\"\n").find("dataplane.send_mode"),
            std::string::npos);
}

TEST(Config, CoreThatDoesNotExistIsRefused) {
  DataplaneConfig config;
  config.cores = {0, 1023};
  try {
    resolve_cores(config);
    FAIL() << "core 1023 should not exist here";
  } catch (const ConfigError& error) {
    EXPECT_NE(std::string(error.what()).find("dataplane.cores[1]: core 1023"), std::string::npos)
        << error.what();
  }
}

TEST(Config, EmptyCoreListMeansEveryAllowedCore) {
  DataplaneConfig config;
  resolve_cores(config);
  EXPECT_FALSE(config.cores.empty());
}

TEST(Config, PortRangeMustFitTheShards) {
  DataplaneConfig config;
  config.udp_port_base = 65535;
  config.cores = {0};
  EXPECT_NO_THROW(resolve_cores(config));
  config.cores.clear();
  resolve_cores(config);
  if (config.cores.size() > 1) {
    DataplaneConfig two;
    two.udp_port_base = 65535;
    two.cores = {config.cores[0], config.cores[1]};
    EXPECT_THROW(resolve_cores(two), ConfigError);
  }
}

}  // namespace
}  // namespace ringcast::core
