#include "floor/floor_config.hpp"

#include <fstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace ringcast::bench::floor {
namespace {

std::string to_hex(const std::vector<uint8_t>& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text;
  for (uint8_t byte : bytes) {
    text += kDigits[byte >> 4];
    text += kDigits[byte & 0xf];
  }
  return text;
}

std::vector<uint8_t> from_hex(const std::string& text) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    throw std::runtime_error("floor config: key is not hex");
  };
  if (text.size() % 2 != 0) {
    throw std::runtime_error("floor config: key has an odd number of hex digits");
  }
  std::vector<uint8_t> bytes;
  for (size_t i = 0; i < text.size(); i += 2) {
    bytes.push_back(static_cast<uint8_t>(nibble(text[i]) << 4 | nibble(text[i + 1])));
  }
  return bytes;
}

}  // namespace

std::string to_string(FloorIo io) { return io == FloorIo::kUring ? "uring" : "sendmmsg"; }

FloorIo floor_io_from_string(const std::string& name) {
  if (name == "uring") {
    return FloorIo::kUring;
  }
  if (name == "sendmmsg") {
    return FloorIo::kSendmmsg;
  }
  throw std::invalid_argument("io must be uring or sendmmsg, not '" + name + "'");
}

FloorConfig load_floor_config(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) {
    throw std::runtime_error("floor config: cannot read " + path.string());
  }
  FloorConfig config;
  try {
    const nlohmann::json json = nlohmann::json::parse(in);
    config.core = json.value("core", -1);
    config.ip = json.value("ip", config.ip);
    config.port = json.at("port").get<uint16_t>();
    config.io = floor_io_from_string(json.value("io", std::string("uring")));
    const std::string suite = json.value("suite", std::string("gcm"));
    const std::optional<rtc::SrtpSuite> parsed = rtc::srtp_suite_from_string(suite);
    if (!parsed) {
      throw std::runtime_error("unknown suite '" + suite + "'");
    }
    config.suite = *parsed;
    config.receive_buffers = json.value("receive_buffers", config.receive_buffers);
    config.receive_buffer_size = json.value("receive_buffer_size", config.receive_buffer_size);
    config.send_buffers = json.value("send_buffers", config.send_buffers);
    for (const nlohmann::json& producer : json.at("producers")) {
      config.producers.push_back(
          {producer.at("ssrc").get<uint32_t>(), from_hex(producer.at("key").get<std::string>())});
    }
    for (const nlohmann::json& consumer : json.at("consumers")) {
      FloorConsumer entry;
      entry.producer = consumer.at("producer").get<uint32_t>();
      entry.ip = consumer.value("ip", entry.ip);
      entry.port = consumer.at("port").get<uint16_t>();
      entry.srtp_key = from_hex(consumer.at("key").get<std::string>());
      if (entry.producer >= config.producers.size()) {
        throw std::runtime_error("consumer names a producer that does not exist");
      }
      config.consumers.push_back(std::move(entry));
    }
  } catch (const nlohmann::json::exception& error) {
    throw std::runtime_error("floor config " + path.string() + ": " + error.what());
  } catch (const std::invalid_argument& error) {
    throw std::runtime_error("floor config " + path.string() + ": " + error.what());
  }
  return config;
}

void save_floor_config(const FloorConfig& config, const std::filesystem::path& path) {
  nlohmann::json json;
  json["core"] = config.core;
  json["ip"] = config.ip;
  json["port"] = config.port;
  json["io"] = to_string(config.io);
  json["suite"] = std::string(rtc::short_name(config.suite));
  json["receive_buffers"] = config.receive_buffers;
  json["receive_buffer_size"] = config.receive_buffer_size;
  json["send_buffers"] = config.send_buffers;
  json["producers"] = nlohmann::json::array();
  for (const FloorProducer& producer : config.producers) {
    json["producers"].push_back({{"ssrc", producer.ssrc}, {"key", to_hex(producer.srtp_key)}});
  }
  json["consumers"] = nlohmann::json::array();
  for (const FloorConsumer& consumer : config.consumers) {
    json["consumers"].push_back({{"producer", consumer.producer},
                                 {"ip", consumer.ip},
                                 {"port", consumer.port},
                                 {"key", to_hex(consumer.srtp_key)}});
  }
  std::ofstream out(path);
  out << json.dump() << '\n';
  if (!out) {
    throw std::runtime_error("floor config: cannot write " + path.string());
  }
}

}  // namespace ringcast::bench::floor
