// qualbar review queue create|list|close: the queues reviewers grade in the browser, through
// qualbar serve (docs/review.md, "Review queues in the browser").
#include "cli/review_queue_command.hpp"

#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "cli/shared_flags.hpp"
#include "qualbar/core/error.hpp"
#include "qualbar/review/queue.hpp"
#include "qualbar/util/files.hpp"

namespace qb::cli {
namespace {

struct QueueOptions {
  std::string store;
  review::QueueRequest create;
  int sample = -1;  // unset: the request's default
  std::string instructions_file;
  int lock_minutes = 15;
  std::string created_by = "admin";
  std::string queue_id;  // close
};

std::unique_ptr<Store> queue_store(const std::string& flag) {
  return open_store(resolve_store_path(flag, ""), StoreAccess::existing);
}

int do_create(QueueOptions& o) {
  auto store = queue_store(o.store);
  if (o.sample < -1) throw InputError(fmt::format("--sample must be 0 or more, got {}", o.sample));
  if (o.sample >= 0) o.create.pick.sample = static_cast<std::size_t>(o.sample);
  if (o.create.pick.runs.empty()) o.create.pick.runs = {"latest"};
  if (!o.instructions_file.empty()) o.create.instructions = read_file(o.instructions_file);
  o.create.lock_seconds = static_cast<std::int64_t>(o.lock_minutes) * 60;
  o.create.created_by = o.created_by;
  const review::QueueCreated made = review::create_queue(*store, o.create);
  const ReviewQueue& q = made.queue;
  std::cout << fmt::format(
      "Review queue {} \"{}\": {} {} to grade on {}, each by {} reviewer{}; a hand-out holds an "
      "item for {} minute{}.\n",
      q.id, q.name, q.entries,
      q.pairwise ? (q.entries == 1 ? "pair of answers" : "pairs of answers")
                 : (q.entries == 1 ? "answer" : "answers"),
      fmt::join(q.dimensions, ", "), q.per_item, q.per_item == 1 ? "" : "s", q.lock_seconds / 60,
      q.lock_seconds / 60 == 1 ? "" : "s");
  if (q.pairwise)
    std::cout << fmt::format(
        "  Pairwise: reviewers say which answer is better, {} (A) or {} (B), or a tie; each sees "
        "the two in an order drawn for them, and the order is stored with the grade.\n",
        q.runs[0], q.runs[1]);
  if (made.counts.skipped_errors > 0)
    std::cout << fmt::format("  {} case(s) left out: the model call failed, nothing to grade\n",
                             made.counts.skipped_errors);
  if (made.counts.already_graded > 0)
    std::cout << fmt::format("  {} case(s) left out: already graded by {} reviewers\n",
                             made.counts.already_graded, q.per_item);
  for (const auto& [week, n] : made.counts.weeks)
    if (n > 0) std::cout << fmt::format("  week {}: {} records\n", week, n);
  std::cout << fmt::format(
      "Reviewers grade it at /review/{} of qualbar serve (they see neither the model nor the run); "
      "admins follow it at /review/{}/overview.\n",
      q.id, q.id);
  return 0;
}

int do_list(const QueueOptions& o) {
  auto store = queue_store(o.store);
  const auto queues = store->review().queues();
  if (queues.empty()) {
    std::cout << "No review queue yet: qualbar review queue create --run RUN\n";
    return 0;
  }
  std::cout << fmt::format("{:<13} {:<9} {:>9} {:>9}  {:<28} {}\n", "queue", "state", "items",
                           "finished", "from", "name");
  for (const auto& q : queues) {
    std::cout << fmt::format("{:<13} {:<9} {:>9} {:>9}  {:<28} {}\n", q.id,
                             q.closed_at.empty() ? "open" : "closed", q.entries, q.finished,
                             q.source, q.name);
  }
  return 0;
}

int do_close(const QueueOptions& o) {
  auto store = queue_store(o.store);
  const ReviewQueue q = review::find_queue(*store, o.queue_id);
  if (!q.closed_at.empty()) {
    std::cout << fmt::format("Review queue {} was closed already ({}).\n", q.id, q.closed_at);
    return 0;
  }
  store->review().close_queue(q.id, now_rfc3339());
  std::cout << fmt::format("Closed review queue {}: {} of {} items had every grade they need. "
                           "Its grades stay in the store.\n",
                           q.id, q.finished, q.entries);
  return 0;
}

}  // namespace

std::function<int()> add_review_queue_commands(Command& review) {
  auto o = std::make_shared<QueueOptions>();
  Command* queue = review.add_subcommand(
      "queue",
      "Review queues graded in the browser (qualbar serve): each item to N reviewers, never twice "
      "to one, blind, with a lock per hand-out.");
  queue->require_subcommand(1);
  Command* create = queue->add_subcommand(
      "create",
      "Pick answers of a stored run (or a monitor's closed weeks) as `review export` does, and "
      "open them as a queue that signed-in reviewers grade one item at a time.");
  create->add_option("--run", o->create.pick.runs,
                     "Run or monitor (m-SUITE) to take answers from (id, prefix, 'latest'). Give "
                     "two runs (--run A --run B) for a pairwise queue: reviewers see both "
                     "answers to a case and say which is better, or a tie")
      ->default_str("latest");
  create->add_option("--dimension", o->create.pick.dimensions,
                     "Dimension to grade (repeatable; default: every dimension the judge grades)");
  create->add_option("--sample", o->sample,
                     "Cases to pick, by a seeded draw (0 = all). Default: 200 of a run; every "
                     "record of each closed week of a monitor (on a monitor, N is per week)");
  create->add_option("--week", o->create.pick.weeks,
                     "A monitor's closed week to hand out, e.g. 2026-W07 (repeatable)");
  create->add_option("--weeks", o->create.pick.last_weeks,
                     "A monitor's N most recent closed weeks only");
  create->add_option("--per-item", o->create.pick.per_item, "Reviewers who grade each item")
      ->default_val(2);
  create->add_option("--seed", o->create.pick.seed, "Seed of the draw and of the queue's order")
      ->default_val(1);
  create->add_option("--name", o->create.name,
                     "What reviewers see the queue called (default: \"Review of DATE\"); do not "
                     "name the model");
  create->add_option("--instructions", o->instructions_file,
                     "A text file of instructions reviewers can open from every item");
  create->add_option("--lock-minutes", o->lock_minutes,
                     "How long a hand-out holds an item for its reviewer; an item not graded "
                     "by then goes back to the queue")
      ->default_val(15);
  create->add_option("--by", o->created_by, "Who creates it, for the record")->default_val("admin");
  add_store_option(*create, o->store);

  Command* list = queue->add_subcommand("list", "Every review queue, newest first, with progress.");
  add_store_option(*list, o->store);
  Command* close = queue->add_subcommand(
      "close", "Close a queue: nothing more is handed out; its grades stay.");
  close->add_option("queue", o->queue_id, "The queue's id (q-...)")->required();
  add_store_option(*close, o->store);

  return [o, queue, create, list, close]() -> int {
    if (!queue->parsed()) return -1;
    if (create->parsed()) return do_create(*o);
    if (list->parsed()) return do_list(*o);
    if (close->parsed()) return do_close(*o);
    return 2;
  };
}

}  // namespace qb::cli
