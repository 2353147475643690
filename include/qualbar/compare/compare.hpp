#pragma once
// Comparing two runs of a suite (A, the baseline; B, the candidate) on the cases both have, paired
// by id: for every dimension × slice, both estimates, the difference B − A with a paired
// bootstrap interval, the paired test (McNemar's exact test for pass/fail, a sign-flip permutation
// test for scores and measurements), p-values adjusted across the dimension's cells (Holm or
// Benjamini–Hochberg), and a verdict per cell and overall; and, on every pass/fail dimension, the
// cases whose verdict changed.

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "qualbar/core/case.hpp"
#include "qualbar/core/response.hpp"
#include "qualbar/core/run_info.hpp"
#include "qualbar/metrics/score_table.hpp"
#include "qualbar/stats/common.hpp"
#include "qualbar/suite/suite.hpp"

namespace qb {

enum class Verdict { regression, improvement, no_change, too_few };
std::string_view to_string(Verdict v);

// One run as the comparison reads it.
struct CompareSide {
  const RunInfo& info;
  const Suite& suite;
  std::span<const Case> cases;
  std::span<const Response> responses;
  const ScoreTable& scores;
};

enum class Adjustment { holm, benjamini_hochberg };

struct CompareOptions {
  Adjustment adjust = Adjustment::holm;
  std::size_t min_cases = 10;  // fewer paired cases in a cell: "too few cases to tell"
  std::uint64_t seed = 20261127;
  std::size_t list_cases = 10;  // changed cases listed per dimension (all are counted)
};

struct CompareCell {
  std::string slice;  // "" for overall
  std::string value;
  bool critical = false;
  std::size_t n = 0;          // paired cases counted
  double a = stats::kNaN;     // A's estimate on them (pass rate or mean)
  double b = stats::kNaN;     // B's
  double diff = stats::kNaN;  // b − a
  stats::Interval interval{stats::kNaN, stats::kNaN};  // of diff (paired bootstrap, percentile)
  std::string test;                                    // "McNemar exact", "sign-flip permutation"
  std::size_t worse = 0, better = 0;  // pass/fail: cases A passed and B failed, and the reverse
  double p = stats::kNaN;
  double p_adjusted = stats::kNaN;
  Verdict verdict = Verdict::no_change;

  [[nodiscard]] std::string label() const;  // "overall" or "category=refund-dispute"
};

struct CompareDimension {
  std::string name;
  std::string estimate_name;  // "pass rate", "mean"
  bool higher_is_better = true;
  std::string unit;
  double tolerance = 0.0;  // a drop within this is not a regression (suite `tolerances`)
  CompareCell overall;
  std::vector<CompareCell> cells;  // regressions first, then improvements, then the rest
  Verdict verdict = Verdict::no_change;  // regression when overall or a critical slice regresses
};

// Which way a case's verdict went from A to B. A pass is the good outcome: on `errors`, where
// lower is better, a call that did not fail.
enum class Flip { pass_to_fail, fail_to_pass };
std::string_view to_string(Flip f);  // "pass_to_fail", "fail_to_pass"

// How much of a changed case's texts is kept (bytes, cut on a UTF-8 boundary with "…").
inline constexpr std::size_t kChangedInputBytes = 240;
inline constexpr std::size_t kChangedOutputBytes = 400;

// One run's side of a changed case. Texts are valid UTF-8 and not escaped: each format escapes.
struct FlipSide {
  std::string output;    // an excerpt of what the system answered
  std::string evidence;  // the scorer's evidence; for a failed call, its error
  bool failed_call = false;
};

// A case whose verdict on a pass/fail dimension differs between A and B.
struct FlippedCase {
  std::string id;
  Flip flip = Flip::pass_to_fail;
  std::vector<std::string> critical_slices;  // B's critical slices the case is in ("category=…")
  std::string input;                         // an excerpt
  std::optional<std::string> reference;      // an excerpt, when the case has one
  FlipSide a, b;
};

// One pass/fail dimension's changed cases (pass/fail, and 0–1 with a threshold; a case either run
// does not count on is left out, as in the cells): all counted, the first
// CompareOptions::list_cases listed, pass → fail before fail → pass and, within each, the cases
// in a critical slice first, then in B's order.
struct ChangedCases {
  std::string dimension;
  std::size_t pass_to_fail = 0, fail_to_pass = 0;
  std::vector<FlippedCase> listed;
  // The position of listed[0] among the changed cases: those before it are on an earlier page
  // (the server pages through them); 0 otherwise.
  std::size_t skipped = 0;
  [[nodiscard]] std::size_t changed() const { return pass_to_fail + fail_to_pass; }
};

struct Comparison {
  RunInfo a, b;
  bool suites_differ = false, bars_differ = false, datasets_differ = false;
  std::size_t paired = 0, only_a = 0, only_b = 0;
  std::vector<std::string> only_in_a_dimensions, only_in_b_dimensions;
  std::vector<std::string> not_compared;  // calibration dimensions: a mean confidence is no quality
  Adjustment adjust = Adjustment::holm;
  double confidence = 0.95;
  std::vector<CompareDimension> dimensions;
  bool regressed = false;  // some dimension regressed overall or in a critical slice: exit 1
  std::vector<ChangedCases> changed_cases;  // one per pass/fail dimension, in `dimensions`' order
  std::size_t list_cases = 10;              // at most this many listed per dimension
};

// B's suite decides the slices, critical slices and tolerances.
Comparison compare_runs(const CompareSide& a, const CompareSide& b, const CompareOptions& options);

}  // namespace qb
