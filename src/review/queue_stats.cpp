// A review queue's disagreements and their adjudication, its live agreement per dimension, and
// each reviewer's figures (docs/review.md, "Adjudication" and "What admins see").
#include <algorithm>

#include <fmt/format.h>

#include "qualbar/core/error.hpp"
#include "qualbar/review/queue.hpp"
#include "qualbar/util/files.hpp"

namespace qb::review {
namespace {

// Each queue dimension's scale, from the suite of the queue's run (of pairs: A, B or tie).
std::map<std::string, GradeScale> queue_scales(Store& store, const ReviewQueue& queue) {
  std::map<std::string, GradeScale> out;
  if (queue.pairwise) {
    for (const auto& name : queue.dimensions) out[name] = GradeScale::pair();
    return out;
  }
  if (queue.runs.empty()) return out;
  const RunData run = load_run_data(store, queue.runs[0], /*with_cases=*/false);
  for (const auto& name : queue.dimensions)
    if (const DimensionSpec* d = run.suite.find_dimension(name)) out[name] = scale_of(*d);
  return out;
}

}  // namespace

std::vector<QueueDisagreement> queue_disagreements(Store& store, const ReviewQueue& queue) {
  const std::vector<Grade> grades = store.review().queue_grades(queue.id);
  const GradeBook book = fold_grades(grades);
  const auto scales = queue_scales(store, queue);
  std::map<std::string, std::map<std::string, std::string>> notes;  // item \n dim → who → note
  for (const Grade& g : grades)
    if (g.kind == GradeKind::human) notes[g.item + "\n" + g.dimension][g.grader] = g.note;
  std::vector<QueueDisagreement> out;
  for (const auto& [key, ig] : book) {
    if (!ig.disagreement()) continue;
    if (std::find(queue.dimensions.begin(), queue.dimensions.end(), key.second) ==
        queue.dimensions.end())
      continue;
    const auto entry = store.review().entry_of_item(queue.id, key.first);
    if (!entry) continue;
    QueueDisagreement d;
    d.pos = entry->pos;
    d.item = key.first;
    d.dimension = key.second;
    if (const auto s = scales.find(key.second); s != scales.end()) d.scale = s->second;
    for (const auto& [who, grade] : ig.human) d.grades.emplace_back(who, grade);
    for (const auto& [who, note] : notes[key.first + "\n" + key.second])
      if (!note.empty()) d.notes.emplace_back(who, note);
    out.push_back(std::move(d));
  }
  std::sort(out.begin(), out.end(), [&](const QueueDisagreement& a, const QueueDisagreement& b) {
    return std::pair(a.pos, a.dimension) < std::pair(b.pos, b.dimension);
  });
  return out;
}

void adjudicate(Store& store, const ReviewQueue& queue, const std::string& who, std::int64_t pos,
                const std::string& dimension, double grade, const std::string& note) {
  const auto entry = store.review().queue_entry(queue.id, pos);
  if (!entry) throw QueueConflict(fmt::format("this queue has no item {}", pos));
  const auto scales = queue_scales(store, queue);
  const auto scale = scales.find(dimension);
  if (scale == scales.end())
    throw InputError(fmt::format("field 'dimension': '{}' is not a dimension of this queue ({})",
                                 dimension, fmt::join(queue.dimensions, ", ")));
  if (!scale->second.valid(grade))
    throw InputError(fmt::format("field 'grade': {} is off the scale of '{}': {}", grade,
                                 dimension, scale->second.describe()));
  // An adjudicator of a pair sees answer A first.
  const std::string shown_first = queue.pairwise ? "A" : "";
  if (note.size() > 10'000) throw InputError("field 'note': over the limit of 10,000 bytes");
  const auto unit = store.begin();
  const GradeBook book = fold_grades(store.review().item_grades(entry->item));
  const auto it = book.find({entry->item, dimension});
  if (it == book.end() || !it->second.disagreement())
    throw QueueConflict(fmt::format("the reviewers of item {} do not disagree on '{}' (or it was "
                                    "settled already): nothing was stored",
                                    entry->item, dimension));
  Grade g;
  g.item = entry->item;
  g.dimension = dimension;
  g.grader = who;
  g.kind = GradeKind::adjudicated;
  g.grade = grade;
  g.shown_first = shown_first;
  g.note = note;
  g.graded_at = now_rfc3339();
  g.source = "queue " + queue.id + " adjudication";
  store.review().append_grades({}, std::vector<Grade>{g});
  unit->commit();
}

QueueOverview queue_overview(Store& store, const ReviewQueue& queue, double confidence) {
  QueueOverview out;
  const std::vector<Grade> grades = store.review().queue_grades(queue.id);
  out.agreement = agreement_of_grades(grades, queue_scales(store, queue), confidence);
  for (const auto& a : out.agreement) out.open_disagreements += a.open.size();
  // Each reviewer against the other reviewers of the same items, and against adjudications.
  struct Tally {
    std::size_t compared = 0, agreed = 0, adjudicated = 0, upheld = 0;
  };
  std::map<std::string, Tally> tally;
  for (const auto& [key, ig] : fold_grades(grades)) {
    for (const auto& [who, grade] : ig.human) {
      Tally& t = tally[who];
      for (const auto& [other, theirs] : ig.human) {
        if (other == who) continue;
        ++t.compared;
        t.agreed += grade == theirs;
      }
      if (ig.adjudicated) {
        ++t.adjudicated;
        t.upheld += grade == *ig.adjudicated;
      }
    }
  }
  for (const ReviewerProgress& p : store.review().progress(queue.id)) {
    ReviewerStats r;
    r.reviewer = p.reviewer;
    r.done = p.done;
    r.skipped = p.skipped;
    r.median_seconds = p.median_seconds;
    const Tally& t = tally[p.reviewer];
    r.compared = t.compared;
    if (t.compared > 0)
      r.agrees_with_others = static_cast<double>(t.agreed) / static_cast<double>(t.compared);
    r.adjudicated = t.adjudicated;
    if (t.adjudicated > 0)
      r.agrees_with_adjudication = static_cast<double>(t.upheld) / static_cast<double>(t.adjudicated);
    out.reviewers.push_back(std::move(r));
  }
  return out;
}

}  // namespace qb::review
