#include "rtmp/key_authorizer.hpp"

#include <algorithm>

namespace ringcast::rtmp {
namespace {

std::string_view query_value(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const size_t eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
      return pair.substr(eq + 1);
    }
    if (amp == std::string_view::npos) {
      break;
    }
    query.remove_prefix(amp + 1);
  }
  return {};
}

}  // namespace

bool ConfigKeyAuthorizer::allowed(const AuthRequest& request) const {
  const std::vector<std::string>* keys =
      request.role == StreamRole::kPublish ? &config_.publish_keys : &config_.play_keys;
  for (const RtmpAppConfig& app : config_.apps) {
    if (app.name == request.app) {
      keys = request.role == StreamRole::kPublish ? &app.publish_keys : &app.play_keys;
      break;
    }
  }
  if (keys->empty()) {
    return true;
  }
  const std::string_view query_key = query_value(request.query, "key");
  return std::any_of(keys->begin(), keys->end(), [&](const std::string& key) {
    return key == request.name || (!query_key.empty() && key == query_key);
  });
}

void ConfigKeyAuthorizer::authorize(const AuthRequest& request, std::function<void(bool)> done) {
  done(allowed(request));
}

}  // namespace ringcast::rtmp
