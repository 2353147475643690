// Review queues: answers handed to reviewers one at a time, each to per_item reviewers, with a
// lock per hand-out; grades, corrections and adjudications as append-only grades; live agreement
// and each reviewer's figures for admins (docs/review.md, "Review queues in the browser").
#include "qualbar/review/queue.hpp"

#include <algorithm>
#include <ctime>
#include <memory>
#include <set>

#include <fmt/format.h>

#include "qualbar/core/error.hpp"
#include "qualbar/io/dataset.hpp"
#include "qualbar/util/files.hpp"
#include "qualbar/util/secret.hpp"

namespace qb::review {
namespace {

constexpr std::size_t kMaxNameBytes = 200;
constexpr std::size_t kMaxInstructionsBytes = 20'000;
constexpr std::size_t kMaxNoteBytes = 10'000;

// "2026-12-07T10:00:00Z" of Unix seconds.
std::string rfc3339_of(std::int64_t unix_seconds) {
  const auto t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

bool has_control(std::string_view s, bool allow_newlines) {
  return std::any_of(s.begin(), s.end(), [&](char ch) {
    const auto u = static_cast<unsigned char>(ch);
    return (u < 0x20 && !(allow_newlines && (ch == '\n' || ch == '\r' || ch == '\t'))) || u == 0x7f;
  });
}

// The suite's dimensions a queue grades, with their rubric and scale (the suite of the run the
// entry answers).
struct QueueDimensions {
  std::shared_ptr<const RunData> run;  // its record and suite (no cases)
  bool monitor = false;                // a monitor's sample: records are read by id
  std::vector<const DimensionSpec*> specs;
};

// A run's record and parsed suite, kept per thread for the runs last asked for: a run's suite
// never changes, and parsing it for every item handed out would be most of the work.
std::shared_ptr<const RunData> run_with_suite(Store& store, const std::string& run_id) {
  struct Kept {
    const Store* store;
    std::string run_id;
    std::shared_ptr<const RunData> run;
  };
  thread_local std::vector<Kept> kept;
  for (const Kept& k : kept)
    if (k.store == &store && k.run_id == run_id) return k.run;
  auto run = std::make_shared<const RunData>(load_run_data(store, run_id, /*with_cases=*/false));
  if (kept.size() >= 8) kept.erase(kept.begin());
  kept.push_back({&store, run_id, run});
  return run;
}

QueueDimensions dimensions_of(Store& store, const ReviewQueue& queue, const std::string& run_id) {
  QueueDimensions out{run_with_suite(store, run_id), false, {}};
  out.monitor = out.run->stored.info.status == RunStatus::monitor;
  for (const auto& name : queue.dimensions) {
    const DimensionSpec* d = out.run->suite.find_dimension(name);
    if (d == nullptr)
      throw RunError(fmt::format("review queue {}: dimension '{}' is not in run {}'s suite",
                                 queue.id, name, run_id));
    out.specs.push_back(d);
  }
  return out;
}

// The case's line and its answer: a run's by its index, a monitor's sampled record by its id.
std::pair<std::string, std::string> case_and_answer(Store& store, bool monitor,
                                                    const std::string& run_id,
                                                    const std::string& case_id,
                                                    std::size_t case_index,
                                                    const std::string& where) {
  if (monitor) {
    auto row = store.monitor().sample(run_id, case_id);
    if (!row) throw RunError(where + ": its record is no longer in the monitor's sample");
    return {std::move(row->case_json), std::move(row->response_json)};
  }
  CasePage page = store.runs().cases(
      run_id, {}, case_index == 0 ? std::nullopt : std::optional<std::size_t>(case_index - 1), 1);
  if (page.rows.empty() || page.rows[0].index != case_index || !page.rows[0].response_json)
    throw RunError(where + ": its answer is no longer in the store");
  return {std::move(page.rows[0].case_json), std::move(*page.rows[0].response_json)};
}

// One stored answer, read.
Response answer_of(const std::string& response_json, const std::string& where,
                   const Limits& limits) {
  std::vector<Response> responses = parse_responses(response_json, where, limits);
  if (responses.size() != 1) throw RunError(where + ": its stored answer cannot be read");
  return std::move(responses[0]);
}

// Which answer of a pair won, as stored (kPairA, kPairTie, kPairB), from a reviewer's pick by place
// and the answer they were shown first ("A" or "B"); and back.
double pair_grade_of(Pick p, const std::string& shown_first) {
  if (p == Pick::tie) return kPairTie;
  const bool a_won = (p == Pick::first) == (shown_first == "A");
  return a_won ? kPairA : kPairB;
}

std::optional<Pick> pick_of(double grade, const std::string& shown_first) {
  if (grade == kPairTie) return Pick::tie;
  const auto first_won = first_shown_won(grade, shown_first);
  if (!first_won) return std::nullopt;
  return *first_won ? Pick::first : Pick::second;
}

// Which answer of a pair a new hand-out shows first: the reviewers of one item see the two orders
// in turn, and which order comes first is drawn per item (from the queue and the item's place), so
// that position is balanced over the queue and within each item.
std::string first_shown(const ReviewQueue& queue, std::int64_t pos, std::size_t claims_before) {
  const std::string key = queue.id + "/" + std::to_string(pos);
  const auto draw = static_cast<std::size_t>(sha256_hex(key)[0] & 1);
  return (draw + claims_before) % 2 == 0 ? "A" : "B";
}

// The entry as `reviewer` sees it; with `correction`, their own latest grades and note filled in
// (grades belong to the item: a grade given in another queue is not shown as theirs here).
// A pair's answers are shown in the claim's order (`shown_first`, "A" or "B").
QueueItemView view_of(Store& store, const ReviewQueue& queue, const QueueEntry& entry,
                      const std::string& reviewer, bool correction,
                      const std::string& shown_first) {
  const QueueDimensions dims = dimensions_of(store, queue, entry.run_id);
  const std::string where = fmt::format("review queue {}, item {}", queue.id, entry.item);
  const auto [case_json, response_json] =
      case_and_answer(store, dims.monitor, entry.run_id, entry.case_id, entry.case_index, where);
  QueueItemView v;
  v.pos = entry.pos;
  v.item = entry.item;
  Dataset dataset;
  parse_cases(case_json, where, dataset, dims.run->suite.limits);
  if (dataset.cases.size() != 1) throw RunError(where + ": its stored case cannot be read");
  v.c = std::move(dataset.cases[0]);
  Response answer = answer_of(response_json, where, dims.run->suite.limits);
  if (queue.pairwise) {
    Response b = answer_of(case_and_answer(store, false, entry.run_b, entry.case_id,
                                           entry.case_index_b, where)
                               .second,
                           where, dims.run->suite.limits);
    if (shown_first == "B") std::swap(answer, b);
    v.pairwise = true;
    v.shown_first = shown_first;
    v.output_second = std::move(b.output);
    v.cited_second = std::move(b.edit_details().citations);
  }
  v.output = std::move(answer.output);
  v.cited = std::move(answer.edit_details().citations);
  // The reviewer's own grades (a correction shows them); nobody else's.
  std::map<std::string, double> mine;
  if (correction) {
    for (const Grade& g : store.review().item_grades(entry.item)) {
      if (g.grader != reviewer || g.kind != GradeKind::human) continue;
      mine[g.dimension] = g.grade;
      v.note = g.note;
    }
  }
  v.correction = correction;
  for (const auto* d : dims.specs) {
    QueueItemView::Dimension x{d->name, rubric_of(*d),
                               queue.pairwise ? GradeScale::pair() : scale_of(*d), std::nullopt,
                               std::nullopt};
    if (const auto it = mine.find(d->name); it != mine.end()) {
      if (queue.pairwise)
        x.picked = pick_of(it->second, shown_first);
      else
        x.mine = it->second;
    }
    v.dimensions.push_back(std::move(x));
  }
  return v;
}

void check_submission(const ReviewQueue& queue, const QueueDimensions& dims, const Submission& s) {
  if (s.note.size() > kMaxNoteBytes)
    throw InputError(fmt::format("field 'note': {} bytes is over the limit of {}", s.note.size(),
                                 kMaxNoteBytes));
  if (s.skip_reason) {
    if (!s.grades.empty())
      throw InputError("field 'skip': an item is either graded or skipped, not both");
    if (s.skip_reason->empty() || s.skip_reason->size() > kMaxNoteBytes)
      throw InputError("field 'skip': say why the item cannot be judged (1 to 10,000 bytes)");
    return;
  }
  const auto check_name = [&](const std::string& name) {
    if (std::find(queue.dimensions.begin(), queue.dimensions.end(), name) == queue.dimensions.end())
      throw InputError(fmt::format("field 'grades.{}': not a dimension of this queue ({})", name,
                                   fmt::join(queue.dimensions, ", ")));
  };
  for (const auto& [name, grade] : s.grades) check_name(name);
  for (const auto& [name, pick] : s.picks) check_name(name);
  if (queue.pairwise) {
    if (!s.grades.empty())
      throw InputError(fmt::format(
          "field 'grades.{}': this queue compares two answers; say which is better: first, "
          "second or tie",
          s.grades.begin()->first));
    for (const auto& name : queue.dimensions)
      if (!s.picks.contains(name))
        throw InputError(fmt::format("field 'grades.{}': missing; say which answer is better on "
                                     "every dimension (first, second or tie)",
                                     name));
    return;
  }
  if (!s.picks.empty())
    throw InputError(fmt::format("field 'grades.{}': this queue grades one answer at a time: "
                                 "give a number on the dimension's scale",
                                 s.picks.begin()->first));
  for (const auto* d : dims.specs) {
    const auto it = s.grades.find(d->name);
    const GradeScale scale = scale_of(*d);
    if (it == s.grades.end())
      throw InputError(fmt::format("field 'grades.{}': missing; grade every dimension ({})",
                                   d->name, scale.describe()));
    if (!scale.valid(it->second))
      throw InputError(fmt::format("field 'grades.{}': {} is off the scale: {}", d->name,
                                   it->second, scale.describe()));
  }
}

// The reviewer's grades as stored; a pair's picks become which answer won, with the order the
// reviewer saw (their claim's).
std::vector<Grade> grades_of(const ReviewQueue& queue, const QueueEntry& entry,
                             const QueueClaim& claim, const Submission& s, std::int64_t now) {
  std::vector<Grade> out;
  const auto add = [&](const std::string& name, double grade, const std::string& shown_first) {
    Grade g;
    g.item = entry.item;
    g.dimension = name;
    g.grader = claim.reviewer;
    g.kind = GradeKind::human;
    g.grade = grade;
    g.shown_first = shown_first;
    g.note = s.note;
    g.graded_at = rfc3339_of(now);
    g.source = "queue " + queue.id;
    out.push_back(std::move(g));
  };
  for (const auto& [name, grade] : s.grades) add(name, grade, "");
  for (const auto& [name, pick] : s.picks)
    add(name, pair_grade_of(pick, claim.shown_first), claim.shown_first);
  return out;
}

}  // namespace

std::string_view to_string(Pick p) {
  switch (p) {
    case Pick::first: return "first";
    case Pick::second: return "second";
    case Pick::tie: return "tie";
  }
  return "tie";
}

std::optional<Pick> parse_pick(std::string_view s) {
  if (s == "first") return Pick::first;
  if (s == "second") return Pick::second;
  if (s == "tie") return Pick::tie;
  return std::nullopt;
}

QueueCreated create_queue(Store& store, const QueueRequest& request) {
  if (request.pick.runs.empty() || request.pick.runs.size() > 2)
    throw InputError("a review queue takes one run, one monitor (--run m-SUITE), or two runs to "
                     "compare their answers pairwise (--run A --run B)");
  QueueRequest rq = request;
  rq.pick.pairwise = rq.pick.runs.size() == 2;
  if (rq.name.size() > kMaxNameBytes || has_control(rq.name, false))
    throw InputError(fmt::format("--name: at most {} bytes on one line", kMaxNameBytes));
  if (rq.instructions.size() > kMaxInstructionsBytes || has_control(rq.instructions, true))
    throw InputError(fmt::format("--instructions: at most {} bytes of text", kMaxInstructionsBytes));
  if (rq.lock_seconds < 60 || rq.lock_seconds > 7 * 24 * 3600)
    throw InputError("--lock-minutes: from 1 minute to 7 days (10080)");
  const ReviewPlan plan = plan_review(store, rq.pick);
  const RunData& run = plan.runs[0];
  const RunData* run_b = plan.runs.size() == 2 ? &plan.runs[1] : nullptr;
  QueueCreated out;
  out.counts = plan.counts;
  ReviewQueue& q = out.queue;
  q.id = "q-" + sha256_hex(random_secret(16)).substr(0, 10);
  q.created_at = now_rfc3339();
  q.name = rq.name.empty() ? "Review of " + q.created_at.substr(0, 10) : rq.name;
  q.source = "run " + run.stored.info.id;
  if (!plan.counts.weeks.empty()) {
    std::vector<std::string> weeks;
    for (const auto& [week, n] : plan.counts.weeks) weeks.push_back(week);
    q.source = fmt::format("monitor {} weeks {}", run.stored.info.id, fmt::join(weeks, ", "));
  }
  q.runs = {run.stored.info.id};
  if (run_b != nullptr) {
    q.source = fmt::format("comparison {} (A) {} (B)", run.stored.info.id, run_b->stored.info.id);
    q.runs.push_back(run_b->stored.info.id);
    q.pairwise = true;
  }
  q.dimensions = plan.dimensions;
  q.per_item = rq.pick.per_item;
  q.lock_seconds = rq.lock_seconds;
  q.instructions = rq.instructions;
  q.created_by = rq.created_by;
  std::vector<ReviewItem> items;
  std::vector<QueueEntry> entries;
  for (std::size_t k = 0; k < plan.chosen.size(); ++k) {
    const std::size_t i = plan.chosen[k];
    const std::string& case_id = run.dataset.cases[i].id;
    QueueEntry e;
    e.pos = static_cast<std::int64_t>(k);
    e.run_id = run.stored.info.id;
    e.case_id = case_id;
    e.case_index = i;
    if (run_b != nullptr) {
      e.run_b = run_b->stored.info.id;
      e.case_index_b = run_b->case_index(case_id);
      e.item = review_pair_id(e.run_id, e.run_b, case_id);
    } else {
      e.item = review_item_id(e.run_id, case_id);
    }
    items.push_back({e.item, e.run_id, case_id, e.run_b});
    entries.push_back(std::move(e));
  }
  q.entries = entries.size();
  const auto unit = store.begin();
  store.review().save_queue(q, items, entries);
  freeze_handed_out_weeks(store, plan, q.created_at);
  unit->commit();
  return out;
}

ReviewQueue find_queue(Store& store, const std::string& id) {
  auto q = store.review().queue(id);
  if (!q) throw InputError(fmt::format("no review queue '{}' in this store", id));
  return *q;
}

std::optional<QueueItemView> next_item(Store& store, const ReviewQueue& queue,
                                       const std::string& reviewer, std::int64_t now) {
  if (!queue.closed_at.empty()) return std::nullopt;
  std::optional<QueueEntry> entry;
  QueueClaim claim;
  {
    // One write transaction: two reviewers asking at once are handed out one after the other.
    const auto unit = store.begin();
    if (auto live = store.review().live_claim(queue.id, reviewer, now)) {
      claim = *live;
      entry = store.review().queue_entry(queue.id, claim.pos);
    } else {
      entry = store.review().next_open_entry(queue.id, reviewer, queue.per_item, now);
      if (entry) {
        claim = {entry->pos, reviewer, ClaimState::locked, now + queue.lock_seconds,
                 rfc3339_of(now), "", "", ""};
        if (queue.pairwise)
          claim.shown_first =
              first_shown(queue, entry->pos, store.review().claims(queue.id, entry->pos).size());
        store.review().put_claim(queue.id, claim);
      }
    }
    unit->commit();
  }
  if (!entry) return std::nullopt;
  QueueItemView v =
      view_of(store, queue, *entry, reviewer, /*correction=*/false, claim.shown_first);
  v.locked_until = claim.locked_until;
  return v;
}

std::optional<QueueItemView> graded_item(Store& store, const ReviewQueue& queue,
                                         const std::string& reviewer, std::int64_t pos) {
  for (const QueueClaim& c : store.review().claims(queue.id, pos)) {
    if (c.reviewer != reviewer || c.state != ClaimState::done) continue;
    const auto entry = store.review().queue_entry(queue.id, pos);
    if (!entry) return std::nullopt;
    return view_of(store, queue, *entry, reviewer, /*correction=*/true, c.shown_first);
  }
  return std::nullopt;
}

std::optional<QueueItemView> entry_item(Store& store, const ReviewQueue& queue, std::int64_t pos) {
  const auto entry = store.review().queue_entry(queue.id, pos);
  if (!entry) return std::nullopt;
  return view_of(store, queue, *entry, "", /*correction=*/false, "A");
}

std::optional<std::int64_t> last_graded(Store& store, const ReviewQueue& queue,
                                        const std::string& reviewer) {
  const auto c = store.review().last_done_claim(queue.id, reviewer);
  if (!c) return std::nullopt;
  return c->pos;
}

SubmitOutcome submit(Store& store, const ReviewQueue& queue, const std::string& reviewer,
                     const Submission& s, std::int64_t now) {
  const auto entry = store.review().queue_entry(queue.id, s.pos);
  if (!entry) throw QueueConflict(fmt::format("this queue has no item {}", s.pos));
  check_submission(queue, dimensions_of(store, queue, entry->run_id), s);
  const auto unit = store.begin();
  const std::vector<QueueClaim> claims = store.review().claims(queue.id, s.pos);
  const auto mine = std::find_if(claims.begin(), claims.end(),
                                 [&](const QueueClaim& c) { return c.reviewer == reviewer; });
  if (mine == claims.end())
    throw QueueConflict("this item was not handed to you; nothing was stored. Open the queue for "
                        "your next item.");
  if (!queue.closed_at.empty())
    throw QueueConflict("this queue was closed by an admin; nothing was stored");
  QueueClaim claim = *mine;
  if (s.skip_reason) {
    if (claim.state == ClaimState::done)
      throw QueueConflict("you graded this item already; to change your grade, grade it again");
    claim.state = ClaimState::skipped;
    claim.reason = *s.skip_reason;
    claim.finished_at = rfc3339_of(now);
    store.review().put_claim(queue.id, claim);
    unit->commit();
    return SubmitOutcome::skipped;
  }
  const std::vector<Grade> grades = grades_of(queue, *entry, claim, s, now);
  if (claim.state == ClaimState::done) {
    store.review().append_grades({}, grades);  // a correction: the earlier grade stays
    unit->commit();
    return SubmitOutcome::corrected;
  }
  const bool held = claim.state == ClaimState::locked && claim.locked_until > now;
  const auto finished = static_cast<std::size_t>(std::count_if(
      claims.begin(), claims.end(), [](const QueueClaim& c) { return c.state == ClaimState::done; }));
  if (!held && finished >= queue.per_item) {
    throw QueueConflict(fmt::format(
        "your hold on this item ran out and {} other reviewer{} graded it meanwhile, as many as it "
        "needs; your grade was not stored. Open the queue for your next item.",
        finished, finished == 1 ? "" : "s"));
  }
  store.review().append_grades({}, grades);
  claim.state = ClaimState::done;
  claim.finished_at = rfc3339_of(now);
  store.review().put_claim(queue.id, claim);
  store.review().set_finished(queue.id, s.pos, finished + 1);
  unit->commit();
  return SubmitOutcome::stored;
}

QueueProgress queue_progress(Store& store, const ReviewQueue& queue, const std::string& reviewer) {
  const auto [done, skipped] = store.review().claim_counts(queue.id, reviewer);
  return {queue.entries, queue.finished, done, skipped};
}

}  // namespace qb::review
