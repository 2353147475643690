#pragma once
// What grades mean: an item's grades as they stand (each grader's latest), the people's consensus,
// a disagreement. The records themselves — items, grades, batches — are the review store's
// (store/review_store.hpp); grades are append-only, a correction is a new record.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "qualbar/store/review_store.hpp"

namespace qb {

// A review item's id: opaque (nothing in it tells the model or the run), stable (the same response
// always gets the same id) and short enough to read aloud: "i-" and 10 hex digits.
std::string review_item_id(const std::string& run_id, const std::string& case_id);
// A pair's id: run A's and run B's answers to one case (the order of the runs matters: A is the
// first). Opaque as review_item_id, and a different id from either answer's own.
std::string review_pair_id(const std::string& run_a, const std::string& run_b,
                           const std::string& case_id);

// A pairwise grade, as stored: which answer won. On an ordinal scale of 0..2 (a tie sits between
// the two), so that agreement weighs "A against B" above "A against a tie".
inline constexpr double kPairB = 0, kPairTie = 1, kPairA = 2;
// "A", "B" or "tie" of a stored pairwise grade; nullopt for any other value.
std::optional<std::string> pair_choice_name(double grade);
std::optional<double> parse_pair_choice(std::string_view name);
// Of a pairwise grade and the answer its grader saw first ("A" or "B"): whether the answer shown
// first won; nullopt for a tie, or for anything else.
std::optional<bool> first_shown_won(double grade, std::string_view shown_first);

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
