#pragma once
// The report model: every dimension × every slice with n, estimate, interval, bar and verdict.
// Pure: built from the suite, the cases, their responses and scores; rendered by report formats.

#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "qualbar/core/run_info.hpp"
#include "qualbar/metrics/analysis.hpp"
#include "qualbar/metrics/case_slices.hpp"
#include "qualbar/metrics/score_table.hpp"
#include "qualbar/stats/intervals.hpp"
#include "qualbar/suite/suite.hpp"

namespace qb {

struct BarCheck {
  std::string key;   // as written in the suite: "min", "p95_max"
  std::string stat;  // which number it limits
  bool is_max = false;
  double limit = 0.0;
  double observed = 0.0;
  bool passed = false;
  bool uncertain = false;  // the interval contains the limit: more cases would tell
  std::string source;      // "overall", "per_slice", "critical"
};

enum class CellStatus {
  pass,       // every bar met
  fail,       // a bar missed
  no_bar,     // nothing to check
  too_small,  // no bar missed, but too few cases to show a drop of min_effect
  no_data,    // no applicable case
};
std::string_view to_string(CellStatus s);

struct Cell {
  std::string slice;         // "" for overall; "category" or "category × language"
  std::string value;         // "" for overall; "refund-dispute" or "billing × de"
  std::size_t n = 0;         // cases counted in the estimate (errors included for quality)
  std::size_t n_errors = 0;  // failed calls among the cell's cases (not-applicable ones excepted)
  std::size_t n_not_applicable = 0;
  std::size_t n_ungraded = 0;  // the judge could not grade them: not in n, not in the estimate
  double estimate = 0.0;  // pass rate, mean, p95 or cost per response: see DimensionResult
  stats::Interval interval{};
  std::vector<std::pair<std::string, double>> stats;  // every named statistic of the cell
  std::optional<double> min_detectable_drop;          // rates: the drop this cell can show
  bool too_small = false;
  bool critical = false;
  std::vector<BarCheck> bars;
  CellStatus status = CellStatus::no_bar;

  [[nodiscard]] std::optional<double> stat(std::string_view name) const;
  [[nodiscard]] std::string label() const;  // "overall" or "category=refund-dispute"
};

struct DimensionResult {
  std::string name;
  std::string scorer;
  std::string description;
  ScoreKind kind = ScoreKind::binary;
  Aggregation aggregation = Aggregation::rate;
  bool higher_is_better = true;
  std::string unit;
  std::optional<double> threshold;
  std::string estimate_name;  // what `estimate` is: "pass rate", "mean", "p95", "cost per response"
  Cell overall;
  std::vector<Cell> cells;  // every slice value, worst first
  std::string ungraded_example;      // why the first ungraded case was not graded ("" when none)
  std::optional<Analysis> analysis;  // the scorer's analysis (per-class metrics, ...), if any
  // A judged dimension of a stored run that people graded in part: judge alone, people alone,
  // prediction-powered (added by `qualbar report`, see review/review.hpp).
  std::optional<Analysis> human_grades;

  // The analyses to show, in order.
  [[nodiscard]] std::vector<const Analysis*> analyses() const {
    std::vector<const Analysis*> out;
    if (analysis) out.push_back(&*analysis);
    if (human_grades) out.push_back(&*human_grades);
    return out;
  }
};

// Fairness across the groups of one slice key (suite `fairness`): each group's rates, and the
// highest against the lowest group on each rate.
struct FairnessGroup {
  std::string value;
  std::size_t n = 0;  // cases the dimension applies to (failed calls count, as failures)
  std::size_t passes = 0;
  double pass_rate = stats::kNaN;
  stats::Interval interval{stats::kNaN, stats::kNaN};
  // With a positive label (classifiers): true- and false-positive rates over the answered cases.
  std::size_t positives = 0, true_positives = 0, negatives = 0, false_positives = 0;
  double tpr = stats::kNaN, fpr = stats::kNaN;
  bool compared = false;  // n >= min_cases: it takes part in the gaps and the ratio
};

struct FairnessComparison {
  std::string metric;  // "pass rate", "true-positive rate", "false-positive rate"
  std::string high, low;  // the groups with the highest and the lowest rate
  double high_rate = stats::kNaN, low_rate = stats::kNaN;
  double gap = stats::kNaN;  // high − low, with Newcombe's interval
  stats::Interval gap_interval{stats::kNaN, stats::kNaN};
  double ratio = stats::kNaN;  // low / high, with Katz's interval (the four-fifths rule)
  stats::Interval ratio_interval{stats::kNaN, stats::kNaN};
};

struct FairnessResult {
  std::size_t dimension = 0;  // index into Report::dimensions
  std::string across;
  std::optional<std::string> positive;
  std::size_t min_cases = 0;
  std::vector<FairnessGroup> groups;  // the lowest pass rate first
  std::vector<FairnessComparison> comparisons;  // pass rate; then TPR and FPR with `positive`
  double equalized_odds = stats::kNaN;          // the larger of the TPR and FPR gaps
  std::vector<BarCheck> bars;                   // max_gap, min_ratio
  bool passed = true;
};

// A gating bar that was missed.
struct Failure {
  std::optional<std::size_t>
      dimension;      // index into Report::dimensions; none for a critical slice without cases
  std::string where;  // "overall" or a slice label such as "category=refund-dispute"
  bool critical = false;
  BarCheck bar;
  stats::Interval interval{};  // of the cell's estimate
  std::string text;  // the whole sentence, for failures that are not a cell's bar (fairness)
};

struct Report {
  RunInfo run;
  std::string suite_name;
  std::string suite_file;
  double confidence = 0.95;
  double min_effect = 0.10;
  std::size_t n_cases = 0;
  std::size_t n_errors = 0;
  std::vector<DimensionResult> dimensions;
  std::vector<FairnessResult> fairness;
  // Every missed bar: critical slices first, then overall, then per-slice; within each, in the
  // suite's dimension order (its priority), then by how far the bar was missed.
  std::vector<Failure> failures;
  bool passed = true;
  // What the reader should know that is neither a bar nor a number: e.g. slice values folded
  // into "(other)" (limits.max_slice_values).
  std::vector<std::string> warnings;
};

// The report of a run. With `case_slices`, also which cell of each slice every case is in (what
// a store indexes the run's cases by), in the suite's slice order.
Report build_report(const Suite& suite, std::span<const Case> cases,
                    std::span<const Response> responses, const ScoreTable& scores,
                    const RunInfo& run, std::vector<CaseSlices>* case_slices = nullptr);

// Whether a case fails a dimension: its call failed, or (a pass/fail dimension) its score is
// on the wrong side of the dimension's threshold. Measurements and means never fail a case.
bool case_failed(const DimensionResult& d, const ScoreView& s);

}  // namespace qb
