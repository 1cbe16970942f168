#pragma once
// The [rtmp] section of the data plane's TOML file (docs/rtmp.md, "Configuration").

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace ringcast::rtmp {

// Keys for one application ([[rtmp.app]]); an empty list means nobody is asked for a key.
struct RtmpAppConfig {
  std::string name;
  std::vector<std::string> publish_keys;
  std::vector<std::string> play_keys;
};

// A push relay configured for every stream of an app ([[rtmp.push]]): the stream "app/key" is
// published to `url` (rtmp://host[:port]/app) under the name `key`.
struct RtmpPushConfig {
  std::string app;
  std::string url;
};

struct RtmpConfig {
  // Only a file with an [rtmp] section turns the server on (the embedded defaults do not listen
  // on TCP); inside the section `enabled` defaults to true.
  bool enabled = false;
  std::string listen_ip = "127.0.0.1";
  uint16_t listen_port = 1935;
  // What the server announces with Set Chunk Size and encodes every outgoing message with.
  uint32_t chunk_size = 4096;
  // Keep the current GOP (from the last keyframe) so a new player starts at once.
  bool gop_cache = true;
  // A GOP larger than this is not cached (the player waits for the next keyframe).
  uint32_t gop_cache_max_bytes = 16u << 20;
  // Bytes queued for a player beyond which it skips to the next keyframe.
  uint32_t player_queue_bytes = 2u << 20;
  // Bytes dropped for a player since its last completed send beyond which it is disconnected.
  uint32_t player_disconnect_bytes = 8u << 20;
  // Largest message accepted from a peer (a header announcing more closes the connection).
  uint32_t max_message_size = 4u << 20;
  // A connection that has not finished the handshake and connect by then is closed.
  uint32_t handshake_timeout_ms = 10000;
  // Keys for apps without an [[rtmp.app]] entry.
  std::vector<std::string> publish_keys;
  std::vector<std::string> play_keys;
  std::vector<RtmpAppConfig> apps;
  std::vector<RtmpPushConfig> push;
};

// Parses the [rtmp] section of a data plane file (other sections are core/config.cpp's).
// Unknown keys are ConfigErrors naming rtmp.<key> and the line.
RtmpConfig parse_rtmp_config(std::string_view toml_text, std::string_view source_name);
RtmpConfig load_rtmp_config(const std::filesystem::path& file);

}  // namespace ringcast::rtmp
