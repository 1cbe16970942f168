// `ringcast-bench rtmp-fanout`: what fanning one RTMP stream out to many players costs the server,
// per delivered byte, against nginx with libnginx-mod-rtmp on the same load in the same
// invocation. One publisher sends a pre-encoded FLV file (encoded once by Debian's ffmpeg and
// cached next to the binary) with its real timing; N io_uring players on the load core play it,
// acknowledge, and count bytes and timestamp gaps (bench/rtmp/). Each run starts the server pinned
// to the server core, ramps the players up, warms up, and samples the server's CPU time
// (/proc/PID/stat, children included) over the window. Runs alternate ringcast and nginx; medians
// are reported. See docs/benchmarks.md.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "control_client.hpp"
#include "rtmp/flv_file.hpp"
#include "rtmp/flv_loop.hpp"
#include "rtmp/flv_publisher.hpp"
#include "rtmp/keep_up.hpp"
#include "rtmp/player_fleet.hpp"
#include "rtmp/process_cpu.hpp"
#include "tool/dataplane_process.hpp"
#include "tool/measure.hpp"
#include "tool/subcommand_registry.hpp"

namespace ringcast::bench {
namespace {

namespace fs = std::filesystem;

constexpr auto kServerStartTimeout = std::chrono::seconds(10);
constexpr auto kPublishTimeout = std::chrono::seconds(10);
constexpr auto kEncodeTimeout = std::chrono::minutes(10);
// What the encoder spends on audio; the rest of --bitrate goes to video.
constexpr uint32_t kAudioKbps = 128;
// Length of the encoded file; the publisher loops it.
constexpr uint32_t kInputSeconds = 20;
constexpr const char* kApp = "live";

struct RtmpFanoutOptions {
  uint32_t players = 500;
  uint32_t bitrate_kbps = 2500;
  double seconds = 10;
  double warmup = 2;
  uint32_t runs = 3;
  std::vector<int> cores = {0};
  uint32_t concurrency = 128;
  double ramp_timeout = 60;
  uint32_t gap_ms = 250;
  std::string input;
  std::string nginx = "/usr/sbin/nginx";
  std::string nginx_module = "/usr/lib/nginx/modules/ngx_rtmp_module.so";
  std::string ffmpeg = "/usr/bin/ffmpeg";
  bool nginx_only = false;
  bool ringcast_only = false;
  bool json = false;
};

enum class Server { kRingcast, kNginx };
const char* name_of(Server server) { return server == Server::kRingcast ? "ringcast" : "nginx"; }

// ---------------------------------------------------------------------------------------------
// Set-up helpers.

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "ringcast-rtmp-fanout-XXXXXX").string();
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

uint16_t free_port(int type) {
  const int fd = ::socket(AF_INET, type | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    throw std::runtime_error(std::string("socket: ") + strerror(errno));
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(fd);
    throw std::runtime_error(std::string("bind: ") + strerror(errno));
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

sockaddr_in loopback(uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

bool accepts_connections(uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return false;
  }
  const sockaddr_in address = loopback(port);
  const bool ok = ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return ok;
}

std::string tail_of(const fs::path& path) {
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return text.size() > 2000 ? text.substr(text.size() - 2000) : text;
}

cpu_set_t single_core(int core) {
  cpu_set_t cpus;
  CPU_ZERO(&cpus);
  CPU_SET(core, &cpus);
  return cpus;
}

// Thousands of player sockets, plus the server's, need more descriptors than the usual soft
// limit of 1024; children inherit the raised limit.
void raise_descriptor_limit(uint32_t players) {
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
  if (limit.rlim_cur < rlim_t{players} * 2 + 100) {
    throw std::invalid_argument("the descriptor limit (" + std::to_string(limit.rlim_cur) +
                                ") is too low for " + std::to_string(players) +
                                " players and the server's side of their connections");
  }
}

// The publisher's input: a 720p30 test pattern and a sine tone, x264 CBR (nal-hrd=cbr, so the
// stream really has the asked rate: testsrc is so simple that average-bitrate mode undershoots
// it threefold) with a keyframe every second, AAC audio. Encoded once per bitrate and cached next
// to the binary; encoding takes ~20 s of CPU.
fs::path ensure_input(const RtmpFanoutOptions& options, const fs::path& bin,
                      const cpu_set_t& affinity) {
  if (!options.input.empty()) {
    return options.input;
  }
  if (options.bitrate_kbps <= kAudioKbps + 100) {
    throw std::invalid_argument("--bitrate must exceed " + std::to_string(kAudioKbps + 100) +
                                " kbit/s (128 of it is audio)");
  }
  const fs::path cache = bin / "rtmp-fanout-cache";
  const fs::path file = cache / ("testsrc-720p30-" + std::to_string(options.bitrate_kbps) + "k-" +
                                 std::to_string(kInputSeconds) + "s.flv");
  if (fs::exists(file)) {
    return file;
  }
  fs::create_directories(cache);
  const std::string video = std::to_string(options.bitrate_kbps - kAudioKbps) + "k";
  const fs::path partial = cache / (file.filename().string() + ".partial");
  const fs::path log = cache / "ffmpeg.log";
  std::printf("rtmp-fanout: encoding %s with %s (once; cached)\n", file.c_str(),
              options.ffmpeg.c_str());
  std::fflush(stdout);
  ChildProcess ffmpeg({options.ffmpeg,
                       "-hide_banner",
                       "-loglevel",
                       "error",
                       "-nostdin",
                       "-y",
                       "-f",
                       "lavfi",
                       "-i",
                       "testsrc=size=1280x720:rate=30",
                       "-f",
                       "lavfi",
                       "-i",
                       "sine=frequency=440:sample_rate=48000",
                       "-c:v",
                       "libx264",
                       "-preset",
                       "veryfast",
                       "-b:v",
                       video,
                       "-minrate",
                       video,
                       "-maxrate",
                       video,
                       "-bufsize",
                       video,
                       "-x264-params",
                       "nal-hrd=cbr",
                       "-g",
                       "30",
                       "-pix_fmt",
                       "yuv420p",
                       "-c:a",
                       "aac",
                       "-b:a",
                       std::to_string(kAudioKbps) + "k",
                       "-t",
                       std::to_string(kInputSeconds),
                       "-f",
                       "flv",
                       partial.string()},
                      affinity, log);
  const std::optional<int> code = ffmpeg.wait(kEncodeTimeout);
  if (!code || *code != 0) {
    std::error_code ignored;
    fs::remove(partial, ignored);
    throw std::runtime_error("ffmpeg failed (install it with tools/dev deps):\n" + tail_of(log));
  }
  fs::rename(partial, file);
  return file;
}

// ---------------------------------------------------------------------------------------------
// The servers.

std::unique_ptr<ChildProcess> start_ringcast(const RtmpFanoutOptions& options, uint16_t port,
                                             const cpu_set_t& affinity, const fs::path& bin,
                                             const fs::path& dir) {
  const fs::path config = dir / "dataplane.toml";
  const fs::path log = dir / "dataplane.log";
  {
    std::ofstream out(config);
    out << "[dataplane]\nlisten_ip = \"127.0.0.1\"\nannounced_ip = \"127.0.0.1\"\n"
        << "udp_port_base = " << free_port(SOCK_DGRAM) << "\ncores = [" << options.cores.front()
        << "]\ncontrol_socket = \"" << (dir / "dataplane.sock").string() << "\"\n\n"
        << "[rtmp]\nlisten = \"127.0.0.1:" << port << "\"\nchunk_size = 4096\n";
  }
  // The data plane checks its configured cores against its affinity and pins its shard itself.
  auto process = std::make_unique<ChildProcess>(
      std::vector<std::string>{(bin / "ringcast-dataplane").string(), "--config", config.string()},
      affinity, log);
  const auto deadline = std::chrono::steady_clock::now() + kServerStartTimeout;
  while (!accepts_connections(port)) {
    if (process->exited()) {
      throw std::runtime_error("ringcast-dataplane exited at start:\n" + tail_of(log));
    }
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("ringcast-dataplane did not listen on RTMP:\n" + tail_of(log));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return process;
}

// nginx's worker_cpu_affinity mask: one character per CPU, CPU 0 rightmost.
std::string affinity_mask(int core) {
  std::string mask(static_cast<size_t>(core) + 1, '0');
  mask.front() = '1';
  return mask;
}

std::unique_ptr<ChildProcess> start_nginx(const RtmpFanoutOptions& options, uint16_t port,
                                          const fs::path& dir) {
  if (!fs::exists(options.nginx) || !fs::exists(options.nginx_module)) {
    throw std::runtime_error("nginx or its RTMP module is missing (" + options.nginx + ", " +
                             options.nginx_module +
                             "); install nginx-light and libnginx-mod-rtmp (tools/dev deps)");
  }
  const fs::path prefix = dir / "nginx";
  fs::create_directories(prefix / "logs");
  const fs::path config = prefix / "nginx.conf";
  const fs::path log = prefix / "logs" / "error.log";
  {
    std::ofstream out(config);
    // One worker pinned to the server core, as the issue specifies; the master only supervises
    // (its CPU time is counted too). Every path is inside the temporary directory.
    out << "load_module " << options.nginx_module << ";\n"
        << "daemon off;\nmaster_process on;\nworker_processes 1;\n"
        << "worker_cpu_affinity " << affinity_mask(options.cores.front()) << ";\n"
        << "worker_rlimit_nofile " << options.players * 2 + 1024 << ";\n"
        << "pid " << (prefix / "nginx.pid").string() << ";\n"
        << "error_log " << log.string() << " warn;\n"
        << "events { worker_connections " << options.players + 1024 << "; multi_accept on; }\n"
        << "rtmp {\n  access_log " << (prefix / "logs" / "access.log").string() << ";\n"
        << "  server {\n    listen 127.0.0.1:" << port << ";\n    chunk_size 4096;\n"
        << "    application " << kApp << " { live on; }\n  }\n}\n";
  }
  const cpu_set_t affinity = single_core(options.cores.front());
  auto process = std::make_unique<ChildProcess>(
      std::vector<std::string>{options.nginx, "-p", prefix.string() + "/", "-c", config.string(),
                               "-e", log.string()},
      affinity, prefix / "logs" / "stdout.log");
  const auto deadline = std::chrono::steady_clock::now() + kServerStartTimeout;
  while (!accepts_connections(port)) {
    if (process->exited()) {
      throw std::runtime_error("nginx exited at start:\n" + tail_of(log));
    }
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("nginx did not listen:\n" + tail_of(log));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return process;
}

// ---------------------------------------------------------------------------------------------
// One run against one server.

struct RunFigures {
  rtmp::FleetResult fleet;
  rtmp::KeepUpSummary keep_up;
  std::optional<double> server_cpu_s;
  double server_system_s = 0;          // the kernel's part of server_cpu_s
  uint64_t publisher_media_bytes = 0;  // sent by the publisher in the window
  uint64_t reference_media_bytes = 0;  // what a player must receive 95 % of
  uint64_t publisher_max_lag_ms = 0;
  // Data plane counters over the window (ringcast only; empty for nginx).
  std::map<std::string, double> counters;
  std::string note;

  double counter(const std::string& name) const {
    const auto found = counters.find(name);
    return found == counters.end() ? 0.0 : found->second;
  }
  // Bytes and iovecs per IORING_OP_SENDMSG: how well the server coalesces its sends, which is
  // what the kernel's per-packet cost depends on.
  std::optional<double> bytes_per_send() const {
    return counter("rtmp_sends") > 0
               ? std::optional<double>(counter("rtmp_tx_bytes") / counter("rtmp_sends"))
               : std::nullopt;
  }
  std::optional<double> iovecs_per_send() const {
    return counter("rtmp_sends") > 0
               ? std::optional<double>(counter("rtmp_send_iovecs") / counter("rtmp_sends"))
               : std::nullopt;
  }

  double delivered_gbps() const {
    return fleet.window_seconds > 0 ? double(fleet.wire_bytes) * 8 / fleet.window_seconds / 1e9 : 0;
  }
  std::optional<double> system_share() const {
    if (!server_cpu_s || *server_cpu_s <= 0) {
      return std::nullopt;
    }
    return server_system_s / *server_cpu_s;
  }
  std::optional<double> cpu_s_per_gb() const {
    if (!server_cpu_s || fleet.wire_bytes == 0) {
      return std::nullopt;
    }
    return *server_cpu_s / (double(fleet.wire_bytes) / 1e9);
  }
  double publisher_mbps() const {
    return fleet.window_seconds > 0 ? double(publisher_media_bytes) * 8 / fleet.window_seconds / 1e6
                                    : 0;
  }
};

RunFigures run_once(Server server, const RtmpFanoutOptions& options, const rtmp::FlvFile& input,
                    int load_core, const cpu_set_t& original_affinity, const fs::path& bin,
                    const TempDir& temp, uint32_t run) {
  const fs::path dir = temp.path() / (std::string(name_of(server)) + "-" + std::to_string(run));
  fs::create_directories(dir);
  const uint16_t port = free_port(SOCK_STREAM);
  std::unique_ptr<ChildProcess> process =
      server == Server::kRingcast ? start_ringcast(options, port, original_affinity, bin, dir)
                                  : start_nginx(options, port, dir);
  const std::string tc_url = "rtmp://127.0.0.1:" + std::to_string(port) + "/" + kApp;
  const std::string key = "fanout-" + std::to_string(run);

  rtmp::PublisherOptions publisher_options;
  publisher_options.server = loopback(port);
  publisher_options.app = kApp;
  publisher_options.tc_url = tc_url;
  publisher_options.stream_key = key;
  publisher_options.core = load_core;
  rtmp::FlvPublisher publisher(input, publisher_options);
  publisher.start(kPublishTimeout);

  rtmp::FleetOptions fleet_options;
  fleet_options.players = options.players;
  fleet_options.concurrency = options.concurrency;
  fleet_options.server = loopback(port);
  fleet_options.app = kApp;
  fleet_options.tc_url = tc_url;
  fleet_options.stream_key = key;
  fleet_options.core = load_core;
  fleet_options.gaps = {options.gap_ms, options.gap_ms};
  fleet_options.ramp_timeout_ns = static_cast<uint64_t>(options.ramp_timeout * 1e9);
  fleet_options.warmup_ns = static_cast<uint64_t>(options.warmup * 1e9);
  fleet_options.window_ns = static_cast<uint64_t>(options.seconds * 1e9);

  RunFigures figures;
  // The data plane's own counters say how it sent the bytes (sendmsg count, iovecs, skips).
  std::optional<proto::ControlClient> control;
  if (server == Server::kRingcast) {
    control.emplace(dir / "dataplane.sock", "ringcast-bench rtmp-fanout");
  }
  std::map<std::string, double> counters_start;
  auto read_counters = [&] {
    std::map<std::string, double> totals;
    control::Request request;
    request.mutable_get_stats();
    const control::Response response = control->call(request);
    for (const control::ShardStats& shard : response.stats().shards()) {
      for (const auto& [name, value] : shard.counters()) {
        if (name.rfind("rtmp_", 0) == 0 && name.rfind("rtmp_stream.", 0) != 0) {
          totals[name] += double(value);
        }
      }
    }
    return totals;
  };
  std::optional<rtmp::CpuSeconds> cpu_start;
  uint64_t published_start = 0;
  const pid_t pid = process->pid();
  rtmp::PlayerFleet fleet(fleet_options);
  figures.fleet = fleet.run([&](bool start) {
    const std::optional<rtmp::CpuSeconds> cpu = rtmp::process_tree_cpu(pid);
    if (start) {
      cpu_start = cpu;
      published_start = publisher.media_bytes_sent();
      if (control) {
        counters_start = read_counters();
      }
      return;
    }
    if (control) {
      for (const auto& [name, value] : read_counters()) {
        figures.counters[name] = value - counters_start[name];
      }
    }
    figures.publisher_media_bytes = publisher.media_bytes_sent() - published_start;
    if (cpu && cpu_start) {
      figures.server_cpu_s = cpu->total() - cpu_start->total();
      figures.server_system_s = cpu->system - cpu_start->system;
    }
  });
  figures.publisher_max_lag_ms = publisher.max_lag_ms();
  const std::string publisher_failure = publisher.failure();
  publisher.stop();
  if (!publisher_failure.empty()) {
    figures.note += "publisher: " + publisher_failure + "; ";
  }
  if (!process->stop()) {
    figures.note += std::string(name_of(server)) + " needed SIGKILL; ";
  }
  // Players keep up with the stream, not with a publisher the server slowed down: when the
  // server stops reading the publisher (its socket blocks), what was sent falls below the file's
  // rate, so the reference is the larger of the bytes sent and the file's nominal rate over the
  // window.
  const double nominal_bytes = publisher.media_bits_per_second() / 8 * figures.fleet.window_seconds;
  figures.reference_media_bytes =
      std::max(figures.publisher_media_bytes, static_cast<uint64_t>(nominal_bytes));
  figures.keep_up =
      rtmp::summarize_keep_up(figures.fleet.media_bytes, figures.reference_media_bytes);
  return figures;
}

// ---------------------------------------------------------------------------------------------
// Reporting.

struct Series {
  std::vector<double> cpu_s_per_gb, delivered_gbps, kept_up, playing, drops, generator_cpu;
  std::vector<double> system_share, bytes_per_send, iovecs_per_send, player_skips;
  std::vector<double> publisher_mbps;
  uint32_t failed_runs = 0;
  bool cpu_missing = false;

  void add(const RunFigures& figures) {
    if (auto cpu = figures.cpu_s_per_gb()) {
      cpu_s_per_gb.push_back(*cpu);
    } else {
      cpu_missing = true;
    }
    if (auto share = figures.system_share()) {
      system_share.push_back(*share);
    }
    if (auto bytes = figures.bytes_per_send()) {
      bytes_per_send.push_back(*bytes);
      iovecs_per_send.push_back(*figures.iovecs_per_send());
      player_skips.push_back(figures.counter("rtmp_player_skips"));
    }
    delivered_gbps.push_back(figures.delivered_gbps());
    kept_up.push_back(figures.keep_up.kept_up);
    playing.push_back(figures.fleet.playing_at_window_end);
    drops.push_back(double(figures.fleet.gaps));
    generator_cpu.push_back(figures.fleet.generator_cpu_ratio);
    publisher_mbps.push_back(figures.publisher_mbps());
  }
};

nlohmann::json median_or_null(const std::vector<double>& values, bool missing = false) {
  if (values.empty() || missing) {
    return nullptr;
  }
  return median(values);
}

void print_run(Server server, uint32_t run, const RunFigures& figures) {
  const rtmp::FleetResult& fleet = figures.fleet;
  const std::optional<double> cpu = figures.cpu_s_per_gb();
  std::printf(
      "run %u %-8s  cpu %s s/GB (server %.2f s, %.0f %% system)  delivered %.3f Gbit/s  kept up "
      "%u/%u "
      "(min %.3f, median %.3f of the stream)  playing %u->%u  failed %u  gaps %llu in %u "
      "players  publisher %.3f Mbit/s, lag max %llu ms  ramp %.1f s  load-core cpu %.2f  "
      "no-buffer %llu  acks %llu\n",
      run, name_of(server), cpu ? std::to_string(*cpu).c_str() : "n/a",
      figures.server_cpu_s.value_or(-1), figures.system_share().value_or(0) * 100,
      figures.delivered_gbps(), figures.keep_up.kept_up, fleet.players, figures.keep_up.min_ratio,
      figures.keep_up.median_ratio, fleet.playing_at_window_start, fleet.playing_at_window_end,
      fleet.failed, static_cast<unsigned long long>(fleet.gaps), fleet.players_with_gaps,
      figures.publisher_mbps(), static_cast<unsigned long long>(figures.publisher_max_lag_ms),
      fleet.ramp_seconds, fleet.generator_cpu_ratio,
      static_cast<unsigned long long>(fleet.rx_no_buffer),
      static_cast<unsigned long long>(fleet.acknowledgements));
  if (const uint32_t stuck = fleet.stuck_connecting + fleet.stuck_handshake + fleet.stuck_connect +
                             fleet.stuck_create_stream + fleet.stuck_play;
      stuck > 0) {
    std::printf(
        "      %s: %u players never started: %u in TCP connect, %u in the handshake, %u after "
        "connect, %u after createStream, %u after play\n",
        name_of(server), stuck, fleet.stuck_connecting, fleet.stuck_handshake, fleet.stuck_connect,
        fleet.stuck_create_stream, fleet.stuck_play);
  }
  if (const std::optional<double> bytes = figures.bytes_per_send()) {
    std::printf(
        "      %s: %.0f sendmsg/s, %.0f bytes and %.2f iovecs per sendmsg, %.0f player skips, %.0f "
        "disconnects, %.0f rx no-buffer\n",
        name_of(server), figures.counter("rtmp_sends") / fleet.window_seconds, *bytes,
        figures.iovecs_per_send().value_or(0), figures.counter("rtmp_player_skips"),
        figures.counter("rtmp_player_disconnects"), figures.counter("rtmp_rx_no_buffer"));
  }
  for (const std::string& error : fleet.errors) {
    std::printf("      %s player error: %s\n", name_of(server), error.c_str());
  }
  if (!figures.note.empty()) {
    std::printf("      %s: %s\n", name_of(server), figures.note.c_str());
  }
  std::fflush(stdout);
}

void put_series(nlohmann::json& json, const std::string& prefix, const Series& series) {
  json[prefix + "cpu_s_per_gb"] = median_or_null(series.cpu_s_per_gb, series.cpu_missing);
  json[prefix + "system_share"] = median_or_null(series.system_share);
  if (prefix.empty()) {
    json["bytes_per_send"] = median_or_null(series.bytes_per_send);
    json["iovecs_per_send"] = median_or_null(series.iovecs_per_send);
    json["player_skips"] = median_or_null(series.player_skips);
  }
  json[prefix + "delivered_gbps"] = median_or_null(series.delivered_gbps);
  json[prefix + "players_kept_up"] = median_or_null(series.kept_up);
  json[prefix + "players_playing"] = median_or_null(series.playing);
  json[prefix + "drops"] = median_or_null(series.drops);
  json[prefix + "load_core_cpu"] = median_or_null(series.generator_cpu);
  json[prefix + "publisher_mbps"] = median_or_null(series.publisher_mbps);
}

int run_rtmp_fanout(const RtmpFanoutOptions& options) {
  if (options.nginx_only && options.ringcast_only) {
    throw std::invalid_argument("--nginx-only and --ringcast-only exclude each other");
  }
  if (options.cores.size() != 1) {
    throw std::invalid_argument("--cores takes one server core (both servers run on one core)");
  }
  const cpu_set_t original_affinity = [] {
    cpu_set_t cpus;
    CPU_ZERO(&cpus);
    sched_getaffinity(0, sizeof cpus, &cpus);
    return cpus;
  }();
  const int server_core = options.cores.front();
  if (server_core < 0 || server_core >= CPU_SETSIZE ||
      !CPU_ISSET(server_core, &original_affinity)) {
    throw std::invalid_argument("--cores: core " + std::to_string(server_core) + " is not allowed");
  }
  int load_core = -1;
  for (int core = 0; core < CPU_SETSIZE && load_core < 0; ++core) {
    if (core != server_core && CPU_ISSET(core, &original_affinity)) {
      load_core = core;
    }
  }
  if (load_core < 0) {
    throw std::invalid_argument("no allowed core is left for the players");
  }
  raise_descriptor_limit(options.players);
  const fs::path bin = fs::canonical("/proc/self/exe").parent_path();
  const fs::path input_path = ensure_input(options, bin, original_affinity);
  // The bench's own threads stay off the server core from here on.
  const cpu_set_t own = single_core(load_core);
  sched_setaffinity(0, sizeof own, &own);

  const rtmp::FlvFile input = rtmp::load_flv(input_path);
  const rtmp::FlvLoop loop(input);
  std::vector<Server> servers;
  if (!options.nginx_only) {
    servers.push_back(Server::kRingcast);
  }
  if (!options.ringcast_only) {
    servers.push_back(Server::kNginx);
  }
  std::printf(
      "rtmp-fanout: %u players of %s (%.0f kbit/s of media, %.1f s loop), server core %d, load "
      "core %d, %u run(s) of %.1f s + %.1f s warm-up\n",
      options.players, input_path.filename().c_str(), loop.media_bits_per_second() / 1000,
      double(loop.period_ms()) / 1000, server_core, load_core, options.runs, options.seconds,
      options.warmup);
  std::fflush(stdout);

  TempDir temp;
  Series ringcast, nginx;
  std::vector<double> paired_ratios;
  std::string note;
  bool ringcast_unavailable = false;
  for (uint32_t run = 1; run <= options.runs; ++run) {
    std::optional<double> ringcast_cpu;
    for (Server server : servers) {
      if (server == Server::kRingcast && ringcast_unavailable) {
        continue;
      }
      RunFigures figures;
      try {
        figures = run_once(server, options, input, load_core, original_affinity, bin, temp, run);
      } catch (const std::exception& error) {
        // Without --ringcast-only a data plane that cannot serve RTMP does not hide nginx's
        // figures: its keys are null and `note` says why.
        if (server == Server::kRingcast && !options.ringcast_only) {
          note = std::string("ringcast: ") + error.what();
          std::printf("run %u ringcast  unavailable: %s\n", run, error.what());
          ringcast_unavailable = true;
          continue;
        }
        throw;
      }
      print_run(server, run, figures);
      (server == Server::kRingcast ? ringcast : nginx).add(figures);
      if (server == Server::kRingcast) {
        ringcast_cpu = figures.cpu_s_per_gb();
      } else if (ringcast_cpu && figures.cpu_s_per_gb()) {
        paired_ratios.push_back(*ringcast_cpu / *figures.cpu_s_per_gb());
      }
    }
  }

  nlohmann::json json;
  json["benchmark"] = "rtmp-fanout";
  json["players"] = options.players;
  json["bitrate_kbps"] = options.bitrate_kbps;
  json["media_kbps"] = loop.media_bits_per_second() / 1000;
  json["runs"] = options.runs;
  json["seconds"] = options.seconds;
  json["warmup"] = options.warmup;
  json["server_core"] = server_core;
  json["load_core"] = load_core;
  json["keep_up_ratio"] = rtmp::kKeepUpRatio;
  json["gap_ms"] = options.gap_ms;
  put_series(json, "", ringcast);
  put_series(json, "nginx_", nginx);
  const nlohmann::json& ours = json["cpu_s_per_gb"];
  const nlohmann::json& theirs = json["nginx_cpu_s_per_gb"];
  json["ratio_vs_nginx"] = ours.is_number() && theirs.is_number() && theirs.get<double>() > 0
                               ? nlohmann::json(ours.get<double>() / theirs.get<double>())
                               : nlohmann::json(nullptr);
  json["ratio_vs_nginx_paired_median"] =
      paired_ratios.empty() ? nlohmann::json(nullptr) : nlohmann::json(median(paired_ratios));
  json["note"] = note;

  auto show = [&](const char* key) {
    const nlohmann::json& value = json[key];
    return value.is_null() ? std::string("n/a") : value.dump();
  };
  std::printf(
      "median of %u: ringcast %s s/GB, %s Gbit/s, %s kept up, %s drops; nginx %s s/GB, %s "
      "Gbit/s, %s kept up, %s drops; ratio %s\n",
      options.runs, show("cpu_s_per_gb").c_str(), show("delivered_gbps").c_str(),
      show("players_kept_up").c_str(), show("drops").c_str(), show("nginx_cpu_s_per_gb").c_str(),
      show("nginx_delivered_gbps").c_str(), show("nginx_players_kept_up").c_str(),
      show("nginx_drops").c_str(), show("ratio_vs_nginx").c_str());
  if (options.json) {
    std::printf("%s\n", json.dump().c_str());
  }
  return 0;
}

SubcommandRun setup_rtmp_fanout(CLI::App& command) {
  auto options = std::make_shared<RtmpFanoutOptions>();
  command.add_option("--players", options->players, "Players of the one published stream")
      ->check(CLI::Range(1u, 20000u));
  command
      .add_option("--bitrate", options->bitrate_kbps,
                  "Stream bitrate in kbit/s (video + 128 kbit/s audio) of the encoded input")
      ->check(CLI::Range(300u, 50000u));
  command.add_option("--seconds", options->seconds, "Measurement window per run")
      ->check(CLI::Range(1.0, 600.0));
  command.add_option("--warmup", options->warmup, "Unmeasured seconds after the ramp-up")
      ->check(CLI::Range(0.0, 60.0));
  command.add_option("--runs", options->runs, "Runs per server, interleaved; medians are reported")
      ->check(CLI::Range(1u, 50u));
  command
      .add_option("--cores", options->cores,
                  "The server core (both servers); players and publisher take the first other "
                  "allowed core")
      ->delimiter(',');
  command
      .add_option("--concurrency", options->concurrency,
                  "Players between connect and Play.Start at a time during ramp-up")
      ->check(CLI::Range(1u, 4096u));
  command.add_option("--ramp-timeout", options->ramp_timeout, "Longest ramp-up, seconds")
      ->check(CLI::Range(1.0, 600.0));
  command
      .add_option("--gap-ms", options->gap_ms,
                  "A forward timestamp step above this (per media type) is a drop")
      ->check(CLI::Range(1u, 60000u));
  command.add_option("--input", options->input, "Use this FLV file instead of encoding one")
      ->check(CLI::ExistingFile);
  command.add_option("--nginx", options->nginx, "nginx binary");
  command.add_option("--nginx-module", options->nginx_module, "ngx_rtmp_module.so to load");
  command.add_option("--ffmpeg", options->ffmpeg, "ffmpeg binary that encodes the input");
  command.add_flag("--nginx-only", options->nginx_only, "Measure only nginx-rtmp");
  command.add_flag("--ringcast-only", options->ringcast_only, "Measure only ringcast");
  command.add_flag("--json", options->json, "Print one JSON object as the last line");
  return [options] { return run_rtmp_fanout(*options); };
}

const SubcommandRegistration kRegistration{
    {"rtmp-fanout", "RTMP fan-out: server CPU per delivered GB, ringcast vs nginx-rtmp",
     &setup_rtmp_fanout}};

}  // namespace
}  // namespace ringcast::bench
