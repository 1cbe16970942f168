#include "rtc/router.hpp"

namespace ringcast::rtc {

Router::~Router() {
  observers_.clear();
  close_all();
}

AudioLevelObserver* Router::add_observer(std::unique_ptr<AudioLevelObserver> observer) {
  AudioLevelObserver* added = observer.get();
  observers_.emplace(added->id(), std::move(observer));
  return added;
}

AudioLevelObserver* Router::observer(const std::string& id) const {
  auto found = observers_.find(id);
  return found == observers_.end() ? nullptr : found->second.get();
}

bool Router::close_observer(const std::string& id) { return observers_.erase(id) > 0; }

Transport* Router::add_transport(std::unique_ptr<Transport> transport) {
  Transport* added = transport.get();
  transports_.emplace(added->id(), std::move(transport));
  return added;
}

Producer* Router::add_producer(Transport& transport, ProducerParams params) {
  auto producer = std::make_unique<Producer>(std::move(params), transport, counters_);
  Producer* added = producer.get();
  producers_.emplace(added->id(), std::move(producer));
  transport.add_producer(added);
  return added;
}

Consumer* Router::add_consumer(Transport& transport, Producer& producer, ConsumerParams params,
                               uint32_t initial_random) {
  auto consumer =
      std::make_unique<Consumer>(std::move(params), transport, producer, counters_, initial_random);
  Consumer* added = consumer.get();
  consumers_.emplace(added->id(), std::move(consumer));
  transport.add_consumer(added);
  producer.add_consumer(added);
  return added;
}

Transport* Router::transport(const std::string& id) const {
  auto found = transports_.find(id);
  return found == transports_.end() ? nullptr : found->second.get();
}

Producer* Router::producer(const std::string& id) const {
  auto found = producers_.find(id);
  return found == producers_.end() ? nullptr : found->second.get();
}

Consumer* Router::consumer(const std::string& id) const {
  auto found = consumers_.find(id);
  return found == consumers_.end() ? nullptr : found->second.get();
}

std::vector<std::string> Router::close_consumer(const std::string& id) {
  auto found = consumers_.find(id);
  if (found == consumers_.end()) {
    return {};
  }
  Consumer& consumer = *found->second;
  if (Producer* producer = consumer.producer()) {
    producer->remove_consumer(&consumer);
  }
  consumer.transport().remove_consumer(&consumer);
  consumers_.erase(found);
  return {id};
}

std::vector<std::string> Router::close_producer(const std::string& id) {
  auto found = producers_.find(id);
  if (found == producers_.end()) {
    return {};
  }
  Producer& producer = *found->second;
  std::vector<std::string> closed;
  // mediasoup's rule, which clients expect: a consumer ends with its producer.
  const std::vector<Consumer*> consumers = producer.consumers();
  for (Consumer* consumer : consumers) {
    const std::string consumer_id = consumer->id();
    auto ids = close_consumer(consumer_id);
    closed.insert(closed.end(), ids.begin(), ids.end());
  }
  for (auto& [observer_id, observer] : observers_) {
    observer->remove_producer(producer);
  }
  producer.transport().remove_producer(&producer);
  producers_.erase(found);
  closed.push_back(id);
  return closed;
}

std::vector<std::string> Router::close_transport(const std::string& id) {
  auto found = transports_.find(id);
  if (found == transports_.end()) {
    return {};
  }
  Transport& transport = *found->second;
  std::vector<std::string> closed;
  std::vector<std::string> producer_ids;
  for (const Producer* producer : transport.producers()) {
    producer_ids.push_back(producer->id());
  }
  std::vector<std::string> consumer_ids;
  for (const auto& [ssrc, consumer] : transport.consumers()) {
    consumer_ids.push_back(consumer->id());
  }
  for (const std::string& producer_id : producer_ids) {
    auto ids = close_producer(producer_id);
    closed.insert(closed.end(), ids.begin(), ids.end());
  }
  for (const std::string& consumer_id : consumer_ids) {
    auto ids = close_consumer(consumer_id);
    closed.insert(closed.end(), ids.begin(), ids.end());
  }
  transports_.erase(id);
  closed.push_back(id);
  return closed;
}

std::vector<std::string> Router::close_all() {
  std::vector<std::string> closed;
  std::vector<std::string> transport_ids;
  for (const auto& [transport_id, transport] : transports_) {
    transport_ids.push_back(transport_id);
  }
  for (const std::string& transport_id : transport_ids) {
    auto ids = close_transport(transport_id);
    closed.insert(closed.end(), ids.begin(), ids.end());
  }
  return closed;
}

}  // namespace ringcast::rtc
