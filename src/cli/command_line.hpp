#pragma once
// The command line as a command declares it: its options, flags and subcommands. CLI11 parses it
// behind this header (src/cli/command_line.cpp is the only file that includes CLI11), so the
// commands compile without it. The names follow CLI11's, so a command reads as CLI11 code does.

#include <cstddef>
#include <string>
#include <vector>

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace qb::cli {

class Parser;

// An option or flag, to refine after it was added. Owned by the parser.
class Option {
 public:
  explicit Option(CLI::Option* option) : option_(option) {}
  Option* default_val(const std::string& value);  // the value when not given, shown in --help
  Option* default_val(const char* value);
  Option* default_val(int value);
  Option* default_val(double value);
  Option* default_str(const std::string& shown);  // only shown in --help
  Option* envname(const std::string& variable);   // the environment variable it falls back to
  Option* required();
  Option* allowed(const std::vector<std::string>& values);  // anything else is a usage error

 private:
  CLI::Option* option_;
};

// A command (or a subcommand of one). Owned by the parser.
class Command {
 public:
  Command(CLI::App* app, Parser* parser) : app_(app), parser_(parser) {}
  void description(const std::string& text);
  void require_subcommand(int n);
  // A name without dashes is positional; "-f,--format" gives a short and a long name.
  Option* add_option(const std::string& name, std::string& into, const std::string& help);
  Option* add_option(const std::string& name, std::vector<std::string>& into,
                     const std::string& help);
  Option* add_option(const std::string& name, double& into, const std::string& help);
  Option* add_option(const std::string& name, int& into, const std::string& help);
  Option* add_option(const std::string& name, std::size_t& into, const std::string& help);
  Option* add_flag(const std::string& name, bool& into, const std::string& help);
  Command* add_subcommand(const std::string& name, const std::string& description);
  // This command was chosen on the command line (after parsing).
  [[nodiscard]] bool parsed() const;

 private:
  CLI::App* app_;
  Parser* parser_;
};

// Parses the command line with every registered command (cli/command.hpp) and runs the one
// chosen: its exit code, or 2 for a usage error (after printing it).
int run_command_line(int argc, char** argv);

}  // namespace qb::cli
