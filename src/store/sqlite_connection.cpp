#include "store/sqlite_connection.hpp"

#include <charconv>
#include <chrono>
#include <filesystem>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "qualbar/core/error.hpp"
#include "qualbar/store/store.hpp"
#include "store/sqlite_stores.hpp"

namespace qb::detail {
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
    // 6: the run format made for reading back (docs/store.md, "How a run is stored"): integer run
    // keys; cases 64 to a block, compressed; answers written once; scores compact per block with
    // failing masks and slice cells; the finished report; a text index (built by a run's first text
    // search). The runs of schema 5
    // are converted by convert_v5_runs, which then drops the old tables.
    R"sql(
CREATE TABLE run_keys (key INTEGER PRIMARY KEY AUTOINCREMENT);
ALTER TABLE runs ADD COLUMN key INTEGER;
ALTER TABLE runs ADD COLUMN report BLOB;
ALTER TABLE runs ADD COLUMN slices TEXT;
ALTER TABLE runs ADD COLUMN text_indexed INTEGER NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX runs_key ON runs (key);
CREATE TABLE run_blocks (
  key INTEGER PRIMARY KEY,
  n INTEGER NOT NULL,
  ids BLOB NOT NULL,
  lines BLOB NOT NULL
);
CREATE TABLE run_answers (
  part INTEGER PRIMARY KEY,
  block INTEGER NOT NULL,
  n INTEGER NOT NULL,
  answers BLOB NOT NULL
);
CREATE INDEX run_answers_block ON run_answers (block);
CREATE TABLE run_scores (
  key INTEGER PRIMARY KEY,
  failing BLOB NOT NULL,
  cells BLOB NOT NULL,
  scores BLOB NOT NULL
);
CREATE VIRTUAL TABLE run_text USING fts5 (input, output, content = '', columnsize = 0,
                                          detail = column);
-- Terms gather in memory up to 16 MB before a segment is written (1 MB by default): a million
-- cases make a few large segments instead of hundreds to merge.
INSERT INTO run_text (run_text, rank) VALUES ('hashsize', 16777216);
CREATE TRIGGER runs_delete_cases AFTER DELETE ON runs BEGIN
  DELETE FROM run_blocks WHERE key BETWEEN old.key * 4294967296 AND old.key * 4294967296 + 4294967295;
  DELETE FROM run_answers WHERE block BETWEEN old.key * 4294967296 AND old.key * 4294967296 + 4294967295;
  DELETE FROM run_scores WHERE key BETWEEN old.key * 4294967296 AND old.key * 4294967296 + 4294967295;
END;
)sql",
    // 7: incidents instead of alerts (docs/monitor.md, "Incidents"): one row per drifting signal,
    // with who acknowledged it and what the webhook was told. Alerts are no longer stored.
    R"sql(
CREATE TABLE monitor_incidents (
  monitor TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  json TEXT NOT NULL,
  open INTEGER NOT NULL,
  alerts INTEGER NOT NULL,
  opened_at TEXT NOT NULL,
  resolved_at TEXT NOT NULL DEFAULT '',
  acked_by TEXT NOT NULL DEFAULT '',
  acked_at TEXT NOT NULL DEFAULT '',
  ack_note TEXT NOT NULL DEFAULT '',
  snooze_until TEXT NOT NULL DEFAULT '',
  sent_state TEXT NOT NULL DEFAULT '',
  sent_alerts INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (monitor, id)
);
DROP TABLE monitor_alerts;
)sql",
    // 8: a closed week's sample frozen once handed to reviewers (docs/monitor.md, "Sampling"): no
    // top-up enters or leaves it after that; an incident resolved by hand, by whom and as of which
    // week.
    R"sql(
ALTER TABLE monitor_incidents ADD COLUMN closed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE monitor_incidents ADD COLUMN closed_at TEXT NOT NULL DEFAULT '';
ALTER TABLE monitor_incidents ADD COLUMN close_note TEXT NOT NULL DEFAULT '';
ALTER TABLE monitor_incidents ADD COLUMN closed_week TEXT NOT NULL DEFAULT '';
CREATE TABLE monitor_frozen_weeks (
  monitor TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  week TEXT NOT NULL,
  frozen_at TEXT NOT NULL,
  PRIMARY KEY (monitor, week)
) WITHOUT ROWID;
)sql",
    // 9: a dataset's case blocks shared by its runs (docs/store.md, "How a run is stored"): a run
    // of a dataset the store already holds points at the blocks of the first run that stored it
    // (`lines_key`) instead of writing them again. The blocks go with the last run that uses them.
    R"sql(
