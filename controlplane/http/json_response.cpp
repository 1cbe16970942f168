#include "http/json_response.hpp"

#include <boost/beast/http/field.hpp>

namespace ringcast::controlplane::http {

namespace beast_http = boost::beast::http;

Response json_response(beast_http::status status, const nlohmann::ordered_json& body,
                       unsigned version, bool keep_alive) {
  Response response{status, version};
  response.set(beast_http::field::server, "ringcast-controlplane");
  response.set(beast_http::field::content_type, "application/json");
  // Health and API answers describe the present moment; a cached one is a wrong one.
  response.set(beast_http::field::cache_control, "no-store");
  response.keep_alive(keep_alive);
  response.body() = body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  response.body() += '\n';
  response.prepare_payload();
  return response;
}

Response error_response(beast_http::status status, std::string_view code, std::string_view message,
                        unsigned version, bool keep_alive) {
  return json_response(status, {{"error", code}, {"message", message}}, version, keep_alive);
}

}  // namespace ringcast::controlplane::http
