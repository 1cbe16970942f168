#include "config/listen_address.hpp"

#include <gtest/gtest.h>

#include "config/config_error.hpp"

namespace ringcast::controlplane::config {
namespace {

TEST(ListenAddressTest, ParsesAndPrintsBothFamilies) {
  EXPECT_EQ(ListenAddress::parse("127.0.0.1:8080"), (ListenAddress{"127.0.0.1", 8080}));
  EXPECT_EQ(ListenAddress::parse("0.0.0.0:0"), (ListenAddress{"0.0.0.0", 0}));
  EXPECT_EQ(ListenAddress::parse("[::]:65535"), (ListenAddress{"::", 65535}));
  EXPECT_EQ(ListenAddress::parse("[::1]:443").to_string(), "[::1]:443");
  EXPECT_EQ(ListenAddress::parse("10.1.2.3:1").to_string(), "10.1.2.3:1");
}

TEST(ListenAddressTest, RejectsWhatIsNotHostColonPort) {
  for (const char* bad : {"8080", "127.0.0.1:+80", "127.0.0.1: 80", " 127.0.0.1:80", "[::1:80",
                          "[]:80", "example.com:80", "127.0.0.1:99999999999"}) {
    SCOPED_TRACE(bad);
    EXPECT_THROW(ListenAddress::parse(bad), ConfigError);
  }
}

}  // namespace
}  // namespace ringcast::controlplane::config
