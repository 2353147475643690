// qualbar: the command-line entry. Commands live in src/cli/, one file each.
#include "cli/command_line.hpp"
#include "qualbar/util/huge_pages.hpp"

int main(int argc, char** argv) {
  qb::remember_start(argv);  // a big run starts again with huge pages (util/huge_pages.hpp)
  return qb::cli::run_command_line(argc, argv);
}
