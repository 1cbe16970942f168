#include "control/control_service.hpp"

#include <unistd.h>

#include <memory>

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
    default:
      break;
  }
  response.mutable_error()->set_code(pb::ERROR_CODE_BAD_REQUEST);
  response.mutable_error()->set_reason("request has no kind this data plane understands");
  reply(std::move(response));
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