ALTER TABLE runs ADD COLUMN lines_key INTEGER;
DROP TRIGGER runs_delete_cases;
CREATE TRIGGER runs_delete_cases AFTER DELETE ON runs BEGIN
  DELETE FROM run_blocks
   WHERE key BETWEEN coalesce(old.lines_key, old.key) * 4294967296
                 AND coalesce(old.lines_key, old.key) * 4294967296 + 4294967295
     AND NOT EXISTS (SELECT 1 FROM runs WHERE key = coalesce(old.lines_key, old.key)
                                           OR lines_key = coalesce(old.lines_key, old.key));
  DELETE FROM run_answers WHERE block BETWEEN old.key * 4294967296 AND old.key * 4294967296 + 4294967295;
  DELETE FROM run_scores WHERE key BETWEEN old.key * 4294967296 AND old.key * 4294967296 + 4294967295;
END;
)sql",
    // 10: the people and machines of qualbar serve (docs/serve.md, "People and tokens"): users
    // with a role, one-time sign-in links, sessions, API tokens, failed sign-ins for the rate
    // limit, and the audit log. Links, sessions and tokens are kept as the SHA-256 of the secret.
    R"sql(
CREATE TABLE users (
  name TEXT PRIMARY KEY,
  role TEXT NOT NULL,
  adjudicator INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  revoked_at TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE TABLE signin_links (
  hash TEXT PRIMARY KEY,
  user TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,
  expires_at TEXT NOT NULL,
  used_at TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE TABLE sessions (
  hash TEXT PRIMARY KEY,
  user TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,
  csrf TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  scopes TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  revoked_at TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE TABLE failed_signins (client TEXT NOT NULL, at TEXT NOT NULL);
CREATE INDEX failed_signins_client ON failed_signins (client, at);
CREATE TABLE audit_log (
  at TEXT NOT NULL,
  who TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  detail TEXT NOT NULL
);
)sql",
    // 11: what a team says of a run (docs/serve.md, "Runs"): labels, a note, the git commit of the
    // suite's repository, and when an admin archived it.
    R"sql(
ALTER TABLE runs ADD COLUMN labels TEXT NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN note TEXT NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN git_commit TEXT NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN archived_at TEXT NOT NULL DEFAULT '';
)sql",
    // 12: leases (docs/monitor.md, "Incidents without a command"): which qualbar serve of several
    // on one store evaluates the monitors and posts the webhook, until when (Unix seconds).
    R"sql(
CREATE TABLE leases (
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  expires INTEGER NOT NULL
) WITHOUT ROWID;
)sql",
    // 13: production records over HTTP (docs/ingest.md): the record ids a monitor has counted,
    // per ISO week (a 64-bit hash of week and id), so a record sent twice counts once; and the
    // answers of requests that carried an Idempotency-Key, so a retried request is answered
    // from the first.
    R"sql(
CREATE TABLE monitor_record_ids (
  monitor TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  key INTEGER NOT NULL,
  week TEXT NOT NULL,
  PRIMARY KEY (monitor, key)
) WITHOUT ROWID;
CREATE TABLE ingest_requests (
  key TEXT PRIMARY KEY,
  monitor TEXT NOT NULL,
  status INTEGER NOT NULL,
  answer TEXT NOT NULL,
  at TEXT NOT NULL
) WITHOUT ROWID;
)sql",
    // 14: review queues (docs/review.md, "Review queues in the browser"): a queue's items in its
    // order, each hand-out to a reviewer a claim with a lock, and how many reviewers finished each
    // entry (kept as it changes, so that a queue of a million items hands out the next at once).
    R"sql(
