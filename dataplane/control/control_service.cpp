#include "control/control_service.hpp"

#include <unistd.h>

#include <memory>

#include "rtc/sfu.hpp"
#include "rtmp/rtmp_node.hpp"
#include "rtmp/rtmp_server.hpp"

namespace ringcast::control {

namespace pb = ringcast::control;

ControlService::ControlService(const core::DataplaneConfig& config, core::Runtime& runtime,
                               core::Mailbox& mailbox)
    : config_(config), runtime_(runtime), mailbox_(mailbox) {}

pb::NodeInfo ControlService::node_info() const {
  pb::NodeInfo info;
  info.set_version(RINGCAST_VERSION);
  info.set_pid(static_cast<uint32_t>(getpid()));
  info.set_listen_ip(config_.listen_ip);
  info.set_announced_ip(config_.announced_ip);
  info.set_srtp_backend(RINGCAST_SRTP_BACKEND);
  for (size_t i = 0; i < runtime_.shard_count(); ++i) {
    const core::Shard& shard = runtime_.shard(i);
    pb::ShardInfo* entry = info.add_shards();
    entry->set_index(shard.index());
    entry->set_core(shard.core());
    entry->set_udp_port(shard.udp_port());
    for (const std::string& feature : shard.ring_features()) {
      entry->add_ring_features(feature);
    }
  }
  return info;
}

void ControlService::handle(const pb::Request& request, Reply reply) {
  pb::Response response;
  switch (request.kind_case()) {
    case pb::Request::kHello:
      // Checked by the connection before it gets here; a repeated Hello is answered the same.
      response.mutable_hello()->set_protocol_version(pb::PROTOCOL_VERSION_CURRENT);
      *response.mutable_hello()->mutable_node() = node_info();
      reply(std::move(response));
      return;
    case pb::Request::kGetNodeInfo:
      *response.mutable_node_info() = node_info();
      reply(std::move(response));
      return;
    case pb::Request::kGetStats:
      get_stats(std::move(reply));
      return;
    case pb::Request::kCreateRouter:
    case pb::Request::kCloseRouter:
    case pb::Request::kCreatePlainTransport:
    case pb::Request::kConnectPlainTransport:
    case pb::Request::kCloseTransport:
    case pb::Request::kProduce:
    case pb::Request::kPauseProducer:
    case pb::Request::kResumeProducer:
    case pb::Request::kCloseProducer:
    case pb::Request::kConsume:
    case pb::Request::kPauseConsumer:
    case pb::Request::kResumeConsumer:
    case pb::Request::kCloseConsumer:
    case pb::Request::kGetObjectStats:
    case pb::Request::kRequestKeyFrame:
    case pb::Request::kCreateWebrtcTransport:
    case pb::Request::kConnectWebrtcTransport:
    case pb::Request::kRestartIce:
    case pb::Request::kSetPreferredLayer:
    case pb::Request::kCreateAudioLevelObserver:
    case pb::Request::kAddObserverProducer:
    case pb::Request::kCloseAudioLevelObserver:
      forward_to_shard(request, std::move(reply));
      return;
    case pb::Request::kStartPushRelay:
    case pb::Request::kStopPushRelay:
      forward_to_rtmp(request, std::move(reply));
      return;
    case pb::Request::KIND_NOT_SET:
      break;
  }
  response.mutable_error()->set_code(pb::ERROR_CODE_BAD_REQUEST);
  response.mutable_error()->set_reason("request has no kind this data plane understands");
  reply(std::move(response));
}

std::optional<uint32_t> ControlService::shard_for(const pb::Request& request,
                                                  std::string& error) const {
  auto lookup = [&](const std::string& id) -> std::optional<uint32_t> {
    auto found = shard_of_.find(id);
    if (found == shard_of_.end()) {
      error = "no object '" + id + "' on this node";
      return std::nullopt;
    }
    return found->second;
  };
  switch (request.kind_case()) {
    case pb::Request::kCreateRouter: {
      const pb::CreateRouter& create = request.create_router();
      if (auto existing = shard_of_.find(create.router_id()); existing != shard_of_.end()) {
        return existing->second;  // idempotent: the router stays where it is
      }
      if (create.shard() >= runtime_.shard_count()) {
        error = "shard " + std::to_string(create.shard()) + " does not exist (this node has " +
                std::to_string(runtime_.shard_count()) + ")";
        return std::nullopt;
      }
      return create.shard();
    }
    case pb::Request::kCloseRouter:
      return lookup(request.close_router().id());
    case pb::Request::kCreatePlainTransport:
      return lookup(request.create_plain_transport().router_id());
    case pb::Request::kConnectPlainTransport:
      return lookup(request.connect_plain_transport().transport_id());
    case pb::Request::kCloseTransport:
      return lookup(request.close_transport().id());
    case pb::Request::kProduce:
      return lookup(request.produce().transport_id());
    case pb::Request::kPauseProducer:
      return lookup(request.pause_producer().id());
    case pb::Request::kResumeProducer:
      return lookup(request.resume_producer().id());
    case pb::Request::kCloseProducer:
      return lookup(request.close_producer().id());
    case pb::Request::kConsume:
      return lookup(request.consume().transport_id());
    case pb::Request::kPauseConsumer:
      return lookup(request.pause_consumer().id());
    case pb::Request::kResumeConsumer:
      return lookup(request.resume_consumer().id());
    case pb::Request::kCloseConsumer:
      return lookup(request.close_consumer().id());
    case pb::Request::kGetObjectStats:
      return lookup(request.get_object_stats().id());
    case pb::Request::kRequestKeyFrame:
      return lookup(request.request_key_frame().id());
    case pb::Request::kCreateWebrtcTransport:
      return lookup(request.create_webrtc_transport().router_id());
    case pb::Request::kConnectWebrtcTransport:
      return lookup(request.connect_webrtc_transport().transport_id());
    case pb::Request::kRestartIce:
      return lookup(request.restart_ice().id());
    case pb::Request::kSetPreferredLayer:
      return lookup(request.set_preferred_layer().consumer_id());
    case pb::Request::kCreateAudioLevelObserver:
      return lookup(request.create_audio_level_observer().router_id());
    case pb::Request::kAddObserverProducer:
      return lookup(request.add_observer_producer().observer_id());
    case pb::Request::kCloseAudioLevelObserver:
      return lookup(request.close_audio_level_observer().id());
    default:
      error = "not an SFU request";
      return std::nullopt;
  }
}

void ControlService::forward_to_shard(const pb::Request& request, Reply reply) {
  std::string error;
  const std::optional<uint32_t> shard_index = shard_for(request, error);
  if (!shard_index) {
    pb::Response response;
    response.mutable_error()->set_code(pb::ERROR_CODE_NOT_FOUND);
    response.mutable_error()->set_reason(error);
    reply(std::move(response));
    return;
  }
  core::Shard* shard = &runtime_.shard(*shard_index);
  const size_t control_endpoint = runtime_.control_endpoint();
  // The reply comes back through the shard's queue to this thread, which then records where
  // the created objects live (or forgets the closed ones) before answering.
  auto on_response = [this, index = *shard_index, reply = std::move(reply)](pb::Response response) {
    if (!response.has_error()) {
      const std::string* created = nullptr;
      switch (response.kind_case()) {
        case pb::Response::kRouter:
          created = &response.router().router_id();
          break;
        case pb::Response::kTransport:
          created = &response.transport().transport_id();
          break;
        case pb::Response::kProducer:
          created = &response.producer().producer_id();
          break;
        case pb::Response::kConsumer:
          created = &response.consumer().consumer_id();
          break;
        case pb::Response::kWebrtcTransport:
          created = &response.webrtc_transport().transport_id();
          break;
        case pb::Response::kAudioLevelObserver:
          created = &response.audio_level_observer().observer_id();
          break;
        default:
          break;
      }
      if (created != nullptr) {
        shard_of_[*created] = index;
      }
      for (const std::string& closed : response.closed_object_ids()) {
        shard_of_.erase(closed);
      }
    }
    reply(std::move(response));
  };
  mailbox_.send(*shard_index, [shard, request, control_endpoint, on_response]() {
    rtc::Sfu* sfu = shard->module<rtc::Sfu>();
    pb::Response response;
    if (sfu == nullptr) {
      response.mutable_error()->set_code(pb::ERROR_CODE_UNAVAILABLE);
      response.mutable_error()->set_reason("this shard runs no SFU");
    } else {
      std::vector<std::string> closed;
      response = sfu->handle(request, closed);
      for (std::string& id : closed) {
        response.add_closed_object_ids(std::move(id));
      }
    }
    shard->mailbox().send(control_endpoint,
                          [on_response, response = std::move(response)]() mutable {
                            on_response(std::move(response));
                          });
  });
}

void ControlService::forward_to_rtmp(const pb::Request& request, Reply reply) {
  // A stream lives on the shard its name hashes to (rtmp::stream_shard), so do its relays.
  const std::string& stream = request.kind_case() == pb::Request::kStartPushRelay
                                  ? request.start_push_relay().stream()
                                  : request.stop_push_relay().stream();
  if (stream.find('/') == std::string::npos || runtime_.shard_count() == 0) {
    pb::Response response;
    response.mutable_error()->set_code(pb::ERROR_CODE_BAD_REQUEST);
    response.mutable_error()->set_reason("stream must be \"app/name\"");
    reply(std::move(response));
    return;
  }
  const uint32_t index = rtmp::stream_shard(stream, runtime_.shard_count());
  core::Shard* shard = &runtime_.shard(index);
  const size_t control_endpoint = runtime_.control_endpoint();
  mailbox_.send(index, [shard, request, control_endpoint, reply = std::move(reply)]() {
    rtmp::RtmpServer* server = shard->module<rtmp::RtmpServer>();
    pb::Response response;
    if (server == nullptr) {
      response.mutable_error()->set_code(pb::ERROR_CODE_UNAVAILABLE);
      response.mutable_error()->set_reason("RTMP is not enabled ([rtmp] in the config)");
    } else {
      response = server->handle(request);
    }
    shard->mailbox().send(control_endpoint, [reply, response = std::move(response)]() mutable {
      reply(std::move(response));
    });
  });
}

void ControlService::get_stats(Reply reply) {
  // Every shard fills in its own entry on its own thread and sends it back; the reply goes out
  // when the last shard has answered. This is the round trip that proves the queues work.
  struct Gathering {
    size_t remaining;
    pb::Response response;
    Reply reply;
  };
  const size_t shard_count = runtime_.shard_count();
  auto gathering = std::make_shared<Gathering>();
  gathering->remaining = shard_count;
  gathering->reply = std::move(reply);
  for (size_t i = 0; i < shard_count; ++i) {
    gathering->response.mutable_stats()->add_shards()->set_index(static_cast<uint32_t>(i));
  }
  if (shard_count == 0) {
    gathering->reply(std::move(gathering->response));
    return;
  }
  const size_t control_endpoint = runtime_.control_endpoint();
  for (size_t i = 0; i < shard_count; ++i) {
    core::Shard* shard = &runtime_.shard(i);
    mailbox_.send(i, [shard, gathering, control_endpoint, i] {
      pb::ShardStats stats;
      stats.set_index(static_cast<uint32_t>(i));
      auto& counters = *stats.mutable_counters();
      shard->visit_counters([&counters](std::string_view name, uint64_t value) {
        counters[std::string(name)] += value;
      });
      shard->mailbox().send(control_endpoint, [gathering, stats = std::move(stats), i]() mutable {
        *gathering->response.mutable_stats()->mutable_shards(static_cast<int>(i)) =
            std::move(stats);
        if (--gathering->remaining == 0) {
          gathering->reply(std::move(gathering->response));
        }
      });
    });
  }
}

}  // namespace ringcast::control
