// qualbar gate: the CI verdict of a stored run (against its own bars, or a suite's current ones)
// or of a saved comparison, without running anything.
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "cli/common.hpp"
#include "qualbar/bind/bind.hpp"
#include "qualbar/io/dataset.hpp"
#include "qualbar/report/format.hpp"

namespace qb::cli {
namespace {

struct GateOptions {
  std::string run;
  std::string suite;
  std::string comparison;
  std::string store;
};

// A stored run's scores laid out for another suite's dimensions, by name. A dimension the run
// never scored cannot be judged without running again.
ScoreTable scores_for(const Suite& suite, const StoredRun& run) {
  ScoreTable out(run.scores.n_cases(), suite.dimensions.size());
  for (std::size_t d = 0; d < suite.dimensions.size(); ++d) {
    std::size_t from = run.dimensions.size();
    for (std::size_t k = 0; k < run.dimensions.size(); ++k)
      if (run.dimensions[k] == suite.dimensions[d].name) from = k;
    if (from == run.dimensions.size()) {
      throw InputError(fmt::format(
          "{}: dimension '{}' was not scored in run {}; run the suite again to gate on it",
          suite.file, suite.dimensions[d].name, run.info.id));
    }
    for (std::size_t c = 0; c < run.scores.n_cases(); ++c) {
      const ScoreView s = run.scores.at(c, from);
      out.set(c, d, Score{s.value, s.status, std::string(s.evidence)});
    }
  }
  return out;
}

int gate_comparison(const std::string& path) {
  const std::string text = read_file(path);
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object() || j.value("schema", "") != "qualbar.comparison/1" ||
      !j.contains("regressed") || !j["regressed"].is_boolean()) {
    throw InputError(
        fmt::format("{}: not a comparison written by `qualbar compare --out json=FILE` (schema "
                    "qualbar.comparison/1)",
                    path));
  }
  const bool regressed = j["regressed"].get<bool>();
  std::cout << fmt::format("{} — comparison of {} (A) and {} (B)\n", regressed ? "FAIL" : "PASS",
                           j["a"].value("id", "?"), j["b"].value("id", "?"));
  for (const auto& d : j.value("dimensions", nlohmann::json::array())) {
    if (d.value("verdict", "") != "regression") continue;
    std::cout << fmt::format("  ✗ {} regressed\n", d.value("name", "?"));
  }
  return regressed ? 1 : 0;
}

int gate(const GateOptions& o) {
  if (!o.comparison.empty()) {
    if (!o.run.empty() || !o.suite.empty())
      throw InputError("--comparison gates a saved comparison on its own: give no run or suite");
    return gate_comparison(o.comparison);
  }
  if (o.run.empty())
    throw InputError("give a stored run (qualbar gate RUN) or a comparison (--comparison FILE)");
  auto store = open_store(resolve_store_path(o.store, ""), StoreAccess::existing);
  // Against its own bars the stored report says it all; other bars need the scores.
  LoadedRun l = load_stored_run(*store, o.run, /*build=*/true, /*with_cases=*/!o.suite.empty());
  Report report = l.report;
  if (!o.suite.empty()) {
    const Suite suite = load_suite(o.suite);
    const ScoreTable scores = scores_for(suite, l.stored);
    report = build_report(suite, l.dataset.cases, l.stored.responses, scores, l.stored.info);
  }
  std::cout << fmt::format("{} — run {} ({}) against the bars of {}\n",
                           report.passed ? "PASS" : "FAIL", l.stored.info.id, l.stored.info.model,
                           o.suite.empty() ? std::string("its own suite") : o.suite);
  for (const auto& f : report.failures) std::cout << "  ✗ " << failure_text(f, report) << '\n';
  return exit_code_for(report);
}

const CommandRegistrar gate_command_registrar{CommandEntry{
    "gate", 36, [](Command& sub, const Globals&) -> std::function<int()> {
      sub.description(
          "The CI verdict without running anything: a stored run against its own bars, or "
          "against a suite's current bars (--suite), or a saved comparison (--comparison). Exit "
          "0 when every bar is met (no regression), 1 otherwise.");
      auto o = std::make_shared<GateOptions>();
      sub.add_option("run", o->run, "A stored run (id, unique prefix, 'latest' or 'latest~N')");
      sub.add_option("--suite", o->suite,
                     "Judge the stored scores against this suite's bars (same dimensions)");
      sub.add_option("--comparison", o->comparison,
                     "A comparison saved with qualbar compare --out json=FILE");
      add_store_option(sub, o->store);
      return [o] { return gate(*o); };
    }}};

}  // namespace
}  // namespace qb::cli
