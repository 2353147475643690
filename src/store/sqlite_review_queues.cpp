// The review queues of the SQLite store: queues, their entries in order, and each reviewer's
// claim on an entry (docs/review.md, "Review queues in the browser"). What the claims mean — who
// may grade what, when a late grade is taken — is review/queue.cpp's.
#include <algorithm>

#include <fmt/format.h>

#include "qualbar/core/error.hpp"
#include "store/sqlite_stores.hpp"

namespace qb::detail {
namespace {

// Names (runs, dimensions) are kept one a line: neither holds a line break.
std::string queue_lines_text(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : "\n") + n;
  return out;
}

std::vector<std::string> queue_name_lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

constexpr const char* kQueueColumns =
    "id, name, source, runs, dimensions, per_item, lock_seconds, instructions, created_by, "
    "created_at, closed_at, entries, finished, pairwise";

ReviewQueue queue_row(const Statement& s) {
  ReviewQueue q;
  q.id = s.text(0);
  q.name = s.text(1);
  q.source = s.text(2);
  q.runs = queue_name_lines(s.text(3));
  q.dimensions = queue_name_lines(s.text(4));
  q.per_item = static_cast<std::size_t>(s.integer(5));
  q.lock_seconds = s.integer(6);
  q.instructions = s.text(7);
  q.created_by = s.text(8);
  q.created_at = s.text(9);
  q.closed_at = s.text(10);
  q.entries = static_cast<std::size_t>(s.integer(11));
  q.finished = static_cast<std::size_t>(s.integer(12));
  q.pairwise = s.integer(13) != 0;
  return q;
}

constexpr const char* kEntrySelect =
    "e.pos, e.item_id, e.finished, i.run_id, e.case_index, i.case_id, e.case_index_b, i.run_b "
    "FROM review_queue_entries e JOIN review_items i ON i.id = e.item_id";

QueueEntry entry_row(const Statement& s) {
  QueueEntry e;
  e.pos = s.integer(0);
  e.item = s.text(1);
  e.finished = static_cast<std::size_t>(s.integer(2));
  e.run_id = s.text(3);
  e.case_index = static_cast<std::size_t>(s.integer(4));
  e.case_id = s.text(5);
  e.case_index_b = static_cast<std::size_t>(s.integer(6));
  e.run_b = s.text(7);
  return e;
}

constexpr const char* kClaimColumns =
    "pos, reviewer, state, locked_until, claimed_at, finished_at, reason, shown_first";

QueueClaim claim_row(const Statement& s, const std::string& path) {
  QueueClaim c;
  c.pos = s.integer(0);
  c.reviewer = s.text(1);
  const std::string state = s.text(2);
  if (state == "locked") c.state = ClaimState::locked;
  else if (state == "done") c.state = ClaimState::done;
  else if (state == "skipped") c.state = ClaimState::skipped;
  else
    throw RunError(fmt::format("store '{}': a review claim is in a state this qualbar does not "
                               "know ('{}'): it was written by a newer qualbar",
                               path, state));
  c.locked_until = s.integer(3);
  c.claimed_at = s.text(4);
  c.finished_at = s.text(5);
  c.reason = s.text(6);
  c.shown_first = s.text(7);
  return c;
}

}  // namespace

