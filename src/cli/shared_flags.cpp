#include "cli/shared_flags.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <iostream>

#include <fmt/format.h>

#include "qualbar/core/error.hpp"
#include "qualbar/core/registry.hpp"
#include "qualbar/util/files.hpp"

namespace qb::cli {
namespace {

constexpr SharedFlag kStore{
    "--store", "QUALBAR_STORE",
    "Store file (default: $QUALBAR_STORE, else the suite's `store` when the command reads a suite, "
    "else .qualbar/qualbar.db)"};
constexpr SharedFlag kFormat{"-f,--format", "QUALBAR_FORMAT", "How to print the result on stdout"};
constexpr SharedFlag kOut{"-o,--out", "",
                          "Also write FORMAT=PATH, e.g. --out json=result.json (repeatable)"};
constexpr SharedFlag kQuiet{"-q,--quiet", "",
                            "Print nothing on stdout (the exit code still tells pass or fail)"};
constexpr SharedFlag kWide{"--wide", "",
                           "Print terminal output at full width (by default it fits $COLUMNS, "
                           "the terminal's width, or 80 columns when neither is known)"};
constexpr SharedFlag kDir{"--dir", "",
                          "Folder for the files (an existing file is never overwritten)"};
constexpr SharedFlag kNoColor{"--no-color", "NO_COLOR", "Never colour the output"};
constexpr std::array kShared{kStore, kFormat, kOut, kQuiet, kWide, kDir, kNoColor};

std::string str(std::string_view s) { return std::string(s); }

// "--out 'html=cmp.html'"'s format, checked against the names: the closest one suggested.
void check_name(const std::string& name, const std::vector<std::string>& formats,
                const std::string& where) {
  if (std::find(formats.begin(), formats.end(), name) != formats.end()) return;
  std::string message = fmt::format("{}: unknown format '{}'.", where, name);
  if (auto guess = detail::closest_name(name, formats); !guess.empty())
    message += fmt::format(" Did you mean '{}'?", guess);
  throw InputError(fmt::format("{} This command writes: {}", message, fmt::join(formats, ", ")));
}

}  // namespace

std::span<const SharedFlag> shared_flags() { return kShared; }

Option* add_store_option(Command& sub, std::string& into) {
  return sub.add_option(str(kStore.names), into, str(kStore.help))->envname(str(kStore.env));
}

Option* add_wide_flag(Command& sub, bool& into) {
  return sub.add_flag(str(kWide.names), into, str(kWide.help));
}

Option* add_dir_option(Command& sub, std::string& into) {
  return sub.add_option(str(kDir.names), into, str(kDir.help));
}

const SharedFlag& no_color_flag() { return kNoColor; }

void add_output_options(Command& sub, OutputOptions& o, const std::string& formats) {
  sub.add_option(str(kFormat.names), o.format, fmt::format("{}: {}", kFormat.help, formats))
      ->default_val("terminal")
      ->envname(str(kFormat.env));
  sub.add_option(str(kOut.names), o.outs, str(kOut.help));
  sub.add_flag(str(kQuiet.names), o.quiet, str(kQuiet.help));
  add_wide_flag(sub, o.wide);
}

std::size_t terminal_columns(const OutputOptions& o) {
  if (o.wide) return 0;
  if (const char* env = std::getenv("COLUMNS"); env != nullptr) {
    char* end = nullptr;
    const long n = std::strtol(env, &end, 10);
    if (end != env && *end == '\0' && n > 0) return static_cast<std::size_t>(n);
  }
  winsize size{};
  if (::isatty(STDOUT_FILENO) != 0 && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 &&
      size.ws_col > 0)
    return size.ws_col;
  return 80;
}

void check_outputs(const OutputOptions& o, const std::vector<std::string>& formats) {
  const char* env = std::getenv(std::string(kFormat.env).c_str());
  check_name(o.format, formats,
             env != nullptr && o.format == env ? std::string(kFormat.env) : "--format");
  for (const auto& out : o.outs) {
    const auto eq = out.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == out.size()) {
      const bool json = std::find(formats.begin(), formats.end(), "json") != formats.end();
      const std::string example = json ? "json" : formats.front();
      const std::string path = eq == std::string::npos ? out : "result." + example;
      throw InputError(
          fmt::format("--out '{}' must be FORMAT=PATH, e.g. --out {}={}; this "
                      "command writes: {}",
                      out, example, path, fmt::join(formats, ", ")));
    }
    check_name(out.substr(0, eq), formats, fmt::format("--out '{}'", out));
  }
}

std::string single_output(const std::string& spec, const std::string& format) {
  OutputOptions o;
  o.format = format;
  o.outs = {spec};
  check_outputs(o, {format});
  return spec.substr(spec.find('=') + 1);
}

void emit_outputs(const OutputOptions& o, const std::vector<Rendering>& formats, bool color) {
  const auto find = [&](const std::string& name) -> const Rendering& {
    for (const auto& f : formats)
      if (f.name == name) return f;
    throw std::logic_error("emit_outputs: format '" + name + "' was not checked");
  };
  for (const auto& out : o.outs) {
    const auto eq = out.find('=');
    write_file_atomic(out.substr(eq + 1), find(out.substr(0, eq)).render(false));
  }
  if (o.quiet) return;
  std::cout << find(o.format).render(color && o.format == "terminal");
  std::cout.flush();
}

}  // namespace qb::cli
