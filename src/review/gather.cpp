// The inputs of `qualbar judge-check`, gathered from the store: per judged dimension, every item
// the judge graded (its grade is the run's score), with the people's consensus grade where they
// graded it, the answer's length, its slices and the week it was graded in. Grades imported with
// kind "judge" (an outside judge) are checked the same way, one input per judge.
#include <algorithm>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "io/jsonl.hpp"
#include "metrics/slices.hpp"
#include "qualbar/core/error.hpp"
#include "qualbar/review/grades.hpp"
#include "qualbar/review/review.hpp"
#include "qualbar/util/text.hpp"
#include "qualbar/util/time.hpp"

namespace qb::review {
namespace {


std::vector<std::string> runs_to_check(Store& store, const std::vector<Grade>& all,
                                       const std::vector<std::string>& requested) {
  std::vector<std::string> out;
  if (!requested.empty()) {
    for (const auto& r : requested) out.push_back(store.runs().resolve_run_id(r));
    return out;
  }
  std::set<std::string> seen;
  for (const auto& g : all)
    if (g.kind != GradeKind::judge && seen.insert(g.run_id).second) out.push_back(g.run_id);
  if (out.empty()) {
    throw InputError(
        "no human grades in the store yet: the judge can only be checked against people. Hand "
        "items to reviewers with `qualbar review export`, then `qualbar review import` their "
        "grades");
  }
  return out;
}

// Each case's slice cells: (slice label, value) pairs, with language always among them.
std::vector<std::vector<std::pair<std::string, std::string>>> case_slices(const RunData& run) {
  std::vector<SliceSpec> specs = run.suite.slices;
  const bool has_language = std::any_of(specs.begin(), specs.end(), [](const SliceSpec& s) {
    return s.keys.size() == 1 && s.keys[0] == "language";
  });
  if (!has_language) specs.push_back(SliceSpec{{"language"}});
  std::vector<std::vector<std::pair<std::string, std::string>>> out(run.dataset.cases.size());
  for (const auto& spec : specs) {
    const detail::SliceCells cells =
        detail::index_slice(spec, run.dataset.cases, detail::SliceFold::of(run.suite));
    std::string label;
    for (const auto& k : spec.keys) label += (label.empty() ? "" : " × ") + k;
    for (std::size_t i = 0; i < out.size(); ++i)
      for (std::uint32_t k = cells.offsets[i]; k < cells.offsets[i + 1]; ++k)
        out[i].emplace_back(label, cells.values[cells.ids[k]]);
  }
  return out;
}

std::string judge_model_of(const Suite& s) {
  if (s.judge.is_map() && s.judge["model"]) return s.judge["model"].scalar();
  return {};
}

void read_pairs(const std::string& file, std::map<std::string, std::vector<PairVerdict>>& out) {
  const auto text = detail::PaddedText::load(file);
  detail::for_each_jsonl_object(text, file, [&](detail::JsonObject o, std::string_view, int n) {
    const auto need = [&](const char* key) {
      detail::JsonValue v;
      if (o[key].get(v) != simdjson::SUCCESS || v.is_null())
        detail::field_error(file, n, key, "is missing");
      return v;
    };
    PairVerdict p;
    p.item = detail::get_string(need("id"), file, n, "id");
    const std::string dim = detail::get_string(need("dimension"), file, n, "dimension");
    p.shown_first = detail::get_string(need("shown_first"), file, n, "shown_first");
    if (p.shown_first != "A" && p.shown_first != "B")
      detail::field_error(file, n, "shown_first", "must be \"A\" or \"B\": the answer shown first");
    const double g = detail::get_number(need("grade"), file, n, "grade");
    if (g != 0 && g != 1)
      detail::field_error(file, n, "grade",
                          "must be 1 (the answer shown first is better) or 0 (the second is)");
    p.first_preferred = g == 1;
    out[dim].push_back(std::move(p));
  });
}

// People's pairwise grades (review queues), as verdicts by the order each reviewer saw: per
// dimension, each reviewer's latest grade of a pair (a correction replaces), ties left out (a tie
// prefers neither place).
std::map<std::string, std::vector<PairVerdict>> people_pairs(Store& store) {
  std::map<std::tuple<std::string, std::string, std::string>, const Grade*> latest;
  const std::vector<Grade> grades = store.review().pair_grades("");
  for (const Grade& g : grades)
    if (g.kind == GradeKind::human) latest[{g.dimension, g.item, g.grader}] = &g;
  std::map<std::string, std::vector<PairVerdict>> out;
  for (const auto& [key, g] : latest)
    if (const auto first_won = first_shown_won(g->grade, g->shown_first))
      out[g->dimension].push_back({g->item, g->shown_first, *first_won});
  return out;
}

}  // namespace

JudgeCheckInputs gather_judge_check(Store& store, const JudgeCheckRequest& rq) {
  const std::vector<Grade> all = store.review().grades("");
  const std::vector<std::string> run_ids = runs_to_check(store, all, rq.runs);
  const std::set<std::string> wanted(rq.dimensions.begin(), rq.dimensions.end());
  std::map<std::string, std::vector<PairVerdict>> pairs;
  if (!rq.pairwise_file.empty()) read_pairs(rq.pairwise_file, pairs);

  JudgeCheckInputs out;
  std::map<std::string, DimensionInput> inputs;  // by the input's name
  std::string newest_started;
  for (const auto& id : run_ids) {
    const RunData run = load_run_data(store, id);
    // A run still going has no scores yet; a monitor's sample is graded by people and judges
    // through grades.
    if (run.stored.info.status != RunStatus::complete && run.stored.info.status != RunStatus::monitor) continue;
    if (run.stored.info.started_at >= newest_started) {
      newest_started = run.stored.info.started_at;
      out.settings = run.suite.judge_check;
    }
    const GradeBook book = fold_grades(store.review().grades(id));
    const auto slices = case_slices(run);
    for (std::size_t d = 0; d < run.suite.dimensions.size(); ++d) {
      const DimensionSpec& spec = run.suite.dimensions[d];
      if (spec.builtin || (!wanted.empty() && !wanted.contains(spec.name))) continue;
      const GradeScale scale = scale_of(spec);
      const bool judged = uses_judge(spec) || wanted.contains(spec.name);
      for (std::size_t i = 0; i < run.dataset.cases.size(); ++i) {
        const std::string item = review_item_id(id, run.dataset.cases[i].id);
        const auto ig = book.find({item, spec.name});
        const auto make = [&](double judge) {
          CheckItem c;
          c.id = item;
          c.judge = judge;
          c.length = static_cast<double>(code_points(run.stored.responses[i].output));
          c.slices = slices[i];
          if (ig != book.end()) {
            c.human = ig->second.consensus();
            if (c.human) c.window = iso_week(ig->second.last_human_at);
            c.disputed = !c.human && ig->second.disagreement();
          }
          return c;
        };
        const auto start = [&](const std::string& name, const std::string& judge_model) -> DimensionInput& {
          DimensionInput& in = inputs[name];
          in.dimension = name;
          in.scale = scale;
          in.judge_model = judge_model;
          in.judged_model = run.stored.info.model;
          return in;
        };
        if (judged && i < run.stored.scores.n_cases()) {
          DimensionInput& in = start(spec.name, judge_model_of(run.suite));
          if (const auto g = score_as_grade(run.stored.scores.at(i, d), scale, spec))
            in.items.push_back(make(*g));
          else if (ig != book.end() && (ig->second.consensus() || ig->second.disagreement()))
            ++in.no_judge_grade;  // people graded it, the judge did not: counted, said
        }
        if (ig == book.end()) continue;
        for (const auto& [grader, g] : ig->second.judge)
          start(fmt::format("{} (judge: {})", spec.name, grader), grader).items.push_back(make(g));
      }
    }
  }
  for (auto& [name, in] : inputs) {
    if (const auto p = pairs.find(name); p != pairs.end()) in.pairs = std::move(p->second);
    // An input no person graded any item of says nothing about the judge.
    const bool any_human = std::any_of(in.items.begin(), in.items.end(),
                                       [](const CheckItem& c) { return c.human.has_value(); });
    if (any_human || !in.pairs.empty()) out.dimensions.push_back(std::move(in));
  }
  for (auto& [name, p] : pairs) {
    if (p.empty()) continue;  // moved into its input above
    DimensionInput in;
    in.dimension = name;
    in.pairs = std::move(p);
    out.dimensions.push_back(std::move(in));
  }
  const auto people = people_pairs(store);
  for (DimensionInput& in : out.dimensions)
    if (const auto p = people.find(in.dimension); p != people.end()) in.people_pairs = p->second;
  if (out.dimensions.empty()) {
    throw InputError(
        "no judged dimension has human grades: people must grade some of the items the judge "
        "graded (qualbar review export picks them; --dimension checks a dimension the judge does "
        "not grade)");
  }
  return out;
}

}  // namespace qb::review
