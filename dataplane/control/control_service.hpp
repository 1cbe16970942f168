#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/cross_shard.hpp"
#include "core/runtime.hpp"
#include "ringcast/control.pb.h"

namespace ringcast::control {

// Turns control requests into responses. Runs on the control thread; anything a shard owns is
// reached by sending the shard a task and collecting its reply task (see GetStats).
class ControlService {
 public:
  using Reply = std::function<void(ringcast::control::Response)>;

  ControlService(const core::DataplaneConfig& config, core::Runtime& runtime,
                 core::Mailbox& mailbox);

  // `reply` is called exactly once, now or later on the control thread.
  void handle(const ringcast::control::Request& request, Reply reply);

  ringcast::control::NodeInfo node_info() const;

 private:
  void get_stats(Reply reply);
  // SFU requests run on the shard that owns the object; `shard_of_` remembers which that is.
  void forward_to_shard(const ringcast::control::Request& request, Reply reply);
  // RTMP push relay requests run on the shard that owns the stream.
  void forward_to_rtmp(const ringcast::control::Request& request, Reply reply);
  std::optional<uint32_t> shard_for(const ringcast::control::Request& request,
                                    std::string& error) const;

  const core::DataplaneConfig& config_;
  core::Runtime& runtime_;
  core::Mailbox& mailbox_;
  std::unordered_map<std::string, uint32_t> shard_of_;
};

}  // namespace ringcast::control
