#include "tool/subcommand_registry.hpp"

#include <algorithm>
#include <cstring>

namespace ringcast::bench {
namespace {

// A function-local static, so registrations from other files' static initializers find it
// constructed whatever the initialization order.
std::vector<Subcommand>& registry() {
  static std::vector<Subcommand> subcommands;
  return subcommands;
}

}  // namespace

SubcommandRegistration::SubcommandRegistration(Subcommand subcommand) {
  registry().push_back(subcommand);
}

std::vector<Subcommand> registered_subcommands() {
  std::vector<Subcommand> sorted = registry();
  std::sort(sorted.begin(), sorted.end(), [](const Subcommand& a, const Subcommand& b) {
    return std::strcmp(a.name, b.name) < 0;
  });
  return sorted;
}

}  // namespace ringcast::bench
