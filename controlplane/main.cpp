// ringcast-controlplane: signaling, rooms, auth and node placement. See docs/controlplane.md.
#include <cstdio>
#include <exception>
#include <optional>
#include <string>

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <boost/system/system_error.hpp>

#include "app/application.hpp"
#include "config/config_error.hpp"
#include "config/controlplane_config.hpp"
#include "log/log.hpp"

namespace {

namespace config = ringcast::controlplane::config;

// Anything else that stops the process from starting or keeps it from running.
constexpr int kExitStartupFailure = 1;
// A bad flag, a bad config file or a listen address that cannot be bound: retrying the same
// command cannot help. Same as the data plane.
constexpr int kExitConfigError = 2;

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"ringcast-controlplane: signaling, rooms and node placement for ringcast"};
  std::string config_path;
  std::string listen_flag;
  cli.add_option("--config", config_path,
                 "TOML configuration file ([controlplane] section; embedded defaults without it)");
  cli.add_option("--listen", listen_flag,
                 "HOST:PORT for HTTP, overriding [controlplane] listen (port 0: any free port)");
  cli.set_version_flag("--version", RINGCAST_VERSION);
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // --help and --version are reported as "errors" that exit 0.
    return cli.exit(error) == 0 ? 0 : kExitConfigError;
  }

  config::ControlplaneConfig settings;
  try {
    if (!config_path.empty()) {
      settings = config::load_controlplane_config(config_path);
    }
    if (!listen_flag.empty()) {
      try {
        settings.listen = config::ListenAddress::parse(listen_flag);
      } catch (const config::ConfigError& error) {
        throw config::ConfigError(fmt::format("--listen: {}", error.what()));
      }
    }
  } catch (const config::ConfigError& error) {
    fmt::print(stderr, "ringcast-controlplane: configuration error: {}\n", error.what());
    return kExitConfigError;
  }

  ringcast::controlplane::log::setup(settings.log_format);
  std::optional<ringcast::controlplane::app::Application> application;
  try {
    application.emplace(settings, RINGCAST_VERSION);
  } catch (const boost::system::system_error& error) {
    // The address is in use or not on this host: like any bad setting, retrying cannot help.
    ringcast::controlplane::log::error(
        "configuration error", {{"key", listen_flag.empty() ? "controlplane.listen" : "--listen"},
                                {"listen", settings.listen.to_string()},
                                {"error", error.code().message()}});
    return kExitConfigError;
  } catch (const std::exception& error) {
    ringcast::controlplane::log::error("cannot start", {{"error", error.what()}});
    return kExitStartupFailure;
  }

  const auto endpoint = application->http_endpoint();
  // The one line on stdout, for scripts and tests that start the process on port 0.
  fmt::print("listening http {}\n",
             config::ListenAddress{endpoint.address().to_string(), endpoint.port()}.to_string());
  std::fflush(stdout);
  try {
    return application->run();
  } catch (const std::exception& error) {
    ringcast::controlplane::log::error("failed", {{"error", error.what()}});
    return kExitStartupFailure;
  }
}
