#pragma once
// Human review: picking responses to grade and handing them to reviewers blind, taking their
// grades back (validated, all or nothing, append-only), and how far reviewers agree.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "qualbar/core/case.hpp"
#include "qualbar/io/dataset.hpp"
#include "qualbar/metrics/analysis.hpp"
#include "qualbar/metrics/score_table.hpp"
#include "qualbar/review/grades.hpp"
#include "qualbar/review/judge_check.hpp"
#include "qualbar/stats/agreement.hpp"
#include "qualbar/store/store.hpp"
#include "qualbar/suite/suite.hpp"

namespace qb::review {

// A stored run with its suite and cases parsed from the stored text.
struct RunData {
  StoredRun stored;
  Suite suite;
  Dataset dataset;
  [[nodiscard]] std::size_t case_index(const std::string& case_id) const;  // npos when absent

 private:
  mutable std::unordered_map<std::string, std::size_t> index_;  // built on first use
};
// A stored run with its suite and cases; without them (`with_cases` false), its record, suite
// and stored report only.
RunData load_run_data(Store& store, const std::string& id, bool with_cases = true);

// The scale people grade a dimension on: judge-scale's points (min..max, 1..5 by default), else
// pass (1) / fail (0).
GradeScale scale_of(const DimensionSpec& d);
// What a reviewer is asked to judge: the rubric, else the dimension's description.
std::string rubric_of(const DimensionSpec& d);
// True when the dimension's scorer, as configured, asks the suite's judge.
bool uses_judge(const DimensionSpec& d);
// A run's score read as a grade on `scale` (judge-scale's 0–1 value back to its points; any other
// score passes at the dimension's threshold, 1 when it has none); nullopt for a failed call or a
// case the dimension does not apply to.
std::optional<double> score_as_grade(const ScoreView& s, const GradeScale& scale,
                                     const DimensionSpec& d);

// The judged dimension `dimension` of a run next to people's grades of it (judge alone, people
// alone, prediction-powered), for the run report; nullopt when the dimension is not judged or no
// person graded any of its answers.
std::optional<Analysis> human_grades_analysis(const StoredRun& run, const Suite& suite,
                                              std::span<const Case> cases, const GradeBook& book,
                                              std::size_t dimension, double confidence);

// ---- export -------------------------------------------------------------------------------

struct ExportRequest {
  std::vector<std::string> runs;        // one run, or two (a comparison: both answers, blind)
  // Two runs: one item per case, the pair of answers, graded by which is better (a pairwise
  // review queue) instead of each answer on its own.
  bool pairwise = false;
  std::vector<std::string> dimensions;  // empty: every dimension the judge grades
  // Cases to pick by a seeded draw; 0 = all. Unset: 200 of a run, and every record of a
  // monitor's weeks (on a monitor the draw is per week: never a subsample across weeks).
  std::optional<std::size_t> sample;
  // A monitor only: its closed weeks to hand out ("2026-W07"; empty: every closed week), or its
  // `last_weeks` most recent closed weeks.
  std::vector<std::string> weeks;
  std::size_t last_weeks = 0;
  std::vector<std::string> reviewers;   // names; each gets one file
  std::size_t per_item = 2;             // reviewers per item
  std::uint64_t seed = 1;
  std::string out_dir;
  bool adjudicate = false;  // instead: the items reviewers disagree on, grades shown
  std::string adjudicator = "adjudicator";
};

struct ExportResult {
  std::string batch_id;
  std::size_t items = 0;
  std::size_t skipped_errors = 0;   // cases whose call failed: nothing to grade
  std::size_t already_graded = 0;   // cases every requested dimension has enough grades for
  std::vector<std::string> files;   // written, in order
  // A monitor: the items handed out per week, oldest first.
  std::vector<std::pair<std::string, std::size_t>> weeks;
};

ExportResult export_for_review(Store& store, const ExportRequest& request);

// What an export or a review queue hands out: the runs, the dimensions to grade, the cases chosen
// (indices into runs[0], in the seeded order), and what was left out, counted in `counts`. Throws
// InputError when nothing is left to hand out. `request`'s reviewers and folder are not read.
struct ReviewPlan {
  std::vector<RunData> runs;
  std::vector<std::string> dimensions;
  std::vector<std::size_t> chosen;
  ExportResult counts;
};
ReviewPlan plan_review(Store& store, const ExportRequest& request);
// A monitor's weeks a plan hands out are frozen: a late record no longer changes their sample
// (docs/monitor.md, "Sampling"). Part of the caller's unit of work.
void freeze_handed_out_weeks(Store& store, const ReviewPlan& plan, const std::string& at);

// ---- import -------------------------------------------------------------------------------

struct ImportOptions {
  std::string run;  // lets `id` be a case id of this run (grades made outside `review export`)
};

struct ImportSummary {
  std::size_t imported = 0;
  std::size_t corrections = 0;  // of which: a grader's new grade for something they had graded
  std::size_t unchanged = 0;    // identical to a stored grade: not stored again
  std::size_t pending = 0;      // lines without a grade yet
  std::vector<std::string> dimensions;  // the dimensions graded
};

// Reads grade files (JSONL in the grades format, or CSV with the same column names; a `.csv`
// name means CSV), checks every line, and stores all grades in one transaction. Any bad line is an
// InputError listing every bad line found (file:line: field 'f': why); nothing is stored then.
ImportSummary import_grades(Store& store, const std::vector<std::string>& files,
                            const ImportOptions& options);

// ---- agreement between reviewers ----------------------------------------------------------

struct ReviewerPair {
  std::string a, b;
  std::size_t n = 0;  // items both graded
  double agreement = stats::kNaN;
  stats::KappaResult kappa;  // quadratic weights on an ordinal scale
  std::string kappa_reason;  // why kappa is undefined, naming the reviewer ("" when it is not)
};

struct Disagreement {
  std::string item;
  std::string case_id, run_id;
  std::vector<std::pair<std::string, double>> grades;  // reviewer → grade
  std::vector<std::pair<std::string, std::string>> notes;
};

struct DimensionAgreement {
  std::string dimension;
  GradeScale scale;
  std::size_t items_graded = 0;    // items with at least one human grade
  std::size_t items_multiple = 0;  // with two or more reviewers
  std::size_t reviewers = 0;
  double agreement = stats::kNaN;  // share of multiply-graded items where every reviewer agreed
  stats::Interval agreement_interval;
  std::vector<ReviewerPair> pairs;  // Cohen's kappa of each pair of reviewers, most items first
  stats::AgreementValue alpha;      // Krippendorff's alpha over all reviewers
  std::size_t adjudicated = 0;
  std::vector<Disagreement> open;  // disagreements nobody has adjudicated yet
  double confidence = 0.95;        // of the intervals  // disagreements nobody has adjudicated yet
};

// Per dimension, from the grades of the given runs (every run with grades when empty).
std::vector<DimensionAgreement> reviewer_agreement(Store& store,
                                                   const std::vector<std::string>& runs,
                                                   double confidence);

std::string agreement_terminal(const std::vector<DimensionAgreement>& a, bool color);
std::string agreement_json(const std::vector<DimensionAgreement>& a);

// ---- judge check --------------------------------------------------------------------------

struct JudgeCheckRequest {
  std::vector<std::string> runs;  // empty: every run with human grades
  std::vector<std::string> dimensions;  // empty: every judged dimension with human grades
  std::string pairwise_file;  // pairwise verdicts asked in both orders (position probe)
};

// Gathers, per dimension, the items with the judge's grade (and the people's where they graded),
// ready for check_judge; also returns the settings of the newest run's suite.
struct JudgeCheckInputs {
  std::vector<DimensionInput> dimensions;
  JudgeCheckSettings settings;
};
JudgeCheckInputs gather_judge_check(Store& store, const JudgeCheckRequest& request);

}  // namespace qb::review
