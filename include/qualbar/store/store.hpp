#pragma once
// A store: one connection to the runs, the review, the monitor, the response cache and the
// accounts of qualbar serve, each a concern with an interface of its own, and units of work that
// span them. SQLite by default (a file, WAL mode); the store kind is chosen by the URL's scheme
// (store/store_registry.hpp).

#include <memory>
#include <string>

#include "qualbar/providers/response_cache.hpp"
#include "qualbar/store/account_store.hpp"
#include "qualbar/store/monitor_store.hpp"
#include "qualbar/store/review_store.hpp"
#include "qualbar/store/run_store.hpp"

namespace qb {

// Work through any of a store's concerns between begin() and commit() is one transaction: all of
// it or, when the unit ends without commit() (an exception), none. A store's own operations join
// the unit in progress instead of committing on their own.
class UnitOfWork {
 public:
  virtual ~UnitOfWork() = default;
  virtual void commit() = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  virtual RunStore& runs() = 0;
  virtual ReviewStore& review() = 0;
  virtual MonitorStore& monitor() = 0;
  virtual ResponseCache& cache() = 0;
  virtual AccountStore& accounts() = 0;
  // Starts a unit of work (see UnitOfWork). Units nest: only the outermost commits.
  [[nodiscard]] virtual std::unique_ptr<UnitOfWork> begin() = 0;
  [[nodiscard]] virtual int schema_version() = 0;
  // How much of the store this connection may keep in memory: a writer whose transactions touch
  // much of it (qualbar serve's writer of production records) keeps it there instead of reading
  // and spilling pages again. A hint; a store kind may ignore it.
  virtual void set_cache_bytes(std::size_t /*bytes*/) {}
};

inline constexpr const char* kDefaultStorePath = ".qualbar/qualbar.db";

enum class StoreAccess {
  create,    // a run is about to be saved: create the store when it does not exist
  existing,  // reading: a store that does not exist is an InputError (no empty file is left)
};

// Opens the store at `path` (a file path, or a URL whose scheme names the store kind).
// Throws RunError when it cannot, InputError for a missing store opened as `existing`.
std::unique_ptr<Store> open_store(const std::string& path,
                                  StoreAccess access = StoreAccess::create);

// " --store PATH" when `path` is not the default, for hints that tell the user what to run next.
std::string store_flag_hint(const std::string& path);

// The store path: the flag, else $QUALBAR_STORE, else the suite's `store`, else
// .qualbar/qualbar.db.
std::string resolve_store_path(const std::string& flag, const std::string& suite_store);

// A new run id: r-YYYYMMDD-HHMMSS-xxxx (sortable, unique enough per store).
std::string new_run_id();

}  // namespace qb
