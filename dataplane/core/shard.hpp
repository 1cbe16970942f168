#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.hpp"
#include "core/cross_shard.hpp"
#include "core/io_ring.hpp"
#include "core/provided_buffer_ring.hpp"
#include "core/send_buffer_pool.hpp"
#include "core/shard_counters.hpp"
#include "core/timer_wheel.hpp"

namespace ringcast::core {

// Receives every datagram that arrives on the shard's UDP socket. The packet bytes live in a
// receive buffer that is recycled when the call returns; a handler that wants to keep them
// copies (into a send buffer, or a packet cache).
class DatagramHandler {
 public:
  virtual ~DatagramHandler() = default;
  virtual void on_datagram(std::span<uint8_t> packet, const sockaddr_in& from) = 0;
};

// Something on a shard with counters of its own (transports, routers, ...), reported by
// GetStats next to the shard's counters.
using CounterVisitor = std::function<void(std::string_view name, uint64_t value)>;
class CounterSource {
 public:
  virtual ~CounterSource() = default;
  virtual void visit_counters(const CounterVisitor& visit) const = 0;
};

// A module on a shard (the RTMP server, ...) that submits its own io_uring operations. It tags
// each SQE with Shard::module_user_data(slot, object) and gets the completion back here.
class CompletionHandler {
 public:
  virtual ~CompletionHandler() = default;
  virtual void on_completion(const io_uring_cqe& cqe, uint64_t object) = 0;
  // Called once at the end of every loop turn, after completions, cross-shard tasks and timers:
  // where a module queues the sends it coalesced during the turn (they go out with the next
  // turn's one submit).
  virtual void on_turn_end() {}
};

// A per-shard part of the data plane (the SFU, the RTMP server), created on the shard's thread
// after the ring is up and destroyed there before the ring goes away.
class ShardModule {
 public:
  virtual ~ShardModule() = default;
};

struct ShardSetup {
  unsigned index = 0;
  unsigned core = 0;
  uint16_t udp_port = 0;
  int udp_socket = -1;  // owned by the runtime, which outlives the shard's thread
  size_t mailbox_endpoint = 0;
};

// One core's share of the data plane: a pinned thread with its own io_uring, UDP socket,
// receive and send buffers, timer wheel and objects. Nothing in a Shard is touched by another
// thread except through its Mailbox. See docs/architecture.md, "The shard loop".
class Shard {
 public:
  Shard(const DataplaneConfig& config, CrossShardMesh& mesh, ShardSetup setup);
  ~Shard();
  Shard(const Shard&) = delete;
  Shard& operator=(const Shard&) = delete;

  // Phase one of start-up, on the shard's own thread: pins the thread, creates the ring,
  // registers buffers, arms the receive. Throws on failure.
  void prepare();
  // Phase two: the loop, until a stop task has run and in-flight work has drained.
  void run();

  // Phase three, on the shard's thread: releases the ring and its registered buffers (a
  // SINGLE_ISSUER ring accepts registrations only from its own thread).
  void teardown();

  // Called on the shard's thread (from a cross-shard task): finish the current turn, drain
  // in-flight sends, then leave run().
  void request_stop();

  unsigned index() const { return setup_.index; }
  unsigned core() const { return setup_.core; }
  uint16_t udp_port() const { return setup_.udp_port; }
  const std::vector<std::string>& ring_features() const { return ring_features_; }

  // Milliseconds since the shard started, from CLOCK_MONOTONIC; the timer wheel's tick.
  uint64_t now_ms() const;
  TimerWheel& timers() { return *timers_; }
  Mailbox& mailbox() { return *mailbox_; }
  ShardCounters& counters() { return counters_; }

  void set_datagram_handler(DatagramHandler* handler) { datagram_handler_ = handler; }
  void add_counter_source(const CounterSource* source);
  void remove_counter_source(const CounterSource* source);
  // Visits the shard's counters, then every registered source's.
  void visit_counters(const CounterVisitor& visit) const;

  // Modules live as long as the shard's loop. module<T>() finds one by type (control path).
  void add_module(std::unique_ptr<ShardModule> module) { modules_.push_back(std::move(module)); }
  template <typename T>
  T* module() {
    for (auto& module : modules_) {
      if (auto* found = dynamic_cast<T*>(module.get())) {
        return found;
      }
    }
    return nullptr;
  }

  // Modules that submit their own operations: register once, then tag SQEs with
  // module_user_data(slot, object); object ids must fit in 40 bits.
  uint16_t register_completion_handler(CompletionHandler* handler);
  static uint64_t module_user_data(uint16_t slot, uint64_t object) {
    return make_user_data(Op::kModule,
                          (uint64_t{slot} << 40) | (object & ((uint64_t{1} << 40) - 1)));
  }
  // The shard's ring, for modules queueing their own SQEs (submitted with the turn's one submit).
  IoRing& ring() { return *ring_; }

  // Send path: take a buffer, fill data/length/destination, hand it to send(). The buffer comes
  // back to the pool when the kernel completes the send. Returns null when the pool is empty
  // (counted as tx_no_buffer).
  SendBuffer* acquire_send_buffer();
  void send(SendBuffer* buffer);
  // Gives back a buffer that will not be sent after all.
  void release_send_buffer(SendBuffer* buffer) { send_buffers_->release(buffer); }

 private:
  void arm_receive();
  void handle_completion(const io_uring_cqe& cqe);
  void handle_receive(const io_uring_cqe& cqe);
  void handle_send(const io_uring_cqe& cqe);
  void wait_for_completions();
  // Sends everything queued this turn with sendmmsg (SendMode::kSendmmsg).
  void flush_sends();

  const DataplaneConfig& config_;
  CrossShardMesh& mesh_;
  ShardSetup setup_;
  uint64_t start_ns_ = 0;

  std::unique_ptr<IoRing> ring_;
  std::unique_ptr<ProvidedBufferRing> receive_buffers_;
  std::unique_ptr<SendBufferPool> send_buffers_;
  std::unique_ptr<TimerWheel> timers_;
  std::unique_ptr<Mailbox> mailbox_;
  std::vector<std::string> ring_features_;

  // The multishot recvmsg reads the layout (name and control lengths) from this header.
  msghdr receive_header_{};
  bool receive_armed_ = false;
  bool stopping_ = false;

  // Sends queued this turn (sendmmsg mode), and the headers sendmmsg takes, both allocated once.
  std::vector<SendBuffer*> pending_sends_;
  std::vector<mmsghdr> send_headers_;

  DatagramHandler* datagram_handler_ = nullptr;
  std::vector<CompletionHandler*> completion_handlers_;
  std::vector<std::unique_ptr<ShardModule>> modules_;
  std::vector<const CounterSource*> counter_sources_;
  ShardCounters counters_;
};

}  // namespace ringcast::core
