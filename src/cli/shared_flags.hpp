#pragma once
// The flags several commands share, declared once: a command adds them from here, so each has
// one name, one environment variable and one help text everywhere (docs/cli.md, "Shared flags";
// `qualbar list flags`). A command's own flags stay in its file.

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cli/command_line.hpp"

namespace qb::cli {

struct SharedFlag {
  std::string_view names;  // as CLI11 takes them: "-f,--format"
  std::string_view env;    // the environment variable it falls back to; empty: none
  std::string_view help;
};
// Every shared flag, in the order docs/cli.md lists them.
std::span<const SharedFlag> shared_flags();

// --store PATH ($QUALBAR_STORE).
Option* add_store_option(Command& sub, std::string& into);

// --wide, for a command that prints to the terminal without --format.
Option* add_wide_flag(Command& sub, bool& into);
// --dir FOLDER, for a command that writes a folder of files.
Option* add_dir_option(Command& sub, std::string& into);
// --no-color ($NO_COLOR), taken by every command.
const SharedFlag& no_color_flag();

// Output flags: --format for stdout, --out FORMAT=PATH (repeatable) for files, --quiet.
struct OutputOptions {
  std::string format = "terminal";
  std::vector<std::string> outs;
  bool quiet = false;
  bool wide = false;  // terminal output at full width
};
// The columns terminal output fits: none with --wide (0), else $COLUMNS, the terminal's width,
// or 80.
std::size_t terminal_columns(const OutputOptions& o);
// `formats` names what --format and --out take, for the help ("terminal, json or html").
void add_output_options(Command& sub, OutputOptions& o, const std::string& formats);

// A command's result in one named format; `color` only for the terminal on a colour terminal.
struct Rendering {
  std::string name;
  std::function<std::string(bool color)> render;
};
// Checks --format and every --out against the format names before any work is done: an unknown
// name, or an --out that is not FORMAT=PATH, is a usage error (exit 2), never a file name.
void check_outputs(const OutputOptions& o, const std::vector<std::string>& formats);
// The path of an --out that takes one format only ("jsonl=cases.jsonl"), checked as above.
std::string single_output(const std::string& spec, const std::string& format);
// Writes every --out file (atomically, without colour) and prints --format on stdout unless
// --quiet.
void emit_outputs(const OutputOptions& o, const std::vector<Rendering>& formats, bool color);

}  // namespace qb::cli
