#pragma once

#include <cstdint>
#include <functional>

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

  const core::DataplaneConfig& config_;
  core::Runtime& runtime_;
  core::Mailbox& mailbox_;
};

}  // namespace ringcast::control
