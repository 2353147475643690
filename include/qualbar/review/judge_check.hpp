#pragma once
// The judge measured against people: on the items that have both a human grade and the judge's,
// per dimension and per slice, how often they agree (percent agreement, Cohen's kappa with its
// interval, the confusion matrix) and the judge's bias (its pass rate minus the humans'); bias
// probes for verbosity, position and self-preference; the prediction-powered estimate that uses
// the judge on every item and the humans on the graded ones; agreement per time window (judge
// drift); and a verdict: usable, usable with correction, not usable. Pure: the items come in,
// the result goes out; the CLI gathers the items from the store and renders the result.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "qualbar/stats/agreement.hpp"
#include "qualbar/stats/common.hpp"
#include "qualbar/stats/ppi.hpp"
#include "qualbar/suite/suite.hpp"

namespace qb::review {

// How a dimension is graded, by people and by the judge alike.
struct GradeScale {
  bool ordinal = false;  // false: fail (0) / pass (1); true: whole points lo..hi (1..5)
  int lo = 0;
  int hi = 1;
  // A grade passes when grade >= pass_at. Pass/fail: 1. Ordinal: from the dimension's threshold
  // (lo + threshold·(hi − lo), rounded up), else hi − (hi − lo)/4 rounded up (4 of 1..5).
  double pass_at = 1;
  // Which of two answers won: ordinal 0..2, B (0) < a tie (1) < A (2) (review/grades.hpp).
  bool pairwise = false;

