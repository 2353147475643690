// A run report's judged dimensions next to people's grades: the judge's pass rate on every
// answer, people's on the answers they graded, and the prediction-powered estimate that uses
// both (unbiased whatever the judge's bias). Added to `qualbar report` as an analysis.
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "qualbar/review/review.hpp"
#include "qualbar/stats/intervals.hpp"
#include "qualbar/util/json_number.hpp"
#include "qualbar/util/text.hpp"

namespace qb::review {
namespace {}  // namespace

std::optional<Analysis> human_grades_analysis(const StoredRun& run, const Suite& suite,
                                              std::span<const Case> cases, const GradeBook& book,
                                              std::size_t dimension, double confidence) {
  const DimensionSpec& spec = suite.dimensions[dimension];
  if (spec.builtin || !uses_judge(spec)) return std::nullopt;
  const GradeScale scale = scale_of(spec);
  std::vector<double> y, f, rest;  // people's pass, the judge's on the same answers; the others
  std::size_t disputed = 0, unjudged = 0;  // graded by people, left out of the comparison
  for (std::size_t i = 0; i < cases.size() && i < run.scores.n_cases(); ++i) {
    const auto it = book.find({review_item_id(run.info.id, cases[i].id), spec.name});
    const std::optional<double> human = it == book.end() ? std::nullopt : it->second.consensus();
    const auto judge = score_as_grade(run.scores.at(i, dimension), scale, spec);
    if (!judge) {
      unjudged += human || (it != book.end() && it->second.disagreement()) ? 1 : 0;
      continue;
    }
    const double jp = scale.passes(*judge) ? 1 : 0;
    if (!human && it != book.end() && it->second.disagreement()) ++disputed;
    if (human) {
      y.push_back(scale.passes(*human) ? 1 : 0);
      f.push_back(jp);
    } else {
      rest.push_back(jp);
    }
  }
  if (y.empty()) return std::nullopt;
  const auto rate = [](const std::vector<double>& v) {
    double s = 0;
    for (const double x : v) s += x;
    return std::pair{static_cast<std::size_t>(std::lround(s)), v.size()};
  };
  std::vector<double> all_judge = f;
  all_judge.insert(all_judge.end(), rest.begin(), rest.end());
  const auto [jx, jn] = rate(all_judge);
  const auto [hx, hn] = rate(y);
  const double judge_rate = static_cast<double>(jx) / static_cast<double>(jn);
  const double human_rate = static_cast<double>(hx) / static_cast<double>(hn);
  const stats::Interval ji = stats::wilson(jx, jn, confidence);
  const stats::Interval hi = stats::wilson(hx, hn, confidence);
  const stats::PpiResult ppi =
      stats::ppi_rate({y, f, rest}, {confidence, stats::PpiVariant::ppi_plus_plus});

  Analysis a;
  a.kind = "human_grades";
  a.title = fmt::format("{}: the judge next to people's grades ({} of {} answers graded by people)",
                        spec.name, hn, jn);
  const int level = static_cast<int>(std::lround(100 * confidence));
  a.lines.push_back(
      fmt::format("judge alone          {:>6}  ({}% interval {}–{}) on all {} answers",
                  percent(judge_rate), level, percent(ji.lo), percent(ji.hi), jn));
  a.lines.push_back(fmt::format("people alone         {:>6}  ({}–{}) on the {} they graded",
                                percent(human_rate), percent(hi.lo), percent(hi.hi), hn));
  if (ppi.reason.empty()) {
    a.lines.push_back(fmt::format(
        "prediction-powered   {:>6}  ({}–{}): the judge on every answer, corrected by how it "
        "differs from people where both graded",
        percent(ppi.estimate), percent(ppi.interval.lo), percent(ppi.interval.hi)));
  } else {
    a.lines.push_back(fmt::format("prediction-powered   —  ({})", ppi.reason));
  }
  if (disputed > 0)
    a.lines.push_back(fmt::format(
        "{} more answer{} people graded {} counted as not graded: {} reviewers disagree and no one "
        "has adjudicated {} (qualbar review export --adjudicate)",
        disputed, disputed == 1 ? "" : "s", disputed == 1 ? "is" : "are",
        disputed == 1 ? "its" : "their", disputed == 1 ? "it" : "them"));
  if (unjudged > 0)
    a.lines.push_back(fmt::format(
        "{} answer{} people graded {} left out: the judge has no grade for {} (a failed call, or "
        "an answer it did not grade)",
        unjudged, unjudged == 1 ? "" : "s", unjudged == 1 ? "is" : "are",
        unjudged == 1 ? "it" : "them"));
  a.lines.push_back("Is the judge good enough to stand in for people? qualbar judge-check");
  a.data_json =
      nlohmann::json{{"graded_by_people", hn},
                     {"judged", jn},
                     {"judge_rate", json_number(judge_rate)},
                     {"judge_interval", {json_number(ji.lo), json_number(ji.hi)}},
                     {"human_rate", json_number(human_rate)},
                     {"human_interval", {json_number(hi.lo), json_number(hi.hi)}},
                     {"ppi_estimate", json_number(ppi.estimate)},
                     {"ppi_interval", {json_number(ppi.interval.lo), json_number(ppi.interval.hi)}},
                     {"ppi_lambda", json_number(ppi.lambda)},
                     {"ppi_effective_n", json_number(ppi.effective_n)},
                     {"open_disagreements", disputed},
                     {"no_judge_grade", unjudged},
                     {"ppi_reason", std::string(ppi.reason)}}
          .dump();
  return a;
}

}  // namespace qb::review
