#pragma once
// qualbar's subcommands: each is one file that registers itself here; main() adds them all.

#include <functional>
#include <string>

#include <CLI/CLI.hpp>

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
  std::function<std::function<int()>(CLI::App& sub, const Globals& globals)> setup;
};

Registry<CommandEntry>& command_registry();

struct CommandRegistrar {
  explicit CommandRegistrar(CommandEntry e) { command_registry().add(std::move(e)); }
};

}  // namespace qb::cli