  // The grade on 0–1: (grade − lo) / (hi − lo). Pass/fail grades are already 0 or 1.
  [[nodiscard]] double unit(double grade) const;
  [[nodiscard]] bool passes(double grade) const { return grade >= pass_at; }
  // Categories for kappa: hi − lo + 1; category index of a grade: grade − lo.
  [[nodiscard]] std::size_t categories() const { return static_cast<std::size_t>(hi - lo + 1); }
  // True when `grade` is a whole number in lo..hi.
  [[nodiscard]] bool valid(double grade) const;
  // "pass (1) or fail (0)" or "a whole number from 1 to 5 (4 or more passes)".
  [[nodiscard]] std::string describe() const;
  // One grade as a person reads it: "1 pass", "4", "A", "tie".
  [[nodiscard]] std::string label(int grade) const;
  // The scale of pairwise grades.
  [[nodiscard]] static GradeScale pair();
};

// One item the judge graded. `human` is set when people graded it too (their consensus: see
// docs/review.md); items without it only feed the prediction-powered estimate.
struct CheckItem {
  std::string id;               // the review item id, for listings
  std::optional<double> human;  // on the scale
  double judge = 0;             // on the scale
  double length = 0;            // the graded response's length in characters (Unicode code points)
  // The slices the item belongs to: (slice name, value), e.g. ("category", "refunds"),
  // ("language", "de"). An item may be in several cells of one slice (tags).
  std::vector<std::pair<std::string, std::string>> slices;
  std::string window;  // ISO week of the human grade, "2026-W47" ("" when not human-graded)
  // People graded it but their reviewers disagree and no one has adjudicated: it has no people's
  // grade (`human` is empty), so it is left out of every comparison and counted as such.
  bool disputed = false;
};

// One pairwise verdict of a judge: which of two answers to the same item it preferred, with the
// order they were shown in. A position probe asks each pair twice, once in each order.
struct PairVerdict {
  std::string item;         // the pair's id (the case both answers respond to)
  std::string shown_first;  // "A" or "B": which answer was shown first
  bool first_preferred = false;
};

// The suite's `judge_check` thresholds (declared with the suite, which reads them).
using JudgeCheckSettings = qb::JudgeCheckSettings;

// Agreement of the judge with people in one cell (overall, or one slice value).
struct CellCheck {
  std::string slice;                   // "" overall, else the slice name ("language")
  std::string value;                   // "" overall, else the value ("de")
  std::size_t n = 0;                   // items with both grades
  double agreement = stats::kNaN;      // share of items where judge and humans gave the same grade
  stats::Interval agreement_interval;  // Wilson
  stats::KappaResult kappa;            // quadratic weights on an ordinal scale
  std::vector<std::uint64_t> confusion;  // K×K, row = human grade, column = judge grade
  double human_rate = stats::kNaN;       // pass rate (ordinal: share >= pass_at) of the humans
  double judge_rate = stats::kNaN;       // and of the judge, on the same items
  double bias = stats::kNaN;             // judge_rate − human_rate
  stats::Interval bias_interval;         // paired bootstrap (BCa, seeded)
  bool too_few = false;                  // n < min_items: listed, not held to min_kappa
};

// Does the judge–human gap grow with the answer's length, for answers people graded the same?
// The per-item gap (judge pass − human pass, −1/0/1) is regressed on log(1 + length) with one
// intercept per human grade (stratified least squares); `slope` is the gap's change per unit of
// log length, tested one-sided (slope > 0) with Student's t on n − strata − 1 degrees of freedom
// (stats::stratified_slope). Items whose length is not a finite number are left out.
struct LengthBand {
  double min_length = 0, max_length = 0;  // characters
  std::size_t n = 0;
  double judge_rate = stats::kNaN, human_rate = stats::kNaN;
  double gap = stats::kNaN;  // judge − human
};
struct VerbosityProbe {
  std::size_t n = 0;
  double slope = stats::kNaN;
  double standard_error = stats::kNaN;
  double p_value = stats::kNaN;
  std::vector<LengthBand> bands;    // quarters of length, shortest first
  double gap_growth = stats::kNaN;  // gap of the longest quarter − gap of the shortest
  bool flagged = false;             // p_value < verbosity_alpha and gap_growth > max_verbosity_gap
  std::string reason;               // why not computed ("" when it was)
};

// Pairs asked in both orders: a consistent judge picks the same answer both times.
struct PositionProbe {
  std::size_t pairs = 0;           // items asked in both orders
  std::size_t consistent = 0;      // the same answer won both times
  std::size_t first_both = 0;      // the first-shown answer won both times (a flip favouring first)
  std::size_t second_both = 0;     // the second-shown won both times
  double flip_rate = stats::kNaN;  // (first_both + second_both) / pairs
  stats::TestResult sign_test;     // exact binomial: are flips lopsided? (McNemar's exact)
  bool flagged = false;            // flip_rate > max_position_flips
  std::string favoured;            // "first" or "second" when flagged ("" when flips are even)
};

struct SelfPreference {
  std::string judge_model, judged_model;
  std::string judge_family, judged_family;  // "gpt", "claude", "llama", ...
  bool same_family = false;  // a flag only: not counted in the verdict ("" families never match)
};

// Agreement in one time window, against the baseline windows. Only human-graded items with a
// window are used; windows sort as strings (ISO weeks sort in time order).
struct DriftWindow {
  std::string window;  // "2026-W47"
  std::size_t n = 0;
  double agreement = stats::kNaN;
  double kappa = stats::kNaN;
  std::string_view kappa_reason;  // why kappa is NaN ("" when it is not)
  bool baseline = false;          // one of the baseline windows
  double drop = stats::kNaN;     // baseline agreement − this window's
  double p_value = stats::kNaN;  // one-sided two-proportion z test of the drop
  bool alert = false;            // drop > drift_tolerance and p_value < 1 − confidence
  bool too_few = false;
};

// The dimension's number three ways: the judge alone on every item, the humans alone on the
// graded ones, and prediction-powered (PPI++), which uses both and is unbiased whatever the judge.
struct Estimates {
  std::size_t n_judged = 0, n_human = 0;
  std::size_t n_disputed = 0;  // judged items people graded without agreeing (not in n_human)
  double judge_only = stats::kNaN;
  stats::Interval judge_only_interval;  // Wilson on pass rate
  double human_only = stats::kNaN;
  stats::Interval human_only_interval;
  stats::PpiResult ppi;  // of the pass rate (stats::ppi_rate: within [0, 1], never of no width)
};

// The verdict, from the settings' thresholds, first rule that applies:
//   not usable   fewer than min_items items have both grades; or the overall kappa is below
//                min_kappa (or cannot be computed: every item got one and the same grade, or the
//                judge or the people gave one grade to every item); or a slice value with at
//                least min_items items has a kappa below min_kappa, or a kappa that cannot be
//                computed while the judge and people disagree on some of its items (a slice where
//                everyone gave one and the same grade does not count); or the verbosity probe is
//                flagged; or the position probe is flagged.
//   usable with correction   |bias| > max_bias and the bias interval excludes 0: the judge's own
//                pass rate is off, so report the prediction-powered estimate instead.
//   usable       otherwise.
// Reasons: the deciding ones first (every rule that blocks, at most three slices named), then the
// overall agreement, the bias (with the prediction-powered estimate when it needs correcting, even
// for a judge that is not usable: that estimate is unbiased whatever the judge), then notes.
// Self-preference and drift add notes but never change the verdict (drift sets drift_alert).
enum class Verdict { usable, usable_with_correction, not_usable };
std::string_view to_string(Verdict v);  // "usable", "usable with correction", "not usable"

struct DimensionCheck {
  std::string dimension;
  GradeScale scale;
  CellCheck overall;
  std::vector<CellCheck> slices;  // every slice value with a human-graded item, lowest kappa
                                  // first (undefined kappa last)
  Estimates estimates;            // overall
  std::vector<std::pair<std::string, Estimates>> slice_estimates;  // "language=de" → estimates
  VerbosityProbe verbosity;
  std::optional<PositionProbe> position;  // when pairwise verdicts were given
  // The same probe over people's pairwise grades from review queues, whose reviewers of a pair see
  // its two orders in turn: how often the order sways people (the task's own share of flips), for
  // reading the judge's against. Never changes the verdict.
  std::optional<PositionProbe> people_position;
  std::optional<SelfPreference> self_preference;
  std::vector<DriftWindow> drift;  // oldest first
  bool drift_alert = false;
  Verdict verdict = Verdict::not_usable;
  std::vector<std::string> reasons;  // plain sentences, the deciding one first
  std::size_t skipped = 0;           // items left out: a grade not on the scale (a reason says so)
  std::size_t open_disagreements = 0;  // items left out: people disagree, none adjudicated
  std::size_t no_judge_grade = 0;      // items left out: people graded them, the judge did not
  JudgeCheckSettings settings;       // the thresholds and confidence the verdict was reached with
};

struct DimensionInput {
  std::string dimension;
  GradeScale scale;
  std::vector<CheckItem> items;
  std::vector<PairVerdict> pairs;         // may be empty
  std::vector<PairVerdict> people_pairs;  // people's pairwise grades (ties left out); may be empty
  std::string judge_model, judged_model;  // "" when unknown
  // Items people graded that the judge has no grade for (its call failed, it did not answer in
  // format, or the dimension does not apply): not in `items`, counted so the check can say so.
  std::size_t no_judge_grade = 0;
};

DimensionCheck check_judge(const DimensionInput& in, const JudgeCheckSettings& settings);

// The model family of a model id: its first word, lower-cased, without version or size
// ("gpt-4o-mini" → "gpt", "claude-3-5-sonnet" → "claude", "meta-llama/Llama-3-70b" → "llama",
// "o3-mini" → "gpt", as OpenAI's). Only the part after the last '/' is read; region, vendor and
// fine-tune prefixes are skipped ("us.anthropic.claude-3-5-sonnet-v1:0" → "claude",
// "ft:gpt-4o-mini:org::id" → "gpt"); a few aliases are folded ("mixtral" → "mistral"). "" for "".
std::string model_family(const std::string& model);

// Renderings of a judge check (src/review/judge_check_format.cpp): the terminal text, written for
// a PM or an ML engineer who has never seen the code (verdict first, then why, then the numbers,
// worst slices first), and the JSON document (schema "qualbar.judge-check/1").
// `width`: the terminal columns its tables fit (0: no limit).
std::string judge_check_terminal(const std::vector<DimensionCheck>& checks, bool color,
                                 std::size_t width = 0);
std::string judge_check_json(const std::vector<DimensionCheck>& checks);
// The body of a page (src/review/judge_check_html.cpp): per dimension the verdict and its reasons
// first, then agreement, the pass rate three ways, slices, the probes and agreement week by
// week, as tables in the HTML report's style; every outside string escaped.
std::string judge_check_html(const std::vector<DimensionCheck>& checks);

}  // namespace qb::review
