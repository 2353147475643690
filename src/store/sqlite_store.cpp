// The SQLite store: one file in WAL mode, its concerns on one connection (store/store.hpp).
#include <algorithm>
#include <memory>

#include <fmt/format.h>

#include "qualbar/store/store_registry.hpp"
#include "store/sqlite_stores.hpp"

namespace qb {
namespace {

using detail::SqliteConnection;

class SqliteUnit final : public UnitOfWork {
 public:
  explicit SqliteUnit(SqliteConnection& c) : tx_(c) {}
  void commit() override { tx_.commit(); }

 private:
  SqliteConnection::Transaction tx_;
};

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(const std::string& path)
      : c_(path), runs_(c_), review_(c_), monitor_(c_, runs_), cache_(c_), accounts_(c_) {}

  RunStore& runs() override { return runs_; }
  ReviewStore& review() override { return review_; }
  MonitorStore& monitor() override { return monitor_; }
  ResponseCache& cache() override { return cache_; }
  AccountStore& accounts() override { return accounts_; }
  std::unique_ptr<UnitOfWork> begin() override { return std::make_unique<SqliteUnit>(c_); }
  int schema_version() override { return c_.schema_version(); }
  void set_cache_bytes(std::size_t bytes) override {
    c_.exec(fmt::format("PRAGMA cache_size = -{}", std::max<std::size_t>(bytes / 1024, 2000)));
  }

 private:
  // The connection first: the concerns' prepared statements are finalized before it closes.
  SqliteConnection c_;
  detail::SqliteRunStore runs_;
  detail::SqliteReviewStore review_;
  detail::SqliteMonitorStore monitor_;
  detail::SqliteCache cache_;
  detail::SqliteAccountStore accounts_;
};

const StoreRegistrar sqlite_store_registrar{
    StoreEntry{"sqlite", "SQLite file (WAL mode): the embedded default.",
               [](const std::string& path) { return std::make_unique<SqliteStore>(path); }}};

}  // namespace
}  // namespace qb
