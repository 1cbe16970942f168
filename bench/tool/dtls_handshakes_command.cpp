// `ringcast-bench dtls-handshakes`: how many WebRTC sessions one shard can set up per second, and
// what each costs it. The data plane runs with one shard on the server core; N WebRtcTransports
// are created and connected through the control socket (the client's ICE credentials and
// certificate fingerprint, the client as the DTLS client); then, from the bench's thread on
// another core, each transport gets what a browser sends: a connectivity check with USE-CANDIDATE,
// and once it is answered a DTLS-SRTP handshake as the client (sfu::WebRtcClient), with K in
// progress at a time. Measured over the handshake phase only: completed handshakes per second,
// server CPU per handshake (/proc/PID/stat), the client's own CPU, and GetStats'
// dtls_handshakes_completed as a cross-check. See docs/benchmarks.md.
#include <sched.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "control_client.hpp"
#include "net/socket.hpp"
#include "rtc/srtp_suite.hpp"
#include "sfu/webrtc_client.hpp"
#include "tool/dataplane_process.hpp"
#include "tool/measure.hpp"
#include "tool/subcommand_registry.hpp"

namespace ringcast::bench {
namespace {

namespace fs = std::filesystem;

struct HandshakeOptions {
  uint32_t transports = 2000;
  uint32_t concurrency = 32;
  uint32_t runs = 3;
  int core = 0;
  std::string suite = "gcm";
  double timeout = 120;
  bool json = false;
};

struct HandshakeRun {
  uint32_t completed = 0;
  uint32_t failed = 0;  // failed or unfinished at the deadline
  double seconds = 0;   // first check sent to last handshake done
  double handshakes_per_s = 0;
  std::optional<double> server_cpu_ms;
  std::optional<double> server_run_delay_ms;
  double client_cpu_ms = 0;
  double setup_p50_ms = 0;  // per session: check sent to handshake done
  double setup_p99_ms = 0;
  uint64_t counted_completed = 0;  // GetStats dtls_handshakes_completed over the phase
  uint64_t counted_failed = 0;
  uint64_t stun_answered = 0;
  std::string first_failure;

