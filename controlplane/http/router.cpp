#include "http/router.hpp"

#include <exception>
#include <stdexcept>
#include <string>

#include <fmt/format.h>
#include <boost/beast/http/field.hpp>

#include "http/json_response.hpp"
#include "log/log.hpp"

namespace ringcast::controlplane::http {

namespace beast_http = boost::beast::http;

namespace {

std::string_view path_of(std::string_view target) { return target.substr(0, target.find('?')); }

std::string_view as_view(boost::beast::string_view text) { return {text.data(), text.size()}; }

}  // namespace

void Router::add(beast_http::verb method, std::string path, Handler handler) {
  auto& methods = routes_[path];
  if (!methods.emplace(method, std::move(handler)).second) {
    throw std::logic_error(
        fmt::format("route {} {} registered twice", as_view(beast_http::to_string(method)), path));
  }
}

Response Router::handle(const Request& request) const {
  const unsigned version = request.version();
  const bool keep_alive = request.keep_alive();
  const std::string_view path = path_of(as_view(request.target()));

  const auto route = routes_.find(path);
  if (route == routes_.end()) {
    return error_response(beast_http::status::not_found, "not_found",
                          fmt::format("no resource at {}", path), version, keep_alive);
  }
  const auto& methods = route->second;
  const auto handler = methods.find(request.method());
  if (handler == methods.end()) {
    std::string allow;
    for (const auto& [method, unused] : methods) {
      if (!allow.empty()) {
        allow += ", ";
      }
      allow += as_view(beast_http::to_string(method));
    }
    Response response = error_response(
        beast_http::status::method_not_allowed, "method_not_allowed",
        fmt::format("{} does not accept {}; use {}", path, as_view(request.method_string()), allow),
        version, keep_alive);
    response.set(beast_http::field::allow, allow);
    return response;
  }

  try {
    Response response = handler->second(request);
    response.version(version);
    response.keep_alive(keep_alive);
    return response;
  } catch (const std::exception& error) {
    log::error(
        "request handler failed",
        {{"method", as_view(request.method_string())}, {"path", path}, {"error", error.what()}});
    return error_response(beast_http::status::internal_server_error, "internal_error",
                          "the request could not be handled", version, keep_alive);
  }
}

}  // namespace ringcast::controlplane::http
