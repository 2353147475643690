// The SQLite store: one file, WAL mode, schema versioned by ordered migrations.
#include <sqlite3.h>

#include <filesystem>
#include <chrono>
#include <memory>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "qualbar/core/error.hpp"
#include "qualbar/io/dataset.hpp"
#include "qualbar/store/store_registry.hpp"

namespace qb {
namespace {

// Each entry moves the schema one version up; never edit a released one, append a new one.
const char* const kMigrations[] = {
    // 1: runs with their audit record, each case's line and response, every score.
    R"sql(
CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  suite_name TEXT NOT NULL,
  suite_file TEXT NOT NULL,
  suite_hash TEXT NOT NULL,
  bars_hash TEXT NOT NULL,
  dataset_hash TEXT NOT NULL,
  model TEXT NOT NULL,
  provider TEXT NOT NULL,
  provider_json TEXT NOT NULL,
  qualbar_version TEXT NOT NULL,
  started_at TEXT NOT NULL,
  ended_at TEXT NOT NULL,
  host TEXT NOT NULL,
  user TEXT NOT NULL,
  status TEXT NOT NULL,
  n_cases INTEGER NOT NULL,
  n_errors INTEGER NOT NULL,
  passed INTEGER NOT NULL,
  suite_text TEXT NOT NULL,
  dimensions TEXT NOT NULL
);
CREATE INDEX runs_started ON runs (started_at);
CREATE TABLE cases (
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  case_id TEXT NOT NULL,
  case_json TEXT NOT NULL,
  response_json TEXT NOT NULL,
  PRIMARY KEY (run_id, idx)
);
CREATE TABLE scores (
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  dimension INTEGER NOT NULL,
  value REAL NOT NULL,
  status INTEGER NOT NULL,
  evidence TEXT,
  PRIMARY KEY (run_id, idx, dimension)
);
)sql",
    // 2: runs saved as they go. A case's response is NULL until it is answered; a response cache
    // keyed by the full request.
    R"sql(
CREATE TABLE cases_v2 (
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  case_id TEXT NOT NULL,
  case_json TEXT NOT NULL,
  response_json TEXT,
  PRIMARY KEY (run_id, idx)
);
INSERT INTO cases_v2 (run_id, idx, case_id, case_json, response_json)
  SELECT run_id, idx, case_id, case_json, response_json FROM cases;
DROP TABLE cases;
ALTER TABLE cases_v2 RENAME TO cases;
CREATE TABLE response_cache (
  key TEXT PRIMARY KEY,
  response_json TEXT NOT NULL,
  created_at TEXT NOT NULL
);
)sql",
    // 3: review. Items are responses handed to reviewers (an opaque id for a run's case); grades
    // are append-only, a correction is a new row.
    R"sql(
CREATE TABLE review_items (
  id TEXT PRIMARY KEY,
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  case_id TEXT NOT NULL,
  UNIQUE (run_id, case_id)
);
CREATE TABLE review_batches (
  id TEXT PRIMARY KEY,
  created_at TEXT NOT NULL,
  source TEXT NOT NULL
);
CREATE TABLE review_assignments (
  batch_id TEXT NOT NULL REFERENCES review_batches (id) ON DELETE CASCADE,
  item_id TEXT NOT NULL REFERENCES review_items (id) ON DELETE CASCADE,
  dimension TEXT NOT NULL,
  reviewer TEXT NOT NULL,
  position INTEGER NOT NULL,
  PRIMARY KEY (batch_id, item_id, dimension, reviewer)
);
CREATE TABLE grades (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  item_id TEXT NOT NULL REFERENCES review_items (id) ON DELETE CASCADE,
  dimension TEXT NOT NULL,
  grader TEXT NOT NULL,
  kind TEXT NOT NULL,
  grade REAL NOT NULL,
  note TEXT NOT NULL,
  graded_at TEXT NOT NULL,
  imported_at TEXT NOT NULL,
  source TEXT NOT NULL
);
CREATE INDEX grades_item ON grades (item_id, dimension);
)sql",
    // 4: the monitor. Aggregates per window and slice, the sampled records, stratum volumes, how
    // far each input file was read, and the alerts raised.
    R"sql(
