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
// Before the generator's first send, so that setup work has settled.
constexpr auto kStartDelay = std::chrono::milliseconds(100);
constexpr auto kServerStartTimeout = std::chrono::seconds(10);
constexpr auto kServerStopTimeout = std::chrono::seconds(5);

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
  std::string socket;
  bool floor_only = false;
  bool json = false;
};

// ---------------------------------------------------------------------------------------------
// Processes, cores and CPU time.

cpu_set_t process_affinity() {
  cpu_set_t cpus;
  CPU_ZERO(&cpus);
  sched_getaffinity(0, sizeof cpus, &cpus);
  return cpus;
}

// Server CPU (user + system, all threads) of `pid` so far, in µs, from /proc/PID/stat fields 14
// and 15 (proc(5)), counted in clock ticks.
std::optional<double> process_cpu_us(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // The command name (field 2) may hold spaces and parentheses: fields resume after the last ')'.
  const size_t close = text.rfind(')');
  if (close == std::string::npos) {
    return std::nullopt;
  }
  std::istringstream fields(text.substr(close + 1));
  std::string field;
  double ticks = 0;
  for (int index = 3; index <= 15 && fields >> field; ++index) {
    if (index == 14 || index == 15) {
      ticks += std::stod(field);
    }
  }
  return ticks * 1e6 / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// Total time the threads of `pid` spent runnable but waiting for a core, in µs: field 2 of each
// /proc/PID/task/TID/schedstat. Shows how much of a latency figure is the machine's other load.
std::optional<double> process_run_delay_us(pid_t pid) {
  std::error_code error;
  fs::directory_iterator tasks("/proc/" + std::to_string(pid) + "/task", error);
  if (error) {
    return std::nullopt;
  }
  double total_ns = 0;
  for (const fs::directory_entry& task : tasks) {
    std::ifstream in(task.path() / "schedstat");
    double on_cpu = 0;
    double waiting = 0;
    if (in >> on_cpu >> waiting) {
      total_ns += waiting;
    }
  }
  return total_ns / 1000.0;
}

// A child process started with the affinity the bench had before it moved itself off the
// server core (the data plane checks its configured cores against its own affinity). Stopped
// with SIGTERM (then SIGKILL) when it goes out of scope.
class ChildProcess {
 public:
  ChildProcess(const std::vector<std::string>& argv, const cpu_set_t& affinity,
               const fs::path& output) {
    pid_ = fork();
    if (pid_ < 0) {
      throw std::runtime_error(std::string("fork: ") + strerror(errno));
    }
    if (pid_ == 0) {
      sched_setaffinity(0, sizeof affinity, &affinity);
      if (FILE* out = std::freopen(output.c_str(), "w", stdout); out != nullptr) {
        dup2(fileno(out), STDERR_FILENO);
      }
      std::vector<char*> args;
      for (const std::string& arg : argv) {
        args.push_back(const_cast<char*>(arg.c_str()));
      }
      args.push_back(nullptr);
      execv(args[0], args.data());
      std::fprintf(stderr, "exec %s: %s\n", args[0], strerror(errno));
      _exit(127);
    }
  }
  ~ChildProcess() { stop(); }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }

  bool exited() {
    if (pid_ <= 0) {
      return true;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return true;
    }
    return false;
  }

  // SIGTERM, wait up to kServerStopTimeout, then SIGKILL. Returns whether it exited by itself.
  bool stop() {
    if (pid_ <= 0) {
      return true;
    }
    kill(pid_, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + kServerStopTimeout;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
    return false;
  }

 private:
  pid_t pid_ = -1;
};

// A private temporary directory, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "ringcast-sfu-fanout-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error(std::string("mkdtemp: ") + strerror(errno));
    }
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

uint16_t free_udp_port() {
  net::SocketResult socket = net::open_udp_socket("127.0.0.1", 0);
  if (!socket.ok()) {
    throw std::runtime_error(socket.error);
  }
  sockaddr_in address{};
  socklen_t length = sizeof address;
  getsockname(socket.fd.get(), reinterpret_cast<sockaddr*>(&address), &length);
  return ntohs(address.sin_port);
}

std::string tail_of(const fs::path& path) {
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return text.size() > 2000 ? text.substr(text.size() - 2000) : text;
}

