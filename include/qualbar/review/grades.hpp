#pragma once
// Grades given by people (reviewers, adjudicators) and judges to review items, and the review
// items themselves: one response of one run to one case. Grades are append-only: a corrected
// grade is a new record and the history stays in the store.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace qb {

enum class GradeKind {
  human,        // a reviewer's grade
  judge,        // a model's grade given outside qualbar (qualbar's own judge grades are scores)
  adjudicated,  // the grade that settles a disagreement between reviewers
};
std::string_view to_string(GradeKind k);
std::optional<GradeKind> parse_grade_kind(std::string_view s);

// One response to grade. Its id is opaque (nothing in it tells the model or the run), stable (the
// same response always gets the same id) and short enough to read aloud: "i-" and 10 hex digits.
struct ReviewItem {
  std::string id;
  std::string run_id;
  std::string case_id;
};
std::string review_item_id(const std::string& run_id, const std::string& case_id);

struct Grade {
  std::int64_t seq = 0;  // order in the store (0 before it is stored): later corrects earlier
  std::string item;      // review item id
  std::string run_id, case_id;  // what the item is
  std::string dimension;
  std::string grader;
  GradeKind kind = GradeKind::human;
  double grade = 0;
  std::string note;
  std::string reference;    // a reference answer the grader wrote ("" when none)
  std::string graded_at;    // RFC 3339, UTC
  std::string imported_at;  // when the store took it
  std::string source;       // "grades/alice.jsonl:12"
};

// A set of items handed to reviewers by `qualbar review export`.
struct ReviewAssignment {
  std::string item;
  std::string dimension;
  std::string reviewer;
  std::size_t position = 0;  // in the reviewer's shuffled file
};
struct ReviewBatch {
  std::string id;  // "b-YYYYMMDD-HHMMSS-xxxx"
  std::string created_at;
  std::string source;  // what the items came from: "run r-…" or "comparison r-… r-…"
  std::vector<ReviewItem> items;
  std::vector<ReviewAssignment> assignments;
};

// The grades of one item on one dimension, as they stand: each grader's latest grade.
struct ItemGrades {
  std::map<std::string, double> human;        // reviewer → grade
  std::map<std::string, double> judge;        // external judge → grade
  std::optional<double> adjudicated;          // the latest adjudication
  std::string last_human_at;                  // graded_at of the latest human or adjudicated grade

  // The people's grade: the adjudicated one when there is one, else the grade every reviewer gave
  // when they agree; nullopt when nobody graded it or reviewers disagree and nobody adjudicated.
  [[nodiscard]] std::optional<double> consensus() const;
  [[nodiscard]] bool disagreement() const;  // reviewers differ and nobody adjudicated
};

// Grades folded to their current state: (item, dimension) → ItemGrades. `grades` in store order.
using GradeBook = std::map<std::pair<std::string, std::string>, ItemGrades>;
GradeBook fold_grades(const std::vector<Grade>& grades);

}  // namespace qb
