#pragma once
// The review pages' HTML (docs/review.md, "Review queues in the browser"): the queue list, the
// reviewer's item page with its keyboard script, the admin's overview and the adjudication page.
// Everything from a dataset, a model or a reviewer is escaped. Internal.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "qualbar/review/queue.hpp"
#include "server/http.hpp"

namespace qb::server {

// The CSP hash ("'sha256-…'") of the item page's script.
const std::string& review_script_hash();

struct QueueListEntry {
  ReviewQueue queue;
  review::QueueProgress progress;  // the viewer's own counts
};

// /review: the open queues with the viewer's progress; for admins also closed queues, what each
// was made from, and the form that creates a queue. `can_adjudicate`: adjudication links.
std::string queue_list_html(const Request& r, const std::vector<QueueListEntry>& queues,
                            bool admin, bool can_adjudicate);

// The item page: the rubric and scale of each dimension as a form, then the input, the contexts
// (cited ones marked), the reference, the checks and the answer. `undo_pos`: the entry the
// reviewer graded last.
std::string item_html(const Request& r, const ReviewQueue& queue, const review::QueueItemView& v,
                      const review::QueueProgress& progress, std::optional<std::int64_t> undo_pos);

// The page when nothing is left for the reviewer.
std::string queue_done_html(const ReviewQueue& queue, const review::QueueProgress& progress,
                            std::optional<std::int64_t> undo_pos);

// /review/Q/overview: progress, live agreement per dimension, each reviewer's figures.
std::string overview_html(const Request& r, const ReviewQueue& queue,
                          const review::QueueOverview& overview);

// /review/Q/adjudicate: every open disagreement with both grades and notes, each with a form;
// with `item`, that item's input, contexts and answer, then its disagreements only.
std::string adjudication_html(const Request& r, const ReviewQueue& queue,
                              const std::vector<review::QueueDisagreement>& open,
                              const review::QueueItemView* item = nullptr);

// "15 minutes", "1 minute".
std::string minutes_text(std::int64_t seconds);

// "10:15 UTC" of Unix seconds.
std::string clock_time(std::int64_t unix_seconds);

}  // namespace qb::server