std::vector<uint8_t> random_key(std::mt19937_64& random, rtc::SrtpSuite suite) {
  std::vector<uint8_t> key(rtc::srtp_master_length(suite));
  for (uint8_t& byte : key) {
    byte = static_cast<uint8_t>(random());
  }
  return key;
}

sockaddr_in ipv4(const std::string& ip, uint32_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, ip.c_str(), &address.sin_addr) != 1) {
    throw std::runtime_error("'" + ip + "' is not an IPv4 address");
  }
  return address;
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

control::Response call_checked(proto::ControlClient& client, const control::Request& request,
                               const char* what) {
  control::Response response = client.call(request);
  if (response.has_error() && response.error().code() != control::ERROR_CODE_UNSPECIFIED) {
    throw std::runtime_error(std::string(what) + " failed: " + response.error().reason() + " (" +
                             control::ErrorCode_Name(response.error().code()) + ")");
  }
  return response;
}

// Fills the shard counters (summed over shards) and heap_allocations (null when absent).
void sample_shard_counters(proto::ControlClient& client, ServerSample& sample) {
  control::Request request;
  request.mutable_get_stats();
  const control::Response response = call_checked(client, request, "GetStats");
  for (const control::ShardStats& shard : response.stats().shards()) {
    for (const auto& [name, value] : shard.counters()) {
      sample.counters[name] += value;
    }
  }
  if (auto found = sample.counters.find("heap_allocations"); found != sample.counters.end()) {
    sample.heap_allocations = found->second;
  }
}

control::SrtpSuite proto_suite(rtc::SrtpSuite suite) {
  return suite == rtc::SrtpSuite::kAeadAes128Gcm ? control::SRTP_SUITE_AEAD_AES_128_GCM
                                                 : control::SRTP_SUITE_AES_CM_128_HMAC_SHA1_80;
}

