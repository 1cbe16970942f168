// ringcast-bench: the project's end-to-end benchmarks, one subcommand each. Every subcommand
// prints a human summary, or with --json a last line holding one JSON object (docs/benchmarks.md).
#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <utility>
#include <vector>

#include "tool/subcommand_registry.hpp"

int main(int argc, char** argv) {
  CLI::App app{"ringcast-bench: end-to-end benchmarks of ringcast (see docs/benchmarks.md)"};
  app.require_subcommand(1);

  std::vector<std::pair<CLI::App*, ringcast::bench::SubcommandRun>> commands;
  for (const ringcast::bench::Subcommand& subcommand : ringcast::bench::registered_subcommands()) {
    CLI::App* command = app.add_subcommand(subcommand.name, subcommand.description);
    commands.emplace_back(command, subcommand.setup(*command));
  }

  CLI11_PARSE(app, argc, argv);

  for (auto& [command, run] : commands) {
    if (command->parsed()) {
      try {
        return run();
      } catch (const std::exception& error) {
        std::fprintf(stderr, "ringcast-bench %s: %s\n", command->get_name().c_str(), error.what());
        return 1;
      }
    }
  }
  return 1;
}
