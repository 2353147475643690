#pragma once
// qualbar's subcommands: each is one file that registers itself here; run_command_line()
// (cli/command_line.hpp) adds them all.

#include <functional>
#include <string>

#include "cli/command_line.hpp"
#include "qualbar/core/registry.hpp"

namespace qb::cli {

// Options every command shares.
struct Globals {
  bool no_color = false;
};

struct CommandEntry {
  std::string name;
  int order = 0;  // position in --help
  // Adds its options to `sub` and returns the action run when the command is chosen; the
  // action returns the exit code.
  std::function<std::function<int()>(Command& sub, const Globals& globals)> setup;
};

Registry<CommandEntry>& command_registry();

struct CommandRegistrar {
  explicit CommandRegistrar(CommandEntry e) { command_registry().add(std::move(e)); }
};

}  // namespace qb::cli