void SqliteReviewStore::save_queue(const ReviewQueue& queue, std::span<const ReviewItem> items,
                                   std::span<const QueueEntry> entries) {
  // A queue of a million items inserts as many random keys (item ids are hashes) into two
  // indexes: with SQLite's default page cache of 2 MB every insert reads its pages back from
  // the file. A larger cache while the queue is written keeps them in memory.
  class BigCache {
   public:
    BigCache(SqliteConnection& c, bool wanted) : c_(c), active_(wanted) {
      if (!active_) return;
      Statement s(c_, "PRAGMA cache_size");
      if (s.step()) before_ = s.integer(0);
      s.reset();
      c_.exec("PRAGMA cache_size = -262144");  // 256 MiB, taken only as pages are read
    }
    ~BigCache() {
      if (!active_) return;
      try {
        c_.exec(fmt::format("PRAGMA cache_size = {}", before_));
      } catch (...) {  // a destructor does not throw; the connection keeps the larger cache
      }
    }
    BigCache(const BigCache&) = delete;
    BigCache& operator=(const BigCache&) = delete;

   private:
    SqliteConnection& c_;
    bool active_;
    std::int64_t before_ = -2000;  // SQLite's default: 2,000 KiB
  };
  const BigCache big(c_, entries.size() > 10'000);
  std::vector<ReviewItem> sorted(items.begin(), items.end());
  std::sort(sorted.begin(), sorted.end(),
            [](const ReviewItem& a, const ReviewItem& b) { return a.id < b.id; });
  SqliteConnection::Transaction tx(c_);
  insert_items(sorted);
  Statement q(c_, fmt::format("INSERT INTO review_queues ({}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,0,?)",
                              kQueueColumns)
                      .c_str());
  q.bind(1, queue.id)
      .bind(2, queue.name)
      .bind(3, queue.source)
      .bind(4, queue_lines_text(queue.runs))
      .bind(5, queue_lines_text(queue.dimensions))
      .bind(6, static_cast<std::int64_t>(queue.per_item))
      .bind(7, queue.lock_seconds)
      .bind(8, queue.instructions)
      .bind(9, queue.created_by)
      .bind(10, queue.created_at)
      .bind(11, queue.closed_at)
      .bind(12, static_cast<std::int64_t>(entries.size()))
      .bind(13, static_cast<std::int64_t>(queue.pairwise));
  q.run();
  Statement e(c_, "INSERT INTO review_queue_entries (queue_id, pos, item_id, case_index, "
                  "case_index_b) VALUES (?,?,?,?,?)");
  for (const auto& x : entries) {
    e.bind(1, queue.id)
        .bind(2, x.pos)
        .bind(3, x.item)
        .bind(4, static_cast<std::int64_t>(x.case_index))
        .bind(5, static_cast<std::int64_t>(x.case_index_b));
    e.run();
  }
  tx.commit();
}

std::vector<ReviewQueue> SqliteReviewStore::queues() {
  Statement s(c_, fmt::format("SELECT {} FROM review_queues ORDER BY created_at DESC, id",
                              kQueueColumns)
                      .c_str());
  std::vector<ReviewQueue> out;
  while (s.step()) out.push_back(queue_row(s));
  return out;
}

std::optional<ReviewQueue> SqliteReviewStore::queue(const std::string& id) {
  Statement s(c_, fmt::format("SELECT {} FROM review_queues WHERE id = ?", kQueueColumns).c_str());
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  return queue_row(s);
}

void SqliteReviewStore::close_queue(const std::string& id, const std::string& at) {
  Statement s(c_, "UPDATE review_queues SET closed_at = ? WHERE id = ?");
  s.bind(1, at).bind(2, id);
  s.run();
}

std::optional<QueueEntry> SqliteReviewStore::queue_entry(const std::string& queue,
                                                         std::int64_t pos) {
  Statement s(c_, fmt::format("SELECT {} WHERE e.queue_id = ? AND e.pos = ?", kEntrySelect).c_str());
  s.bind(1, queue).bind(2, pos);
  if (!s.step()) return std::nullopt;
  return entry_row(s);
}

std::optional<QueueEntry> SqliteReviewStore::entry_of_item(const std::string& queue,
                                                           const std::string& item) {
  Statement s(c_, fmt::format("SELECT {} WHERE e.item_id = ? AND e.queue_id = ?", kEntrySelect)
                      .c_str());
  s.bind(1, item).bind(2, queue);
  if (!s.step()) return std::nullopt;
  return entry_row(s);
}

std::optional<QueueEntry> SqliteReviewStore::next_open_entry(const std::string& queue,
                                                             const std::string& reviewer,
                                                             std::size_t per_item,
                                                             std::int64_t now) {
  // Open entries (fewer than per_item finished) in order, through the partial index (named: the
  // primary key's order would tempt the planner into reading every finished entry); an entry is
  // passed over when the reviewer has a claim on it, or when the reviewers who finished it and
  // those holding it locked make per_item.
  Statement s(c_,
              "SELECT e.pos, e.item_id, e.finished, i.run_id, e.case_index, i.case_id, "
              "e.case_index_b, i.run_b FROM review_queue_entries e INDEXED BY "
              "review_queue_entries_open "
              "JOIN review_items i ON i.id = e.item_id WHERE e.queue_id = ?1 AND e.open = 1 "
              "AND NOT EXISTS (SELECT 1 FROM review_claims c WHERE c.queue_id = ?1 AND "
              "c.pos = e.pos AND c.reviewer = ?2) "
              "AND e.finished + (SELECT COUNT(*) FROM review_claims c WHERE c.queue_id = ?1 AND "
              "c.pos = e.pos AND c.state = 'locked' AND c.locked_until > ?4) < ?3 "
              "ORDER BY e.pos LIMIT 1");
  s.bind(1, queue).bind(2, reviewer).bind(3, static_cast<std::int64_t>(per_item)).bind(4, now);
  if (!s.step()) return std::nullopt;
  return entry_row(s);
}

std::vector<QueueClaim> SqliteReviewStore::claims(const std::string& queue, std::int64_t pos) {
  Statement s(c_, fmt::format("SELECT {} FROM review_claims WHERE queue_id = ? AND pos = ? ORDER "
                              "BY claimed_at, reviewer",
                              kClaimColumns)
                      .c_str());
  s.bind(1, queue).bind(2, pos);
  std::vector<QueueClaim> out;
  while (s.step()) out.push_back(claim_row(s, c_.path()));
  return out;
}

std::optional<QueueClaim> SqliteReviewStore::live_claim(const std::string& queue,
                                                        const std::string& reviewer,
                                                        std::int64_t now) {
  // Through the reviewer's index (named: the planner would rather read the queue's claims in
  // their primary key's order).
  Statement s(c_, fmt::format("SELECT {} FROM review_claims INDEXED BY review_claims_reviewer "
                              "WHERE queue_id = ? AND reviewer = ? AND state = 'locked' AND "
                              "locked_until > ? LIMIT 1",
                              kClaimColumns)
                      .c_str());
  s.bind(1, queue).bind(2, reviewer).bind(3, now);
  if (!s.step()) return std::nullopt;
  return claim_row(s, c_.path());
}

std::optional<QueueClaim> SqliteReviewStore::last_done_claim(const std::string& queue,
                                                             const std::string& reviewer) {
  Statement s(c_, fmt::format("SELECT {} FROM review_claims INDEXED BY review_claims_reviewer "
                              "WHERE queue_id = ? AND reviewer = ? AND state = 'done' ORDER BY "
                              "finished_at DESC, pos DESC LIMIT 1",
                              kClaimColumns)
                      .c_str());
  s.bind(1, queue).bind(2, reviewer);
  if (!s.step()) return std::nullopt;
  return claim_row(s, c_.path());
}

void SqliteReviewStore::put_claim(const std::string& queue, const QueueClaim& claim) {
  Statement s(c_, fmt::format("INSERT OR REPLACE INTO review_claims (queue_id, {}) VALUES "
                              "(?,?,?,?,?,?,?,?,?)",
                              kClaimColumns)
                      .c_str());
  s.bind(1, queue)
      .bind(2, claim.pos)
      .bind(3, claim.reviewer)
      .bind(4, to_string(claim.state))
      .bind(5, claim.locked_until)
      .bind(6, claim.claimed_at)
      .bind(7, claim.finished_at)
      .bind(8, claim.reason)
      .bind(9, claim.shown_first);
  s.run();
}

void SqliteReviewStore::set_finished(const std::string& queue, std::int64_t pos,
                                     std::size_t finished) {
  SqliteConnection::Transaction tx(c_);
  // The queue's count of finished entries moves when this entry crosses per_item.
  Statement q(c_,
              "UPDATE review_queues SET finished = finished + (?3 >= per_item) - "
              "((SELECT finished FROM review_queue_entries WHERE queue_id = ?1 AND pos = ?2) >= "
              "per_item) WHERE id = ?1");
  q.bind(1, queue).bind(2, pos).bind(3, static_cast<std::int64_t>(finished));
  q.run();
  Statement e(c_,
              "UPDATE review_queue_entries SET finished = ?3, open = (?3 < (SELECT per_item FROM "
              "review_queues WHERE id = ?1)) WHERE queue_id = ?1 AND pos = ?2");
  e.bind(1, queue).bind(2, pos).bind(3, static_cast<std::int64_t>(finished));
  e.run();
  tx.commit();
}

std::vector<ReviewerProgress> SqliteReviewStore::progress(const std::string& queue) {
  Statement s(c_, "SELECT reviewer, state, CAST(strftime('%s', finished_at) AS INTEGER) - "
                  "CAST(strftime('%s', claimed_at) AS INTEGER) FROM review_claims WHERE queue_id "
                  "= ? AND state <> 'locked' ORDER BY reviewer");
  s.bind(1, queue);
  std::vector<ReviewerProgress> out;
  std::vector<std::vector<double>> seconds;
  while (s.step()) {
    const std::string who = s.text(0);
    if (out.empty() || out.back().reviewer != who) {
      out.push_back({who, 0, 0, 0});
      seconds.emplace_back();
    }
    if (s.text(1) == "skipped") {
      ++out.back().skipped;
      continue;
    }
    ++out.back().done;
    if (!s.is_null(2)) seconds.back().push_back(s.real(2));
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    auto& v = seconds[i];
    if (v.empty()) continue;
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
    out[i].median_seconds = v[v.size() / 2];
  }
  std::stable_sort(out.begin(), out.end(), [](const ReviewerProgress& a, const ReviewerProgress& b) {
    return a.done > b.done;
  });
  return out;
}

std::pair<std::size_t, std::size_t> SqliteReviewStore::claim_counts(const std::string& queue,
                                                                    const std::string& reviewer) {
  Statement s(c_, "SELECT state, COUNT(*) FROM review_claims WHERE queue_id = ? AND reviewer = ? "
                  "AND state <> 'locked' GROUP BY state");
  s.bind(1, queue).bind(2, reviewer);
  std::pair<std::size_t, std::size_t> out;
  while (s.step()) {
    const auto n = static_cast<std::size_t>(s.integer(1));
    if (s.text(0) == "done") out.first = n;
    else out.second = n;
  }
  return out;
}

std::vector<Grade> SqliteReviewStore::item_grades(const std::string& item) {
  Statement s(c_, fmt::format("SELECT {} FROM grades g JOIN review_items i ON i.id = g.item_id "
                              "WHERE g.item_id = ? ORDER BY g.seq",
                              kGradeColumns)
                      .c_str());
  s.bind(1, item);
  return read_grades(s);
}

std::vector<Grade> SqliteReviewStore::queue_grades(const std::string& queue) {
  Statement s(c_, fmt::format("SELECT {} FROM review_queue_entries e JOIN grades g ON g.item_id "
                              "= e.item_id JOIN review_items i ON i.id = e.item_id WHERE "
                              "e.queue_id = ? ORDER BY g.seq",
                              kGradeColumns)
                      .c_str());
  s.bind(1, queue);
  return read_grades(s);
}

}  // namespace qb::detail
