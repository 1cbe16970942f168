#include "http/router.hpp"

#include <stdexcept>

#include <gtest/gtest.h>
#include <boost/beast/http/field.hpp>
#include <nlohmann/json.hpp>

#include "http/json_response.hpp"

namespace ringcast::controlplane::http {
namespace {

namespace beast_http = boost::beast::http;

Request request(beast_http::verb method, std::string_view target, bool keep_alive = true) {
  Request request{method, std::string(target), 11};
  request.keep_alive(keep_alive);
  return request;
}

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.add(beast_http::verb::get, "/things", [](const Request&) {
      return json_response(beast_http::status::ok, {{"things", 2}}, 11, false);
    });
    router_.add(beast_http::verb::post, "/things", [](const Request&) {
      return json_response(beast_http::status::created, {}, 11, false);
    });
    router_.add(beast_http::verb::get, "/broken",
                [](const Request&) -> Response { throw std::runtime_error("boom"); });
  }

  Router router_;
};

TEST_F(RouterTest, DispatchesByMethodAndPathIgnoringTheQuery) {
  const Response response = router_.handle(request(beast_http::verb::get, "/things?x=1"));
  EXPECT_EQ(response.result(), beast_http::status::ok);
  EXPECT_EQ(nlohmann::json::parse(response.body())["things"], 2);
  EXPECT_EQ(router_.handle(request(beast_http::verb::post, "/things")).result(),
            beast_http::status::created);
}

TEST_F(RouterTest, ResponseFollowsTheRequestsKeepAlive) {
  EXPECT_TRUE(router_.handle(request(beast_http::verb::get, "/things")).keep_alive());
  EXPECT_FALSE(router_.handle(request(beast_http::verb::get, "/things", false)).keep_alive());
}

TEST_F(RouterTest, UnknownPathIs404Json) {
  const Response response = router_.handle(request(beast_http::verb::get, "/nothing"));
  EXPECT_EQ(response.result(), beast_http::status::not_found);
  EXPECT_EQ(response[beast_http::field::content_type], "application/json");
  EXPECT_EQ(nlohmann::json::parse(response.body())["error"], "not_found");
}

TEST_F(RouterTest, WrongMethodIs405WithAllow) {
  const Response response = router_.handle(request(beast_http::verb::delete_, "/things"));
  EXPECT_EQ(response.result(), beast_http::status::method_not_allowed);
  EXPECT_EQ(response[beast_http::field::allow], "GET, POST");
  EXPECT_EQ(nlohmann::json::parse(response.body())["error"], "method_not_allowed");
}

TEST_F(RouterTest, ThrowingHandlerIs500) {
  const Response response = router_.handle(request(beast_http::verb::get, "/broken"));
  EXPECT_EQ(response.result(), beast_http::status::internal_server_error);
  EXPECT_EQ(nlohmann::json::parse(response.body())["error"], "internal_error");
}

TEST_F(RouterTest, RegisteringARouteTwiceIsAProgrammingError) {
  EXPECT_THROW(router_.add(beast_http::verb::get, "/things",
                           [](const Request& r) {
                             return Response{beast_http::status::ok, r.version()};
                           }),
               std::logic_error);
}

}  // namespace
}  // namespace ringcast::controlplane::http
