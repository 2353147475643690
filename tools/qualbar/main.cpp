// qualbar: the command-line entry. Commands live in src/cli/, one file each.
#include "cli/command_line.hpp"

int main(int argc, char** argv) { return qb::cli::run_command_line(argc, argv); }
