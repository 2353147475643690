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
#include <utility>
#include <vector>

namespace qb {

enum class GradeKind {
  human,        // a reviewer's grade
  judge,        // a model's grade given outside qualbar (qualbar's own judge grades are scores)
  adjudicated,  // the grade that settles a disagreement between reviewers
};
std::string_view to_string(GradeKind k);
std::optional<GradeKind> parse_grade_kind(std::string_view s);

// One response to grade, or a pair of two runs' responses to one case (`run_b` set: the answer of
// run_id is A, run_b's is B). Its id is opaque (nothing in it tells the model or the run), stable
// (the same response always gets the same id) and short enough to read aloud: "i-" and 10 hex
// digits.
struct ReviewItem {
  std::string id;
  std::string run_id;
  std::string case_id;
  std::string run_b;  // "" for one response
};

struct Grade {
  std::int64_t seq = 0;  // order in the store (0 before it is stored): later corrects earlier
  std::string item;      // review item id
  std::string run_id, case_id;  // what the item is
  std::string run_b;            // a pair's second run ("" for one response)
  std::string dimension;
  std::string grader;
  GradeKind kind = GradeKind::human;
  // On the dimension's scale; of a pair, which answer won: 2 = A, 1 = a tie, 0 = B
  // (review/grades.hpp, kPairA …).
  double grade = 0;
  std::string shown_first;  // a pair: "A" or "B", the answer the grader saw first ("" otherwise)
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

// A review queue (docs/review.md, "Review queues in the browser"): items handed out one at a time
// by qualbar serve, each to `per_item` reviewers, each hand-out a claim with a lock.
struct ReviewQueue {
  std::string id;      // "q-" and 10 hex digits: opaque, shown to reviewers
  std::string name;    // what reviewers see it called
  std::string source;  // what its items came from ("run r-…", "monitor m-… weeks …"): admins only
  std::vector<std::string> runs;        // the runs its items answer (admins only): A and B of pairs
  bool pairwise = false;                // items are pairs: which of two answers is better
  std::vector<std::string> dimensions;  // graded on each item, in this order
  std::size_t per_item = 2;             // reviewers each item goes to
  std::int64_t lock_seconds = 900;      // how long a hand-out holds an item for its reviewer
  std::string instructions;
  std::string created_by, created_at;
  std::string closed_at;  // "" while open
  // Counted when queues are listed: entries, and entries with per_item reviewers done.
  std::size_t entries = 0, finished = 0;
};

// One item of a queue, at its place in the queue's (seeded) order.
struct QueueEntry {
  std::int64_t pos = 0;
  std::string item;           // review item id
  std::string run_id;         // the run it answers, the case's id and its index there
  std::string case_id;
  std::string run_b;          // a pair: the second run ("" for one answer)
  std::size_t case_index = 0;
  std::size_t case_index_b = 0;  // a pair: the case's index in the second run
  std::size_t finished = 0;   // reviewers who graded it
};

enum class ClaimState {
  locked,   // handed to the reviewer; theirs until locked_until
  done,     // the reviewer graded it
  skipped,  // the reviewer could not judge it (reason given)
};
std::string_view to_string(ClaimState s);

// A reviewer's hand-out of one entry. At most one per entry and reviewer: an item never goes to
// one reviewer twice.
struct QueueClaim {
  std::int64_t pos = 0;
  std::string reviewer;
  ClaimState state = ClaimState::locked;
  std::int64_t locked_until = 0;  // Unix seconds
  std::string claimed_at, finished_at;  // RFC 3339, UTC ("" while not finished)
  std::string reason;                   // why it was skipped
  std::string shown_first;  // a pair: "A" or "B", the answer this reviewer is shown first
};

// A reviewer's work in a queue, counted.
struct ReviewerProgress {
  std::string reviewer;
  std::size_t done = 0, skipped = 0;
  double median_seconds = 0;  // from hand-out to grade, over their graded items
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
  // Every grade of the items of `run_id` ("" for all runs), in store order; one response's items
  // only (a pair's grades are pair_grades').
  [[nodiscard]] virtual std::vector<Grade> grades(const std::string& run_id) = 0;
  // Every grade of pairs, in store order: those of `run_id` (as A or B), "" for all runs.
  [[nodiscard]] virtual std::vector<Grade> pair_grades(const std::string& run_id) = 0;

  // ---- queues (src/store/sqlite_review_queues.cpp) ----
  // A new queue with its items (those not stored yet) and entries, in one transaction.
  virtual void save_queue(const ReviewQueue& queue, std::span<const ReviewItem> items,
                          std::span<const QueueEntry> entries) = 0;
  // Every queue, newest first, with its counts.
  [[nodiscard]] virtual std::vector<ReviewQueue> queues() = 0;
  [[nodiscard]] virtual std::optional<ReviewQueue> queue(const std::string& id) = 0;
  virtual void close_queue(const std::string& id, const std::string& at) = 0;
  [[nodiscard]] virtual std::optional<QueueEntry> queue_entry(const std::string& queue,
                                                              std::int64_t pos) = 0;
  // The first entry in queue order that `reviewer` has no claim on and that fewer than per_item
  // reviewers have graded or hold locked at `now` (Unix seconds); nullopt when none is left.
  [[nodiscard]] virtual std::optional<QueueEntry> next_open_entry(const std::string& queue,
                                                                  const std::string& reviewer,
                                                                  std::size_t per_item,
                                                                  std::int64_t now) = 0;
  // The entry's claims, every reviewer's.
  [[nodiscard]] virtual std::vector<QueueClaim> claims(const std::string& queue,
                                                       std::int64_t pos) = 0;
  // The reviewer's claim still locked at `now`, if any; their latest graded one, if any.
  [[nodiscard]] virtual std::optional<QueueClaim> live_claim(const std::string& queue,
                                                             const std::string& reviewer,
                                                             std::int64_t now) = 0;
  [[nodiscard]] virtual std::optional<QueueClaim> last_done_claim(const std::string& queue,
                                                                  const std::string& reviewer) = 0;
  // Inserts the claim, or replaces the reviewer's claim on that entry.
  virtual void put_claim(const std::string& queue, const QueueClaim& claim) = 0;
  virtual void set_finished(const std::string& queue, std::int64_t pos, std::size_t finished) = 0;
  // Each reviewer's counts in the queue, most graded first.
  [[nodiscard]] virtual std::vector<ReviewerProgress> progress(const std::string& queue) = 0;
  // The reviewer's claims counted: (graded, skipped).
  [[nodiscard]] virtual std::pair<std::size_t, std::size_t> claim_counts(
      const std::string& queue, const std::string& reviewer) = 0;
  // Every grade of one review item, in store order.
  [[nodiscard]] virtual std::vector<Grade> item_grades(const std::string& item) = 0;
  // Every grade of the queue's items, in store order.
  [[nodiscard]] virtual std::vector<Grade> queue_grades(const std::string& queue) = 0;
  // The queue's entry of a review item, if it has one.
  [[nodiscard]] virtual std::optional<QueueEntry> entry_of_item(const std::string& queue,
                                                                const std::string& item) = 0;
};

}  // namespace qb
