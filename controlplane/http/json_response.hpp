#pragma once

#include <string_view>

#include <boost/beast/http/status.hpp>
#include <nlohmann/json.hpp>

#include "http/message.hpp"

namespace ringcast::controlplane::http {

// A response with a JSON body and the headers every control-plane response carries. version and
// keep_alive come from the request being answered (11 and false when there is none).
// ordered_json keeps members in the order written, so documents read as the docs show them.
Response json_response(boost::beast::http::status status, const nlohmann::ordered_json& body,
                       unsigned version, bool keep_alive);

// The one error shape of the API: {"error": <code>, "message": <for a person>}. code is a stable
// snake_case word clients may switch on; message may change.
Response error_response(boost::beast::http::status status, std::string_view code,
                        std::string_view message, unsigned version, bool keep_alive);

}  // namespace ringcast::controlplane::http
