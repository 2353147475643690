#pragma once
// Review queues (docs/review.md, "Review queues in the browser"): answers handed to reviewers one
// at a time by qualbar serve. Each item goes to `per_item` reviewers, never twice to one; a
// hand-out locks the item for its reviewer until the lock times out; grades are the same
// append-only records as `review import` writes. A reviewer is shown nothing that names the model
// or the run, and nobody's grade but their own.

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "qualbar/core/case.hpp"
#include "qualbar/review/review.hpp"
#include "qualbar/store/store.hpp"

namespace qb::review {

struct QueueRequest {
  ExportRequest pick;  // the run (or a monitor and its weeks), dimensions, sample, per_item, seed
  std::string name;    // shown to reviewers; "" for "Review of YYYY-MM-DD"
  std::string instructions;
  std::int64_t lock_seconds = 900;
  std::string created_by;
};

struct QueueCreated {
  ReviewQueue queue;
  ExportResult counts;  // what was left out (failed calls, graded enough) and, of a monitor, weeks
};

// Picks the answers as `review export` does and stores them as a queue; a monitor's weeks handed
// out are frozen with it. Two runs make a pairwise queue: one item per case, the two answers side
// by side, graded by which is better (request.pick.pairwise is implied). InputError for a bad
// request (nothing is stored then).
QueueCreated create_queue(Store& store, const QueueRequest& request);

// A queue by id; HTTP-free NotFound (InputError) naming it when the store has none.
ReviewQueue find_queue(Store& store, const std::string& id);

// A pairwise grade as the reviewer gives it: by the place the answer was shown in.
enum class Pick { first, second, tie };
std::string_view to_string(Pick p);
std::optional<Pick> parse_pick(std::string_view s);  // "first", "second" or "tie"

// What a reviewer is shown of one item.
struct QueueItemView {
  std::int64_t pos = 0;
  std::string item;  // the opaque review item id
  struct Dimension {
    std::string name, rubric;
    GradeScale scale;            // of a pair: GradeScale::pair()
    std::optional<double> mine;  // the reviewer's own grade, when they graded it already
    std::optional<Pick> picked;  // of a pair: the reviewer's own pick, when they picked already
  };
  std::vector<Dimension> dimensions;
  Case c;                          // the case: input, contexts, reference, checks, category
  std::string output;              // the answer (of a pair: the one shown first)
  std::vector<std::string> cited;  // ids of the contexts the answer cites
  // A pair: the answer shown second, and which of A and B is shown first ("A" or "B"; kept from
  // reviewers, who see "answer 1" and "answer 2" only).
  bool pairwise = false;
  std::string output_second;
  std::vector<std::string> cited_second;
  std::string shown_first;
  std::string note;                // the reviewer's own note, when they graded it already
  bool correction = false;         // graded already: a new grade corrects it
  std::int64_t locked_until = 0;   // Unix seconds ("" for a correction)
};

// The reviewer's next item at `now` (Unix seconds): the one they hold locked, else the first open
// entry they have not had, locked for them now. nullopt when nothing is left for them.
std::optional<QueueItemView> next_item(Store& store, const ReviewQueue& queue,
                                       const std::string& reviewer, std::int64_t now);
// An item the reviewer graded, to correct it; nullopt when they have not graded entry `pos`.
std::optional<QueueItemView> graded_item(Store& store, const ReviewQueue& queue,
                                         const std::string& reviewer, std::int64_t pos);
// Entry `pos` as an adjudicator sees it (without anyone's grades: those are listed apart);
// nullopt when the queue has no such entry.
std::optional<QueueItemView> entry_item(Store& store, const ReviewQueue& queue, std::int64_t pos);
// The entry the reviewer graded last (what "undo" goes back to).
std::optional<std::int64_t> last_graded(Store& store, const ReviewQueue& queue,
                                        const std::string& reviewer);

// A grade refused because of the state of the queue (HTTP 409): the reason, for the reviewer.
class QueueConflict : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Submission {
  std::int64_t pos = 0;
  std::map<std::string, double> grades;  // dimension → grade: every dimension of the queue
  std::map<std::string, Pick> picks;     // a pairwise queue: dimension → pick, instead
  std::string note;
  std::optional<std::string> skip_reason;  // set: the reviewer cannot judge it (no grades then)
};

enum class SubmitOutcome { stored, corrected, skipped };

// Stores a reviewer's grades of an entry (in one transaction, all or nothing):
// - their first grade while they hold the lock → stored;
// - after their lock ran out: stored when the entry still needs grades (fewer than per_item
//   reviewers finished it), else QueueConflict and nothing is stored;
// - a grade of an entry they graded → a correction (the earlier grade stays in the history);
// - an entry never handed to them → QueueConflict.
// InputError for a grade off a dimension's scale or a dimension missing.
SubmitOutcome submit(Store& store, const ReviewQueue& queue, const std::string& reviewer,
                     const Submission& submission, std::int64_t now);

// Counts for a reviewer's page.
struct QueueProgress {
  std::size_t entries = 0, finished = 0;  // the queue's, and those with per_item reviewers done
  std::size_t mine = 0, skipped = 0;      // the reviewer's
};
QueueProgress queue_progress(Store& store, const ReviewQueue& queue, const std::string& reviewer);

// ---- adjudication and statistics (admins; adjudicators see disagreements) ----

struct QueueDisagreement {
  std::int64_t pos = 0;
  std::string item;
  std::string dimension;
  GradeScale scale;
  std::vector<std::pair<std::string, double>> grades;       // reviewer → grade
  std::vector<std::pair<std::string, std::string>> notes;   // reviewer → note
};
// The queue's disagreements nobody has adjudicated yet, in queue order.
std::vector<QueueDisagreement> queue_disagreements(Store& store, const ReviewQueue& queue);
// Stores an adjudicated grade of one entry's dimension. QueueConflict when its reviewers do not
// disagree (nothing to settle); InputError for a grade off the scale.
void adjudicate(Store& store, const ReviewQueue& queue, const std::string& who, std::int64_t pos,
                const std::string& dimension, double grade, const std::string& note);

struct ReviewerStats {
  std::string reviewer;
  std::size_t done = 0, skipped = 0;
  double median_seconds = 0;        // from hand-out to grade
  std::size_t compared = 0;         // grades given on items another reviewer graded too
  double agrees_with_others = stats::kNaN;  // share of those equal to the other's grade
  std::size_t adjudicated = 0;      // grades given on items an adjudicator settled
  double agrees_with_adjudication = stats::kNaN;
};

struct QueueOverview {
  std::vector<DimensionAgreement> agreement;  // per dimension, live
  std::vector<ReviewerStats> reviewers;
  std::size_t open_disagreements = 0;
};
QueueOverview queue_overview(Store& store, const ReviewQueue& queue, double confidence);

// Per dimension agreement of people's grades (`grades` in store order), on each dimension's
// scale; what `review agreement` prints for runs, here for any set of grades.
std::vector<DimensionAgreement> agreement_of_grades(const std::vector<Grade>& grades,
                                                    const std::map<std::string, GradeScale>& scales,
                                                    double confidence);

}  // namespace qb::review
