#pragma once

#include <functional>
#include <utility>

#include "ringcast/control.pb.h"

namespace ringcast::control {

// Where data-plane events (ICE/DTLS state, layer changes, active speaker, ...) meet the control
// socket. Shards never touch it directly: they send a task to the control thread, which calls
// publish(); the control server listens and writes the event to every connected client.
class EventHub {
 public:
  using Listener = std::function<void(const ringcast::control::Event&)>;

  void set_listener(Listener listener) { listener_ = std::move(listener); }

  // Control thread only.
  void publish(const ringcast::control::Event& event) {
    if (listener_) {
      listener_(event);
    }
  }

 private:
  Listener listener_;
};

}  // namespace ringcast::control
