#pragma once

#include <atomic>
#include <functional>
#include <latch>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/config.hpp"
#include "core/cross_shard.hpp"
#include "core/shard.hpp"
#include "net/socket.hpp"

namespace ringcast::core {

// Owns the shards and their threads. Construction binds every shard's UDP socket (so a port in
// use fails before any thread starts); start() brings all shards up or none.
class Runtime {
 public:
  // `config.cores` must be resolved (see resolve_cores). Throws ConfigError naming
  // dataplane.udp_port_base or dataplane.listen_ip when a socket cannot be bound.
  // `install_modules` runs on each shard's thread once its ring is up, before the loop starts:
  // it creates the shard's modules (SFU, RTMP, ...) and registers their handlers.
  using ModuleInstaller = std::function<void(Shard&)>;
  Runtime(const DataplaneConfig& config, ModuleInstaller install_modules);
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  // Starts one thread per shard and waits until each has pinned itself and set up its ring.
  // If any shard fails, every thread is stopped and joined, and the first error is thrown.
  void start();

  // Joins the shard threads; each leaves its loop after a stop task (see Shard::request_stop).
  void join();

  size_t shard_count() const { return shards_.size(); }
  // Facts about a shard (index, core, port, ring features) are fixed after start(); anything
  // else must be reached through the shard's mailbox.
  Shard& shard(size_t index) { return *shards_[index]; }
  const Shard& shard(size_t index) const { return *shards_[index]; }

  CrossShardMesh& mesh() { return mesh_; }
  // The mailbox endpoint of the control thread: one past the last shard.
  size_t control_endpoint() const { return shards_.size(); }

 private:
  const DataplaneConfig& config_;
  ModuleInstaller install_modules_;
  CrossShardMesh mesh_;
  std::vector<net::FileDescriptor> udp_sockets_;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::vector<std::thread> threads_;

  // The two-phase start: every shard prepares, then all run or none does.
  struct StartState {
    explicit StartState(size_t shards)
        : prepared(static_cast<std::ptrdiff_t>(shards)), errors(shards) {}
    std::latch prepared;
    std::latch go{1};
    std::atomic<bool> abort{false};
    std::vector<std::string> errors;
  };
  std::unique_ptr<StartState> start_;
};

}  // namespace ringcast::core
