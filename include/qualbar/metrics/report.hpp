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
  std::optional<Analysis> analysis;  // the scorer's analysis (per-class metrics, ...), if any
};

// A gating bar that was missed.
struct Failure {
  std::optional<std::size_t>
      dimension;      // index into Report::dimensions; none for a critical slice without cases
  std::string where;  // "overall" or a slice label such as "category=refund-dispute"
  bool critical = false;
  BarCheck bar;
  stats::Interval interval{};  // of the cell's estimate
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
  // Every missed bar: critical slices first, then overall, then per-slice; within each, in the
  // suite's dimension order (its priority), then by how far the bar was missed.
  std::vector<Failure> failures;
  bool passed = true;
};

Report build_report(const Suite& suite, std::span<const Case> cases,
                    std::span<const Response> responses, const ScoreTable& scores,
                    const RunInfo& run);

}  // namespace qb
