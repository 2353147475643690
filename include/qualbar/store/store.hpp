#pragma once
// The run store: every run with its audit record, cases, responses and scores, so any run can be
// re-rendered or compared later without the original files. SQLite by default (WAL mode).

#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "qualbar/core/response.hpp"
#include "qualbar/core/run_info.hpp"
#include "qualbar/metrics/score_table.hpp"
#include "qualbar/review/grades.hpp"

namespace qb {

// Everything saved for one run.
struct StoredRun {
  RunInfo info;
  std::string suite_text;  // the suite YAML as run
  std::string suite_file;
  std::vector<std::string> dimensions;  // score table columns, by name
  std::vector<std::string> case_lines;  // each case's dataset line, in run order
  std::vector<std::string> case_ids;    // begin_run: each case's id (responses carry them later)
  std::vector<Response> responses;      // aligned with case_lines
  std::vector<char> answered;           // aligned with case_lines: 1 when the case has its answer
  ScoreTable scores;                    // cases × dimensions; empty until the run is complete

  [[nodiscard]] std::size_t n_answered() const;
};

// One answer to record: the case's index in the run and its response.
struct StoredAnswer {
  std::size_t index = 0;
  const Response* response = nullptr;
};

// A response kept for reuse: a later call with the same request key is answered from here.
struct CacheEntry {
  std::string key;
  const Response* response = nullptr;
};

// Run statuses. A run is saved as it goes: "running" while answers arrive (a killed process
// leaves it so), "interrupted" after Ctrl-C, "failed" when it could not go on, "complete" with its
// scores. Any run but a complete one can be continued with `qualbar run --resume`.
inline constexpr const char* kRunRunning = "running";
inline constexpr const char* kRunInterrupted = "interrupted";
inline constexpr const char* kRunFailed = "failed";
inline constexpr const char* kRunComplete = "complete";

class Store {
 public:
  virtual ~Store() = default;
  // Saves a whole run atomically: after a failure the store holds nothing of it.
  virtual void save_run(const StoredRun& run) = 0;

  // Saving as the run goes, so that a killed run loses at most the answers not yet recorded:
  // the run's record (status "running") and every case line, none answered yet.
  virtual void begin_run(const StoredRun& run) = 0;
  // Records answers and cache entries, in one transaction.
  virtual void save_answers(const std::string& run_id, std::span<const StoredAnswer> answers,
                            std::span<const CacheEntry> cache) = 0;
  // The run's final record (status, end, counts, pass/fail) and, for a complete run, its scores.
  virtual void finish_run(const RunInfo& info, const ScoreTable* scores) = 0;

  // The cached response for a request key, as a responses-format JSON line.
  [[nodiscard]] virtual std::optional<std::string> cached_response(const std::string& key) = 0;

  // Newest first.
  [[nodiscard]] virtual std::vector<RunInfo> list_runs(std::size_t limit) = 0;
  // By full id, unique prefix, or "latest". Throws InputError naming the id when absent.
  [[nodiscard]] virtual StoredRun load_run(const std::string& id) = 0;
  [[nodiscard]] virtual int schema_version() = 0;

  // Review. A batch's items (those not stored yet) and its assignments, in one transaction.
  virtual void save_review_batch(const ReviewBatch& batch) = 0;
  // The stored items among `ids`, by id; unknown ids are absent.
  [[nodiscard]] virtual std::map<std::string, ReviewItem> review_items(
      const std::vector<std::string>& ids) = 0;
  // Appends grades (and the items they name that are not stored yet) in one transaction: all of
  // them or, after a failure, none. Fills nothing in `grades`; seq and imported_at are the store's.
  virtual void append_grades(std::span<const ReviewItem> items, std::span<const Grade> grades) = 0;
  // Every grade of the items of `run_id` ("" for all runs), in store order.
  [[nodiscard]] virtual std::vector<Grade> load_grades(const std::string& run_id) = 0;
  // Resolves a run id (full, unique prefix, or "latest"). Throws InputError when absent.
  [[nodiscard]] virtual std::string resolve_run_id(const std::string& id) = 0;
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
