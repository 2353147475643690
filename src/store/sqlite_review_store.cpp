// The review of the SQLite store: review items, batches and assignments, append-only grades.
#include <fmt/format.h>

#include "qualbar/core/error.hpp"
#include "store/sqlite_stores.hpp"

namespace qb::detail {

void SqliteReviewStore::save_batch(const ReviewBatch& batch) {
  SqliteConnection::Transaction tx(c_);
  insert_items(batch.items);
  Statement b(c_, "INSERT INTO review_batches (id, created_at, source) VALUES (?,?,?)");
  b.bind(1, batch.id).bind(2, batch.created_at).bind(3, batch.source);
  b.run();
  Statement a(c_,
              "INSERT INTO review_assignments (batch_id, item_id, dimension, reviewer, position) "
              "VALUES (?,?,?,?,?)");
  for (const auto& x : batch.assignments) {
    a.bind(1, batch.id)
        .bind(2, x.item)
        .bind(3, x.dimension)
        .bind(4, x.reviewer)
        .bind(5, static_cast<std::int64_t>(x.position));
    a.run();
  }
  tx.commit();
}

std::map<std::string, ReviewItem> SqliteReviewStore::items(const std::vector<std::string>& ids) {
  Statement s(c_, "SELECT id, run_id, case_id, run_b FROM review_items WHERE id = ?");
  std::map<std::string, ReviewItem> out;
  for (const auto& id : ids) {
    if (out.contains(id)) continue;
    s.bind(1, id);
    if (s.step()) out.emplace(id, ReviewItem{s.text(0), s.text(1), s.text(2), s.text(3)});
    s.reset();
  }
  return out;
}

void SqliteReviewStore::append_grades(std::span<const ReviewItem> items,
                                      std::span<const Grade> grades) {
  SqliteConnection::Transaction tx(c_);
  insert_items(items);
  Statement g(c_,
              "INSERT INTO grades (item_id, dimension, grader, kind, grade, note, graded_at, "
              "imported_at, source, reference, shown_first) VALUES (?,?,?,?,?,?,?,"
              "strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),?,?,?)");
  for (const auto& x : grades) {
    g.bind(1, x.item)
        .bind(2, x.dimension)
        .bind(3, x.grader)
        .bind(4, to_string(x.kind))
        .bind(5, x.grade)
        .bind(6, x.note)
        .bind(7, x.graded_at)
        .bind(8, x.source)
        .bind(9, x.reference)
        .bind(10, x.shown_first);
    g.run();
  }
  tx.commit();
}

std::vector<Grade> SqliteReviewStore::grades(const std::string& run_id) {
  const std::string full = run_id.empty() ? std::string() : c_.resolve_run_id(run_id);
  Statement s(c_, fmt::format("SELECT {} FROM grades g JOIN review_items i ON i.id = g.item_id "
                              "WHERE (?1 = '' OR i.run_id = ?1) AND i.run_b = '' ORDER BY g.seq",
                              kGradeColumns)
                      .c_str());
  s.bind(1, full);
  return read_grades(s);
}

std::vector<Grade> SqliteReviewStore::pair_grades(const std::string& run_id) {
  const std::string full = run_id.empty() ? std::string() : c_.resolve_run_id(run_id);
  Statement s(c_, fmt::format("SELECT {} FROM grades g JOIN review_items i ON i.id = g.item_id "
                              "WHERE i.run_b <> '' AND (?1 = '' OR i.run_id = ?1 OR i.run_b = ?1) "
                              "ORDER BY g.seq",
                              kGradeColumns)
                      .c_str());
  s.bind(1, full);
  return read_grades(s);
}

std::vector<Grade> SqliteReviewStore::read_grades(Statement& s) {
  std::vector<Grade> out;
  while (s.step()) {
    Grade x;
    x.seq = s.integer(0);
    x.item = s.text(1);
    x.run_id = s.text(2);
    x.case_id = s.text(3);
    x.dimension = s.text(4);
    x.grader = s.text(5);
    const std::string kind = s.text(6);
    const auto parsed = parse_grade_kind(kind);
    if (!parsed) {
      throw RunError(fmt::format("store '{}': grade {} is of a kind this qualbar does not know "
                                 "('{}'): it was written by a newer qualbar",
                                 c_.path(), x.seq, kind));
    }
    x.kind = *parsed;
    x.grade = s.real(7);
    x.note = s.text(8);
    x.graded_at = s.text(9);
    x.imported_at = s.text(10);
    x.source = s.text(11);
    x.reference = s.text(12);
    x.run_b = s.text(13);
    x.shown_first = s.text(14);
    out.push_back(std::move(x));
  }
  return out;
}

void SqliteReviewStore::insert_items(std::span<const ReviewItem> items) {
  Statement s(c_, "INSERT OR IGNORE INTO review_items (id, run_id, case_id, run_b) VALUES "
                  "(?,?,?,?)");
  for (const auto& i : items) {
    s.bind(1, i.id).bind(2, i.run_id).bind(3, i.case_id).bind(4, i.run_b);
    s.run();
  }
}

}  // namespace qb::detail
