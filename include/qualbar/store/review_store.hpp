#pragma once
// The review store: the items handed to reviewers, who got which, and every grade, append-only (a
// corrected grade is a new record; the history stays). One concern of a Store (store/store.hpp);
// SQLite implements it (src/store/sqlite_review_store.cpp). What the grades mean — an item's
// consensus, agreement — is review/'s (review/grades.hpp).

#include <cstdint>
#include <map>
#include <optional>
#include <span>
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

class ReviewStore {
 public:
  virtual ~ReviewStore() = default;
  // A batch's items (those not stored yet) and its assignments, in one transaction.
  virtual void save_batch(const ReviewBatch& batch) = 0;
  // The stored items among `ids`, by id; unknown ids are absent.
  [[nodiscard]] virtual std::map<std::string, ReviewItem> items(
      const std::vector<std::string>& ids) = 0;
  // Appends grades (and the items they name that are not stored yet) in one transaction: all of
  // them or, after a failure, none. Fills nothing in `grades`; seq and imported_at are the store's.
  virtual void append_grades(std::span<const ReviewItem> items, std::span<const Grade> grades) = 0;
  // Every grade of the items of `run_id` ("" for all runs), in store order.
  [[nodiscard]] virtual std::vector<Grade> grades(const std::string& run_id) = 0;
};

}  // namespace qb
