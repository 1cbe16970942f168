#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace ringcast::controlplane::http {

// Control-plane requests and responses are small JSON documents, so whole bodies in strings.
using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;

}  // namespace ringcast::controlplane::http