// Creates the router, producers and consumers on the data plane at `socket` and runs the load.
ServerFigures run_dataplane_load(const fs::path& socket, std::optional<pid_t> pid,
                                 const sfu::LoadOptions& load, uint32_t run,
                                 std::mt19937_64& random) {
  proto::ControlClient client(socket, "ringcast-bench sfu-fanout");
  if (!pid && client.hello().node().pid() != 0 &&
      fs::exists("/proc/" + std::to_string(client.hello().node().pid()))) {
    pid = static_cast<pid_t>(client.hello().node().pid());
  }
  LoadGenerator generator(load);
  // Ids carry our pid and the run so that attaching to a shared data plane cannot collide.
  const std::string prefix = "sfu-fanout-" + std::to_string(getpid()) + "-" + std::to_string(run);
  const std::string router_id = prefix + "-router";
  {
    control::Request request;
    request.mutable_create_router()->set_router_id(router_id);
    request.mutable_create_router()->set_shard(0);
    call_checked(client, request, "CreateRouter");
  }
  auto create_transport = [&](const std::string& id, const sockaddr_in& remote,
                              const std::vector<uint8_t>& remote_key) {
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
    return info;
  };
  for (uint32_t p = 0; p < generator.producer_count(); ++p) {
    sfu::ProducerLoad producer;
    producer.ssrc = kProducerSsrcBase + p;
    producer.payload_type = kProducerPayloadType;
    producer.srtp_key = random_key(random, load.suite);
    const std::string transport_id = prefix + "-producer-transport-" + std::to_string(p);
    const control::TransportInfo info =
        create_transport(transport_id, generator.producer_address(p), producer.srtp_key);
    producer.server = ipv4(info.local_ip(), info.local_port());
    control::Request produce;
    control::Produce* fields = produce.mutable_produce();
    fields->set_transport_id(transport_id);
    fields->set_producer_id(prefix + "-producer-" + std::to_string(p));
    fields->set_kind(control::MEDIA_KIND_VIDEO);
    fields->set_codec("VP8");
    fields->set_payload_type(kProducerPayloadType);
    fields->set_ssrc(producer.ssrc);
    fields->set_clock_rate(90000);
    call_checked(client, produce, "Produce");
    generator.set_producer(p, std::move(producer));
  }
  for (uint32_t r = 0; r < generator.receiver_count(); ++r) {
    const std::string transport_id = prefix + "-consumer-transport-" + std::to_string(r);
    // The receiver would send RTCP with this key; it sends none, but SRTP transports need one.
    const control::TransportInfo info = create_transport(
        transport_id, generator.receiver_address(r), random_key(random, load.suite));
    control::Request consume;
    control::Consume* fields = consume.mutable_consume();
    fields->set_transport_id(transport_id);
    fields->set_consumer_id(prefix + "-consumer-" + std::to_string(r));
    fields->set_producer_id(prefix + "-producer-" + std::to_string(generator.producer_of(r)));
    fields->set_ssrc(kConsumerSsrcBase + r);
    fields->set_payload_type(kConsumerPayloadType);
    call_checked(client, consume, "Consume");
    sfu::ReceiverLoad receiver;
    receiver.ssrc = kConsumerSsrcBase + r;
    receiver.payload_type = kConsumerPayloadType;
    receiver.srtp_key.assign(info.local_srtp_key().begin(), info.local_srtp_key().end());
    generator.set_receiver(r, std::move(receiver));
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
                            uint32_t run, std::mt19937_64& random) {
  if (!options.socket.empty()) {
    return run_dataplane_load(options.socket, std::nullopt, load, run, random);
  }
  const fs::path socket = temp.path() / "dataplane.sock";
  const fs::path config = temp.path() / "dataplane.toml";
  const fs::path log = temp.path() / "dataplane.log";
  {
    std::ofstream out(config);
    out << "[dataplane]\nlisten_ip = \"127.0.0.1\"\nannounced_ip = \"127.0.0.1\"\n"
        << "udp_port_base = " << free_udp_port() << "\ncores = [";
    for (size_t i = 0; i < options.cores.size(); ++i) {
      out << (i > 0 ? ", " : "") << options.cores[i];
    }
    out << "]\ncontrol_socket = \"" << socket.string() << "\"\n";
  }
  ChildProcess dataplane({(bin / "ringcast-dataplane").string(), "--config", config.string()},
                         affinity, log);
  const auto deadline = std::chrono::steady_clock::now() + kServerStartTimeout;
  for (;;) {
    if (dataplane.exited()) {
      throw std::runtime_error("ringcast-dataplane exited at start:\n" + tail_of(log));
    }
    if (fs::exists(socket)) {
      try {
        proto::ControlClient probe(socket, "ringcast-bench probe");
        break;
      } catch (const proto::ControlClientError&) {
      }
    }
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("ringcast-dataplane did not open its control socket:\n" +
                               tail_of(log));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ServerFigures figures;
  try {
    figures = run_dataplane_load(socket, dataplane.pid(), load, run, random);
  } catch (const std::exception& error) {
    throw std::runtime_error(std::string(error.what()) + "\ndata plane log:\n" + tail_of(log));
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
  if (floors.empty()) {
    throw std::invalid_argument("--io must be uring, sendmmsg or both");
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

  const fs::path bin = fs::canonical("/proc/self/exe").parent_path();
  TempDir temp;
  std::mt19937_64 random(std::random_device{}());

  std::printf(
      "sfu-fanout: %u producer(s) x %u consumers, %u pps per producer (%u delivered pps "
      "offered), %u-byte payload, %s, server core(s) %d.., generator core %d, %u run(s) of "
      "%.1f s + %.1f s warm-up\n",
      options.producers, options.consumers, options.pps,
      options.producers * options.consumers * options.pps, options.payload, options.suite.c_str(),
      options.cores.front(), load.core, options.runs, options.seconds, options.warmup);
  std::fflush(stdout);

  Series ringcast;
  std::vector<Series> floor_series(floors.size());
  std::vector<double> paired_ratios;
  for (uint32_t run = 1; run <= options.runs; ++run) {
    std::optional<double> ringcast_cpu;
    if (!options.floor_only) {
      const ServerFigures figures = run_dataplane(options, load, affinity, bin, temp, run, random);
      print_run("ringcast", run, figures);
      ringcast.add(figures);
      ringcast_cpu = figures.cpu_us_per_packet();
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
  if (!options.floor_only) {
    put_series(json, "", ringcast);
    json["allocs_per_pkt"] = median_or_null(ringcast.allocs_per_pkt, ringcast.allocs_missing);
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
  json["floor_io"] = floor::to_string(floors.front());
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
  command.add_option("--io", options->io, "Floor variant(s): uring, sendmmsg or both")
      ->check(CLI::IsMember({"uring", "sendmmsg", "both"}));
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