  std::optional<double> server_cpu_ms_per_handshake() const {
    if (!server_cpu_ms || completed == 0) {
      return std::nullopt;
    }
    return *server_cpu_ms / completed;
  }
};

double percentile(std::vector<double> values, double fraction) {
  if (values.empty()) {
    return 0;
  }
  std::sort(values.begin(), values.end());
  const size_t rank = static_cast<size_t>(fraction * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(rank, values.size() - 1)];
}

uint64_t delta(const std::map<std::string, uint64_t>& before,
               const std::map<std::string, uint64_t>& after, const char* name) {
  const auto a = after.find(name);
  const auto b = before.find(name);
  return (a == after.end() ? 0 : a->second) - (b == before.end() ? 0 : b->second);
}

HandshakeRun run_once(const HandshakeOptions& options, rtc::SrtpSuite suite,
                      const cpu_set_t& affinity, const fs::path& bin,
                      sfu::WebRtcClientIdentity& identity, std::mt19937_64& random) {
  TempDir temp("ringcast-dtls-handshakes");
  DataplaneProcess dataplane(bin, {options.core}, affinity, temp.path());
  try {
    proto::ControlClient client(dataplane.socket(), "ringcast-bench dtls-handshakes");
    const std::string router_id = "dtls-handshakes-router";
    {
      control::Request request;
      request.mutable_create_router()->set_router_id(router_id);
      request.mutable_create_router()->set_shard(0);
      call_checked(client, request, "CreateRouter");
    }
    // One socket per session: the data plane tells WebRTC sessions apart by source address.
    std::vector<net::FileDescriptor> sockets;
    std::vector<std::unique_ptr<sfu::WebRtcClient>> clients;
    for (uint32_t i = 0; i < options.transports; ++i) {
      net::SocketResult socket = net::open_udp_socket("127.0.0.1", 0);
      if (!socket.ok()) {
        throw std::runtime_error("client socket: " + socket.error);
      }
      const std::string id = "dtls-handshakes-transport-" + std::to_string(i);
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
          std::string(identity.certificate->fingerprint_value()));
      // a=setup:active, as a browser answering our offer: the data plane is the DTLS server.
      fields->set_remote_role(control::DTLS_ROLE_CLIENT);
      call_checked(client, connect, "ConnectWebRtcTransport");
      clients.push_back(std::make_unique<sfu::WebRtcClient>(
          socket.fd.get(), ipv4(info.candidates(0).ip(), info.candidates(0).port()),
          *identity.context, std::move(credentials)));
      sockets.push_back(std::move(socket.fd));
    }

    const std::map<std::string, uint64_t> counters_before = shard_counters(client);
    const std::optional<double> cpu_before = process_cpu_us(dataplane.pid());
    const std::optional<double> delay_before = process_run_delay_us(dataplane.pid());
    const ClockSample client_start = sample_clocks();
    const sfu::ConnectSummary summary = sfu::connect_clients(
        clients, options.concurrency, static_cast<uint64_t>(options.timeout * 1000),
        [&](size_t index) { clients[index]->release_dtls(); });
    const Elapsed client_elapsed = elapsed_since(client_start);
    const std::optional<double> cpu_after = process_cpu_us(dataplane.pid());
    const std::optional<double> delay_after = process_run_delay_us(dataplane.pid());
    const std::map<std::string, uint64_t> counters_after = shard_counters(client);

    HandshakeRun result;
    result.completed = summary.connected;
    result.failed = summary.failed + summary.unfinished;
    result.seconds = double(summary.last_finish_ms - summary.first_start_ms) / 1e3;
    result.handshakes_per_s = result.seconds > 0 ? result.completed / result.seconds : 0;
    if (cpu_before && cpu_after) {
      result.server_cpu_ms = (*cpu_after - *cpu_before) / 1e3;
    }
    if (delay_before && delay_after) {
      result.server_run_delay_ms = (*delay_after - *delay_before) / 1e3;
    }
    result.client_cpu_ms = client_elapsed.cpu_us / 1e3;
    std::vector<double> setup_ms;
    for (const auto& webrtc_client : clients) {
      if (webrtc_client->state() == sfu::WebRtcClient::State::kConnected) {
        setup_ms.push_back(double(webrtc_client->finished_ms() - webrtc_client->started_ms()));
        if (webrtc_client->srtp_keys().suite != suite) {
          throw std::runtime_error("DTLS negotiated another SRTP suite than --suite");
        }
      } else if (result.first_failure.empty()) {
        result.first_failure =
            webrtc_client->failure().empty() ? "unfinished" : webrtc_client->failure();
      }
    }
    result.setup_p50_ms = percentile(setup_ms, 0.50);
    result.setup_p99_ms = percentile(setup_ms, 0.99);
    result.counted_completed = delta(counters_before, counters_after, "dtls_handshakes_completed");
    result.counted_failed = delta(counters_before, counters_after, "dtls_handshakes_failed");
    result.stun_answered = delta(counters_before, counters_after, "stun_requests_answered");
    clients.clear();
    dataplane.stop();
    return result;
  } catch (const std::exception& error) {
    throw std::runtime_error(std::string(error.what()) + "\ndata plane log:\n" +
                             dataplane.log_tail());
  }
}

int run_dtls_handshakes(const HandshakeOptions& options) {
  const std::optional<rtc::SrtpSuite> suite = rtc::srtp_suite_from_string(options.suite);
  if (!suite) {
    throw std::invalid_argument("--suite must be gcm or cm");
  }
  const cpu_set_t affinity = process_affinity();
  if (options.core < 0 || options.core >= CPU_SETSIZE || !CPU_ISSET(options.core, &affinity)) {
    throw std::invalid_argument("--core " + std::to_string(options.core) + " is not allowed");
  }
  // The client costs the server's order of CPU per handshake: it must not share its core. The
  // bench's thread takes the first other allowed core; the data plane gets the old affinity.
  int client_core = -1;
  for (int core = 0; core < CPU_SETSIZE && client_core < 0; ++core) {
    if (core != options.core && CPU_ISSET(core, &affinity)) {
      client_core = core;
    }
  }
  if (client_core < 0) {
    throw std::invalid_argument("no allowed core is left for the client");
  }
  cpu_set_t own;
  CPU_ZERO(&own);
  CPU_SET(client_core, &own);
  sched_setaffinity(0, sizeof own, &own);

  const fs::path bin = fs::canonical("/proc/self/exe").parent_path();
  std::mt19937_64 random(std::random_device{}());
  sfu::WebRtcClientIdentity identity(*suite);
  std::printf(
      "dtls-handshakes: %u WebRTC transports on one shard (core %d), client on core %d with %u "
      "in progress, %s, %u run(s)\n",
      options.transports, options.core, client_core, options.concurrency, options.suite.c_str(),
      options.runs);
  std::fflush(stdout);

  std::vector<double> rates, server_ms, client_ms, p50, p99, delays;
  uint64_t failed = 0;
  bool counters_agree = true;
  for (uint32_t run = 1; run <= options.runs; ++run) {
    const HandshakeRun result = run_once(options, *suite, affinity, bin, identity, random);
    const std::optional<double> per_handshake = result.server_cpu_ms_per_handshake();
    const double client_per_handshake =
        result.completed > 0 ? result.client_cpu_ms / result.completed : 0;
    std::printf(
        "run %u: %u handshakes in %.3f s = %.0f /s, server cpu %s ms/handshake, client cpu "
        "%.3f ms/handshake (%.0f%% of its core), setup p50 %.0f ms p99 %.0f ms, failed %u%s%s, "
        "GetStats completed %llu failed %llu stun answered %llu, server waiting for a core %s "
        "ms\n",
        run, result.completed, result.seconds, result.handshakes_per_s,
        per_handshake ? std::to_string(*per_handshake).c_str() : "n/a", client_per_handshake,
        result.seconds > 0 ? 100.0 * result.client_cpu_ms / (result.seconds * 1e3) : 0.0,
        result.setup_p50_ms, result.setup_p99_ms, result.failed,
        result.first_failure.empty() ? "" : ": ", result.first_failure.c_str(),
        static_cast<unsigned long long>(result.counted_completed),
        static_cast<unsigned long long>(result.counted_failed),
        static_cast<unsigned long long>(result.stun_answered),
        result.server_run_delay_ms ? std::to_string(*result.server_run_delay_ms).c_str() : "n/a");
    std::fflush(stdout);
    rates.push_back(result.handshakes_per_s);
    if (per_handshake) {
      server_ms.push_back(*per_handshake);
    }
    client_ms.push_back(client_per_handshake);
    p50.push_back(result.setup_p50_ms);
    p99.push_back(result.setup_p99_ms);
    if (result.server_run_delay_ms) {
      delays.push_back(*result.server_run_delay_ms);
    }
    failed += result.failed;
    counters_agree = counters_agree && result.counted_completed == result.completed;
  }

  auto median_or_null = [](const std::vector<double>& values) {
    return values.empty() ? nlohmann::json(nullptr) : nlohmann::json(median(values));
  };
  nlohmann::json json;
  json["benchmark"] = "dtls-handshakes";
  json["transports"] = options.transports;
  json["concurrency"] = options.concurrency;
  json["runs"] = options.runs;
  json["suite"] = options.suite;
  json["server_core"] = options.core;
  json["client_core"] = client_core;
  json["handshakes_per_s"] = median_or_null(rates);
  json["server_cpu_ms_per_handshake"] = median_or_null(server_ms);
  json["client_cpu_ms_per_handshake"] = median_or_null(client_ms);
  json["setup_p50_ms"] = median_or_null(p50);
  json["setup_p99_ms"] = median_or_null(p99);
  json["server_run_delay_ms"] = median_or_null(delays);
  json["failed"] = failed;
  json["stats_agree"] = counters_agree;
  std::printf(
      "median of %u: %s handshakes/s, server cpu %s ms/handshake, client cpu %s ms/handshake, "
      "failed %llu, GetStats agrees: %s\n",
      options.runs, json["handshakes_per_s"].dump().c_str(),
      json["server_cpu_ms_per_handshake"].dump().c_str(),
      json["client_cpu_ms_per_handshake"].dump().c_str(), static_cast<unsigned long long>(failed),
      counters_agree ? "yes" : "no");
  if (options.json) {
    std::printf("%s\n", json.dump().c_str());
  }
  return failed == 0 && counters_agree ? 0 : 1;
}

SubcommandRun setup_dtls_handshakes(CLI::App& command) {
  auto options = std::make_shared<HandshakeOptions>();
  command.add_option("--transports", options->transports, "WebRTC transports (sessions) per run")
      ->check(CLI::Range(1u, 10000u));
  command.add_option("--concurrency", options->concurrency, "Handshakes in progress at once")
      ->check(CLI::Range(1u, 1024u));
  command.add_option("--runs", options->runs, "Runs; medians are reported")
      ->check(CLI::Range(1u, 100u));
  command.add_option("--core", options->core, "The data plane's one shard core");
  command.add_option("--suite", options->suite, "SRTP suite the client offers: gcm or cm")
      ->check(CLI::IsMember({"gcm", "cm"}));
  command.add_option("--timeout", options->timeout, "Seconds a run's handshakes may take")
      ->check(CLI::Range(1.0, 600.0));
  command.add_flag("--json", options->json, "Print one JSON object as the last line");
  return [options] { return run_dtls_handshakes(*options); };
}

const SubcommandRegistration kRegistration{
    {"dtls-handshakes", "WebRTC session setup (ICE + DTLS-SRTP) per second on one shard",
     &setup_dtls_handshakes}};

}  // namespace
}  // namespace ringcast::bench
