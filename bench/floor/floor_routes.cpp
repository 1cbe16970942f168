#include "floor/floor_routes.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <stdexcept>

namespace ringcast::bench::floor {

FloorRoutes::FloorRoutes(const FloorConfig& config) {
  for (uint32_t p = 0; p < config.producers.size(); ++p) {
    std::string error;
    std::optional<rtc::SrtpSession> inbound = rtc::SrtpSession::create(
        config.suite, rtc::SrtpDirection::kInbound, config.producers[p].srtp_key, &error);
    if (!inbound) {
      throw std::runtime_error("floor: producer SRTP: " + error);
    }
    FloorSource source{config.producers[p].ssrc, std::move(*inbound),
                       static_cast<uint32_t>(destinations_.size()), 0};
    for (const FloorConsumer& consumer : config.consumers) {
      if (consumer.producer != p) {
        continue;
      }
      std::optional<rtc::SrtpSession> outbound = rtc::SrtpSession::create(
          config.suite, rtc::SrtpDirection::kOutbound, consumer.srtp_key, &error);
      if (!outbound) {
        throw std::runtime_error("floor: consumer SRTP: " + error);
      }
      sockaddr_in address{};
      address.sin_family = AF_INET;
      address.sin_port = htons(consumer.port);
      if (inet_pton(AF_INET, consumer.ip.c_str(), &address.sin_addr) != 1) {
        throw std::runtime_error("floor: consumer ip '" + consumer.ip + "' is not IPv4");
      }
      destinations_.push_back({address, std::move(*outbound)});
      ++source.destination_count;
    }
    sources_.push_back(std::move(source));
  }
}

size_t FloorRoutes::largest_fanout() const {
  size_t largest = 0;
  for (const FloorSource& source : sources_) {
    largest = std::max<size_t>(largest, source.destination_count);
  }
  return largest;
}

}  // namespace ringcast::bench::floor
