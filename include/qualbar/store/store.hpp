#pragma once
// The run store: every run with its audit record, cases, responses and scores, so any run can be
// re-rendered or compared later without the original files. SQLite by default (WAL mode).

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
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

// ---- the monitor's rows (docs/monitor.md) ----

// Aggregates of one window × slice cell, as a JSON document whose meaning is the monitor's; the
// store only merges a new delta into the stored document with the monitor's merge function.
struct MonitorCellRow {
  std::string window;  // "2026-W47" (a week) or "2026-11-20" (a day)
  std::string slice;   // "" for every record, else the slice ("category")
  std::string value;   // "" for every record, else the value ("refunds")
  std::string data;    // JSON
};

// A sampled production record, kept whole: its case line and its response line. `u` is the
// record's sampling hash in [0, 1); `topup` marks a record kept only to give its stratum its
// weekly minimum (it may be dropped while the week still receives records).
struct MonitorSampleRow {
  std::string id;
  std::string ts;
  std::string week;
  std::string stratum;
  double u = 0;
  bool topup = false;
  std::string case_json;
  std::string response_json;
};

// Records of a stratum in a week: the volume the sample stands for.
struct MonitorStratumRow {
  std::string week;
  std::string stratum;
  std::uint64_t volume = 0;
};

// How far an input file has been read, so a rerun continues where the last one stopped.
struct MonitorCheckpoint {
  std::string source;    // the path as given
  std::string identity;  // device, inode and a hash of the first bytes: the same file
  std::uint64_t offset = 0;
  std::uint64_t lines = 0;
};

// One flush of an ingest process, stored in one transaction.
struct MonitorBatch {
  std::string monitor;  // the run id of the monitor ("m-" and the suite's name)
  RunInfo info;         // the monitor's record in `runs`, created on the first batch
  std::string suite_text;
  std::vector<std::string> dimensions;
  std::vector<MonitorCellRow> cells;
  std::function<std::string(const std::string& stored, const std::string& delta)> merge;
  std::vector<MonitorSampleRow> samples;  // a record already stored is left as it is
  std::vector<MonitorStratumRow> strata;  // added to the stored volumes
  // Top-up records: per (week, stratum) only the `topup_keep` smallest u among all the stratum's
  // kept records survive (docs/monitor.md, sampling).
  std::size_t topup_keep = 0;
  std::optional<MonitorCheckpoint> checkpoint;
};

// An alert raised by `monitor status`, kept so that the same condition is not alerted again.
struct MonitorAlertRow {
  std::string key;
  std::string window;
  std::string json;  // the alert as JSON
  std::string raised_at;
  std::string sent_at;  // "" until a webhook took it
};

// The process answering a run. One process at a time answers a run (`qualbar run`, `--resume`),
// so two resumes never ask the same cases twice.
struct RunHolder {
  std::string host;
  std::int64_t pid = 0;
  std::string process_start;  // tells a process from a later one that reuses its pid
  std::string since;          // RFC 3339
};

struct RunLockResult {
  bool taken = false;
  std::optional<RunHolder> previous;  // the holder found: still holding it, or stale and replaced
};

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
  // Takes run `id` for `me`, in one transaction. Another recorded holder keeps it (taken false)
  // unless `is_stale(holder)` says it no longer runs; then `me` replaces it. Nothing is checked
  // against the runs table: a lock can be taken before the run's record exists.
  virtual RunLockResult lock_run(const std::string& id, const RunHolder& me,
                                 const std::function<bool(const RunHolder&)>& is_stale) = 0;
  // Releases run `id` when `me` still holds it.
  virtual void unlock_run(const std::string& id, const RunHolder& me) = 0;
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

  // Monitor. A monitor is a row of `runs` with status "monitor"; load_run() of it gives the
  // sampled records of its closed weeks (weeks before the newest week seen) as cases.
  virtual void monitor_commit(const MonitorBatch& batch) = 0;
  [[nodiscard]] virtual std::optional<MonitorCheckpoint> monitor_checkpoint(
      const std::string& monitor, const std::string& source) = 0;
  [[nodiscard]] virtual std::vector<MonitorCellRow> monitor_cells(const std::string& monitor) = 0;
  // The distinct (slice, value) pairs of the monitor's cells, without their data.
  [[nodiscard]] virtual std::vector<std::pair<std::string, std::string>> monitor_slice_values(
      const std::string& monitor) = 0;
  [[nodiscard]] virtual std::vector<MonitorStratumRow> monitor_strata(const std::string& monitor) = 0;
  // Every kept record of the monitor (closed weeks and open), oldest first.
  [[nodiscard]] virtual std::vector<MonitorSampleRow> monitor_samples(const std::string& monitor) = 0;
  // Stores the alerts not stored yet (by key) and returns those, the new ones.
  virtual std::vector<MonitorAlertRow> monitor_raise(const std::string& monitor,
                                                     const std::vector<MonitorAlertRow>& alerts) = 0;
  [[nodiscard]] virtual std::vector<MonitorAlertRow> monitor_alerts(const std::string& monitor) = 0;
  virtual void monitor_alert_sent(const std::string& monitor, const std::string& key,
                                  const std::string& sent_at) = 0;
};

inline constexpr const char* kRunMonitor = "monitor";

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
