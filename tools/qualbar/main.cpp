// qualbar: the command-line entry. Commands live in src/cli/, one file each.
#include <algorithm>
#include <iostream>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "qualbar/core/error.hpp"
#include "qualbar/util/text.hpp"
#include "qualbar/version.hpp"

int main(int argc, char** argv) {
  using namespace qb;
  CLI::App app{
      "qualbar measures the quality of an AI feature on several named dimensions, per slice, with "
      "honest intervals, and says in its exit code whether the bars are met.\n"
      "Exit codes: 0 every bar met, 1 a bar missed, 2 bad usage or input, 3 the run itself "
      "failed.\n"
      "Start with: qualbar demo",
      "qualbar"};
  app.set_version_flag("--version", std::string("qualbar ") + kVersion);
  app.require_subcommand(1);
  app.fallthrough();  // global options such as --no-color may follow the command
  cli::Globals globals;
  app.add_flag("--no-color", globals.no_color,
               "Never colour the output (NO_COLOR is honoured too)");

  auto entries = cli::command_registry().entries();
  std::sort(entries.begin(), entries.end(), [](auto* a, auto* b) { return a->order < b->order; });
  std::function<int()> action;
  for (const auto* e : entries) {
    CLI::App* sub = app.add_subcommand(e->name);
    auto act = e->setup(*sub, globals);
    sub->callback([&action, act] { action = act; });
  }

  // An unknown command gets a suggestion rather than CLI11's "A subcommand is required".
  if (argc > 1 && argv[1][0] != '-' && !cli::command_registry().find(argv[1])) {
    std::vector<std::string> names;
    for (const auto* e : entries) names.push_back(e->name);
    std::string message = fmt::format("unknown command '{}'.", argv[1]);
    if (auto guess = detail::closest_name(argv[1], names); !guess.empty())
      message += fmt::format(" Did you mean '{}'?", guess);
    std::cerr << "qualbar: error: " << message
              << fmt::format(" Commands: {}. See qualbar --help\n", fmt::join(names, ", "));
    return static_cast<int>(ExitCode::input_error);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : static_cast<int>(ExitCode::input_error);
  }
  try {
    return action ? action() : 0;
  } catch (const Error& e) {
    // Messages quote data (ids, excerpts): no escape sequence of theirs reaches the terminal.
    std::cerr << "qualbar: error: " << display_text(e.what()) << '\n';
    return static_cast<int>(e.code());
  } catch (const std::exception& e) {
    std::cerr << "qualbar: internal error: " << display_text(e.what())
              << "\nPlease report this with the command you ran.\n";
    return static_cast<int>(ExitCode::run_failed);
  }
}
