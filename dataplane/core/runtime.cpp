#include "core/runtime.hpp"

#include <stdexcept>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace ringcast::core {
namespace {
// Slots per SPSC queue: control traffic is bursty but small (a GetStats is one task per shard).
constexpr size_t kCrossShardQueueCapacity = 1024;
}  // namespace

Runtime::Runtime(const DataplaneConfig& config, ModuleInstaller install_modules)
    : config_(config),
      install_modules_(std::move(install_modules)),
      mesh_(config.cores.size() + 1, kCrossShardQueueCapacity) {
  for (size_t i = 0; i < config.cores.size(); ++i) {
    const auto port = static_cast<uint16_t>(config.udp_port_base + i);
    net::SocketResult socket = net::open_udp_socket(config.listen_ip, port);
    if (!socket.ok()) {
      throw ConfigError(fmt::format("dataplane.udp_port_base: shard {} {}", i, socket.error));
    }
    ShardSetup setup;
    setup.index = static_cast<unsigned>(i);
    setup.core = config.cores[i];
    setup.udp_port = port;
    setup.udp_socket = socket.fd.get();
    setup.mailbox_endpoint = i;
    udp_sockets_.push_back(std::move(socket.fd));
    shards_.push_back(std::make_unique<Shard>(config_, mesh_, setup));
  }
}

Runtime::~Runtime() { join(); }

void Runtime::start() {
  // Threads read this after start() returns, so it lives as long as the Runtime.
  start_ = std::make_unique<StartState>(shards_.size());
  for (size_t i = 0; i < shards_.size(); ++i) {
    threads_.emplace_back([this, state = start_.get(), i, shard = shards_[i].get()] {
      try {
        shard->prepare();
        if (install_modules_) {
          install_modules_(*shard);
        }
      } catch (const std::exception& error) {
        state->errors[i] = error.what();
      }
      state->prepared.count_down();
      state->go.wait();
      if (!state->abort.load() && state->errors[i].empty()) {
        shard->run();
      }
      shard->teardown();
    });
  }
  start_->prepared.wait();

  std::string first_error;
  for (const std::string& error : start_->errors) {
    if (!error.empty() && first_error.empty()) {
      first_error = error;
    }
  }
  start_->abort.store(!first_error.empty());
  start_->go.count_down();
  if (!first_error.empty()) {
    join();
    throw std::runtime_error(first_error);
  }
}

void Runtime::join() {
  for (std::thread& thread : threads_) {
    if (thread.joinable()) {
      thread.join();
    }
  }
  threads_.clear();
}

}  // namespace ringcast::core
