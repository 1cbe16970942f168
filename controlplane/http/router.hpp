#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include <boost/beast/http/verb.hpp>

#include "http/message.hpp"

namespace ringcast::controlplane::http {

// Maps method + exact path to a handler. An unknown path answers 404; a known path with another
// method answers 405 with an Allow header; a handler that throws answers 500 (and is logged), so
// one bad request never takes the process down.
class Router {
 public:
  // Receives the request and returns the full response; keep-alive and version are already set
  // on the response the router returns, so handlers need not care.
  using Handler = std::function<Response(const Request&)>;

  // Registers a route. Throws std::logic_error when method + path is already taken.
  void add(boost::beast::http::verb method, std::string path, Handler handler);

  Response handle(const Request& request) const;

 private:
  std::map<std::string, std::map<boost::beast::http::verb, Handler>, std::less<>> routes_;
};

}  // namespace ringcast::controlplane::http
