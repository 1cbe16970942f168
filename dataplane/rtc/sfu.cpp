#include "rtc/sfu.hpp"

#include <arpa/inet.h>
#include <openssl/rand.h>

#include <algorithm>

#include "core/allocation_counter.hpp"
#include "rtc/stun_message.hpp"

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
  info.set_ssrc(producer.encoding_params(0).ssrc);
  info.set_clock_rate(params.clock_rate);
  info.set_paused(params.paused);
}

HeaderExtensionIds extension_ids(const pb::HeaderExtensionIds& ids) {
  auto id = [](uint32_t value) { return static_cast<uint8_t>(value <= 255 ? value : 0); };
  HeaderExtensionIds out;
  out.mid = id(ids.mid());
  out.rid = id(ids.rid());
  out.repaired_rid = id(ids.repaired_rid());
  out.transport_wide_cc = id(ids.transport_cc());
  out.abs_send_time = id(ids.abs_send_time());
  out.audio_level = id(ids.audio_level());
  return out;
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
    : shard_(shard),
      announced_ip_(std::move(announced_ip)),
      emit_event_(std::move(emit_event)),
      dtls_context_(DtlsContext::process()) {
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
  if (packet.empty()) {
    ++counters_.drop_not_rtp;
    return;
  }
  const uint64_t now_ms = shard_.now_ms();
  const uint8_t first = packet[0];
  auto found = by_address_.find(address_key(from));
  // RFC 7983 §7: the first byte tells STUN (0..3), DTLS (20..63) and RTP/RTCP (128..191) apart.
  if (first <= 3) {
    WebRtcTransport* transport = found != by_address_.end() ? found->second.webrtc : nullptr;
    if (transport == nullptr) {
      // A check from a new address: its USERNAME (RFC 8445 §7.2.2) starts with our ufrag.
      StunMessage message;
      if (message.parse(packet) == StunError::kNone) {
        const std::string_view username = message.username();
        const std::string local_ufrag(username.substr(0, username.find(':')));
        auto by_ufrag = by_ufrag_.find(local_ufrag);
        transport = by_ufrag == by_ufrag_.end() ? nullptr : by_ufrag->second;
      }
    }
    if (transport == nullptr) {
      ++counters_.drop_stun_unknown_ufrag;
      return;
    }
    transport->receive_stun(packet, from, now_ms);
    return;
  }
  if (first >= 20 && first <= 63) {
    if (found == by_address_.end() || found->second.webrtc == nullptr) {
      ++counters_.drop_dtls_unknown_source;
      return;
    }
    found->second.webrtc->receive_dtls(packet, from, now_ms);
    return;
  }
  if (first < 128 || first > 191) {
    ++counters_.drop_not_rtp;
    return;
  }
  if (found != by_address_.end()) {
    if (found->second.webrtc != nullptr && !found->second.webrtc->media_ready()) {
      ++counters_.drop_srtp_not_ready;
      return;
    }
    found->second.transport->receive_packet(packet, now_ms);
    return;
  }
  for (auto it = awaiting_remote_.begin(); it != awaiting_remote_.end(); ++it) {
    PlainTransport* transport = *it;
    if (transport->try_learn_remote(packet, from, scratch_, now_ms)) {
      by_address_[address_key(from)] = AddressEntry{transport, nullptr};
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
    case pb::Request::kCreateWebrtcTransport:
      return create_webrtc_transport(request.create_webrtc_transport());
    case pb::Request::kConnectWebrtcTransport:
      return connect_webrtc_transport(request.connect_webrtc_transport());
    case pb::Request::kRestartIce:
      return restart_ice(request.restart_ice().id());
    case pb::Request::kSetPreferredLayer:
      return set_preferred_layer(request.set_preferred_layer());
    case pb::Request::kCreateAudioLevelObserver:
      return create_audio_level_observer(request.create_audio_level_observer());
    case pb::Request::kAddObserverProducer:
      return add_observer_producer(request.add_observer_producer());
    case pb::Request::kCloseAudioLevelObserver:
      return close(request, closed_ids);
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

template <typename TransportType, typename DescribeExisting>
Router* Sfu::router_for_new_transport(const std::string& router_id, const std::string& transport_id,
                                      pb::Response& response, DescribeExisting describe_existing) {
  auto router_it = routers_.find(router_id);
  if (router_it == routers_.end()) {
    response = not_found("router", router_id);
    return nullptr;
  }
  if (transport_id.empty()) {
    response = error_response(pb::ERROR_CODE_BAD_REQUEST, "transport_id is required");
    return nullptr;
  }
  // A repeated create (a reconnecting control plane replaying its state) gets what exists.
  if (auto* existing = dynamic_cast<TransportType*>(router_it->second->transport(transport_id))) {
    describe_existing(*existing, response);
    return nullptr;
  }
  if (owner_.contains(transport_id)) {
    response = error_response(pb::ERROR_CODE_ALREADY_EXISTS,
                              "id '" + transport_id + "' is taken by another object");
    return nullptr;
  }
  return router_it->second.get();
}

pb::Response Sfu::create_plain_transport(const pb::CreatePlainTransport& request) {
  pb::Response response;
  Router* router_found = router_for_new_transport<PlainTransport>(
      request.router_id(), request.transport_id(), response,
      [this](const PlainTransport& existing, pb::Response& out) {
        transport_info(existing, *out.mutable_transport());
      });
  if (router_found == nullptr) {
    return response;
  }
  Router& router = *router_found;
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
  added->set_listener(this);
  owner_[added->id()] = &router;
  transport_info(*added, *response.mutable_transport());
  return response;
}

Transport* Sfu::find_transport(const std::string& id) const {
  auto owner = owner_.find(id);
  return owner == owner_.end() ? nullptr : owner->second->transport(id);
}

pb::Response Sfu::connect_plain_transport(const pb::ConnectPlainTransport& request) {
  auto* found = dynamic_cast<PlainTransport*>(find_transport(request.transport_id()));
  if (found == nullptr) {
    return not_found("plain transport", request.transport_id());
  }
  PlainTransport& transport = *found;
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
  unregister_transport(&transport);
  const auto& key = request.remote_srtp_key();
  const std::string error = transport.connect(
      has_remote ? &remote : nullptr, {reinterpret_cast<const uint8_t*>(key.data()), key.size()});
  if (!error.empty()) {
    return error_response(pb::ERROR_CODE_BAD_REQUEST, error);
  }
  if (has_remote) {
    by_address_[address_key(remote)] = AddressEntry{&transport, nullptr};
  } else {
    awaiting_remote_.push_back(&transport);
  }
  pb::Response response;
  transport_info(transport, *response.mutable_transport());
  return response;
}

void Sfu::webrtc_transport_info(const WebRtcTransport& transport,
                                pb::WebRtcTransportInfo& info) const {
  info.set_transport_id(transport.id());
  info.set_router_id(transport.router_id());
  info.set_ice_ufrag(transport.ice().local_ufrag());
  info.set_ice_pwd(transport.ice().local_password());
  info.set_ice_lite(true);
  pb::IceCandidate* candidate = info.add_candidates();
  candidate->set_foundation("udp" + std::to_string(shard_.index()));
  // RFC 8445 §5.1.2.1 with type preference 126 (host), local preference 65535, component 1.
  candidate->set_priority((126u << 24) | (65535u << 8) | 255u);
  candidate->set_ip(announced_ip_);
  candidate->set_port(shard_.udp_port());
  candidate->set_protocol("udp");
  candidate->set_type("host");
  pb::DtlsFingerprint* fingerprint = info.add_fingerprints();
  fingerprint->set_algorithm("sha-256");
  fingerprint->set_value(std::string(transport.local_fingerprint()));
  if (const auto role = transport.dtls_role()) {
    info.set_dtls_role(*role == DtlsRole::kClient ? pb::DTLS_ROLE_CLIENT : pb::DTLS_ROLE_SERVER);
  }
  info.set_ice_state(ice_state_name(transport.ice().state()));
  info.set_dtls_state(dtls_state_name(transport.dtls().state()));
}

pb::Response Sfu::create_webrtc_transport(const pb::CreateWebRtcTransport& request) {
  pb::Response response;
  Router* router_found = router_for_new_transport<WebRtcTransport>(
      request.router_id(), request.transport_id(), response,
      [this](const WebRtcTransport& existing, pb::Response& out) {
        webrtc_transport_info(existing, *out.mutable_webrtc_transport());
      });
  if (router_found == nullptr) {
    return response;
  }
  Router& router = *router_found;
  WebRtcTransport::Options options;
  options.max_incoming_bitrate_bps = request.max_incoming_bitrate_bps();
  options.initial_outgoing_bitrate_bps = request.initial_outgoing_bitrate_bps();
  auto transport =
      std::make_unique<WebRtcTransport>(request.transport_id(), router.id(), shard_, counters_,
                                        next_random(), options, dtls_context_);
  auto* added = static_cast<WebRtcTransport*>(router.add_transport(std::move(transport)));
  added->set_listener(this);
  owner_[added->id()] = &router;
  by_ufrag_[added->ice().local_ufrag()] = added;
  webrtc_transport_info(*added, *response.mutable_webrtc_transport());
  return response;
}

pb::Response Sfu::connect_webrtc_transport(const pb::ConnectWebRtcTransport& request) {
  auto* transport = dynamic_cast<WebRtcTransport*>(find_transport(request.transport_id()));
  if (transport == nullptr) {
    return not_found("WebRTC transport", request.transport_id());
  }
  std::optional<DtlsRole> remote_role;
  if (request.remote_role() == pb::DTLS_ROLE_CLIENT) {
    remote_role = DtlsRole::kClient;
  } else if (request.remote_role() == pb::DTLS_ROLE_SERVER) {
    remote_role = DtlsRole::kServer;
  }
  const std::string error = transport->connect(request.remote_ice_ufrag(), request.remote_ice_pwd(),
                                               request.remote_fingerprint().algorithm(),
                                               request.remote_fingerprint().value(), remote_role);
  if (!error.empty()) {
    return error_response(pb::ERROR_CODE_BAD_REQUEST, error);
  }
  pb::Response response;
  webrtc_transport_info(*transport, *response.mutable_webrtc_transport());
  return response;
}

pb::Response Sfu::restart_ice(const std::string& id) {
  auto* transport = dynamic_cast<WebRtcTransport*>(find_transport(id));
  if (transport == nullptr) {
    return not_found("WebRTC transport", id);
  }
  by_ufrag_.erase(transport->ice().local_ufrag());
  transport->restart_ice();
  by_ufrag_[transport->ice().local_ufrag()] = transport;
  pb::Response response;
  webrtc_transport_info(*transport, *response.mutable_webrtc_transport());
  return response;
}

pb::Response Sfu::produce(const pb::Produce& request) {
  Transport* transport = find_transport(request.transport_id());
  if (transport == nullptr) {
    return not_found("transport", request.transport_id());
  }
  Router& router = *owner_.at(request.transport_id());
  pb::Response response;
  if (Producer* existing = router.producer(request.producer_id())) {
    producer_info(*existing, existing->transport(), *response.mutable_producer());
    return response;
  }
  if (request.producer_id().empty() || owner_.contains(request.producer_id())) {
    return error_response(pb::ERROR_CODE_BAD_REQUEST, "producer_id is empty or taken");
  }
  if (request.payload_type() > 127 || request.clock_rate() == 0) {
    return error_response(pb::ERROR_CODE_BAD_REQUEST,
                          "payload_type (0..127) and clock_rate are required");
  }
  ProducerParams params;
  params.id = request.producer_id();
  params.kind = request.kind() == pb::MEDIA_KIND_AUDIO ? MediaKind::kAudio : MediaKind::kVideo;
  params.codec = request.codec();
  params.payload_type = static_cast<uint8_t>(request.payload_type());
  params.clock_rate = request.clock_rate();
  params.paused = request.paused();
  params.mid = request.mid();
  params.rtx_payload_type = static_cast<uint8_t>(request.rtx_payload_type() & 0x7F);
  params.header_extensions = extension_ids(request.header_extensions());
  if (request.encodings_size() == 0) {
    EncodingParams encoding;
    encoding.ssrc = request.ssrc();
    params.encodings.push_back(encoding);
  }
  for (const pb::Encoding& wanted : request.encodings()) {
    EncodingParams encoding;
    encoding.rid = wanted.rid();
    encoding.ssrc = wanted.ssrc();
    encoding.rtx_ssrc = wanted.rtx_ssrc();
    encoding.max_bitrate_bps = wanted.max_bitrate_bps();
    params.encodings.push_back(encoding);
  }
  if (params.encodings.size() > Producer::kMaxEncodings) {
    return error_response(pb::ERROR_CODE_BAD_REQUEST, "at most 3 encodings");
  }
  for (const EncodingParams& encoding : params.encodings) {
    // An encoding needs an SSRC, or a RID and the MID/RID extensions to learn it by.
    const bool learnable = !encoding.rid.empty() && params.header_extensions.mid != 0 &&
                           params.header_extensions.rid != 0 && !params.mid.empty();
    const bool unnamed_learnable = encoding.rid.empty() && params.encodings.size() == 1 &&
                                   params.header_extensions.mid != 0 && !params.mid.empty();
    if (encoding.ssrc == 0 && !learnable && !unnamed_learnable) {
      return error_response(
          pb::ERROR_CODE_BAD_REQUEST,
          "each encoding needs an ssrc, or a rid with the mid and rid extensions");
    }
    for (uint32_t ssrc : {encoding.ssrc, encoding.rtx_ssrc}) {
      if (ssrc != 0 && transport->route_for_ssrc(ssrc) != nullptr) {
        return error_response(
            pb::ERROR_CODE_ALREADY_EXISTS,
            "another producer on this transport has ssrc " + std::to_string(ssrc));
      }
    }
  }
  Producer* producer = router.add_producer(*transport, std::move(params));
  owner_[producer->id()] = &router;
  producer_info(*producer, *transport, *response.mutable_producer());
  return response;
}

pb::Response Sfu::consume(const pb::Consume& request) {
  Transport* transport = find_transport(request.transport_id());
  if (transport == nullptr) {
    return not_found("transport", request.transport_id());
  }
  Router& router = *owner_.at(request.transport_id());
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
  if (transport->consumer_by_ssrc(request.ssrc()) != nullptr ||
      (request.rtx_ssrc() != 0 && transport->consumer_by_ssrc(request.rtx_ssrc()) != nullptr)) {
    return error_response(pb::ERROR_CODE_ALREADY_EXISTS,
                          "another consumer on this transport has that ssrc");
  }
  ConsumerParams params;
  params.id = request.consumer_id();
  params.producer_id = request.producer_id();
  params.ssrc = request.ssrc();
  params.payload_type = static_cast<uint8_t>(request.payload_type());
  params.paused = request.paused();
  params.rtx_payload_type = static_cast<uint8_t>(request.rtx_payload_type() & 0x7F);
  params.rtx_ssrc = request.rtx_ssrc();
  params.header_extensions = extension_ids(request.header_extensions());
  params.mid = request.mid();
  params.preferred_layer = request.preferred_layer();
  Consumer* consumer = router.add_consumer(*transport, *producer, std::move(params), next_random());
  consumer->set_layer_listener(
      [this](Consumer& changed, int layer) { on_consumer_layer_changed(changed, layer); });
  consumer->refresh_layers(shard_.now_ms());
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

pb::Response Sfu::set_preferred_layer(const pb::SetPreferredLayer& request) {
  auto owner = owner_.find(request.consumer_id());
  Consumer* consumer =
      owner == owner_.end() ? nullptr : owner->second->consumer(request.consumer_id());
  if (consumer == nullptr) {
    return not_found("consumer", request.consumer_id());
  }
  consumer->set_preferred_layer(request.spatial_layer(), shard_.now_ms());
  pb::Response response;
  consumer_info(*consumer, *response.mutable_consumer());
  return response;
}

pb::Response Sfu::create_audio_level_observer(const pb::CreateAudioLevelObserver& request) {
  auto router_it = routers_.find(request.router_id());
  if (router_it == routers_.end()) {
    return not_found("router", request.router_id());
  }
  Router& router = *router_it->second;
  pb::Response response;
  response.mutable_audio_level_observer()->set_observer_id(request.observer_id());
  response.mutable_audio_level_observer()->set_router_id(router.id());
  if (router.observer(request.observer_id()) != nullptr) {
    return response;
  }
  if (request.observer_id().empty() || owner_.contains(request.observer_id())) {
    return error_response(pb::ERROR_CODE_BAD_REQUEST, "observer_id is empty or taken");
  }
  AudioLevelObserver::Listener listener;
  listener.on_levels = [this](AudioLevelObserver& observer,
                              const std::vector<AudioLevelObserver::Level>& levels) {
    pb::Event event;
    pb::AudioLevels* out = event.mutable_audio_levels();
    out->set_observer_id(observer.id());
    for (const auto& level : levels) {
      pb::AudioLevels::Level* entry = out->add_levels();
      entry->set_producer_id(level.producer_id);
      entry->set_volume_dbov(level.volume_dbov);
    }
    emit(std::move(event));
  };
  listener.on_active_speaker = [this](AudioLevelObserver& observer,
                                      const AudioLevelObserver::Level& level) {
    pb::Event event;
    event.mutable_active_speaker()->set_observer_id(observer.id());
    event.mutable_active_speaker()->set_producer_id(level.producer_id);
    event.mutable_active_speaker()->set_volume_dbov(level.volume_dbov);
    emit(std::move(event));
  };
  router.add_observer(std::make_unique<AudioLevelObserver>(
      request.observer_id(), router.id(), shard_, request.interval_ms(), request.threshold_dbov(),
      std::move(listener)));
  owner_[request.observer_id()] = &router;
  return response;
}

pb::Response Sfu::add_observer_producer(const pb::AddObserverProducer& request) {
  auto owner = owner_.find(request.observer_id());
  AudioLevelObserver* observer =
      owner == owner_.end() ? nullptr : owner->second->observer(request.observer_id());
  if (observer == nullptr) {
    return not_found("audio level observer", request.observer_id());
  }
  Producer* producer = owner->second->producer(request.producer_id());
  if (producer == nullptr) {
    return not_found("producer (in the observer's router)", request.producer_id());
  }
  observer->add_producer(*producer);
  pb::Response response;
  response.mutable_audio_level_observer()->set_observer_id(observer->id());
  response.mutable_audio_level_observer()->set_router_id(observer->router_id());
  return response;
}

void Sfu::unregister_transport(Transport* transport) {
  std::erase_if(by_address_,
                [transport](const auto& entry) { return entry.second.transport == transport; });
  std::erase_if(by_ufrag_, [transport](const auto& entry) {
    return static_cast<Transport*>(entry.second) == transport;
  });
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
      unregister_transport(transport.get());
    }
    closed_ids = found->second->close_all();
    for (auto owned = owner_.begin(); owned != owner_.end(); ++owned) {
      if (owned->second == found->second.get() && found->second->observer(owned->first)) {
        closed_ids.push_back(owned->first);
      }
    }
    closed_ids.push_back(id);
    routers_.erase(found);
    forget(closed_ids);
    return response;
  }
  std::string id;
  switch (request.kind_case()) {
    case pb::Request::kCloseTransport:
      id = request.close_transport().id();
      break;
    case pb::Request::kCloseProducer:
      id = request.close_producer().id();
      break;
    case pb::Request::kCloseConsumer:
      id = request.close_consumer().id();
      break;
    default:
      id = request.close_audio_level_observer().id();
      break;
  }
  auto owner = owner_.find(id);
  if (owner == owner_.end()) {
    return not_found("object", id);
  }
  Router& router = *owner->second;
  switch (request.kind_case()) {
    case pb::Request::kCloseTransport:
      if (Transport* transport = router.transport(id)) {
        unregister_transport(transport);
        closed_ids = router.close_transport(id);
      }
      break;
    case pb::Request::kCloseProducer:
      closed_ids = router.close_producer(id);
      break;
    case pb::Request::kCloseConsumer:
      closed_ids = router.close_consumer(id);
      break;
    default:
      if (router.close_observer(id)) {
        closed_ids.push_back(id);
      }
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
      const uint64_t now_ms = shard_.now_ms();
      for (size_t i = 0; i < producer->encoding_count(); ++i) {
        visit("encoding" + std::to_string(i) + "_bitrate_bps",
              producer->encoding_bitrate_bps(i, now_ms));
      }
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
      if (auto* webrtc = dynamic_cast<WebRtcTransport*>(transport)) {
        visit("ice_validated_paths", webrtc->ice().path_count());
        visit("dtls_connected", webrtc->dtls().state() == DtlsState::kConnected ? 1 : 0);
        visit("available_outgoing_bitrate_bps", webrtc->available_outgoing_bitrate_bps());
      }
      return response;
    }
    if (router.observer(id) != nullptr) {
      visit("observer", 1);
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

void Sfu::emit(pb::Event event) {
  if (emit_event_) {
    emit_event_(std::move(event));
  }
}

void Sfu::on_producer_scores(Producer& producer) {
  core::AllocationCounter::ControlWork control_work;
  for (size_t i = 0; i < producer.encoding_count(); ++i) {
    pb::Event event;
    pb::ProducerScore* score = event.mutable_producer_score();
    score->set_producer_id(producer.id());
    score->set_encoding(static_cast<uint32_t>(i));
    score->set_score(producer.encoding_score(i));
    emit(std::move(event));
  }
}

void Sfu::on_consumer_layer_changed(Consumer& consumer, int layer) {
  core::AllocationCounter::ControlWork control_work;
  ++counters_.layer_switches;
  pb::Event event;
  event.mutable_consumer_layer()->set_consumer_id(consumer.id());
  event.mutable_consumer_layer()->set_spatial_layer(layer);
  emit(std::move(event));
}

void Sfu::on_ice_state_changed(Transport& transport, std::string_view state,
                               const sockaddr_in* selected) {
  core::AllocationCounter::ControlWork control_work;
  pb::Event event;
  event.mutable_ice_state()->set_transport_id(transport.id());
  event.mutable_ice_state()->set_state(std::string(state));
  if (selected != nullptr) {
    char ip[INET_ADDRSTRLEN] = {};
    inet_ntop(AF_INET, &selected->sin_addr, ip, sizeof ip);
    event.mutable_ice_state()->set_remote_address(std::string(ip) + ":" +
                                                  std::to_string(ntohs(selected->sin_port)));
  }
  emit(std::move(event));
}

void Sfu::on_dtls_state_changed(Transport& transport, std::string_view state,
                                std::string_view reason) {
  core::AllocationCounter::ControlWork control_work;
  pb::Event event;
  event.mutable_dtls_state()->set_transport_id(transport.id());
  event.mutable_dtls_state()->set_state(std::string(state));
  event.mutable_dtls_state()->set_reason(std::string(reason));
  emit(std::move(event));
}

void Sfu::on_remote_address_added(Transport& transport, const sockaddr_in& address) {
  AddressEntry& entry = by_address_[address_key(address)];
  entry.transport = &transport;
  entry.webrtc = dynamic_cast<WebRtcTransport*>(&transport);
}

void Sfu::on_remote_address_removed(Transport& transport, const sockaddr_in& address) {
  auto found = by_address_.find(address_key(address));
  if (found != by_address_.end() && found->second.transport == &transport) {
    by_address_.erase(found);
  }
}

}  // namespace ringcast::rtc