CREATE TABLE review_queues (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  source TEXT NOT NULL,
  runs TEXT NOT NULL,
  dimensions TEXT NOT NULL,
  per_item INTEGER NOT NULL,
  lock_seconds INTEGER NOT NULL,
  instructions TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  closed_at TEXT NOT NULL DEFAULT '',
  entries INTEGER NOT NULL,
  finished INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE TABLE review_queue_entries (
  queue_id TEXT NOT NULL REFERENCES review_queues (id) ON DELETE CASCADE,
  pos INTEGER NOT NULL,
  item_id TEXT NOT NULL REFERENCES review_items (id) ON DELETE CASCADE,
  case_index INTEGER NOT NULL,
  finished INTEGER NOT NULL DEFAULT 0,
  open INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (queue_id, pos)
) WITHOUT ROWID;
CREATE INDEX review_queue_entries_open ON review_queue_entries (queue_id, pos) WHERE open = 1;
CREATE INDEX review_queue_entries_item ON review_queue_entries (item_id);
CREATE TABLE review_claims (
  queue_id TEXT NOT NULL REFERENCES review_queues (id) ON DELETE CASCADE,
  pos INTEGER NOT NULL,
  reviewer TEXT NOT NULL,
  state TEXT NOT NULL,
  locked_until INTEGER NOT NULL,
  claimed_at TEXT NOT NULL,
  finished_at TEXT NOT NULL DEFAULT '',
  reason TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (queue_id, pos, reviewer)
) WITHOUT ROWID;
CREATE INDEX review_claims_reviewer ON review_claims (queue_id, reviewer, state, finished_at);
)sql",
    // 15: pairwise review. A review item may be a pair: two runs' answers to one case (run_b is
    // the second run, '' for one answer); its grades say which answer won (A, B or a tie) and
    // which one the grader was shown first, as does each hand-out of a pairwise queue. The items
    // table is rebuilt because its key (run_id, case_id) no longer names one item; foreign keys
    // are off while migrations run (SqliteConnection::migrate), so nothing cascades.
    R"sql(
CREATE TABLE review_items_v15 (
  id TEXT PRIMARY KEY,
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  case_id TEXT NOT NULL,
  run_b TEXT NOT NULL DEFAULT ''
);
INSERT INTO review_items_v15 (id, run_id, case_id) SELECT id, run_id, case_id FROM review_items;
DROP TABLE review_items;
ALTER TABLE review_items_v15 RENAME TO review_items;
CREATE UNIQUE INDEX review_items_answer ON review_items (run_id, case_id, run_b);
CREATE INDEX review_items_run_b ON review_items (run_b) WHERE run_b <> '';
ALTER TABLE grades ADD COLUMN shown_first TEXT NOT NULL DEFAULT '';
ALTER TABLE review_queues ADD COLUMN pairwise INTEGER NOT NULL DEFAULT 0;
ALTER TABLE review_queue_entries ADD COLUMN case_index_b INTEGER NOT NULL DEFAULT 0;
ALTER TABLE review_claims ADD COLUMN shown_first TEXT NOT NULL DEFAULT '';
)sql",
    // 16: answers are written in a compact form (store/run_blocks.hpp, put_answer) instead of
    // their JSON lines; the answers stored before stay JSON and are read as they are. No table
    // changes: the version tells an older qualbar that this store holds answers it cannot read.
    R"sql(
-- no table changes
)sql",
};
constexpr int kSchemaVersion = static_cast<int>(std::size(kMigrations));
// What a migration does beyond its SQL, after it, in its transaction.
void after_migration(SqliteConnection& c, int version) {
  if (version == 6) convert_v5_runs(c);
}

}  // namespace

std::string io_hint(sqlite3* db) {
  const int code = sqlite3_errcode(db) & 0xFF;
  return code == SQLITE_FULL || code == SQLITE_IOERR || code == SQLITE_READONLY
             ? " (is the disk full, or the store's folder not writable?)"
             : "";
}

// ---- Statement ----------------------------------------------------------------------------------

Statement::Statement(SqliteConnection& c, const char* sql) : c_(c), sql_(sql) {
  stmt_ = c.take_statement(sql_);
  if (stmt_ == nullptr &&
      sqlite3_prepare_v3(c.db(), sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr) != SQLITE_OK)
    c.fail();
}

Statement::~Statement() {
  if (stmt_ != nullptr) c_.give_back(std::move(sql_), stmt_);
}

