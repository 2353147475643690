// The monitor of the SQLite store: aggregates merged per window and slice, the sample, stratum
// volumes, input checkpoints and alerts.
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "store/sqlite_stores.hpp"

namespace qb::detail {

void SqliteMonitorStore::commit(const MonitorBatch& b) {
  SqliteConnection::Transaction tx(c_);
  {
    Statement exists(c_, "SELECT 1 FROM runs WHERE id = ?");
    exists.bind(1, b.monitor);
    const bool known = exists.step();
    exists.reset();
    if (!known) {
      RunRecord run;
      run.info = b.info;
      run.info.id = b.monitor;
      run.suite_text = b.suite_text;
      run.suite_file = "suite.yaml";
      run.dimensions = b.dimensions;
      (void)runs_.insert_run(run, RunStatus::monitor, 0);
    }
  }
  {
    Statement u(c_,
                "UPDATE runs SET suite_text = ?, dimensions = ?, ended_at = "
                "strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?");
    u.bind(1, b.suite_text).bind(2, dimension_lines(b.dimensions)).bind(3, b.monitor);
    u.run();
  }
  merge_cells(b);
  insert_samples(b);
  add_strata(b);
  add_record_ids(b);
  if (b.checkpoint) {
    Statement c(c_,
                "INSERT OR REPLACE INTO monitor_sources (monitor, source, identity, byte_offset, "
                "lines, updated_at) VALUES (?,?,?,?,?,strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))");
    c.bind(1, b.monitor)
        .bind(2, b.checkpoint->source)
        .bind(3, b.checkpoint->identity)
        .bind(4, static_cast<std::int64_t>(b.checkpoint->offset))
        .bind(5, static_cast<std::int64_t>(b.checkpoint->lines));
    c.run();
  }
  tx.commit();
}

void SqliteMonitorStore::add_record_ids(const MonitorBatch& b) {
  if (!b.record_ids.empty()) {
    // In the index's order (the key as SQLite's signed integer): each page of the index is
    // changed once, not once for each random key that falls in it, and a transaction whose
    // changed pages overflow the cache writes each of them out once.
    std::vector<std::pair<std::int64_t, const std::string*>> sorted;
    sorted.reserve(b.record_ids.size());
    for (const auto& [week, key] : b.record_ids)
      sorted.emplace_back(static_cast<std::int64_t>(key), &week);
    std::sort(sorted.begin(), sorted.end());
    Statement ins(c_, "INSERT OR IGNORE INTO monitor_record_ids (monitor, key, week) VALUES (?,?,?)");
    for (const auto& [key, week] : sorted) {
      ins.bind(1, b.monitor).bind(2, key).bind(3, *week);
      ins.run();
    }
  }
  if (b.answers.empty()) return;
  Statement ans(c_,
                "INSERT OR IGNORE INTO ingest_requests (key, monitor, status, answer, at) VALUES "
                "(?,?,?,?,strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))");
  for (const IngestAnswerRow& a : b.answers) {
    ans.bind(1, a.key).bind(2, b.monitor).bind(3, std::int64_t{a.status}).bind(4, a.answer);
    ans.run();
  }
}

bool SqliteMonitorStore::record_seen(const std::string& monitor, std::uint64_t key) {
  if (!seen_)
    seen_ = std::make_unique<Statement>(
        c_, "SELECT 1 FROM monitor_record_ids WHERE monitor = ? AND key = ?");
  seen_->bind(1, monitor).bind(2, static_cast<std::int64_t>(key));
  const bool found = seen_->step();
  seen_->reset();
  return found;
}

std::uint64_t SqliteMonitorStore::forget_record_ids(const std::string& monitor,
                                                    const std::string& week) {
  // "YYYY-Www" sorts as the weeks do.
  Statement s(c_, "DELETE FROM monitor_record_ids WHERE monitor = ? AND week < ?");
  s.bind(1, monitor).bind(2, week);
  s.run();
  return static_cast<std::uint64_t>(c_.changes());
}

std::optional<IngestAnswerRow> SqliteMonitorStore::ingest_answer(const std::string& key) {
  Statement s(c_, "SELECT status, answer FROM ingest_requests WHERE key = ?");
  s.bind(1, key);
  if (!s.step()) return std::nullopt;
  IngestAnswerRow out{key, static_cast<int>(s.integer(0)), s.text(1)};
  s.reset();
  return out;
}

std::optional<MonitorCheckpoint> SqliteMonitorStore::checkpoint(const std::string& monitor,
                                                                const std::string& source) {
  Statement s(c_,
              "SELECT identity, byte_offset, lines FROM monitor_sources WHERE monitor = ? AND "
              "source = ?");
  s.bind(1, monitor).bind(2, source);
  if (!s.step()) return std::nullopt;
  MonitorCheckpoint out{source, s.text(0), static_cast<std::uint64_t>(s.integer(1)),
                        static_cast<std::uint64_t>(s.integer(2))};
  s.reset();
  return out;
}

std::vector<MonitorCellRow> SqliteMonitorStore::cells(const std::string& monitor) {
  Statement s(c_,
              "SELECT win, slice, value, data FROM monitor_cells WHERE monitor = ? ORDER BY win, "
              "slice, value");
  s.bind(1, monitor);
  std::vector<MonitorCellRow> out;
  while (s.step()) out.push_back({s.text(0), s.text(1), s.text(2), s.text(3)});
  return out;
}

std::vector<std::pair<std::string, std::string>> SqliteMonitorStore::slice_values(
    const std::string& monitor) {
  Statement s(c_, "SELECT DISTINCT slice, value FROM monitor_cells WHERE monitor = ? AND slice <> ''");
  s.bind(1, monitor);
  std::vector<std::pair<std::string, std::string>> out;
  while (s.step()) out.emplace_back(s.text(0), s.text(1));
  return out;
}

std::vector<MonitorStratumRow> SqliteMonitorStore::strata(const std::string& monitor) {
  Statement s(c_,
              "SELECT week, stratum, volume FROM monitor_strata WHERE monitor = ? ORDER BY week, "
              "stratum");
  s.bind(1, monitor);
  std::vector<MonitorStratumRow> out;
  while (s.step()) out.push_back({s.text(0), s.text(1), static_cast<std::uint64_t>(s.integer(2))});
  return out;
}

std::vector<MonitorSampleRow> SqliteMonitorStore::samples(const std::string& monitor) {
  Statement s(c_,
              "SELECT id, ts, week, stratum, u, topup, case_json, response_json FROM "
              "monitor_samples WHERE monitor = ? ORDER BY ts, id");
  s.bind(1, monitor);
  std::vector<MonitorSampleRow> out;
  while (s.step()) {
    out.push_back({s.text(0), s.text(1), s.text(2), s.text(3), s.real(4), s.integer(5) != 0,
                   s.text(6), s.text(7)});
  }
  return out;
}

std::optional<MonitorSampleRow> SqliteMonitorStore::sample(const std::string& monitor,
                                                          const std::string& id) {
  Statement s(c_,
              "SELECT id, ts, week, stratum, u, topup, case_json, response_json FROM "
              "monitor_samples WHERE monitor = ? AND id = ?");
  s.bind(1, monitor).bind(2, id);
  if (!s.step()) return std::nullopt;
  return MonitorSampleRow{s.text(0), s.text(1), s.text(2), s.text(3), s.real(4),
                          s.integer(5) != 0, s.text(6), s.text(7)};
}

std::vector<std::string> SqliteMonitorStore::record_incidents(
    const std::string& monitor, const std::vector<MonitorIncidentRow>& rows,
    const std::string& now) {
  SqliteConnection::Transaction tx(c_);
  Statement ins(c_,
                "INSERT OR IGNORE INTO monitor_incidents (monitor, id, json, open, alerts, "
                "opened_at, resolved_at) VALUES (?,?,?,?,?,?,?)");
  Statement upd(c_,
                "UPDATE monitor_incidents SET json = ?, open = ?, alerts = ?, resolved_at = CASE "
                "WHEN ? = 1 THEN '' WHEN resolved_at = '' THEN ? ELSE resolved_at END "
                "WHERE monitor = ? AND id = ?");
  std::vector<std::string> fresh;
  for (const auto& r : rows) {
    const auto alerts = static_cast<std::int64_t>(r.alerts);
    ins.bind(1, monitor)
        .bind(2, r.id)
        .bind(3, r.json)
        .bind(4, std::int64_t{r.open ? 1 : 0})
        .bind(5, alerts)
        .bind(6, now)
        .bind(7, r.open ? std::string() : now);
    ins.run();
    if (sqlite3_changes(c_.db()) == 1) {
      fresh.push_back(r.id);
      continue;
    }
    upd.bind(1, r.json)
        .bind(2, std::int64_t{r.open ? 1 : 0})
        .bind(3, alerts)
        .bind(4, std::int64_t{r.open ? 1 : 0})
        .bind(5, now)
        .bind(6, monitor)
        .bind(7, r.id);
    upd.run();
  }
  tx.commit();
  return fresh;
}

std::vector<MonitorIncidentRow> SqliteMonitorStore::incidents(const std::string& monitor) {
  Statement s(c_,
              "SELECT id, json, open, alerts, opened_at, resolved_at, acked_by, acked_at, "
              "ack_note, snooze_until, sent_state, sent_alerts, closed_by, closed_at, close_note, "
              "closed_week FROM monitor_incidents WHERE monitor = ? ORDER BY opened_at, id");
  s.bind(1, monitor);
  std::vector<MonitorIncidentRow> out;
  while (s.step()) {
    MonitorIncidentRow r;
    r.id = s.text(0);
    r.json = s.text(1);
    r.open = s.integer(2) != 0;
    r.alerts = static_cast<std::size_t>(s.integer(3));
    r.opened_at = s.text(4);
    r.resolved_at = s.text(5);
    r.acked_by = s.text(6);
    r.acked_at = s.text(7);
    r.ack_note = s.text(8);
    r.snooze_until = s.text(9);
    r.sent_state = s.text(10);
    r.sent_alerts = static_cast<std::size_t>(s.integer(11));
    r.closed_by = s.text(12);
    r.closed_at = s.text(13);
    r.close_note = s.text(14);
    r.closed_week = s.text(15);
    out.push_back(std::move(r));
  }
  return out;
}

bool SqliteMonitorStore::ack_incident(const std::string& monitor, const std::string& id,
                                      const std::string& by, const std::string& note,
                                      const std::string& snooze_until, const std::string& at) {
  Statement s(c_,
              "UPDATE monitor_incidents SET acked_by = ?, acked_at = ?, ack_note = ?, "
              "snooze_until = ? WHERE monitor = ? AND id = ?");
  s.bind(1, by).bind(2, at).bind(3, note).bind(4, snooze_until).bind(5, monitor).bind(6, id);
  s.run();
  return sqlite3_changes(c_.db()) == 1;
}

bool SqliteMonitorStore::close_incident(const std::string& monitor, const std::string& id,
                                        const std::string& by, const std::string& note,
                                        const std::string& week, const std::string& at) {
  Statement s(c_,
              "UPDATE monitor_incidents SET closed_by = ?, closed_at = ?, close_note = ?, "
              "closed_week = ? WHERE monitor = ? AND id = ?");
  s.bind(1, by).bind(2, at).bind(3, note).bind(4, week).bind(5, monitor).bind(6, id);
  s.run();
  return sqlite3_changes(c_.db()) == 1;
}

bool SqliteMonitorStore::take_lease(const std::string& name, const std::string& holder,
                                    int seconds) {
  SqliteConnection::Transaction tx(c_);
  {
    // The clock is the database's: processes on one machine share it.
    Statement s(c_,
                "INSERT INTO leases (name, holder, expires) "
                "VALUES (?1, ?2, CAST(strftime('%s', 'now') AS INTEGER) + ?3) "
                "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, "
                "expires = excluded.expires "
                "WHERE leases.holder = excluded.holder "
                "OR leases.expires <= CAST(strftime('%s', 'now') AS INTEGER)");
    s.bind(1, name).bind(2, holder).bind(3, static_cast<std::int64_t>(seconds));
    s.run();
  }
  Statement who(c_, "SELECT holder FROM leases WHERE name = ?");
  who.bind(1, name);
  const bool mine = who.step() && who.text(0) == holder;
  who.reset();
  tx.commit();
  return mine;
}

void SqliteMonitorStore::release_lease(const std::string& name, const std::string& holder) {
  Statement s(c_, "DELETE FROM leases WHERE name = ? AND holder = ?");
  s.bind(1, name).bind(2, holder);
  s.run();
}

void SqliteMonitorStore::incident_sent(const std::string& monitor, const std::string& id,
                                       const std::string& state, std::size_t alerts) {
  Statement s(c_,
              "UPDATE monitor_incidents SET sent_state = ?, sent_alerts = ? "
              "WHERE monitor = ? AND id = ?");
  s.bind(1, state).bind(2, static_cast<std::int64_t>(alerts)).bind(3, monitor).bind(4, id);
  s.run();
}

void SqliteMonitorStore::merge_cells(const MonitorBatch& b) {
  Statement get(
      c_,
      "SELECT data FROM monitor_cells WHERE monitor = ? AND win = ? AND slice = ? AND "
      "value = ?");
  Statement put(c_,
                "INSERT OR REPLACE INTO monitor_cells (monitor, win, slice, value, data) "
                "VALUES (?,?,?,?,?)");
  for (const auto& c : b.cells) {
    get.bind(1, b.monitor).bind(2, c.window).bind(3, c.slice).bind(4, c.value);
    const std::string merged = get.step() ? b.merge(get.text(0), c.data) : c.data;
    get.reset();
    put.bind(1, b.monitor).bind(2, c.window).bind(3, c.slice).bind(4, c.value).bind(5, merged);
    put.run();
  }
}

void SqliteMonitorStore::insert_samples(const MonitorBatch& b) {
  Statement ins(
      c_,
      "INSERT OR IGNORE INTO monitor_samples (monitor, id, ts, week, stratum, u, topup, "
      "case_json, response_json) VALUES (?,?,?,?,?,?,?,?,?)");
  // A frozen week's sample is what reviewers were handed: top-ups neither enter nor leave it. (A
  // record the rate keeps still enters: the rate's decision never changes.)
  std::set<std::string> frozen;
  {
    Statement q(c_, "SELECT week FROM monitor_frozen_weeks WHERE monitor = ?");
    q.bind(1, b.monitor);
    while (q.step()) frozen.insert(q.text(0));
  }
  std::set<std::pair<std::string, std::string>> touched;
  for (const auto& r : b.samples) {
    if (r.topup && frozen.contains(r.week)) continue;
    ins.bind(1, b.monitor)
        .bind(2, r.id)
        .bind(3, r.ts)
        .bind(4, r.week)
        .bind(5, r.stratum)
        .bind(6, r.u)
        .bind(7, static_cast<std::int64_t>(r.topup ? 1 : 0))
        .bind(8, r.case_json)
        .bind(9, r.response_json);
    ins.run();
    // Any record kept, by the rate or as a top-up, may push a stored top-up out.
    if (!frozen.contains(r.week)) touched.emplace(r.week, r.stratum);
  }
  // Top-ups beyond the stratum's topup_keep smallest hashes are no longer needed.
  Statement trim(c_,
                 "DELETE FROM monitor_samples WHERE monitor = ?1 AND week = ?2 AND stratum = ?3 "
                 "AND topup = 1 AND u > (SELECT u FROM monitor_samples WHERE monitor = ?1 AND "
                 "week = ?2 AND stratum = ?3 ORDER BY u LIMIT 1 OFFSET ?4)");
  for (const auto& [week, stratum] : touched) {
    const auto keep = b.topup_keep.find(stratum);
    if (keep == b.topup_keep.end() || keep->second == 0) continue;
    trim.bind(1, b.monitor)
        .bind(2, week)
        .bind(3, stratum)
        .bind(4, static_cast<std::int64_t>(keep->second - 1));
    trim.run();
  }
}

void SqliteMonitorStore::freeze_weeks(const std::string& monitor,
                                      const std::vector<std::string>& weeks,
                                      const std::string& at) {
  SqliteConnection::Transaction tx(c_);
  Statement s(c_,
              "INSERT OR IGNORE INTO monitor_frozen_weeks (monitor, week, frozen_at) VALUES "
              "(?,?,?)");
  for (const auto& w : weeks) {
    s.bind(1, monitor).bind(2, w).bind(3, at);
    s.run();
  }
  tx.commit();
}

std::vector<std::string> SqliteMonitorStore::frozen_weeks(const std::string& monitor) {
  Statement q(c_, "SELECT week FROM monitor_frozen_weeks WHERE monitor = ? ORDER BY week");
  q.bind(1, monitor);
  std::vector<std::string> out;
  while (q.step()) out.push_back(q.text(0));
  return out;
}

void SqliteMonitorStore::add_strata(const MonitorBatch& b) {
  Statement s(c_,
              "INSERT INTO monitor_strata (monitor, week, stratum, volume) VALUES (?,?,?,?) ON "
              "CONFLICT (monitor, week, stratum) DO UPDATE SET volume = volume + excluded.volume");
  for (const auto& r : b.strata) {
    s.bind(1, b.monitor)
        .bind(2, r.week)
        .bind(3, r.stratum)
        .bind(4, static_cast<std::int64_t>(r.volume));
    s.run();
  }
}


}  // namespace qb::detail
