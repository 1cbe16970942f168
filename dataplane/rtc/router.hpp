#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "rtc/audio_level_observer.hpp"
#include "rtc/consumer.hpp"
#include "rtc/producer.hpp"
#include "rtc/transport.hpp"

namespace ringcast::rtc {

// One room's media context on one shard. It owns the room's transports, producers and consumers
// (ownership flows down), and wires producers to consumers. A consumer can only consume a
// producer of the same router.
class Router {
 public:
  Router(std::string id, SfuCounters& counters) : id_(std::move(id)), counters_(counters) {}
  ~Router();
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  const std::string& id() const { return id_; }

  Transport* add_transport(std::unique_ptr<Transport> transport);
  Producer* add_producer(Transport& transport, ProducerParams params);
  Consumer* add_consumer(Transport& transport, Producer& producer, ConsumerParams params,
                         uint32_t initial_random);

  Transport* transport(const std::string& id) const;
  Producer* producer(const std::string& id) const;
  Consumer* consumer(const std::string& id) const;

  // Closing cascades down: a transport takes its producers and consumers with it, and a
  // producer its consumers. Each returns the ids of every object it closed.
  std::vector<std::string> close_transport(const std::string& id);
  std::vector<std::string> close_producer(const std::string& id);
  std::vector<std::string> close_consumer(const std::string& id);
  std::vector<std::string> close_all();

  const std::unordered_map<std::string, std::unique_ptr<Transport>>& transports() const {
    return transports_;
  }

  AudioLevelObserver* add_observer(std::unique_ptr<AudioLevelObserver> observer);
  AudioLevelObserver* observer(const std::string& id) const;
  bool close_observer(const std::string& id);

 private:
  std::string id_;
  SfuCounters& counters_;
  std::unordered_map<std::string, std::unique_ptr<Transport>> transports_;
  std::unordered_map<std::string, std::unique_ptr<Producer>> producers_;
  std::unordered_map<std::string, std::unique_ptr<Consumer>> consumers_;
  std::unordered_map<std::string, std::unique_ptr<AudioLevelObserver>> observers_;
};

}  // namespace ringcast::rtc
