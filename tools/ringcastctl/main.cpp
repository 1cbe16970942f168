// ringcastctl: talks to a running ringcast-dataplane over its control socket.
//
//   ringcastctl --socket var/dataplane.sock info [--json]
//   ringcastctl --socket var/dataplane.sock stats [--json]
#include <cstdio>
#include <map>
#include <string>

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "control_client.hpp"

namespace {

namespace pb = ringcast::control;
using nlohmann::json;

constexpr int kExitFailure = 1;

json node_info_json(const pb::NodeInfo& info) {
  json shards = json::array();
  for (const pb::ShardInfo& shard : info.shards()) {
    shards.push_back(
        {{"index", shard.index()},
         {"core", shard.core()},
         {"udp_port", shard.udp_port()},
         {"ring_features", json(std::vector<std::string>(shard.ring_features().begin(),
                                                         shard.ring_features().end()))}});
  }
  return {{"version", info.version()},           {"pid", info.pid()},
          {"listen_ip", info.listen_ip()},       {"announced_ip", info.announced_ip()},
          {"srtp_backend", info.srtp_backend()}, {"shards", shards}};
}

void print_node_info(const pb::NodeInfo& info) {
  fmt::print("ringcast-dataplane {} (pid {}), srtp backend {}\n", info.version(), info.pid(),
             info.srtp_backend());
  fmt::print("listen {}  announced {}\n", info.listen_ip(), info.announced_ip());
  fmt::print("{:>5}  {:>4}  {:>8}  {}\n", "shard", "core", "udp_port", "ring features");
  for (const pb::ShardInfo& shard : info.shards()) {
    std::string features;
    for (const std::string& feature : shard.ring_features()) {
      features += (features.empty() ? "" : ", ") + feature;
    }
    fmt::print("{:>5}  {:>4}  {:>8}  {}\n", shard.index(), shard.core(), shard.udp_port(),
               features);
  }
}

json stats_json(const pb::Stats& stats) {
  json shards = json::array();
  for (const pb::ShardStats& shard : stats.shards()) {
    // Sorted so output is stable between runs.
    std::map<std::string, uint64_t> counters(shard.counters().begin(), shard.counters().end());
    shards.push_back({{"index", shard.index()}, {"counters", counters}});
  }
  return {{"shards", shards}};
}

void print_stats(const pb::Stats& stats) {
  std::map<std::string, std::vector<uint64_t>> rows;
  for (const pb::ShardStats& shard : stats.shards()) {
    for (const auto& [name, value] : shard.counters()) {
      auto& row = rows[name];
      row.resize(static_cast<size_t>(stats.shards_size()), 0);
      row[shard.index()] = value;
    }
  }
  fmt::print("{:<32}", "counter");
  for (const pb::ShardStats& shard : stats.shards()) {
    fmt::print("{:>16}", fmt::format("shard {}", shard.index()));
  }
  fmt::print("\n");
  for (const auto& [name, values] : rows) {
    fmt::print("{:<32}", name);
    for (uint64_t value : values) {
      fmt::print("{:>16}", value);
    }
    fmt::print("\n");
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"ringcastctl: inspect and drive a ringcast data plane"};
  std::string socket_path = "var/dataplane.sock";
  bool as_json = false;
  app.add_option("--socket", socket_path, "the data plane's control socket")->capture_default_str();
  app.add_flag("--json", as_json, "print JSON for scripts");
  app.require_subcommand(1);
  CLI::App* info = app.add_subcommand("info", "node facts: shards, cores, ports, ring features");
  CLI::App* stats = app.add_subcommand("stats", "counters of every shard");
  for (CLI::App* command : {info, stats}) {
    command->add_flag("--json", as_json, "print JSON for scripts");
  }
  CLI11_PARSE(app, argc, argv);

  try {
    ringcast::proto::ControlClient client(socket_path, "ringcastctl");
    pb::Request request;
    if (info->parsed()) {
      request.mutable_get_node_info();
    } else {
      request.mutable_get_stats();
    }
    const pb::Response response = client.call(request);
    if (response.has_error()) {
      fmt::print(stderr, "ringcastctl: {}\n", response.error().reason());
      return kExitFailure;
    }
    if (info->parsed()) {
      as_json ? fmt::print("{}\n", node_info_json(response.node_info()).dump(2))
              : print_node_info(response.node_info());
    } else {
      as_json ? fmt::print("{}\n", stats_json(response.stats()).dump(2))
              : print_stats(response.stats());
    }
  } catch (const ringcast::proto::ControlClientError& error) {
    fmt::print(stderr, "ringcastctl: {}\n", error.what());
    return kExitFailure;
  }
  return 0;
}