CREATE TABLE monitor_cells (
  monitor TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  win TEXT NOT NULL,
  slice TEXT NOT NULL,
  value TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (monitor, win, slice, value)
);
CREATE TABLE monitor_samples (
  monitor TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  ts TEXT NOT NULL,
  week TEXT NOT NULL,
  stratum TEXT NOT NULL,
  u REAL NOT NULL,
  topup INTEGER NOT NULL,
  case_json TEXT NOT NULL,
  response_json TEXT NOT NULL,
  PRIMARY KEY (monitor, id)
);
CREATE INDEX monitor_samples_stratum ON monitor_samples (monitor, week, stratum, u);
CREATE TABLE monitor_strata (
  monitor TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  week TEXT NOT NULL,
  stratum TEXT NOT NULL,
  volume INTEGER NOT NULL,
  PRIMARY KEY (monitor, week, stratum)
);
CREATE TABLE monitor_sources (
  monitor TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  source TEXT NOT NULL,
  identity TEXT NOT NULL,
  byte_offset INTEGER NOT NULL,
  lines INTEGER NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (monitor, source)
);
CREATE TABLE monitor_alerts (
  monitor TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  win TEXT NOT NULL,
  json TEXT NOT NULL,
  raised_at TEXT NOT NULL,
  sent_at TEXT NOT NULL,
  PRIMARY KEY (monitor, key)
);
ALTER TABLE grades ADD COLUMN reference TEXT NOT NULL DEFAULT '';
)sql",
    // 5: which process is answering a run, so that two resumes of one run never both call.
    R"sql(
CREATE TABLE run_locks (
  run_id TEXT PRIMARY KEY,
  host TEXT NOT NULL,
  pid INTEGER NOT NULL,
  process_start TEXT NOT NULL,
  since TEXT NOT NULL
);
)sql",
};
constexpr int kSchemaVersion = static_cast<int>(std::size(kMigrations));

// What to check when SQLite could not write: it says "disk I/O error" for a full disk too.
std::string io_hint(sqlite3* db) {
  const int code = sqlite3_errcode(db) & 0xFF;
  return code == SQLITE_FULL || code == SQLITE_IOERR || code == SQLITE_READONLY
             ? " (is the disk full, or the store's folder not writable?)"
             : "";
}

