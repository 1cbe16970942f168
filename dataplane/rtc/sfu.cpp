#include "rtc/sfu.hpp"

#include <arpa/inet.h>
#include <openssl/rand.h>

#include <algorithm>

namespace ringcast::rtc {

namespace pb = ringcast::control;

namespace {

pb::Response error_response(pb::ErrorCode code, std::string reason) {
  pb::Response response;
  response.mutable_error()->set_code(code);
  response.mutable_error()->set_reason(std::move(reason));
  return response;
}

pb::Response not_found(std::string_view what, const std::string& id) {
  return error_response(pb::ERROR_CODE_NOT_FOUND,
                        std::string(what) + " '" + id + "' does not exist on this shard");
}

std::optional<SrtpSuite> suite_from_proto(pb::SrtpSuite suite) {
  switch (suite) {
    case pb::SRTP_SUITE_AEAD_AES_128_GCM:
      return SrtpSuite::kAeadAes128Gcm;
    case pb::SRTP_SUITE_AES_CM_128_HMAC_SHA1_80:
      return SrtpSuite::kAesCm128HmacSha1_80;
    default:
      return std::nullopt;
  }
}

pb::SrtpSuite suite_to_proto(const std::optional<SrtpSuite>& suite) {
  if (!suite) {
    return pb::SRTP_SUITE_NONE;
  }
  return *suite == SrtpSuite::kAeadAes128Gcm ? pb::SRTP_SUITE_AEAD_AES_128_GCM
                                             : pb::SRTP_SUITE_AES_CM_128_HMAC_SHA1_80;
}

void producer_info(const Producer& producer, const Transport& transport, pb::ProducerInfo& info) {
  const ProducerParams& params = producer.params();
  info.set_producer_id(params.id);
  info.set_transport_id(transport.id());
  info.set_kind(params.kind == MediaKind::kAudio ? pb::MEDIA_KIND_AUDIO : pb::MEDIA_KIND_VIDEO);
  info.set_codec(params.codec);
  info.set_payload_type(params.payload_type);
  info.set_ssrc(params.ssrc);
  info.set_clock_rate(params.clock_rate);
  info.set_paused(params.paused);
}

void consumer_info(Consumer& consumer, pb::ConsumerInfo& info) {
  const ConsumerParams& params = consumer.params();
  info.set_consumer_id(params.id);
  info.set_transport_id(consumer.transport().id());
  info.set_producer_id(params.producer_id);
  info.set_ssrc(params.ssrc);
  info.set_payload_type(params.payload_type);
  info.set_paused(params.paused);
}

}  // namespace

Sfu::Sfu(core::Shard& shard, std::string announced_ip, EventEmitter emit_event)
    : shard_(shard), announced_ip_(std::move(announced_ip)), emit_event_(std::move(emit_event)) {
  RAND_bytes(reinterpret_cast<unsigned char*>(&random_state_), sizeof random_state_);
  random_state_ |= 1;
  shard_.set_datagram_handler(this);
  shard_.add_counter_source(this);
}

Sfu::~Sfu() {
  shard_.set_datagram_handler(nullptr);
  shard_.remove_counter_source(this);
  routers_.clear();
}

uint32_t Sfu::next_random() {
  // xorshift64*: seeded from the OS, good enough for SSRCs and initial sequence numbers.
  random_state_ ^= random_state_ >> 12;
  random_state_ ^= random_state_ << 25;
  random_state_ ^= random_state_ >> 27;
  return static_cast<uint32_t>((random_state_ * 2685821657736338717ull) >> 32);
}

void Sfu::on_datagram(std::span<uint8_t> packet, const sockaddr_in& from) {
  // RFC 7983 §7: 128..191 is RTP or RTCP. STUN (0..3) and DTLS (20..63) arrive with the WebRTC
  // transport; until then they, like anything else, are dropped and counted.
  if (packet.empty() || packet[0] < 128 || packet[0] > 191) {
    ++counters_.drop_not_rtp;
    return;
  }
  const uint64_t now_ms = shard_.now_ms();
  auto found = by_address_.find(address_key(from));
  if (found != by_address_.end()) {
    found->second->receive_packet(packet, now_ms);
    return;
  }
  for (auto it = awaiting_remote_.begin(); it != awaiting_remote_.end(); ++it) {
    PlainTransport* transport = *it;
    if (transport->try_learn_remote(packet, from, scratch_, now_ms)) {
      by_address_[address_key(from)] = transport;
      awaiting_remote_.erase(it);
      return;
    }
  }
  ++counters_.drop_unknown_source;
}

void Sfu::visit_counters(const core::CounterVisitor& visit) const {
  visit("routers", routers_.size());
  counters_.for_each([&](std::string_view name, uint64_t value) { visit(name, value); });
}

pb::Response Sfu::handle(const pb::Request& request, std::vector<std::string>& closed_ids) {
  switch (request.kind_case()) {
    case pb::Request::kCreateRouter:
      return create_router(request.create_router());
    case pb::Request::kCreatePlainTransport:
      return create_plain_transport(request.create_plain_transport());
    case pb::Request::kConnectPlainTransport:
      return connect_plain_transport(request.connect_plain_transport());
    case pb::Request::kProduce:
      return produce(request.produce());
    case pb::Request::kConsume:
      return consume(request.consume());
    case pb::Request::kPauseProducer:
      return set_paused(request.pause_producer().id(), true, true);
    case pb::Request::kResumeProducer:
      return set_paused(request.resume_producer().id(), true, false);
    case pb::Request::kPauseConsumer:
      return set_paused(request.pause_consumer().id(), false, true);
    case pb::Request::kResumeConsumer:
      return set_paused(request.resume_consumer().id(), false, false);
    case pb::Request::kCloseRouter:
    case pb::Request::kCloseTransport:
    case pb::Request::kCloseProducer:
    case pb::Request::kCloseConsumer:
      return close(request, closed_ids);
    case pb::Request::kGetObjectStats:
      return object_stats(request.get_object_stats().id());
    case pb::Request::kRequestKeyFrame:
      return request_key_frame(request.request_key_frame().id());
    default:
      return error_response(pb::ERROR_CODE_BAD_REQUEST, "not an SFU request");
  }
}

pb::Response Sfu::create_router(const pb::CreateRouter& request) {
  if (request.router_id().empty()) {
    return error_response(pb::ERROR_CODE_BAD_REQUEST, "router_id is required");
  }
  if (!routers_.contains(request.router_id())) {
    routers_.emplace(request.router_id(), std::make_unique<Router>(request.router_id(), counters_));
  }
  pb::Response response;
  response.mutable_router()->set_router_id(request.router_id());
  response.mutable_router()->set_shard(shard_.index());
  return response;
}

void Sfu::transport_info(const PlainTransport& transport, pb::TransportInfo& info) const {
  info.set_transport_id(transport.id());
  info.set_router_id(transport.router_id());
  info.set_local_ip(announced_ip_);
  info.set_local_port(shard_.udp_port());
  info.set_srtp_suite(suite_to_proto(transport.options().srtp_suite));
  const auto key = transport.local_srtp_key();
  info.set_local_srtp_key(std::string(key.begin(), key.end()));
  info.set_comedia(transport.options().comedia);
  if (transport.connected()) {
    char ip[INET_ADDRSTRLEN] = {};
    inet_ntop(AF_INET, &transport.remote().sin_addr, ip, sizeof ip);
    info.set_remote_ip(ip);
    info.set_remote_port(ntohs(transport.remote().sin_port));
  }
}

pb::Response Sfu::create_plain_transport(const pb::CreatePlainTransport& request) {
  auto router_it = routers_.find(request.router_id());
  if (router_it == routers_.end()) {
    return not_found("router", request.router_id());
  }
  if (request.transport_id().empty()) {
    return error_response(pb::ERROR_CODE_BAD_REQUEST, "transport_id is required");
  }
  Router& router = *router_it->second;
  pb::Response response;
  if (Transport* existing = router.transport(request.transport_id())) {
    transport_info(static_cast<PlainTransport&>(*existing), *response.mutable_transport());
    return response;
  }
  if (owner_.contains(request.transport_id())) {
    return error_response(pb::ERROR_CODE_ALREADY_EXISTS,
                          "id '" + request.transport_id() + "' is taken by another object");
  }
  PlainTransport::Options options;
  options.comedia = request.comedia();
  if (request.srtp_suite() != pb::SRTP_SUITE_NONE) {
    options.srtp_suite = suite_from_proto(request.srtp_suite());
    if (!options.srtp_suite) {
      return error_response(pb::ERROR_CODE_BAD_REQUEST, "unknown srtp_suite");
    }
  }
  auto transport = std::make_unique<PlainTransport>(request.transport_id(), router.id(), shard_,
                                                    counters_, next_random(), options);
  auto* added = static_cast<PlainTransport*>(router.add_transport(std::move(transport)));
  owner_[added->id()] = &router;
  transport_info(*added, *response.mutable_transport());
  return response;
}

pb::Response Sfu::connect_plain_transport(const pb::ConnectPlainTransport& request) {
  auto owner = owner_.find(request.transport_id());
  Transport* found =
      owner == owner_.end() ? nullptr : owner->second->transport(request.transport_id());
  if (found == nullptr) {
    return not_found("transport", request.transport_id());
  }
  auto& transport = static_cast<PlainTransport&>(*found);
  sockaddr_in remote{};
  const bool has_remote = !request.remote_ip().empty();
  if (has_remote) {
    remote.sin_family = AF_INET;
    if (inet_pton(AF_INET, request.remote_ip().c_str(), &remote.sin_addr) != 1 ||
        request.remote_port() == 0 || request.remote_port() > 65535) {
      return error_response(pb::ERROR_CODE_BAD_REQUEST,
                            "remote_ip/remote_port is not a valid IPv4 address and port");
    }
    remote.sin_port = htons(static_cast<uint16_t>(request.remote_port()));
  }
  unregister_address(&transport);
  const auto& key = request.remote_srtp_key();
  const std::string error = transport.connect(
      has_remote ? &remote : nullptr, {reinterpret_cast<const uint8_t*>(key.data()), key.size()});
  if (!error.empty()) {
    return error_response(pb::ERROR_CODE_BAD_REQUEST, error);
  }
  if (has_remote) {
    by_address_[address_key(remote)] = &transport;
  } else {
    awaiting_remote_.push_back(&transport);
  }
  pb::Response response;
  transport_info(transport, *response.mutable_transport());
  return response;
}

pb::Response Sfu::produce(const pb::Produce& request) {
  auto owner = owner_.find(request.transport_id());
  Transport* transport =
      owner == owner_.end() ? nullptr : owner->second->transport(request.transport_id());
  if (transport == nullptr) {
    return not_found("transport", request.transport_id());
  }
  Router& router = *owner->second;
  pb::Response response;
  if (Producer* existing = router.producer(request.producer_id())) {
    producer_info(*existing, existing->transport(), *response.mutable_producer());
    return response;
  }
  if (request.producer_id().empty() || owner_.contains(request.producer_id())) {
    return error_response(pb::ERROR_CODE_BAD_REQUEST, "producer_id is empty or taken");
  }
  if (request.payload_type() > 127 || request.clock_rate() == 0 || request.ssrc() == 0) {
    return error_response(pb::ERROR_CODE_BAD_REQUEST,
                          "payload_type (0..127), ssrc and clock_rate are required");
  }
  if (transport->producer_by_ssrc(request.ssrc()) != nullptr) {
    return error_response(pb::ERROR_CODE_ALREADY_EXISTS,
                          "another producer on this transport has that ssrc");
  }
  ProducerParams params;
  params.id = request.producer_id();
  params.kind = request.kind() == pb::MEDIA_KIND_AUDIO ? MediaKind::kAudio : MediaKind::kVideo;
  params.codec = request.codec();
  params.payload_type = static_cast<uint8_t>(request.payload_type());
  params.ssrc = request.ssrc();
  params.clock_rate = request.clock_rate();
  params.paused = request.paused();
  Producer* producer = router.add_producer(*transport, std::move(params));
  owner_[producer->id()] = &router;
  producer_info(*producer, *transport, *response.mutable_producer());
  return response;
}

pb::Response Sfu::consume(const pb::Consume& request) {
  auto owner = owner_.find(request.transport_id());
  Transport* transport =
      owner == owner_.end() ? nullptr : owner->second->transport(request.transport_id());
  if (transport == nullptr) {
    return not_found("transport", request.transport_id());
  }
  Router& router = *owner->second;
  pb::Response response;
  if (Consumer* existing = router.consumer(request.consumer_id())) {
    consumer_info(*existing, *response.mutable_consumer());
    return response;
  }
  Producer* producer = router.producer(request.producer_id());
  if (producer == nullptr) {
    return not_found("producer (in this transport's router)", request.producer_id());
  }
  if (request.consumer_id().empty() || owner_.contains(request.consumer_id())) {
    return error_response(pb::ERROR_CODE_BAD_REQUEST, "consumer_id is empty or taken");
  }
  if (request.payload_type() > 127 || request.ssrc() == 0) {
    return error_response(pb::ERROR_CODE_BAD_REQUEST,
                          "payload_type (0..127) and ssrc are required");
  }
  if (transport->consumer_by_ssrc(request.ssrc()) != nullptr) {
    return error_response(pb::ERROR_CODE_ALREADY_EXISTS,
                          "another consumer on this transport has that ssrc");
  }
  ConsumerParams params;
  params.id = request.consumer_id();
  params.producer_id = request.producer_id();
  params.ssrc = request.ssrc();
  params.payload_type = static_cast<uint8_t>(request.payload_type());
  params.paused = request.paused();
  Consumer* consumer = router.add_consumer(*transport, *producer, std::move(params), next_random());
  owner_[consumer->id()] = &router;
  consumer_info(*consumer, *response.mutable_consumer());
  return response;
}

pb::Response Sfu::set_paused(const std::string& id, bool is_producer, bool paused) {
  auto owner = owner_.find(id);
  pb::Response response;
  if (is_producer) {
    Producer* producer = owner == owner_.end() ? nullptr : owner->second->producer(id);
    if (producer == nullptr) {
      return not_found("producer", id);
    }
    producer->set_paused(paused);
    producer_info(*producer, producer->transport(), *response.mutable_producer());
    return response;
  }
  Consumer* consumer = owner == owner_.end() ? nullptr : owner->second->consumer(id);
  if (consumer == nullptr) {
    return not_found("consumer", id);
  }
  if (paused) {
    consumer->pause();
  } else {
    consumer->resume(shard_.now_ms());
  }
  consumer_info(*consumer, *response.mutable_consumer());
  return response;
}

void Sfu::unregister_address(Transport* transport) {
  std::erase_if(by_address_, [transport](const auto& entry) { return entry.second == transport; });
  std::erase(awaiting_remote_, transport);
}

void Sfu::forget(const std::vector<std::string>& closed_ids) {
  for (const std::string& id : closed_ids) {
    owner_.erase(id);
  }
}

pb::Response Sfu::close(const pb::Request& request, std::vector<std::string>& closed_ids) {
  pb::Response response;
  if (request.kind_case() == pb::Request::kCloseRouter) {
    const std::string& id = request.close_router().id();
    auto found = routers_.find(id);
    if (found == routers_.end()) {
      return not_found("router", id);
    }
    for (const auto& [transport_id, transport] : found->second->transports()) {
      unregister_address(transport.get());
    }
    closed_ids = found->second->close_all();
    closed_ids.push_back(id);
    routers_.erase(found);
    forget(closed_ids);
    return response;
  }
  const std::string& id =
      request.kind_case() == pb::Request::kCloseTransport  ? request.close_transport().id()
      : request.kind_case() == pb::Request::kCloseProducer ? request.close_producer().id()
                                                           : request.close_consumer().id();
  auto owner = owner_.find(id);
  if (owner == owner_.end()) {
    return not_found("object", id);
  }
  Router& router = *owner->second;
  switch (request.kind_case()) {
    case pb::Request::kCloseTransport:
      if (Transport* transport = router.transport(id)) {
        unregister_address(transport);
        closed_ids = router.close_transport(id);
      }
      break;
    case pb::Request::kCloseProducer:
      closed_ids = router.close_producer(id);
      break;
    default:
      closed_ids = router.close_consumer(id);
      break;
  }
  if (closed_ids.empty()) {
    return not_found("object of that kind", id);
  }
  forget(closed_ids);
  return response;
}

pb::Response Sfu::object_stats(const std::string& id) {
  pb::Response response;
  pb::ObjectStats& stats = *response.mutable_object_stats();
  stats.set_id(id);
  auto& counters = *stats.mutable_counters();
  auto visit = [&counters](std::string_view name, uint64_t value) {
    counters[std::string(name)] = value;
  };
  auto owner = owner_.find(id);
  if (owner != owner_.end()) {
    Router& router = *owner->second;
    if (Producer* producer = router.producer(id)) {
      producer->visit_counters(visit);
      return response;
    }
    if (Consumer* consumer = router.consumer(id)) {
      consumer->visit_counters(visit);
      return response;
    }
    if (Transport* transport = router.transport(id)) {
      visit("packets_received", transport->packets_received());
      visit("packets_sent", transport->packets_sent());
      visit("producers", transport->producers().size());
      visit("consumers", transport->consumers().size());
      visit("connected", transport->connected() ? 1 : 0);
      return response;
    }
  }
  if (auto router = routers_.find(id); router != routers_.end()) {
    visit("transports", router->second->transports().size());
    return response;
  }
  return not_found("object", id);
}

pb::Response Sfu::request_key_frame(const std::string& id) {
  auto owner = owner_.find(id);
  Consumer* consumer = owner == owner_.end() ? nullptr : owner->second->consumer(id);
  if (consumer == nullptr) {
    return not_found("consumer", id);
  }
  consumer->on_key_frame_request(shard_.now_ms());
  return {};
}

}  // namespace ringcast::rtc
