// The command line, parsed by CLI11: the only file that includes it (cli/command_line.hpp).
#include "cli/command_line.hpp"

#include <algorithm>
#include <deque>
#include <functional>
#include <iostream>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli/command.hpp"
#include "cli/shared_flags.hpp"
#include "qualbar/core/error.hpp"
#include "qualbar/util/text.hpp"
#include "qualbar/version.hpp"

namespace qb::cli {

// Owns the handles the commands are given, for as long as the command line lives.
class Parser {
 public:
  Option* keep(CLI::Option* o) { return &options_.emplace_back(o); }
  Command* keep(CLI::App* app) { return &commands_.emplace_back(app, this); }

 private:
  std::deque<Option> options_;
  std::deque<Command> commands_;
};

Option* Option::default_val(const std::string& value) {
  option_->default_val(value);
  return this;
}
Option* Option::default_val(const char* value) { return default_val(std::string(value)); }
Option* Option::default_val(int value) {
  option_->default_val(value);
  return this;
}
Option* Option::default_val(double value) {
  option_->default_val(value);
  return this;
}
Option* Option::default_str(const std::string& shown) {
  option_->default_str(shown);
  return this;
}
Option* Option::envname(const std::string& variable) {
  option_->envname(variable);
  return this;
}
Option* Option::required() {
  option_->required();
  return this;
}
Option* Option::allowed(const std::vector<std::string>& values) {
  option_->check(CLI::IsMember(values));
  return this;
}

void Command::description(const std::string& text) { app_->description(text); }
void Command::require_subcommand(int n) { app_->require_subcommand(n); }
Option* Command::add_option(const std::string& name, std::string& into, const std::string& help) {
  return parser_->keep(app_->add_option(name, into, help));
}
Option* Command::add_option(const std::string& name, std::vector<std::string>& into,
                            const std::string& help) {
  return parser_->keep(app_->add_option(name, into, help));
}
Option* Command::add_option(const std::string& name, double& into, const std::string& help) {
  return parser_->keep(app_->add_option(name, into, help));
}
Option* Command::add_option(const std::string& name, int& into, const std::string& help) {
  return parser_->keep(app_->add_option(name, into, help));
}
Option* Command::add_option(const std::string& name, std::size_t& into, const std::string& help) {
  return parser_->keep(app_->add_option(name, into, help));
}
Option* Command::add_flag(const std::string& name, bool& into, const std::string& help) {
  return parser_->keep(app_->add_flag(name, into, help));
}
Command* Command::add_subcommand(const std::string& name, const std::string& description) {
  return parser_->keep(app_->add_subcommand(name, description));
}
bool Command::parsed() const { return app_->parsed(); }

namespace {

// An unknown command gets a suggestion rather than CLI11's "A subcommand is required".
int unknown_command(const std::string& name, const std::vector<std::string>& names) {
  std::string message = fmt::format("unknown command '{}'.", name);
  if (auto guess = detail::closest_name(name, names); !guess.empty())
    message += fmt::format(" Did you mean '{}'?", guess);
  std::cerr << "qualbar: error: " << message
            << fmt::format(" Commands: {}. See qualbar --help\n", fmt::join(names, ", "));
  return static_cast<int>(ExitCode::input_error);
}

// An argument no option of the command takes: named, with the closest option, instead of CLI11's
// "The following arguments were not expected".
int unexpected_arguments(const CLI::App& app) {
  const CLI::App* command = &app;
  std::string path = "qualbar";
  for (auto subs = command->get_subcommands(); !subs.empty(); subs = command->get_subcommands()) {
    command = subs.front();
    path += " " + command->get_name();
  }
  const std::vector<std::string> extras = app.remaining(true);
  const std::string arg = extras.empty() ? std::string() : extras.front();
  std::string message;
  if (arg.size() > 1 && arg[0] == '-') {
    const std::string name = arg.substr(0, arg.find('='));
    std::vector<std::string> options;
    for (const CLI::Option* o : command->get_options()) {
      for (const auto& l : o->get_lnames()) options.push_back("--" + l);
    }
    message = fmt::format("unknown option '{}' for '{}'.", display_text(name), path);
    if (auto guess = detail::closest_name(name, options); !guess.empty())
      message += fmt::format(" Did you mean '{}'?", guess);
  } else {
    message = fmt::format("unexpected argument '{}' for '{}'.", display_text(arg), path);
  }
  std::cerr << "qualbar: error: " << message << fmt::format(" See {} --help\n", path);
  return static_cast<int>(ExitCode::input_error);
}

}  // namespace

int run_command_line(int argc, char** argv) {
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
  Globals globals;
  app.add_flag(std::string(no_color_flag().names), globals.no_color,
               std::string(no_color_flag().help) + " (NO_COLOR is honoured too)");

  auto entries = command_registry().entries();
  std::sort(entries.begin(), entries.end(), [](auto* a, auto* b) { return a->order < b->order; });
  Parser parser;
  std::function<int()> action;
  for (const auto* e : entries) {
    CLI::App* sub = app.add_subcommand(e->name);
    auto act = e->setup(*parser.keep(sub), globals);
    sub->callback([&action, act] { action = act; });
  }
  if (argc == 1) {  // bare `qualbar`: what it does and its commands, not a usage error
    std::cout << app.help();
    return 0;
  }
  if (argc > 1 && argv[1][0] != '-' && !command_registry().find(argv[1])) {
    std::vector<std::string> names;
    for (const auto* e : entries) names.push_back(e->name);
    return unknown_command(argv[1], names);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ExtrasError&) {
    return unexpected_arguments(app);
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

}  // namespace qb::cli