class Statement {
 public:
  Statement(sqlite3* db, const char* sql, const std::string& path) : path_(path) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) fail(db);
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int i, std::string_view s) {
    sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind(int i, std::int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  Statement& bind(int i, double v) {
    sqlite3_bind_double(stmt_, i, v);
    return *this;
  }
  Statement& bind_null(int i) {
    sqlite3_bind_null(stmt_, i);
    return *this;
  }
  // True while a row is available.
  bool step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    fail(sqlite3_db_handle(stmt_));
  }
  void run() {
    (void)step();
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  std::string text(int col) const {
    const auto* p = sqlite3_column_text(stmt_, col);
    return p ? std::string(reinterpret_cast<const char*>(p),
                           static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
             : std::string();
  }
  std::int64_t integer(int col) const { return sqlite3_column_int64(stmt_, col); }
  sqlite3_stmt* handle() const { return stmt_; }
  double real(int col) const { return sqlite3_column_double(stmt_, col); }

 private:
  [[noreturn]] void fail(sqlite3* db) const {
    throw RunError(fmt::format("store '{}': {}{}", path_, sqlite3_errmsg(db), io_hint(db)));
  }
  sqlite3_stmt* stmt_ = nullptr;
  std::string path_;
};

const char* const kRunColumns =
    "id, suite_name, suite_file, suite_hash, bars_hash, dataset_hash, model, provider, "
    "provider_json, "
    "qualbar_version, started_at, ended_at, host, user, status, n_cases, n_errors, passed";

RunInfo read_info(const Statement& s) {
  RunInfo r;
  r.id = s.text(0);
  r.suite_name = s.text(1);
  // column 2 (suite_file) is read by load_run
  r.suite_hash = s.text(3);
  r.bars_hash = s.text(4);
  r.dataset_hash = s.text(5);
  r.model = s.text(6);
  r.provider = s.text(7);
  r.provider_json = s.text(8);
  r.qualbar_version = s.text(9);
  r.started_at = s.text(10);
  r.ended_at = s.text(11);
  r.host = s.text(12);
  r.user = s.text(13);
  r.status = s.text(14);
  r.n_cases = static_cast<std::size_t>(s.integer(15));
  r.n_errors = static_cast<std::size_t>(s.integer(16));
  r.passed = s.integer(17) != 0;
  return r;
}

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(std::string path) : path_(std::move(path)) {
    namespace fs = std::filesystem;
    const fs::path p(path_);
    std::error_code ec;
    if (p.has_parent_path()) fs::create_directories(p.parent_path(), ec);
    if (sqlite3_open_v2(path_.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
        SQLITE_OK) {
      const std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      db_ = nullptr;
      throw RunError(fmt::format("cannot open the store '{}': {}", path_, why));
    }
    try {
      sqlite3_busy_timeout(db_, 10000);
      // Switching a new file to WAL needs it to itself, and SQLite answers "locked" at once
      // (without the busy timeout) when another process is opening it too: wait and retry.
      exec_when_free("PRAGMA journal_mode = WAL");
      exec("PRAGMA synchronous = NORMAL");
      exec("PRAGMA foreign_keys = ON");
      migrate();
    } catch (...) {
      sqlite3_close(db_);  // the destructor does not run for a constructor that throws
      throw;
    }
  }
  ~SqliteStore() override {
    answer_stmt_.reset();  // statements are finalized before the connection closes
    cache_stmt_.reset();
    cache_get_stmt_.reset();
    sqlite3_close(db_);
  }

  int schema_version() override {
    Statement s(db_, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", path_);
    s.step();
    return static_cast<int>(s.integer(0));
  }

  void save_run(const StoredRun& run) override {
    Transaction tx(*this);
    insert_run(run, run.info.status);
    insert_cases(run, /*with_responses=*/true);
    insert_scores(run.info.id, run.scores);
    tx.commit();
  }

  void begin_run(const StoredRun& run) override {
    Transaction tx(*this);
    insert_run(run, kRunRunning);
    insert_cases(run, /*with_responses=*/false);
    tx.commit();
  }

  void save_answers(const std::string& run_id, std::span<const StoredAnswer> answers,
                    std::span<const CacheEntry> cache) override {
    if (answers.empty() && cache.empty()) return;
    Transaction tx(*this);
    if (!answer_stmt_) {
      answer_stmt_ = std::make_unique<Statement>(
          db_, "UPDATE cases SET response_json = ? WHERE run_id = ? AND idx = ?", path_);
      cache_stmt_ = std::make_unique<Statement>(
          db_,
          "INSERT OR REPLACE INTO response_cache (key, response_json, created_at) VALUES "
          "(?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
          path_);
    }
    for (const auto& a : answers) {
      answer_stmt_->bind(1, response_to_json(*a.response))
          .bind(2, run_id)
          .bind(3, static_cast<std::int64_t>(a.index));
      answer_stmt_->run();
    }
    for (const auto& c : cache) {
      cache_stmt_->bind(1, c.key).bind(2, response_to_json(*c.response));
      cache_stmt_->run();
    }
    tx.commit();
  }

  RunLockResult lock_run(const std::string& id, const RunHolder& me,
                         const std::function<bool(const RunHolder&)>& is_stale) override {
    Transaction tx(*this);
    RunLockResult out;
    {
      Statement s(db_, "SELECT host, pid, process_start, since FROM run_locks WHERE run_id = ?",
                  path_);
      s.bind(1, id);
      if (s.step()) out.previous = RunHolder{s.text(0), s.integer(1), s.text(2), s.text(3)};
    }
    const bool mine = out.previous && out.previous->host == me.host &&
                      out.previous->pid == me.pid &&
                      out.previous->process_start == me.process_start;
    if (out.previous && !mine && !is_stale(*out.previous)) return out;  // rolled back
    Statement s(db_,
                "INSERT OR REPLACE INTO run_locks (run_id, host, pid, process_start, since) "
                "VALUES (?,?,?,?,?)",
                path_);
    s.bind(1, id).bind(2, me.host).bind(3, me.pid).bind(4, me.process_start).bind(5, me.since);
    s.run();
    tx.commit();
    out.taken = true;
    if (mine) out.previous.reset();
    return out;
  }

  void unlock_run(const std::string& id, const RunHolder& me) override {
    Statement s(db_,
                "DELETE FROM run_locks WHERE run_id = ? AND host = ? AND pid = ? AND "
                "process_start = ?",
                path_);
    s.bind(1, id).bind(2, me.host).bind(3, me.pid).bind(4, me.process_start);
    s.run();
  }

  void finish_run(const RunInfo& i, const ScoreTable* scores) override {
    Transaction tx(*this);
    {
      Statement s(db_,
                  "UPDATE runs SET ended_at = ?, status = ?, n_cases = ?, n_errors = ?, "
                  "passed = ?, model = ?, provider_json = ? WHERE id = ?",
                  path_);
      s.bind(1, i.ended_at)
          .bind(2, i.status)
          .bind(3, static_cast<std::int64_t>(i.n_cases))
          .bind(4, static_cast<std::int64_t>(i.n_errors))
          .bind(5, static_cast<std::int64_t>(i.passed ? 1 : 0))
          .bind(6, i.model)
          .bind(7, i.provider_json)
          .bind(8, i.id);
      s.run();
      if (sqlite3_changes(db_) != 1)
        throw RunError(fmt::format("store '{}': run '{}' is not stored", path_, i.id));
    }
    if (scores != nullptr) {
      Statement del(db_, "DELETE FROM scores WHERE run_id = ?", path_);
      del.bind(1, i.id);
      del.run();
      insert_scores(i.id, *scores);
    }
    tx.commit();
  }

  std::optional<std::string> cached_response(const std::string& key) override {
    if (!cache_get_stmt_) {
      cache_get_stmt_ = std::make_unique<Statement>(
          db_, "SELECT response_json FROM response_cache WHERE key = ?", path_);
    }
    Statement& s = *cache_get_stmt_;
    s.bind(1, key);
    std::optional<std::string> out;
    if (s.step()) out = s.text(0);
    s.run();  // resets
    return out;
  }

  std::vector<RunInfo> list_runs(std::size_t limit) override {
    Statement s(
        db_,
        fmt::format("SELECT {} FROM runs ORDER BY started_at DESC, id DESC LIMIT ?", kRunColumns)
            .c_str(),
        path_);
    s.bind(1, static_cast<std::int64_t>(limit));
    std::vector<RunInfo> out;
    while (s.step()) out.push_back(read_info(s));
    return out;
  }

  void save_review_batch(const ReviewBatch& batch) override {
    Transaction tx(*this);
    insert_items(batch.items);
    Statement b(db_, "INSERT INTO review_batches (id, created_at, source) VALUES (?,?,?)", path_);
    b.bind(1, batch.id).bind(2, batch.created_at).bind(3, batch.source);
    b.run();
    Statement a(db_,
                "INSERT INTO review_assignments (batch_id, item_id, dimension, reviewer, position) "
                "VALUES (?,?,?,?,?)",
                path_);
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

  std::map<std::string, ReviewItem> review_items(const std::vector<std::string>& ids) override {
    Statement s(db_, "SELECT id, run_id, case_id FROM review_items WHERE id = ?", path_);
    std::map<std::string, ReviewItem> out;
    for (const auto& id : ids) {
      if (out.contains(id)) continue;
      s.bind(1, id);
      if (s.step()) out.emplace(id, ReviewItem{s.text(0), s.text(1), s.text(2)});
      s.run();  // resets
    }
    return out;
  }

  void append_grades(std::span<const ReviewItem> items, std::span<const Grade> grades) override {
    Transaction tx(*this);
    insert_items(items);
    Statement g(db_,
                "INSERT INTO grades (item_id, dimension, grader, kind, grade, note, graded_at, "
                "imported_at, source, reference) VALUES (?,?,?,?,?,?,?,strftime('%Y-%m-%dT%H:%M:%fZ', "
                "'now'),?,?)",
                path_);
    for (const auto& x : grades) {
      g.bind(1, x.item)
          .bind(2, x.dimension)
          .bind(3, x.grader)
          .bind(4, to_string(x.kind))
          .bind(5, x.grade)
          .bind(6, x.note)
          .bind(7, x.graded_at)
          .bind(8, x.source)
          .bind(9, x.reference);
      g.run();
    }
    tx.commit();
  }

  std::vector<Grade> load_grades(const std::string& run_id) override {
    const std::string full = run_id.empty() ? std::string() : resolve_id(run_id);
    Statement s(db_,
                "SELECT g.seq, g.item_id, i.run_id, i.case_id, g.dimension, g.grader, g.kind, "
                "g.grade, g.note, g.graded_at, g.imported_at, g.source, g.reference FROM grades g JOIN "
                "review_items i ON i.id = g.item_id WHERE ?1 = '' OR i.run_id = ?1 ORDER BY g.seq",
                path_);
    s.bind(1, full);
    std::vector<Grade> out;
    while (s.step()) {
      Grade x;
      x.seq = s.integer(0);
      x.item = s.text(1);
      x.run_id = s.text(2);
      x.case_id = s.text(3);
      x.dimension = s.text(4);
      x.grader = s.text(5);
      x.kind = parse_grade_kind(s.text(6)).value_or(GradeKind::human);
      x.grade = s.real(7);
      x.note = s.text(8);
      x.graded_at = s.text(9);
      x.imported_at = s.text(10);
      x.source = s.text(11);
      x.reference = s.text(12);
      out.push_back(std::move(x));
    }
    return out;
  }

  std::string resolve_run_id(const std::string& id) override { return resolve_id(id); }

  void monitor_commit(const MonitorBatch& b) override {
    Transaction tx(*this);
    {
      Statement exists(db_, "SELECT 1 FROM runs WHERE id = ?", path_);
      exists.bind(1, b.monitor);
      if (!exists.step()) {
        StoredRun run;
        run.info = b.info;
        run.info.id = b.monitor;
        run.suite_text = b.suite_text;
        run.suite_file = "suite.yaml";
        run.dimensions = b.dimensions;
        insert_run(run, kRunMonitor);
      }
    }
    {
      std::string dims;
      for (const auto& d : b.dimensions) dims += (dims.empty() ? "" : "\n") + d;
      Statement u(db_,
                  "UPDATE runs SET suite_text = ?, dimensions = ?, ended_at = "
                  "strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?",
                  path_);
      u.bind(1, b.suite_text).bind(2, dims).bind(3, b.monitor);
      u.run();
    }
    merge_cells(b);
    insert_samples(b);
    add_strata(b);
    if (b.checkpoint) {
      Statement c(
          db_,
          "INSERT OR REPLACE INTO monitor_sources (monitor, source, identity, byte_offset, lines, "
          "updated_at) VALUES (?,?,?,?,?,strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
          path_);
      c.bind(1, b.monitor)
          .bind(2, b.checkpoint->source)
          .bind(3, b.checkpoint->identity)
          .bind(4, static_cast<std::int64_t>(b.checkpoint->offset))
          .bind(5, static_cast<std::int64_t>(b.checkpoint->lines));
      c.run();
    }
    tx.commit();
  }

  std::optional<MonitorCheckpoint> monitor_checkpoint(const std::string& monitor,
                                                      const std::string& source) override {
    Statement s(
        db_, "SELECT identity, byte_offset, lines FROM monitor_sources WHERE monitor = ? AND source = ?",
        path_);
    s.bind(1, monitor).bind(2, source);
    if (!s.step()) return std::nullopt;
    return MonitorCheckpoint{source, s.text(0), static_cast<std::uint64_t>(s.integer(1)),
                             static_cast<std::uint64_t>(s.integer(2))};
  }

  std::vector<MonitorCellRow> monitor_cells(const std::string& monitor) override {
    Statement s(db_,
                "SELECT win, slice, value, data FROM monitor_cells WHERE monitor = ? ORDER BY "
                "win, slice, value",
                path_);
    s.bind(1, monitor);
    std::vector<MonitorCellRow> out;
    while (s.step()) out.push_back({s.text(0), s.text(1), s.text(2), s.text(3)});
    return out;
  }

  std::vector<std::pair<std::string, std::string>> monitor_slice_values(
      const std::string& monitor) override {
    Statement s(db_,
                "SELECT DISTINCT slice, value FROM monitor_cells WHERE monitor = ? AND slice <> ''",
                path_);
    s.bind(1, monitor);
    std::vector<std::pair<std::string, std::string>> out;
    while (s.step()) out.emplace_back(s.text(0), s.text(1));
    return out;
  }

  std::vector<MonitorStratumRow> monitor_strata(const std::string& monitor) override {
    Statement s(db_,
                "SELECT week, stratum, volume FROM monitor_strata WHERE monitor = ? ORDER BY week, "
                "stratum",
                path_);
    s.bind(1, monitor);
    std::vector<MonitorStratumRow> out;
    while (s.step())
      out.push_back({s.text(0), s.text(1), static_cast<std::uint64_t>(s.integer(2))});
    return out;
  }

  std::vector<MonitorSampleRow> monitor_samples(const std::string& monitor) override {
    Statement s(db_,
                "SELECT id, ts, week, stratum, u, topup, case_json, response_json FROM "
                "monitor_samples WHERE monitor = ? ORDER BY ts, id",
                path_);
    s.bind(1, monitor);
    std::vector<MonitorSampleRow> out;
    while (s.step()) {
      out.push_back({s.text(0), s.text(1), s.text(2), s.text(3), s.real(4), s.integer(5) != 0,
                     s.text(6), s.text(7)});
    }
    return out;
  }

  std::vector<MonitorAlertRow> monitor_raise(const std::string& monitor,
                                             const std::vector<MonitorAlertRow>& alerts) override {
    Transaction tx(*this);
    Statement ins(db_,
                  "INSERT OR IGNORE INTO monitor_alerts (monitor, key, win, json, raised_at, "
                  "sent_at) VALUES (?,?,?,?,?, '')",
                  path_);
    std::vector<MonitorAlertRow> fresh;
    for (const auto& a : alerts) {
      ins.bind(1, monitor).bind(2, a.key).bind(3, a.window).bind(4, a.json).bind(5, a.raised_at);
      ins.run();
      if (sqlite3_changes(db_) == 1) fresh.push_back(a);
    }
    tx.commit();
    return fresh;
  }

  std::vector<MonitorAlertRow> monitor_alerts(const std::string& monitor) override {
    Statement s(
        db_,
        "SELECT key, win, json, raised_at, sent_at FROM monitor_alerts WHERE monitor = ? "
        "ORDER BY raised_at, key",
        path_);
    s.bind(1, monitor);
    std::vector<MonitorAlertRow> out;
    while (s.step()) out.push_back({s.text(0), s.text(1), s.text(2), s.text(3), s.text(4)});
    return out;
  }

  void monitor_alert_sent(const std::string& monitor, const std::string& key,
                          const std::string& sent_at) override {
    Statement s(db_, "UPDATE monitor_alerts SET sent_at = ? WHERE monitor = ? AND key = ?", path_);
    s.bind(1, sent_at).bind(2, monitor).bind(3, key);
    s.run();
  }

  StoredRun load_run(const std::string& id) override {
    const std::string full = resolve_id(id);
    StoredRun run;
    {
      Statement s(
          db_,
          fmt::format("SELECT {}, suite_text, dimensions FROM runs WHERE id = ?", kRunColumns)
              .c_str(),
          path_);
      s.bind(1, full);
      s.step();
      run.info = read_info(s);
      run.suite_file = s.text(2);
      run.suite_text = s.text(18);
      const std::string dims = s.text(19);
      std::size_t start = 0;
      while (start <= dims.size()) {
        const std::size_t end = std::min(dims.find('\n', start), dims.size());
        run.dimensions.push_back(dims.substr(start, end - start));
        start = end + 1;
      }
    }
    if (run.info.status == kRunMonitor) {
      load_monitor_sample(full, run);
      return run;
    }
    {
      Statement s(
          db_, "SELECT case_json, response_json, case_id FROM cases WHERE run_id = ? ORDER BY idx",
          path_);
      s.bind(1, full);
      std::string responses;
      std::vector<std::string> unanswered_ids;
      while (s.step()) {
        run.case_lines.push_back(s.text(0));
        const bool answered = sqlite3_column_type(s.handle(), 1) != SQLITE_NULL;
        run.answered.push_back(answered ? 1 : 0);
        if (answered) {
          responses += s.text(1);
          responses += '\n';
        } else {
          unanswered_ids.push_back(s.text(2));
        }
      }
      // The answered responses, in order, with an empty response in each unanswered case's place.
      std::vector<Response> parsed = parse_responses(responses, fmt::format("store run {}", full));
      run.responses.resize(run.case_lines.size());
      std::size_t next = 0, next_unanswered = 0;
      for (std::size_t i = 0; i < run.case_lines.size(); ++i) {
        if (run.answered[i] && next < parsed.size()) {
          run.responses[i] = std::move(parsed[next++]);
        } else if (!run.answered[i]) {
          run.responses[i].id = unanswered_ids[next_unanswered++];
        }
      }
    }
    run.scores = ScoreTable(run.case_lines.size(), run.dimensions.size());
    {
      Statement s(db_,
                  "SELECT idx, dimension, value, status, evidence FROM scores WHERE run_id = ?",
                  path_);
      s.bind(1, full);
      while (s.step()) {
        const auto i = static_cast<std::size_t>(s.integer(0));
        const auto d = static_cast<std::size_t>(s.integer(1));
        if (i >= run.scores.n_cases() || d >= run.scores.n_dimensions()) continue;
        run.scores.set(i, d, Score{s.real(2), static_cast<ScoreStatus>(s.integer(3)), s.text(4)});
      }
    }
    return run;
  }

 private:
  void insert_run(const StoredRun& run, const std::string& status) {
    {
      Statement exists(db_, "SELECT 1 FROM runs WHERE id = ?", path_);
      exists.bind(1, run.info.id);
      if (exists.step()) {
        throw RunError(
            fmt::format("store '{}': a run with id '{}' is already stored; nothing was written",
                        path_, run.info.id));
      }
    }
    Statement s(db_,
                "INSERT INTO runs (id, suite_name, suite_file, suite_hash, bars_hash, "
                "dataset_hash, model, provider, provider_json, qualbar_version, started_at, "
                "ended_at, host, user, status, n_cases, n_errors, passed, suite_text, dimensions) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                path_);
    const RunInfo& i = run.info;
    std::string dims;
    for (const auto& d : run.dimensions) dims += (dims.empty() ? "" : "\n") + d;
    s.bind(1, i.id)
        .bind(2, i.suite_name)
        .bind(3, run.suite_file)
        .bind(4, i.suite_hash)
        .bind(5, i.bars_hash)
        .bind(6, i.dataset_hash)
        .bind(7, i.model)
        .bind(8, i.provider)
        .bind(9, i.provider_json)
        .bind(10, i.qualbar_version)
        .bind(11, i.started_at)
        .bind(12, i.ended_at)
        .bind(13, i.host)
        .bind(14, i.user)
        .bind(15, status)
        .bind(16, static_cast<std::int64_t>(run.case_lines.size()))
        .bind(17, static_cast<std::int64_t>(i.n_errors))
        .bind(18, static_cast<std::int64_t>(i.passed ? 1 : 0))
        .bind(19, run.suite_text)
        .bind(20, dims);
    s.run();
  }

  // Case ids come from the responses when they are saved, else from the case lines.
  void insert_cases(const StoredRun& run, bool with_responses) {
    Statement c(
        db_,
        "INSERT INTO cases (run_id, idx, case_id, case_json, response_json) VALUES (?,?,?,?,?)",
        path_);
    for (std::size_t i = 0; i < run.case_lines.size(); ++i) {
      c.bind(1, run.info.id).bind(2, static_cast<std::int64_t>(i)).bind(4, run.case_lines[i]);
      if (with_responses) {
        c.bind(3, run.responses[i].id).bind(5, response_to_json(run.responses[i]));
      } else {
        c.bind(3, i < run.case_ids.size() ? run.case_ids[i] : std::string()).bind_null(5);
      }
      c.run();
    }
  }

  void insert_scores(const std::string& run_id, const ScoreTable& scores) {
    Statement sc(
        db_,
        "INSERT INTO scores (run_id, idx, dimension, value, status, evidence) VALUES (?,?,?,?,?,?)",
        path_);
    for (std::size_t i = 0; i < scores.n_cases(); ++i) {
      for (std::size_t d = 0; d < scores.n_dimensions(); ++d) {
        const ScoreView score = scores.at(i, d);
        sc.bind(1, run_id)
            .bind(2, static_cast<std::int64_t>(i))
            .bind(3, static_cast<std::int64_t>(d))
            .bind(4, score.value)
            .bind(5, static_cast<std::int64_t>(score.status));
        if (score.evidence.empty())
          sc.bind_null(6);
        else
          sc.bind(6, score.evidence);
        sc.run();
      }
    }
  }

  // A monitor's cases: the sampled records of its closed weeks (before the newest week seen),
  // oldest first. They are not scored: their grades come from people.
  void load_monitor_sample(const std::string& monitor, StoredRun& run) {
    Statement s(
        db_,
        "SELECT case_json, response_json FROM monitor_samples WHERE monitor = ?1 AND week < "
        "(SELECT MAX(week) FROM monitor_strata WHERE monitor = ?1) ORDER BY ts, id",
        path_);
    s.bind(1, monitor);
    std::string responses;
    while (s.step()) {
      run.case_lines.push_back(s.text(0));
      responses += s.text(1);
      responses += '\n';
    }
    run.responses = parse_responses(responses, fmt::format("store monitor {}", monitor));
    run.answered.assign(run.case_lines.size(), 1);
    run.info.n_cases = run.case_lines.size();
    run.scores = ScoreTable(run.case_lines.size(), run.dimensions.size());
    for (std::size_t i = 0; i < run.case_lines.size(); ++i)
      for (std::size_t d = 0; d < run.dimensions.size(); ++d)
        run.scores.set(i, d, Score::not_applicable("a production record: graded by people"));
  }

  void merge_cells(const MonitorBatch& b) {
    Statement get(
        db_,
        "SELECT data FROM monitor_cells WHERE monitor = ? AND win = ? AND slice = ? AND "
        "value = ?",
        path_);
    Statement put(db_,
                  "INSERT OR REPLACE INTO monitor_cells (monitor, win, slice, value, data) "
                  "VALUES (?,?,?,?,?)",
                  path_);
    for (const auto& c : b.cells) {
      get.bind(1, b.monitor).bind(2, c.window).bind(3, c.slice).bind(4, c.value);
      const std::string merged = get.step() ? b.merge(get.text(0), c.data) : c.data;
      get.run();  // resets
      put.bind(1, b.monitor).bind(2, c.window).bind(3, c.slice).bind(4, c.value).bind(5, merged);
      put.run();
    }
  }

  void insert_samples(const MonitorBatch& b) {
    Statement ins(
        db_,
        "INSERT OR IGNORE INTO monitor_samples (monitor, id, ts, week, stratum, u, topup, "
        "case_json, response_json) VALUES (?,?,?,?,?,?,?,?,?)",
        path_);
    std::set<std::pair<std::string, std::string>> topped;
    for (const auto& r : b.samples) {
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
      if (r.topup) topped.emplace(r.week, r.stratum);
    }
    if (b.topup_keep == 0) return;
    // Top-ups beyond the stratum's topup_keep smallest hashes are no longer needed.
    Statement trim(db_,
                   "DELETE FROM monitor_samples WHERE monitor = ?1 AND week = ?2 AND stratum = ?3 "
                   "AND topup = 1 AND u > (SELECT u FROM monitor_samples WHERE monitor = ?1 AND "
                   "week = ?2 AND stratum = ?3 ORDER BY u LIMIT 1 OFFSET ?4)",
                   path_);
    for (const auto& [week, stratum] : topped) {
      trim.bind(1, b.monitor)
          .bind(2, week)
          .bind(3, stratum)
          .bind(4, static_cast<std::int64_t>(b.topup_keep - 1));
      trim.run();
    }
  }

  void add_strata(const MonitorBatch& b) {
    Statement s(db_,
                "INSERT INTO monitor_strata (monitor, week, stratum, volume) VALUES (?,?,?,?) ON "
                "CONFLICT (monitor, week, stratum) DO UPDATE SET volume = volume + excluded.volume",
                path_);
    for (const auto& r : b.strata) {
      s.bind(1, b.monitor)
          .bind(2, r.week)
          .bind(3, r.stratum)
          .bind(4, static_cast<std::int64_t>(r.volume));
      s.run();
    }
  }

  void insert_items(std::span<const ReviewItem> items) {
    Statement s(db_, "INSERT OR IGNORE INTO review_items (id, run_id, case_id) VALUES (?,?,?)",
                path_);
    for (const auto& i : items) {
      s.bind(1, i.id).bind(2, i.run_id).bind(3, i.case_id);
      s.run();
    }
  }

  class Transaction {
   public:
    explicit Transaction(SqliteStore& s) : s_(s) { s_.exec("BEGIN IMMEDIATE"); }
    ~Transaction() {
      if (!done_) sqlite3_exec(s_.db_, "ROLLBACK", nullptr, nullptr, nullptr);
    }
    void commit() {
      s_.exec("COMMIT");
      done_ = true;
    }

   private:
    SqliteStore& s_;
    bool done_ = false;
  };

  void exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      const std::string why = err ? err : sqlite3_errmsg(db_);
      sqlite3_free(err);
      throw RunError(fmt::format("store '{}': {}{}", path_, why, io_hint(db_)));
    }
  }

  void exec_when_free(const std::string& sql) {
    for (int attempt = 0;; ++attempt) {
      const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
      if (rc == SQLITE_OK) return;
      if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || attempt >= 1000) exec(sql);  // reports
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

  void migrate() {
    exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at "
        "TEXT NOT NULL)");
    const int current = schema_version();
    if (current > kSchemaVersion) {
      throw RunError(
          fmt::format("the store '{}' has schema version {}, newer than this qualbar understands "
                      "({}): upgrade qualbar",
                      path_, current, kSchemaVersion));
    }
    for (int v = current + 1; v <= kSchemaVersion; ++v) {
      Transaction tx(*this);
      // Another process may have opened the same new store at the same moment: the version is
      // read again under the write lock, and a migration it applied is not applied twice.
      if (schema_version() >= v) continue;
      exec(kMigrations[v - 1]);
      exec(
          fmt::format("INSERT INTO schema_migrations (version, applied_at) VALUES ({}, "
                      "strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
                      v));
      tx.commit();
    }
  }

  std::string resolve_id(const std::string& id) {
    if (id == "latest") {
      Statement s(db_,
                  "SELECT id FROM runs WHERE status <> 'monitor' ORDER BY started_at DESC, id DESC "
                  "LIMIT 1",
                  path_);
      if (!s.step())
        throw InputError(
            fmt::format("the store '{}' has no runs yet: run `qualbar run SUITE{}` first", path_,
                        store_flag_hint(path_)));
      return s.text(0);
    }
    Statement s(db_, "SELECT id FROM runs WHERE substr(id, 1, length(?1)) = ?1 ORDER BY id LIMIT 3",
                path_);
    s.bind(1, id);
    std::vector<std::string> found;
    while (s.step()) found.push_back(s.text(0));
    if (found.empty())
      throw InputError(fmt::format("no run '{}' in the store '{}'; `qualbar runs{}` lists them", id,
                                   path_, store_flag_hint(path_)));
    if (found.size() > 1 && found[0] != id) {
      throw InputError(fmt::format("run id '{}' is ambiguous ({}, {}{}): give more of it", id,
                                   found[0], found[1], found.size() > 2 ? ", ..." : ""));
    }
    return found[0];
  }

  std::string path_;
  sqlite3* db_ = nullptr;
  // Prepared once: answers are saved many times a second while a run goes.
  std::unique_ptr<Statement> answer_stmt_, cache_stmt_, cache_get_stmt_;
};

const StoreRegistrar registrar{
    StoreEntry{"sqlite", "SQLite file (WAL mode): the embedded default.",
               [](const std::string& path) { return std::make_unique<SqliteStore>(path); }}};

}  // namespace
}  // namespace qb
