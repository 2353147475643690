#pragma once
// One SQLite connection shared by the store's concerns (runs, review, monitor, cache): opening
// (WAL, migrations), prepared statements whose every return code is checked, and transactions that
// nest into one unit of work. Internal to src/store.

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace qb::detail {

class SqliteConnection;

// A prepared statement. Every bind and step is checked: a failure is a RunError naming the store,
// and the statement is reset so it can be used again. Prepared once per connection and SQL text:
// a Statement takes the connection's idle one of its SQL and gives it back when it goes.
class Statement {
 public:
  Statement(SqliteConnection& c, const char* sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int i, std::string_view s);
  Statement& bind(int i, std::int64_t v);
  Statement& bind(int i, double v);
  Statement& bind_null(int i);
  Statement& bind_blob(int i, std::string_view bytes);
  // Binds `bytes` without copying them (a run's blocks: hundreds of megabytes): they must stay
  // as they are until the statement is run or reset.
  Statement& bind_blob_uncopied(int i, std::string_view bytes);
  // True while a row is available.
  bool step();
  // Steps to the end, then resets the statement and clears its bindings.
  void run();
  // Resets the statement (after reading some of its rows) and clears its bindings.
  void reset();

  [[nodiscard]] std::string text(int col) const;
  // The column's bytes (text or blob), valid until the next step or reset.
  [[nodiscard]] std::string_view blob(int col) const;
  [[nodiscard]] bool is_null(int col) const {
    return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
  }
  [[nodiscard]] std::int64_t integer(int col) const { return sqlite3_column_int64(stmt_, col); }
  [[nodiscard]] double real(int col) const { return sqlite3_column_double(stmt_, col); }

 private:
  void check_bind(int rc);
  SqliteConnection& c_;
  std::string sql_;
  sqlite3_stmt* stmt_ = nullptr;
};

class SqliteConnection {
 public:
  // Opens (creating) the file, switches it to WAL and applies the migrations it lacks.
  explicit SqliteConnection(std::string path);
  ~SqliteConnection() { close(); }
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  [[nodiscard]] sqlite3* db() const { return db_; }
  // Rows the last INSERT, UPDATE or DELETE changed.
  [[nodiscard]] int changes() const { return sqlite3_changes(db_); }
  [[nodiscard]] const std::string& path() const { return path_; }
  void exec(const std::string& sql);
  [[noreturn]] void fail() const;  // a RunError with SQLite's message and what to check
  [[nodiscard]] int schema_version();
  // A run id resolved: full, a unique prefix, or "latest". Throws InputError when absent.
  [[nodiscard]] std::string resolve_run_id(const std::string& id);

  // A transaction: the outermost begins it (IMMEDIATE: it will write) and commits it; inner ones
  // join it. One that ends without commit() rolls the whole unit back (its exception is on its
  // way out through the outer ones too).
  class Transaction {
   public:
    explicit Transaction(SqliteConnection& c);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit();

   private:
    SqliteConnection& c_;
    bool done_ = false;
  };

  // A consistent view for reads that take several statements (a run's record, cases and scores):
  // a deferred transaction, or nothing when a unit is already open.
  class Snapshot {
   public:
    explicit Snapshot(SqliteConnection& c);
    ~Snapshot();
    Snapshot(const Snapshot&) = delete;
    Snapshot& operator=(const Snapshot&) = delete;

   private:
    SqliteConnection& c_;
    bool began_ = false;
  };

 private:
  friend class Statement;
  // A prepared statement of `sql` that no Statement holds, or nullptr; and one given back
  // (reset), kept for the next Statement of its SQL.
  sqlite3_stmt* take_statement(const std::string& sql);
  void give_back(std::string sql, sqlite3_stmt* stmt);
  void close();  // finalizes the kept statements, then closes the database
  void exec_when_free(const std::string& sql);
  void migrate();

  std::string path_;
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> idle_;  // prepared, not in use
  int depth_ = 0;               // transactions open, outermost first
  bool rollback_only_ = false;  // an inner transaction ended without commit
};

// What to check when SQLite could not write: it says "disk I/O error" for a full disk too.
std::string io_hint(sqlite3* db);

}  // namespace qb::detail