void Statement::check_bind(int rc) {
  if (rc == SQLITE_OK) return;
  reset();
  c_.fail();
}

Statement& Statement::bind(int i, std::string_view s) {
  check_bind(sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT));
  return *this;
}

Statement& Statement::bind(int i, std::int64_t v) {
  check_bind(sqlite3_bind_int64(stmt_, i, v));
  return *this;
}

Statement& Statement::bind(int i, double v) {
  check_bind(sqlite3_bind_double(stmt_, i, v));
  return *this;
}

Statement& Statement::bind_blob(int i, std::string_view bytes) {
  check_bind(sqlite3_bind_blob64(stmt_, i, bytes.data() != nullptr ? bytes.data() : "", bytes.size(),
                                 SQLITE_TRANSIENT));
  return *this;
}

Statement& Statement::bind_blob_uncopied(int i, std::string_view bytes) {
  check_bind(sqlite3_bind_blob64(stmt_, i, bytes.data() != nullptr ? bytes.data() : "", bytes.size(),
                                 SQLITE_STATIC));
  return *this;
}

std::string_view Statement::blob(int col) const {
  const void* p = sqlite3_column_blob(stmt_, col);
  return p ? std::string_view(static_cast<const char*>(p),
                              static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
           : std::string_view();
}

Statement& Statement::bind_null(int i) {
  check_bind(sqlite3_bind_null(stmt_, i));
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  reset();  // so the statement can be used again after the caller handles the error
  c_.fail();
}

void Statement::run() {
  while (step()) {
  }
  reset();
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::string Statement::text(int col) const {
  const auto* p = sqlite3_column_text(stmt_, col);
  return p ? std::string(reinterpret_cast<const char*>(p),
                         static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
           : std::string();
}

// ---- SqliteConnection ---------------------------------------------------------------------------

namespace {
// Distinct statements a connection keeps prepared; past it, a statement is finalized when done
// (the store's SQL is a fixed set, well under it).
constexpr std::size_t kKeptStatements = 256;
}  // namespace

sqlite3_stmt* SqliteConnection::take_statement(const std::string& sql) {
  const auto it = idle_.find(sql);
  if (it == idle_.end()) return nullptr;
  sqlite3_stmt* stmt = it->second;
  idle_.erase(it);
  return stmt;
}

void SqliteConnection::give_back(std::string sql, sqlite3_stmt* stmt) {
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  if (idle_.size() >= kKeptStatements || idle_.contains(sql)) {
    sqlite3_finalize(stmt);
    return;
  }
  idle_.emplace(std::move(sql), stmt);
}

void SqliteConnection::close() {
  for (auto& [sql, stmt] : idle_) sqlite3_finalize(stmt);
  idle_.clear();
  sqlite3_close(db_);
  db_ = nullptr;
}

SqliteConnection::SqliteConnection(std::string path) : path_(std::move(path)) {
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
    // 16 KiB pages (SQLite's default is 4 KiB): a run's compressed blocks of a few kilobytes
    // each fit a page instead of spilling into overflow chains; a million-case run saves 25%
    // faster and 9% smaller. Only a new, empty file takes it (an existing store keeps its size).
    exec("PRAGMA page_size = 16384");
    exec_when_free("PRAGMA journal_mode = WAL");
    exec("PRAGMA synchronous = NORMAL");
    exec("PRAGMA foreign_keys = ON");
    migrate();
  } catch (...) {
    close();  // the destructor does not run for a constructor that throws
    throw;
  }
}

void SqliteConnection::fail() const {
  throw RunError(fmt::format("store '{}': {}{}", path_, sqlite3_errmsg(db_), io_hint(db_)));
}

void SqliteConnection::exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    const std::string why = err ? err : sqlite3_errmsg(db_);
    sqlite3_free(err);
    throw RunError(fmt::format("store '{}': {}{}", path_, why, io_hint(db_)));
  }
}

