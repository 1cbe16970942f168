// ringcast-dataplane: the per-core forwarding engine. See docs/architecture.md.
#include <signal.h>
#include <sys/signalfd.h>

#include <cstdio>
#include <filesystem>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "control/control_server.hpp"
#include "control/event_hub.hpp"
#include "core/allocation_counter.hpp"
#include "core/config.hpp"
#include "core/runtime.hpp"
#include "net/socket.hpp"
#include "rtc/sfu.hpp"
#include "rtmp/rtmp_config.hpp"
#include "rtmp/rtmp_node.hpp"
#include "rtmp/rtmp_server.hpp"

namespace {

constexpr int kExitStartupFailure = 1;
constexpr int kExitConfigError = 2;

// Signals are taken from a signalfd by the control thread's ring, so they are blocked in every
// thread (threads inherit the mask from main).
ringcast::net::FileDescriptor block_stop_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return ringcast::net::FileDescriptor(signalfd(-1, &signals, SFD_CLOEXEC));
}

// Creates each shard's modules on that shard's thread. Their events travel to the control
// thread as tasks and leave through the event hub.
ringcast::core::Runtime::ModuleInstaller shard_modules(
    const ringcast::core::DataplaneConfig& config, ringcast::control::EventHub& events,
    const ringcast::rtmp::RtmpNode* rtmp) {
  const size_t control_endpoint = config.cores.size();
  return [&config, &events, control_endpoint, rtmp](ringcast::core::Shard& shard) {
    auto emit = [&shard, &events, control_endpoint](ringcast::control::Event event) {
      ringcast::core::AllocationCounter::ControlWork control_work;
      shard.mailbox().send(control_endpoint,
                           [&events, event = std::move(event)] { events.publish(event); });
    };
    shard.add_module(std::make_unique<ringcast::rtc::Sfu>(shard, config.announced_ip, emit));
    if (rtmp != nullptr) {
      shard.add_module(std::make_unique<ringcast::rtmp::RtmpServer>(shard, *rtmp));
    }
  };
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"ringcast-dataplane: per-core io_uring media forwarding engine"};
  std::string config_path;
  app.add_option("--config", config_path, "TOML configuration file (embedded defaults without it)");
  app.set_version_flag("--version", RINGCAST_VERSION);
  CLI11_PARSE(app, argc, argv);

  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ dataplane: %v");
  ringcast::core::AllocationCounter::install();
  ringcast::net::FileDescriptor signal_fd = block_stop_signals();

  ringcast::core::DataplaneConfig config;
  ringcast::control::EventHub events;
  std::unique_ptr<ringcast::core::Runtime> runtime;
  std::unique_ptr<ringcast::rtmp::RtmpNode> rtmp;
  ringcast::net::FileDescriptor control_socket;
  try {
    config = config_path.empty() ? ringcast::core::default_dataplane_config()
                                 : ringcast::core::load_dataplane_config(config_path);
    ringcast::core::resolve_cores(config);
    ringcast::net::SocketResult listening =
        ringcast::net::listen_unix_socket(config.control_socket);
    if (!listening.ok()) {
      throw ringcast::core::ConfigError("dataplane.control_socket: " + listening.error);
    }
    control_socket = std::move(listening.fd);
    // The RTMP listeners are bound before any thread starts: a port in use exits 2.
    ringcast::rtmp::RtmpConfig rtmp_config = config_path.empty()
                                                 ? ringcast::rtmp::RtmpConfig{}
                                                 : ringcast::rtmp::load_rtmp_config(config_path);
    if (rtmp_config.enabled) {
      rtmp =
          std::make_unique<ringcast::rtmp::RtmpNode>(std::move(rtmp_config), config.cores.size());
    }
    runtime = std::make_unique<ringcast::core::Runtime>(config,
                                                        shard_modules(config, events, rtmp.get()));
  } catch (const ringcast::core::ConfigError& error) {
    if (control_socket.valid()) {
      std::filesystem::remove(config.control_socket);
    }
    fmt::print(stderr, "ringcast-dataplane: configuration error: {}\n", error.what());
    return kExitConfigError;
  }

  try {
    runtime->start();
  } catch (const std::exception& error) {
    std::filesystem::remove(config.control_socket);
    fmt::print(stderr, "ringcast-dataplane: cannot start: {}\n", error.what());
    return kExitStartupFailure;
  }

  ringcast::control::ControlServer server(config, *runtime, events, std::move(control_socket),
                                          std::move(signal_fd));
  for (size_t i = 0; i < runtime->shard_count(); ++i) {
    const auto& shard = runtime->shard(i);
    spdlog::info("shard {} on core {}: udp {}:{} (ring: {})", shard.index(), shard.core(),
                 config.listen_ip, shard.udp_port(), fmt::join(shard.ring_features(), ", "));
  }
  if (rtmp != nullptr) {
    spdlog::info("rtmp {}:{} ({} listeners, SO_REUSEPORT)", rtmp->config().listen_ip, rtmp->port(),
                 rtmp->shards());
  }
  spdlog::info("control socket {}", config.control_socket.string());
  std::fflush(stdout);

  server.run();
  std::filesystem::remove(config.control_socket);
  spdlog::info("stopped");
  return 0;
}
