#pragma once

#include <functional>
#include <vector>

namespace CLI {
class App;
}

namespace ringcast::bench {

// What a subcommand runs once the command line is parsed; returns the process exit code.
using SubcommandRun = std::function<int()>;

// A subcommand of ringcast-bench. `setup` adds the subcommand's options to `command` and returns
// the function to run if the user picked it (the options are bound to state that function owns).
struct Subcommand {
  const char* name;
  const char* description;
  SubcommandRun (*setup)(CLI::App& command);
};

// Each benchmark file registers itself at namespace scope:
//   const SubcommandRegistration kRegistration{{"srtp", "SRTP cost per packet", &setup_srtp}};
// so a new subcommand is a new file and nothing else: the executable globs bench/tool/*.cpp, and
// objects of an executable (unlike a static library's) are always linked in.
class SubcommandRegistration {
 public:
  explicit SubcommandRegistration(Subcommand subcommand);
};

// Every registered subcommand, sorted by name so that --help is stable.
std::vector<Subcommand> registered_subcommands();

}  // namespace ringcast::bench
