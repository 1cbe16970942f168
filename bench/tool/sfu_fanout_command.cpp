// `ringcast-bench sfu-fanout`: what forwarding one SRTP packet to many consumers costs the data
// plane, against a minimal forwarder doing the same SRTP work on the same load (the floor,
// bench/floor/). Each run starts a data plane pinned to the server core, builds a router with P
// producers and P x C consumers on plain transports with SRTP through the control socket, drives
// it from the io_uring load generator (bench/sfu/) on another core, and measures server CPU per
// delivered packet (/proc/PID/stat), loss, one-way latency and heap allocations per packet; then
// the same load goes through ringcast-floor on the same core. See docs/benchmarks.md.
#include <arpa/inet.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "control_client.hpp"
#include "floor/floor_config.hpp"
#include "rtc/srtp_suite.hpp"
#include "sfu/load_generator.hpp"
#include "sfu/webrtc_client.hpp"
#include "tool/dataplane_process.hpp"
#include "tool/measure.hpp"
#include "tool/subcommand_registry.hpp"

namespace ringcast::bench {
namespace {

namespace fs = std::filesystem;
using sfu::LoadGenerator;
using sfu::LoadResult;

constexpr uint8_t kProducerPayloadType = 96;
constexpr uint8_t kConsumerPayloadType = 100;
constexpr uint32_t kProducerSsrcBase = 0x11110000;
constexpr uint32_t kConsumerSsrcBase = 0x22220000;
// The id browsers commonly give transport-wide-cc in their offers.
constexpr uint8_t kTransportCcId = 3;
// Before the generator's first send, so that setup work has settled.
constexpr auto kStartDelay = std::chrono::milliseconds(100);
constexpr auto kServerStartTimeout = std::chrono::seconds(10);
// WebRTC endpoints connect this many at a time before the load, and must all be done in time.
constexpr uint32_t kSetupConcurrency = 32;
constexpr uint64_t kSetupTimeoutMs = 30'000;

struct FanoutOptions {
  uint32_t producers = 1;
  uint32_t consumers = 200;
  uint32_t pps = 250;
  uint32_t payload = 1200;
  double seconds = 5;
  double warmup = 1;
  std::string suite = "gcm";
  std::vector<int> cores = {0};
  uint32_t runs = 5;
  std::string io = "both";
  std::string transport = "plain";
  bool transport_cc = false;
  std::string socket;
  bool floor_only = false;
  bool json = false;
};

std::vector<uint8_t> random_key(std::mt19937_64& random, rtc::SrtpSuite suite) {
  std::vector<uint8_t> key(rtc::srtp_master_length(suite));
  for (uint8_t& byte : key) {
    byte = static_cast<uint8_t>(random());
  }
  return key;
}

uint16_t port_of(const sockaddr_in& address) { return ntohs(address.sin_port); }

std::string fmt_double(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

// ---------------------------------------------------------------------------------------------
// One measured run against one server.

// What is sampled at the window's start and end.
struct ServerSample {
  std::optional<double> cpu_us;
  std::optional<double> run_delay_us;
  std::optional<uint64_t> heap_allocations;
  // The data plane's shard counters, summed over shards (GetStats).
  std::map<std::string, uint64_t> counters;
};

struct ServerFigures {
  LoadResult load;
  std::optional<double> cpu_us;        // server CPU over the window
  std::optional<double> run_delay_us;  // server threads waiting for a core over the window
  std::optional<double> allocations;
  std::string notes;  // the floor's exit counters, for the human summary

  std::optional<double> cpu_us_per_packet() const {
    if (!cpu_us || load.received == 0) {
      return std::nullopt;
    }
    return *cpu_us / static_cast<double>(load.received);
  }
  std::optional<double> allocations_per_packet() const {
    if (!allocations || load.received == 0) {
      return std::nullopt;
    }
    return *allocations / static_cast<double>(load.received);
  }
};

// Drives `generator` on its own thread from now + kStartDelay, and samples the server with
// `sample` at the start and the end of the measurement window.
template <typename Sample>
ServerFigures drive(LoadGenerator& generator, const sfu::LoadOptions& load, Sample&& sample) {
  using std::chrono::nanoseconds;
  const uint64_t start_ns =
      LoadGenerator::monotonic_ns() + static_cast<uint64_t>(nanoseconds(kStartDelay).count());
  LoadResult result;
  std::exception_ptr failure;
  std::thread thread([&] {
    try {
      result = generator.run(start_ns);
    } catch (...) {
      failure = std::current_exception();
    }
  });
  auto sleep_until_ns = [](uint64_t when) {
    const uint64_t now = LoadGenerator::monotonic_ns();
    if (when > now) {
      std::this_thread::sleep_for(nanoseconds(when - now));
    }
  };
  ServerSample before;
  ServerSample after;
  std::exception_ptr sampling_failure;
  try {
    sleep_until_ns(start_ns + load.warmup_ns);
    before = sample();
    sleep_until_ns(start_ns + load.warmup_ns + load.window_ns);
    after = sample();
  } catch (...) {
    // The generator's run is bounded in time: let it end before the error leaves this scope.
    sampling_failure = std::current_exception();
  }
  thread.join();
  if (failure) {
    std::rethrow_exception(failure);
  }
  if (sampling_failure) {
    std::rethrow_exception(sampling_failure);
  }
  ServerFigures figures;
  figures.load = std::move(result);
  if (before.cpu_us && after.cpu_us) {
    figures.cpu_us = *after.cpu_us - *before.cpu_us;
  }
  if (before.run_delay_us && after.run_delay_us) {
    figures.run_delay_us = *after.run_delay_us - *before.run_delay_us;
  }
  // Where packets went missing, if any: what the server received and sent in the window.
  for (const char* name : {"rx_datagrams", "tx_datagrams", "rx_no_buffer", "tx_no_buffer",
                           "tx_errors", "rx_unhandled"}) {
    if (before.counters.count(name) != 0 && after.counters.count(name) != 0) {
      figures.notes += std::string(figures.notes.empty() ? "window: " : ", ") + name + " " +
                       std::to_string(after.counters.at(name) - before.counters.at(name));
    }
  }
  if (before.heap_allocations && after.heap_allocations) {
    figures.allocations = static_cast<double>(*after.heap_allocations - *before.heap_allocations);
  }
  return figures;
}

void sample_shard_counters(proto::ControlClient& client, ServerSample& sample) {
  sample.counters = shard_counters(client);
  if (auto found = sample.counters.find("heap_allocations"); found != sample.counters.end()) {
    sample.heap_allocations = found->second;
  }
}

control::SrtpSuite proto_suite(rtc::SrtpSuite suite) {
  return suite == rtc::SrtpSuite::kAeadAes128Gcm ? control::SRTP_SUITE_AEAD_AES_128_GCM
                                                 : control::SRTP_SUITE_AES_CM_128_HMAC_SHA1_80;
}

std::vector<uint8_t> key_and_salt(std::span<const uint8_t> key, std::span<const uint8_t> salt) {
  std::vector<uint8_t> bytes(key.begin(), key.end());
  bytes.insert(bytes.end(), salt.begin(), salt.end());
  return bytes;
}

// Creates the router, producers and consumers on the data plane at `socket` and runs the load.
// With `webrtc`, every generator socket is the browser end of a WebRtcTransport: it passes ICE
// and a DTLS handshake before the load starts and uses the SRTP keys DTLS exported.
ServerFigures run_dataplane_load(const fs::path& socket, std::optional<pid_t> pid,
                                 const sfu::LoadOptions& load, uint32_t run,
                                 std::mt19937_64& random, sfu::WebRtcClientIdentity* webrtc) {
  proto::ControlClient client(socket, "ringcast-bench sfu-fanout");
  if (!pid && client.hello().node().pid() != 0 &&
      fs::exists("/proc/" + std::to_string(client.hello().node().pid()))) {
    pid = static_cast<pid_t>(client.hello().node().pid());
  }
  LoadGenerator generator(load);
  // Ids carry our pid and the run so that attaching to a shared data plane cannot collide.
  const std::string prefix = "sfu-fanout-" + std::to_string(getpid()) + "-" + std::to_string(run) +
                             (webrtc != nullptr ? "-webrtc" : "-plain");
  const std::string router_id = prefix + "-router";
  {
    control::Request request;
    request.mutable_create_router()->set_router_id(router_id);
    request.mutable_create_router()->set_shard(0);
    call_checked(client, request, "CreateRouter");
  }
  // Returns where the transport receives.
  auto create_plain = [&](const std::string& id, const sockaddr_in& remote,
                          const std::vector<uint8_t>& remote_key, std::vector<uint8_t>* local_key) {
    control::Request create;
    create.mutable_create_plain_transport()->set_router_id(router_id);
    create.mutable_create_plain_transport()->set_transport_id(id);
    create.mutable_create_plain_transport()->set_srtp_suite(proto_suite(load.suite));
    control::TransportInfo info = call_checked(client, create, "CreatePlainTransport").transport();
    control::Request connect;
    connect.mutable_connect_plain_transport()->set_transport_id(id);
    char ip[INET_ADDRSTRLEN] = {};
    inet_ntop(AF_INET, &remote.sin_addr, ip, sizeof ip);
    connect.mutable_connect_plain_transport()->set_remote_ip(ip);
    connect.mutable_connect_plain_transport()->set_remote_port(port_of(remote));
    connect.mutable_connect_plain_transport()->set_remote_srtp_key(
        std::string(remote_key.begin(), remote_key.end()));
    call_checked(client, connect, "ConnectPlainTransport");
    if (local_key != nullptr) {
      local_key->assign(info.local_srtp_key().begin(), info.local_srtp_key().end());
    }
    return ipv4(info.local_ip(), info.local_port());
  };
  // The WebRTC clients, producers first, then receivers (the generator's socket order).
  std::vector<std::unique_ptr<sfu::WebRtcClient>> clients;
  auto create_webrtc = [&](const std::string& id, int fd) {
    control::Request create;
    create.mutable_create_webrtc_transport()->set_router_id(router_id);
    create.mutable_create_webrtc_transport()->set_transport_id(id);
    const control::WebRtcTransportInfo info =
        call_checked(client, create, "CreateWebRtcTransport").webrtc_transport();
    sfu::WebRtcClient::Credentials credentials;
    credentials.local_ufrag = sfu::random_ice_string(random, 8);
    credentials.local_password = sfu::random_ice_string(random, 24);
    credentials.remote_ufrag = info.ice_ufrag();
    credentials.remote_password = info.ice_pwd();
    credentials.remote_fingerprint = info.fingerprints(0).value();
    control::Request connect;
    control::ConnectWebRtcTransport* fields = connect.mutable_connect_webrtc_transport();
    fields->set_transport_id(id);
    fields->set_remote_ice_ufrag(credentials.local_ufrag);
    fields->set_remote_ice_pwd(credentials.local_password);
    fields->mutable_remote_fingerprint()->set_algorithm("sha-256");
    fields->mutable_remote_fingerprint()->set_value(
        std::string(webrtc->certificate->fingerprint_value()));
    // The generator is the DTLS client (a browser answering with a=setup:active): the data plane
    // is the server, as with most browser sessions.
    fields->set_remote_role(control::DTLS_ROLE_CLIENT);
    call_checked(client, connect, "ConnectWebRtcTransport");
    const sockaddr_in server = ipv4(info.candidates(0).ip(), info.candidates(0).port());
    clients.push_back(
        std::make_unique<sfu::WebRtcClient>(fd, server, *webrtc->context, std::move(credentials)));
    return server;
  };
  auto set_extensions = [&](control::HeaderExtensionIds* ids) {
    if (load.transport_cc_id != 0) {
      ids->set_transport_cc(load.transport_cc_id);
    }
  };

  std::vector<sfu::ProducerLoad> producers(generator.producer_count());
  for (uint32_t p = 0; p < generator.producer_count(); ++p) {
    sfu::ProducerLoad& producer = producers[p];
    producer.ssrc = kProducerSsrcBase + p;
    producer.payload_type = kProducerPayloadType;
    const std::string transport_id = prefix + "-producer-transport-" + std::to_string(p);
    if (webrtc != nullptr) {
      producer.server = create_webrtc(transport_id, generator.producer_fd(p));
    } else {
      producer.srtp_key = random_key(random, load.suite);
      producer.server =
          create_plain(transport_id, generator.producer_address(p), producer.srtp_key, nullptr);
    }
    control::Request produce;
    control::Produce* fields = produce.mutable_produce();
    fields->set_transport_id(transport_id);
    fields->set_producer_id(prefix + "-producer-" + std::to_string(p));
    fields->set_kind(control::MEDIA_KIND_VIDEO);
    fields->set_codec("VP8");
    fields->set_payload_type(kProducerPayloadType);
    fields->set_ssrc(producer.ssrc);
    fields->set_clock_rate(90000);
    set_extensions(fields->mutable_header_extensions());
    call_checked(client, produce, "Produce");
  }
  std::vector<sfu::ReceiverLoad> receivers(generator.receiver_count());
  for (uint32_t r = 0; r < generator.receiver_count(); ++r) {
    sfu::ReceiverLoad& receiver = receivers[r];
    const std::string transport_id = prefix + "-consumer-transport-" + std::to_string(r);
    if (webrtc != nullptr) {
      receiver.server = create_webrtc(transport_id, generator.receiver_fd(r));
    } else {
      // The receiver would send RTCP with this key; it sends none, but SRTP transports need one.
      receiver.server = create_plain(transport_id, generator.receiver_address(r),
                                     random_key(random, load.suite), &receiver.srtp_key);
    }
    control::Request consume;
    control::Consume* fields = consume.mutable_consume();
    fields->set_transport_id(transport_id);
    fields->set_consumer_id(prefix + "-consumer-" + std::to_string(r));
    fields->set_producer_id(prefix + "-producer-" + std::to_string(generator.producer_of(r)));
    fields->set_ssrc(kConsumerSsrcBase + r);
    fields->set_payload_type(kConsumerPayloadType);
    set_extensions(fields->mutable_header_extensions());
    call_checked(client, consume, "Consume");
    receiver.ssrc = kConsumerSsrcBase + r;
    receiver.payload_type = kConsumerPayloadType;
  }

  if (webrtc != nullptr) {
    // ICE + DTLS for every endpoint before the load, a few dozen at a time.
    const sfu::ConnectSummary summary =
        sfu::connect_clients(clients, kSetupConcurrency, kSetupTimeoutMs,
                             [&](size_t index) { clients[index]->release_dtls(); });
    if (summary.connected != clients.size()) {
      std::string why = "no failure recorded";
      for (const auto& webrtc_client : clients) {
        if (!webrtc_client->failure().empty()) {
          why = webrtc_client->failure();
          break;
        }
      }
      throw std::runtime_error("WebRTC setup: " + std::to_string(summary.connected) + " of " +
                               std::to_string(clients.size()) + " endpoints connected (" +
                               std::to_string(summary.unfinished) + " unfinished; " + why + ")");
    }
    for (uint32_t p = 0; p < generator.producer_count(); ++p) {
      const sfu::WebRtcClient& endpoint = *clients[p];
      const rtc::DtlsSrtpKeys& keys = endpoint.srtp_keys();
      if (keys.suite != load.suite) {
        throw std::runtime_error("DTLS negotiated another SRTP suite than --suite");
      }
      producers[p].srtp_key = key_and_salt(keys.local_master_key(), keys.local_master_salt());
      producers[p].consent_check = endpoint.binding_request();
    }
    for (uint32_t r = 0; r < generator.receiver_count(); ++r) {
      const sfu::WebRtcClient& endpoint = *clients[generator.producer_count() + r];
      const rtc::DtlsSrtpKeys& keys = endpoint.srtp_keys();
      receivers[r].srtp_key = key_and_salt(keys.remote_master_key(), keys.remote_master_salt());
      receivers[r].consent_check = endpoint.binding_request();
    }
  }
  for (uint32_t p = 0; p < generator.producer_count(); ++p) {
    generator.set_producer(p, std::move(producers[p]));
  }
  for (uint32_t r = 0; r < generator.receiver_count(); ++r) {
    generator.set_receiver(r, std::move(receivers[r]));
  }

  ServerFigures figures = drive(generator, load, [&] {
    ServerSample sample;
    if (pid) {
      sample.cpu_us = process_cpu_us(*pid);
      sample.run_delay_us = process_run_delay_us(*pid);
    }
    sample_shard_counters(client, sample);
    return sample;
  });

  // Leave an attached data plane as we found it.
  control::Request close;
  close.mutable_close_router()->set_id(router_id);
  client.call(close);
  return figures;
}

ServerFigures run_dataplane(const FanoutOptions& options, const sfu::LoadOptions& load,
                            const cpu_set_t& affinity, const fs::path& bin, const TempDir& temp,
                            uint32_t run, std::mt19937_64& random,
                            sfu::WebRtcClientIdentity* webrtc) {
  if (!options.socket.empty()) {
    return run_dataplane_load(options.socket, std::nullopt, load, run, random, webrtc);
  }
  DataplaneProcess dataplane(bin, options.cores, affinity, temp.path());
  ServerFigures figures;
  try {
    figures = run_dataplane_load(dataplane.socket(), dataplane.pid(), load, run, random, webrtc);
  } catch (const std::exception& error) {
    throw std::runtime_error(std::string(error.what()) + "\ndata plane log:\n" +
                             dataplane.log_tail());
  }
  if (!dataplane.stop()) {
    figures.notes += "; data plane needed SIGKILL";
  }
  return figures;
}

ServerFigures run_floor(const FanoutOptions& options, const sfu::LoadOptions& load,
                        floor::FloorIo io, const cpu_set_t& affinity, const fs::path& bin,
                        const TempDir& temp, std::mt19937_64& random) {
  LoadGenerator generator(load);
  floor::FloorConfig config;
  config.core = options.cores.front();
  config.port = free_udp_port();
  config.io = io;
  config.suite = load.suite;
  const sockaddr_in server = ipv4("127.0.0.1", config.port);
  for (uint32_t p = 0; p < generator.producer_count(); ++p) {
    sfu::ProducerLoad producer;
    producer.ssrc = kProducerSsrcBase + p;
    producer.payload_type = kProducerPayloadType;
    producer.srtp_key = random_key(random, load.suite);
    producer.server = server;
    config.producers.push_back({producer.ssrc, producer.srtp_key});
    generator.set_producer(p, std::move(producer));
  }
  for (uint32_t r = 0; r < generator.receiver_count(); ++r) {
    // The floor rewrites nothing: receivers see the producer's SSRC and payload type.
    sfu::ReceiverLoad receiver;
    receiver.ssrc = kProducerSsrcBase + generator.producer_of(r);
    receiver.payload_type = kProducerPayloadType;
    receiver.srtp_key = random_key(random, load.suite);
    config.consumers.push_back({generator.producer_of(r), "127.0.0.1",
                                port_of(generator.receiver_address(r)), receiver.srtp_key});
    generator.set_receiver(r, std::move(receiver));
  }
  const fs::path config_path = temp.path() / "floor.json";
  const fs::path ready = temp.path() / "floor.ready";
  const fs::path output = temp.path() / "floor.out";
  fs::remove(ready);
  floor::save_floor_config(config, config_path);
  ChildProcess process({(bin / "ringcast-floor").string(), "--config", config_path.string(),
                        "--ready-file", ready.string()},
                       affinity, output);
  const auto deadline = std::chrono::steady_clock::now() + kServerStartTimeout;
  while (!fs::exists(ready)) {
    if (process.exited()) {
      throw std::runtime_error("ringcast-floor exited at start:\n" + tail_of(output));
    }
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("ringcast-floor did not become ready:\n" + tail_of(output));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const pid_t pid = process.pid();
  ServerFigures figures = drive(generator, load, [&] {
    ServerSample sample;
    sample.cpu_us = process_cpu_us(pid);
    sample.run_delay_us = process_run_delay_us(pid);
    return sample;
  });
  process.stop();
  figures.notes = tail_of(output);
  while (!figures.notes.empty() && figures.notes.back() == '\n') {
    figures.notes.pop_back();
  }
  // The floor's exit line counts its forwarding thread's allocations from ready to exit (warm-up
  // and drain included): per packet it sent, comparable with the data plane's allocs_per_pkt.
  const size_t line = figures.notes.rfind('\n');
  const nlohmann::json counters = nlohmann::json::parse(
      line == std::string::npos ? figures.notes : figures.notes.substr(line + 1), nullptr, false);
  if (counters.is_object() && counters.contains("heap_allocations") &&
      counters.value("tx_datagrams", uint64_t{0}) > 0) {
    figures.allocations = counters["heap_allocations"].get<double>() /
                          counters["tx_datagrams"].get<double>() *
                          static_cast<double>(figures.load.received);
  }
  return figures;
}

// ---------------------------------------------------------------------------------------------
// Reporting.

struct Series {
  std::vector<double> delivered_pps, loss_ratio, cpu_us_per_pkt, p50_us, p99_us, allocs_per_pkt;
  std::vector<double> server_run_delay_ms, generator_run_delay_ms, first_copy_p50_us,
      first_copy_p99_us;
  uint64_t corrupted = 0, wrong_header = 0, srtp_failures = 0, reordered = 0, duplicates = 0;
  uint64_t rx_no_buffer = 0, tx_errors = 0, tx_no_buffer = 0;
  bool cpu_missing = false, allocs_missing = false;

  void add(const ServerFigures& figures) {
    const LoadResult& load = figures.load;
    delivered_pps.push_back(load.delivered_pps());
    loss_ratio.push_back(load.loss_ratio());
    p50_us.push_back(load.latency->percentile_us(0.50));
    p99_us.push_back(load.latency->percentile_us(0.99));
    first_copy_p50_us.push_back(load.first_copy_latency->percentile_us(0.50));
    first_copy_p99_us.push_back(load.first_copy_latency->percentile_us(0.99));
    if (auto cpu = figures.cpu_us_per_packet()) {
      cpu_us_per_pkt.push_back(*cpu);
    } else {
      cpu_missing = true;
    }
    if (auto allocs = figures.allocations_per_packet()) {
      allocs_per_pkt.push_back(*allocs);
    } else {
      allocs_missing = true;
    }
    if (figures.run_delay_us) {
      server_run_delay_ms.push_back(*figures.run_delay_us / 1e3);
    }
    generator_run_delay_ms.push_back(load.generator_run_delay_s * 1e3);
    corrupted += load.corrupted;
    wrong_header += load.wrong_header;
    srtp_failures += load.srtp_failures;
    reordered += load.reordered;
    duplicates += load.duplicates;
    rx_no_buffer += load.rx_no_buffer;
    tx_errors += load.tx_errors;
    tx_no_buffer += load.tx_no_buffer;
  }

  bool empty() const { return delivered_pps.empty(); }
};

nlohmann::json median_or_null(const std::vector<double>& values, bool missing) {
  if (values.empty() || missing) {
    return nullptr;
  }
  return median(values);
}

void print_run(const char* name, uint32_t run, const ServerFigures& figures) {
  const LoadResult& load = figures.load;
  auto cpu = figures.cpu_us_per_packet();
  auto allocs = figures.allocations_per_packet();
  std::printf(
      "run %u %-14s delivered %9.0f pps  loss %.6f  cpu/pkt %s us  p50 %u us  p99 %u us  max "
      "%.0f us  first copy p50 %u us p99 %u us  allocs/pkt %s  (sent %llu, received %llu/%llu, "
      "reordered %llu, dup %llu, "
      "corrupt %llu, bad header %llu, srtp fail %llu, send lag max %llu us, generator cpu "
      "%.2f s of %.2f s, waiting for a core: generator %.0f ms, server %s ms)\n",
      run, name, load.delivered_pps(), load.loss_ratio(), cpu ? fmt_double(*cpu, 3).c_str() : "n/a",
      load.latency->percentile_us(0.50), load.latency->percentile_us(0.99), load.latency->max_us(),
      load.first_copy_latency->percentile_us(0.50), load.first_copy_latency->percentile_us(0.99),
      allocs ? fmt_double(*allocs, 4).c_str() : "n/a", static_cast<unsigned long long>(load.sent),
      static_cast<unsigned long long>(load.received),
      static_cast<unsigned long long>(load.expected),
      static_cast<unsigned long long>(load.reordered),
      static_cast<unsigned long long>(load.duplicates),
      static_cast<unsigned long long>(load.corrupted),
      static_cast<unsigned long long>(load.wrong_header),
      static_cast<unsigned long long>(load.srtp_failures),
      static_cast<unsigned long long>(load.send_lag_max_us), load.generator_cpu_s,
      load.generator_wall_s, load.generator_run_delay_s * 1e3,
      figures.run_delay_us ? fmt_double(*figures.run_delay_us / 1e3, 0).c_str() : "n/a");
  if (!figures.notes.empty()) {
    std::printf("      %s: %s\n", name, figures.notes.c_str());
  }
  std::fflush(stdout);
}

void put_series(nlohmann::json& json, const std::string& prefix, const Series& series) {
  json[prefix + "delivered_pps"] = median_or_null(series.delivered_pps, false);
  json[prefix + "loss_ratio"] = median_or_null(series.loss_ratio, false);
  json[prefix + "cpu_us_per_pkt"] = median_or_null(series.cpu_us_per_pkt, series.cpu_missing);
  json[prefix + "p50_us"] = median_or_null(series.p50_us, false);
  json[prefix + "p99_us"] = median_or_null(series.p99_us, false);
  json[prefix + "first_copy_p50_us"] = median_or_null(series.first_copy_p50_us, false);
  json[prefix + "first_copy_p99_us"] = median_or_null(series.first_copy_p99_us, false);
  json[prefix + "server_run_delay_ms"] = median_or_null(series.server_run_delay_ms, false);
  json[prefix + "generator_run_delay_ms"] = median_or_null(series.generator_run_delay_ms, false);
  json[prefix + "errors"] = {
      {"corrupted", series.corrupted},           {"wrong_header", series.wrong_header},
      {"srtp_failures", series.srtp_failures},   {"reordered", series.reordered},
      {"duplicates", series.duplicates},         {"generator_rx_no_buffer", series.rx_no_buffer},
      {"generator_tx_errors", series.tx_errors}, {"generator_tx_no_buffer", series.tx_no_buffer}};
}

std::vector<int> generator_cores(const cpu_set_t& allowed, const std::vector<int>& server) {
  std::vector<int> cores;
  for (int core = 0; core < CPU_SETSIZE; ++core) {
    if (CPU_ISSET(core, &allowed) &&
        std::find(server.begin(), server.end(), core) == server.end()) {
      cores.push_back(core);
    }
  }
  return cores;
}

int run_sfu_fanout(const FanoutOptions& options) {
  const std::optional<rtc::SrtpSuite> suite = rtc::srtp_suite_from_string(options.suite);
  if (!suite) {
    throw std::invalid_argument("--suite must be gcm or cm");
  }
  if (options.cores.empty()) {
    throw std::invalid_argument("--cores needs at least one server core");
  }
  const cpu_set_t affinity = process_affinity();
  for (int core : options.cores) {
    if (core < 0 || core >= CPU_SETSIZE || !CPU_ISSET(core, &affinity)) {
      throw std::invalid_argument("--cores: core " + std::to_string(core) + " is not allowed");
    }
  }
  const std::vector<int> load_cores = generator_cores(affinity, options.cores);
  if (load_cores.empty()) {
    throw std::invalid_argument("no allowed core is left for the load generator");
  }
  // The bench's own threads (generator, sampling) stay off the server cores; children get the
  // original affinity back (ChildProcess).
  cpu_set_t own;
  CPU_ZERO(&own);
  for (int core : load_cores) {
    CPU_SET(core, &own);
  }
  sched_setaffinity(0, sizeof own, &own);

  std::vector<floor::FloorIo> floors;
  if (options.io == "uring" || options.io == "both") {
    floors.push_back(floor::FloorIo::kUring);
  }
  if (options.io == "sendmmsg" || options.io == "both") {
    floors.push_back(floor::FloorIo::kSendmmsg);
  }
  if (floors.empty() && (options.io != "none" || options.floor_only)) {
    throw std::invalid_argument("--io must be uring, sendmmsg or both (none without --floor-only)");
  }

  sfu::LoadOptions load;
  load.producers = options.producers;
  load.consumers_per_producer = options.consumers;
  load.packets_per_second = options.pps;
  load.payload_bytes = options.payload;
  load.suite = *suite;
  load.core = load_cores.front();
  load.warmup_ns = static_cast<uint64_t>(options.warmup * 1e9);
  load.window_ns = static_cast<uint64_t>(options.seconds * 1e9);
  if (options.transport_cc) {
    load.transport_cc_id = kTransportCcId;
  }

  const fs::path bin = fs::canonical("/proc/self/exe").parent_path();
  TempDir temp("ringcast-sfu-fanout");
  std::mt19937_64 random(std::random_device{}());

  std::printf(
      "sfu-fanout: %u producer(s) x %u consumers, %u pps per producer (%u delivered pps "
      "offered), %u-byte payload, %s, server core(s) %d.., generator core %d, %u run(s) of "
      "%.1f s + %.1f s warm-up, %s transport%s%s\n",
      options.producers, options.consumers, options.pps,
      options.producers * options.consumers * options.pps, options.payload, options.suite.c_str(),
      options.cores.front(), load.core, options.runs, options.seconds, options.warmup,
      options.transport.c_str(), options.transport == "both" ? "s" : "",
      options.transport_cc ? ", transport-cc extension" : "");
  std::fflush(stdout);

  const bool run_plain = options.transport != "webrtc";
  const bool run_webrtc = options.transport != "plain";
  std::optional<sfu::WebRtcClientIdentity> webrtc_side;
  if (run_webrtc && !options.floor_only) {
    webrtc_side.emplace(load.suite);
  }
  // The unprefixed series is the plain transport's, or the WebRTC one's when only it runs.
  Series ringcast;
  Series webrtc;
  std::vector<Series> floor_series(floors.size());
  std::vector<double> paired_ratios;
  std::vector<double> webrtc_paired_ratios;
  for (uint32_t run = 1; run <= options.runs; ++run) {
    std::optional<double> ringcast_cpu;
    std::optional<double> plain_cpu;
    std::optional<double> webrtc_cpu;
    auto run_plain_once = [&] {
      const ServerFigures figures =
          run_dataplane(options, load, affinity, bin, temp, run, random, nullptr);
      print_run(run_webrtc ? "ringcast-plain" : "ringcast", run, figures);
      ringcast.add(figures);
      plain_cpu = figures.cpu_us_per_packet();
    };
    auto run_webrtc_once = [&] {
      const ServerFigures figures =
          run_dataplane(options, load, affinity, bin, temp, run, random, &*webrtc_side);
      print_run("ringcast-webrtc", run, figures);
      (run_plain ? webrtc : ringcast).add(figures);
      webrtc_cpu = figures.cpu_us_per_packet();
    };
    if (!options.floor_only) {
      // Alternate which goes first so a drift in the machine's load hits both alike.
      if (run_plain && (run % 2 == 1 || !run_webrtc)) {
        run_plain_once();
      }
      if (run_webrtc) {
        run_webrtc_once();
      }
      if (run_plain && run_webrtc && run % 2 == 0) {
        run_plain_once();
      }
      ringcast_cpu = run_plain ? plain_cpu : webrtc_cpu;
      if (plain_cpu && webrtc_cpu) {
        webrtc_paired_ratios.push_back(*webrtc_cpu / *plain_cpu);
      }
    }
    for (size_t i = 0; i < floors.size(); ++i) {
      const ServerFigures figures =
          run_floor(options, load, floors[i], affinity, bin, temp, random);
      const std::string name = "floor-" + floor::to_string(floors[i]);
      print_run(name.c_str(), run, figures);
      floor_series[i].add(figures);
      if (i == 0 && ringcast_cpu && figures.cpu_us_per_packet()) {
        paired_ratios.push_back(*ringcast_cpu / *figures.cpu_us_per_packet());
      }
    }
  }

  nlohmann::json json;
  json["benchmark"] = "sfu-fanout";
  json["producers"] = options.producers;
  json["consumers"] = options.consumers;
  json["pps"] = options.pps;
  json["offered_delivered_pps"] = options.producers * options.consumers * options.pps;
  json["payload"] = options.payload;
  json["suite"] = options.suite;
  json["runs"] = options.runs;
  json["seconds"] = options.seconds;
  json["server_cores"] = options.cores;
  json["generator_core"] = load.core;
  json["transport"] = options.transport;
  json["transport_cc"] = options.transport_cc;
  if (!options.floor_only) {
    put_series(json, "", ringcast);
    json["allocs_per_pkt"] = median_or_null(ringcast.allocs_per_pkt, ringcast.allocs_missing);
    if (run_plain && run_webrtc) {
      put_series(json, "webrtc_", webrtc);
      json["webrtc_allocs_per_pkt"] = median_or_null(webrtc.allocs_per_pkt, webrtc.allocs_missing);
      json["plain_cpu_us_per_pkt"] = json["cpu_us_per_pkt"];
      json["plain_loss_ratio"] = json["loss_ratio"];
      const nlohmann::json& web = json["webrtc_cpu_us_per_pkt"];
      const nlohmann::json& plain = json["plain_cpu_us_per_pkt"];
      json["webrtc_to_plain_ratio"] =
          web.is_number() && plain.is_number() && plain.get<double>() > 0
              ? nlohmann::json(web.get<double>() / plain.get<double>())
              : nlohmann::json(nullptr);
      json["webrtc_to_plain_paired_median"] = webrtc_paired_ratios.empty()
                                                  ? nlohmann::json(nullptr)
                                                  : nlohmann::json(median(webrtc_paired_ratios));
    }
  } else {
    for (const char* key :
         {"delivered_pps", "loss_ratio", "cpu_us_per_pkt", "p50_us", "p99_us", "allocs_per_pkt"}) {
      json[key] = nullptr;
    }
  }
  for (size_t i = 0; i < floors.size(); ++i) {
    // The first floor (uring unless --io sendmmsg) is the one ringcast is compared against.
    const std::string prefix =
        i == 0 ? std::string("floor_") : "floor_" + floor::to_string(floors[i]) + "_";
    put_series(json, prefix, floor_series[i]);
    json[prefix + "allocs_per_pkt"] =
        median_or_null(floor_series[i].allocs_per_pkt, floor_series[i].allocs_missing);
  }
  json["floor_io"] = floors.empty() ? "none" : floor::to_string(floors.front());
  const nlohmann::json& ours = json["cpu_us_per_pkt"];
  const nlohmann::json& theirs = json["floor_cpu_us_per_pkt"];
  json["ratio_to_floor"] = ours.is_number() && theirs.is_number() && theirs.get<double>() > 0
                               ? nlohmann::json(ours.get<double>() / theirs.get<double>())
                               : nlohmann::json(nullptr);
  json["ratio_to_floor_paired_median"] =
      paired_ratios.empty() ? nlohmann::json(nullptr) : nlohmann::json(median(paired_ratios));
  if (floors.size() == 2 && json["floor_cpu_us_per_pkt"].is_number() &&
      json["floor_sendmmsg_cpu_us_per_pkt"].is_number()) {
    json["floor_uring_to_sendmmsg_ratio"] = json["floor_cpu_us_per_pkt"].get<double>() /
                                            json["floor_sendmmsg_cpu_us_per_pkt"].get<double>();
  }

  auto show = [&](const char* key) {
    const nlohmann::json& value = json[key];
    return value.is_null() ? std::string("n/a") : value.dump();
  };
  std::printf(
      "median of %u: ringcast cpu/pkt %s us, floor cpu/pkt %s us, ratio %s; loss %s; "
      "p50 %s us, p99 %s us; allocs/pkt %s\n",
      options.runs, show("cpu_us_per_pkt").c_str(), show("floor_cpu_us_per_pkt").c_str(),
      show("ratio_to_floor").c_str(), show("loss_ratio").c_str(), show("p50_us").c_str(),
      show("p99_us").c_str(), show("allocs_per_pkt").c_str());
  if (run_plain && run_webrtc && !options.floor_only) {
    std::printf(
        "median of %u: webrtc cpu/pkt %s us, plain %s us, webrtc/plain %s (paired %s); "
        "loss webrtc %s, plain %s\n",
        options.runs, show("webrtc_cpu_us_per_pkt").c_str(), show("plain_cpu_us_per_pkt").c_str(),
        show("webrtc_to_plain_ratio").c_str(), show("webrtc_to_plain_paired_median").c_str(),
        show("webrtc_loss_ratio").c_str(), show("plain_loss_ratio").c_str());
  }
  if (options.json) {
    std::printf("%s\n", json.dump().c_str());
  }
  return 0;
}

SubcommandRun setup_sfu_fanout(CLI::App& command) {
  auto options = std::make_shared<FanoutOptions>();
  command.add_option("--producers", options->producers, "Producers (each on its own transport)")
      ->check(CLI::Range(1u, 1000u));
  command.add_option("--consumers", options->consumers, "Consumers per producer")
      ->check(CLI::Range(1u, 5000u));
  command.add_option("--pps", options->pps, "RTP packets per second sent by each producer")
      ->check(CLI::Range(1u, 1'000'000u));
  command.add_option("--seconds", options->seconds, "Measurement window per run")
      ->check(CLI::Range(0.1, 600.0));
  command.add_option("--warmup", options->warmup, "Warm-up before each window, not measured")
      ->check(CLI::Range(0.0, 60.0));
  command.add_option("--payload", options->payload, "RTP payload bytes")
      ->check(CLI::Range(16u, 1900u));
  command.add_option("--suite", options->suite, "SRTP suite: gcm or cm")
      ->check(CLI::IsMember({"gcm", "cm"}));
  command
      .add_option("--cores", options->cores,
                  "Server cores (the data plane's shards; the floor uses the first); the "
                  "generator takes the first allowed core not listed")
      ->delimiter(',');
  command.add_option("--runs", options->runs, "Runs; medians are reported")
      ->check(CLI::Range(1u, 100u));
  command.add_option("--io", options->io, "Floor variant(s): uring, sendmmsg, both or none")
      ->check(CLI::IsMember({"uring", "sendmmsg", "both", "none"}));
  command
      .add_option("--transport", options->transport,
                  "Data plane transports: plain (SRTP keys by signaling), webrtc (ICE-lite + "
                  "DTLS-SRTP, the generator as the browser) or both, interleaved per run")
      ->check(CLI::IsMember({"plain", "webrtc", "both"}));
  command.add_flag("--transport-cc", options->transport_cc,
                   "Packets carry a transport-wide sequence (one-byte extension) negotiated on "
                   "Produce and Consume, which a WebRTC transport rewrites per consumer");
  command.add_option("--socket", options->socket,
                     "Attach to a running data plane's control socket instead of starting one");
  command.add_flag("--floor-only", options->floor_only, "Measure only the floor(s)");
  command.add_flag("--json", options->json, "Print one JSON object as the last line");
  return [options] { return run_sfu_fanout(*options); };
}

const SubcommandRegistration kRegistration{
    {"sfu-fanout", "SFU fan-out: data plane vs a minimal SRTP forwarder (the floor)",
     &setup_sfu_fanout}};

}  // namespace
}  // namespace ringcast::bench
