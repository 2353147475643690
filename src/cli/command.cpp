#include "cli/command.hpp"

namespace qb::cli {

Registry<CommandEntry>& command_registry() {
  static Registry<CommandEntry> registry("command");
  return registry;
}

}  // namespace qb::cli