void SqliteConnection::exec_when_free(const std::string& sql) {
  for (int attempt = 0;; ++attempt) {
    const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
    if (rc == SQLITE_OK) return;
    if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || attempt >= 1000) exec(sql);  // reports
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

int SqliteConnection::schema_version() {
  Statement s(*this, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  s.step();
  const int v = static_cast<int>(s.integer(0));
  s.reset();
  return v;
}

void SqliteConnection::migrate() {
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
  if (current == kSchemaVersion) return;
  // Foreign keys are off while migrations run (they can only be switched outside a transaction):
  // a migration that rebuilds a table other tables refer to must not cascade its DROP into them
  // (SQLite's "making other kinds of table schema changes").
  exec("PRAGMA foreign_keys = OFF");
  struct KeysBackOn {
    SqliteConnection& c;
    ~KeysBackOn() { sqlite3_exec(c.db(), "PRAGMA foreign_keys = ON", nullptr, nullptr, nullptr); }
  } back_on{*this};
  for (int v = current + 1; v <= kSchemaVersion; ++v) {
    Transaction tx(*this);
    // Another process may have opened the same new store at the same moment: the version is
    // read again under the write lock, and a migration it applied is not applied twice.
    if (schema_version() >= v) continue;
    exec(kMigrations[v - 1]);
    after_migration(*this, v);
    exec(
        fmt::format("INSERT INTO schema_migrations (version, applied_at) VALUES ({}, "
                    "strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
                    v));
    tx.commit();
  }
}

std::string SqliteConnection::resolve_run_id(const std::string& id) {
  // latest, or latest~N: the N-th run before the latest (as git's HEAD~N).
  if (id == "latest" || id.starts_with("latest~")) {
    std::int64_t back = 0;
    if (id != "latest") {
      const std::string n = id.substr(7);
      const auto [end, ec] = std::from_chars(n.data(), n.data() + n.size(), back);
      if (n.empty() || ec != std::errc() || end != n.data() + n.size() || back < 0) {
        throw InputError(fmt::format("'{}' is not a run: write latest, or latest~N for the N-th "
                                     "run before it (latest~1 is the one before the latest)",
                                     id));
      }
    }
    Statement s(*this,
                "SELECT id FROM runs WHERE status <> 'monitor' ORDER BY started_at DESC, id DESC "
                "LIMIT 1 OFFSET ?1");
    s.bind(1, back);
    if (!s.step()) {
      if (back == 0)
        throw InputError(fmt::format(
            "the store '{}' has no runs yet: run `qualbar run SUITE{}` first", path_,
            store_flag_hint(path_)));
      throw InputError(fmt::format("the store '{}' holds fewer than {} runs, so '{}' names none; "
                                   "`qualbar runs{}` lists them",
                                   path_, back + 1, id, store_flag_hint(path_)));
    }
    std::string out = s.text(0);
    s.reset();
    return out;
  }
  Statement s(*this, "SELECT id FROM runs WHERE substr(id, 1, length(?1)) = ?1 ORDER BY id LIMIT 3");
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

// ---- transactions -------------------------------------------------------------------------------

SqliteConnection::Transaction::Transaction(SqliteConnection& c) : c_(c) {
  if (c_.depth_ == 0) {
    c_.exec("BEGIN IMMEDIATE");
    c_.rollback_only_ = false;
  }
  ++c_.depth_;
}

SqliteConnection::Transaction::~Transaction() {
  if (done_) return;
  if (--c_.depth_ == 0) {
    sqlite3_exec(c_.db_, "ROLLBACK", nullptr, nullptr, nullptr);
  } else {
    c_.rollback_only_ = true;
  }
}

void SqliteConnection::Transaction::commit() {
  done_ = true;
  if (--c_.depth_ > 0) return;  // the outermost commits
  if (c_.rollback_only_) {
    sqlite3_exec(c_.db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw RunError(fmt::format("store '{}': part of this unit of work failed, so none of it was "
                               "saved",
                               c_.path_));
  }
  try {
    c_.exec("COMMIT");
  } catch (...) {
    sqlite3_exec(c_.db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

SqliteConnection::Snapshot::Snapshot(SqliteConnection& c) : c_(c) {
  if (c_.depth_ == 0) {
    c_.exec("BEGIN DEFERRED");
    began_ = true;
  }
  ++c_.depth_;
}

SqliteConnection::Snapshot::~Snapshot() {
  --c_.depth_;
  if (began_) sqlite3_exec(c_.db_, "COMMIT", nullptr, nullptr, nullptr);
}

}  // namespace qb::detail
