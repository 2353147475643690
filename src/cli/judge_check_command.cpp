// qualbar judge-check: is the judge good enough to stand in for people? Measured on the items both
// graded; exit 1 when it is not usable (or its agreement with people has drifted).
#include <iostream>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "cli/common.hpp"
#include "qualbar/bind/bind.hpp"
#include "qualbar/review/review.hpp"
#include "qualbar/util/files.hpp"

namespace qb::cli {
namespace {

struct JudgeCheckOptions {
  std::string store;
  std::string suite;
  review::JudgeCheckRequest request;
  OutputOptions output;
};

int judge_check(const JudgeCheckOptions& o, bool color) {
  check_outputs(o.output, {"terminal", "json"});
  std::optional<Suite> suite;
  if (!o.suite.empty()) suite = load_suite(o.suite);  // checked before the store is read
  auto store =
      open_store(resolve_store_path(o.store, suite ? suite->store : ""), StoreAccess::existing);
  review::JudgeCheckInputs in = review::gather_judge_check(*store, o.request);
  const JudgeCheckSettings settings = suite ? suite->judge_check : in.settings;
  std::vector<review::DimensionCheck> checks;
  for (const auto& d : in.dimensions) checks.push_back(review::check_judge(d, settings));
  const std::string json = review::judge_check_json(checks);
  emit_outputs(o.output,
               {{"terminal", [&](bool c) {
                  return review::judge_check_terminal(checks, c, terminal_columns(o.output));
                }},
                {"json", [&](bool) { return json; }}},
               color);
  const bool bad = std::any_of(checks.begin(), checks.end(), [](const review::DimensionCheck& c) {
    return c.verdict == review::Verdict::not_usable || c.drift_alert;
  });
  return bad ? 1 : 0;
}

const CommandRegistrar judge_check_command_registrar{CommandEntry{
    "judge-check", 55, [](Command& sub, const Globals& g) -> std::function<int()> {
      sub.description(
          "Measure the judge against people on the items both graded, per dimension and per "
          "slice (and language): agreement, Cohen's kappa with its interval, the confusion "
          "matrix, the judge's bias (its pass rate minus people's) with its interval; probes for "
          "verbosity (does it favour long answers?), position (pairwise verdicts that flip when "
          "the answers are swapped) and self-preference; the prediction-powered estimate, which "
          "uses the judge on every item and people on the graded ones; and agreement week by "
          "week. Verdict: usable, usable with correction, or not usable, against the suite's "
          "`judge_check` thresholds. Exit 1 when not usable or when agreement has drifted, 0 "
          "otherwise.");
      auto o = std::make_shared<JudgeCheckOptions>();
      sub.add_option("--run", o->request.runs,
                     "Runs whose items to use (repeatable; default: every run with human grades)");
      sub.add_option("--dimension", o->request.dimensions,
                     "Dimensions to check (repeatable; default: every judged dimension with human "
                     "grades; any dimension named here is checked, judged or not)");
      sub.add_option("--pairwise", o->request.pairwise_file,
                     "Pairwise verdicts of the judge, each pair asked in both orders (JSONL: id, "
                     "dimension, shown_first A|B, grade 1 when the first shown is better)");
      sub.add_option("--suite", o->suite,
                     "Take the thresholds from this suite (default: the newest checked run's)");
      add_store_option(sub, o->store);
      add_output_options(sub, o->output, "terminal or json");
      return [o, &g] { return judge_check(*o, !g.no_color && stdout_wants_color()); };
    }}};

}  // namespace
}  // namespace qb::cli
