// bind_cases: each case's `assert` list compiled into scorers, with the messages (file, line,
// assert[i].field) a user sees for any other mistake in the dataset.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "qualbar/bind/bind.hpp"
#include "qualbar/scorers/scorer.hpp"

namespace qb {
namespace {

[[noreturn]] void fail(const std::string& file, int line, const std::string& field,
                       const std::string& message) {
  throw InputError(Location{file, line, 0, field}, message);
}

void compile(Assertion& a, const std::string& file, int line) {
  const std::string field = fmt::format("assert[{}]", a.index);
  nlohmann::json args = nlohmann::json::parse(a.args_json);
  ScorerName resolved;
  try {
    resolved = resolve_scorer_name(a.type);
  } catch (const InputError& e) {
    fail(file, line, field + ".type", e.what());
  }
  const ScorerEntry* entry = resolved.entry;
  a.negated = resolved.negated;
  const std::string& scorer = entry->name;
  if (entry->info.kind == ScoreKind::measurement || entry->info.scores_failed_calls ||
      scorer == "assertions") {
    fail(file, line, field + ".type",
         fmt::format("'{}' is not a check of the output: use contains, regex, is-json, ... "
                     "(qualbar list scorers)",
                     scorer));
  }
  if (entry->info.graded_by_people) {
    fail(file, line, field + ".type",
         fmt::format("'{}' is graded by reviewers, per dimension: make it a dimension of the suite "
                     "instead of a case's check",
                     scorer));
  }
  try {
    require_negatable(resolved, ScorerUse::check);
  } catch (const InputError& e) {
    fail(file, line, field + ".type", e.what());
  }
  // "value" fills the scorer's main argument: contains → value, regex → pattern, ...
  if (args.contains("value") && !entry->info.primary_arg.empty() &&
      entry->info.primary_arg != "value") {
    args[entry->info.primary_arg] = args["value"];
    args.erase("value");
  }
  if (args.contains("threshold")) {
    if (entry->info.kind != ScoreKind::graded || !args["threshold"].is_number()) {
      fail(file, line, field + ".threshold",
           entry->info.kind != ScoreKind::graded
               ? fmt::format("'{}' is pass/fail and takes no threshold", scorer)
               : "expected a number between 0 and 1");
    }
    a.threshold = args["threshold"].get<double>();
    if (a.threshold < 0.0 || a.threshold > 1.0)
      fail(file, line, field + ".threshold",
           fmt::format("must be between 0 and 1, got {}", a.threshold));
    args.erase("threshold");
  } else if (entry->info.kind == ScoreKind::graded) {
    a.threshold = 0.5;
  }
  try {
    Args parsed(args.dump());
    a.scorer = construct(*entry, parsed);
  } catch (const ArgError& e) {
    const std::string arg = e.field() == entry->info.primary_arg ? "value" : e.field();
    fail(file, line, field + "." + arg, e.what());
  }
  if (a.scorer->uses_judge()) {
    fail(file, line, field + ".type",
         fmt::format("'{}' asks the judge model, which runs per dimension: make it a dimension of "
                     "the suite instead of a case's check",
                     scorer));
  }
}

}  // namespace

void bind_cases(Dataset& dataset, Problems* problems) {
  for (Case& c : dataset.cases) {
    if (c.details().asserts.empty()) continue;
    const std::string& file =
        c.source_file < dataset.files.size() ? dataset.files[c.source_file] : std::string();
    for (Assertion& a : c.edit_details().asserts) {
      if (a.scorer) continue;
      try {
        compile(a, file, c.source_line);
      } catch (const InputError& e) {
        if (problems == nullptr) throw;
        problems->add(e);
      }
    }
  }
}

Dataset load_cases(const std::vector<std::string>& paths, bool keep_lines, const Limits& limits,
                   Problems* problems) {
  Dataset d = load_dataset(paths, keep_lines, limits, problems);
  bind_cases(d, problems);
  return d;
}

}  // namespace qb
