#pragma once
// The run store: every run with its audit record, cases, responses and scores, so any run can be
// re-rendered or compared later without the original files. One concern of a Store
// (store/store.hpp); SQLite implements it (src/store/sqlite_run_store.cpp).

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
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

class RunStore {
 public:
  virtual ~RunStore() = default;
  // Saves a whole run atomically: after a failure the store holds nothing of it.
  virtual void save_run(const StoredRun& run) = 0;

  // Saving as the run goes, so that a killed run loses at most the answers not yet recorded:
  // the run's record (status "running") and every case line, none answered yet.
  virtual void begin_run(const StoredRun& run) = 0;
  // Records answers, in one transaction.
  virtual void save_answers(const std::string& run_id, std::span<const StoredAnswer> answers) = 0;
  // The run's final record (status, end, counts, pass/fail) and, for a complete run, its scores.
  virtual void finish_run(const RunInfo& info, const ScoreTable* scores) = 0;

  // Takes run `id` for `me`, in one transaction. Another recorded holder keeps it (taken false)
  // unless `is_stale(holder)` says it no longer runs; then `me` replaces it. Nothing is checked
  // against the runs: a lock can be taken before the run's record exists.
  virtual RunLockResult lock_run(const std::string& id, const RunHolder& me,
                                 const std::function<bool(const RunHolder&)>& is_stale) = 0;
  // Releases run `id` when `me` still holds it.
  virtual void unlock_run(const std::string& id, const RunHolder& me) = 0;

  // Newest first.
  [[nodiscard]] virtual std::vector<RunInfo> list_runs(std::size_t limit) = 0;
  // By full id, unique prefix, or "latest". Throws InputError naming the id when absent. A
  // monitor's row gives the sampled records of its closed weeks as cases, answered, and no
  // scores (people grade them: see review::load_run_data).
  [[nodiscard]] virtual StoredRun load_run(const std::string& id) = 0;
  // Resolves a run id (full, unique prefix, or "latest"). Throws InputError when absent.
  [[nodiscard]] virtual std::string resolve_run_id(const std::string& id) = 0;
};

}  // namespace qb
