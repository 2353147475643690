#pragma once
// The run store: every run with its audit record, cases, responses and scores, so any run can be
// re-rendered or compared later without the original files. SQLite by default (WAL mode).

#include <memory>
#include <string>
#include <vector>

#include "qualbar/core/response.hpp"
#include "qualbar/core/run_info.hpp"
#include "qualbar/metrics/score_table.hpp"

namespace qb {

// Everything saved for one run.
struct StoredRun {
  RunInfo info;
  std::string suite_text;  // the suite YAML as run
  std::string suite_file;
  std::vector<std::string> dimensions;  // score table columns, by name
  std::vector<std::string> case_lines;  // each case's dataset line, in run order
  std::vector<Response> responses;      // aligned with case_lines
  ScoreTable scores;                    // cases × dimensions
};

class Store {
 public:
  virtual ~Store() = default;
  // Saves a whole run atomically: after a failure the store holds nothing of it.
  virtual void save_run(const StoredRun& run) = 0;
  // Newest first.
  [[nodiscard]] virtual std::vector<RunInfo> list_runs(std::size_t limit) = 0;
  // By full id, unique prefix, or "latest". Throws InputError naming the id when absent.
  [[nodiscard]] virtual StoredRun load_run(const std::string& id) = 0;
  [[nodiscard]] virtual int schema_version() = 0;
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
