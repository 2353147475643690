// qualbar validate: check a suite, its datasets and its responses without running anything.
#include <iostream>
#include <optional>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "cli/common.hpp"
#include "qualbar/bind/bind.hpp"
#include "qualbar/metrics/scoring.hpp"
#include "qualbar/providers/chat_settings.hpp"
#include "qualbar/scorers/judge.hpp"
#include "qualbar/util/text.hpp"

namespace qb::cli {
namespace {

struct ValidateOptions {
  std::string suite;
  ProviderOptions provider;
};

int validate(const ValidateOptions& o) {
  // Everything is checked before anything is printed.
  const Suite suite = load_suite(o.suite);
  // A monitor-only suite has no dataset: its cases are production records.
  const bool monitor_only = suite.datasets.empty();
  const Dataset dataset =
      monitor_only ? Dataset{} : load_cases(suite.datasets, /*keep_lines=*/false, suite.limits);
  (void)build_scorers(suite);
  // The provider's own settings and what they ask of the cases (a replay provider's responses
  // are checked below).
  if (!monitor_only && suite.system.provider != "replay")
    provider_registry().get(suite.system.provider).make(suite, o.provider)->check(dataset.cases);
  if (suite.judge.is_map()) (void)judge_settings(suite);
  const std::string responses_path =
      o.provider.responses.empty() ? suite.system.responses : o.provider.responses;
  std::optional<std::vector<Response>> responses;
  if (!monitor_only && suite.system.provider == "replay" && !responses_path.empty())
    responses = load_responses(responses_path, suite.limits);

  std::size_t n_bars = 0;
  for (const auto& [_, b] : suite.bars) n_bars += b.overall.size() + b.per_slice.size();
  std::vector<std::string> dims;
  for (const auto& d : suite.dimensions) dims.push_back(d.name);
  std::vector<std::string> slices;
  for (const auto& s : suite.slices) slices.push_back(s.name());

  // Names and paths are the user's: shown, never run by the terminal (display_text).
  std::cout << fmt::format("{} is valid.\n", display_text(o.suite));
  std::cout << fmt::format("  suite       {} (schema {}, hash {})\n", display_text(suite.name),
                           suite.schema_version, suite.hash);
  if (monitor_only) {
    std::cout << "  cases       none: a monitor-only suite (production records come in through "
                 "`qualbar monitor ingest`)\n";
  } else {
    std::cout << fmt::format("  cases       {} in {} dataset file(s)\n", dataset.cases.size(),
                             suite.datasets.size());
  }
  std::cout << fmt::format("  dimensions  {}\n", fmt::join(dims, ", "));
  std::cout << fmt::format("  slices      {}\n", fmt::join(slices, ", "));
  std::cout << fmt::format("  bars        {} limit(s), {} critical slice(s)\n", n_bars,
                           suite.critical_slices.size());
  if (responses) {
    std::size_t errors = 0;
    for (const auto& r : *responses) errors += r.is_error() ? 1 : 0;
    std::cout << fmt::format("  responses   {} in {} ({} marked as errors)\n", responses->size(),
                             display_text(responses_path), errors);
  }
  return 0;
}

const CommandRegistrar validate_command_registrar{CommandEntry{
    "validate", 10, [](Command& sub, const Globals&) -> std::function<int()> {
      sub.description(
          "Check a suite, its datasets and recorded responses without running anything. Every "
          "problem "
          "is reported with its file, line and field; exit 0 when valid, 2 otherwise.");
      auto o = std::make_shared<ValidateOptions>();
      sub.add_option("suite", o->suite, "The suite file (suite.yaml)")->required();
      sub.add_option("--responses", o->provider.responses,
                     "Also check this responses file (JSONL)");
      return [o] { return validate(*o); };
    }}};

}  // namespace
}  // namespace qb::cli
