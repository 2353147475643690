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

#include "qualbar/core/case.hpp"
#include "qualbar/core/response.hpp"
#include "qualbar/core/run_info.hpp"
#include "qualbar/metrics/case_slices.hpp"
#include "qualbar/metrics/score_table.hpp"

namespace qb {

// A run's record as it starts: everything but its cases.
struct RunRecord {
  RunInfo info;
  std::string suite_text;  // the suite YAML as run
  std::string suite_file;
  std::vector<std::string> dimensions;  // score table columns, by name
};

// Everything saved for one run.
struct StoredRun : RunRecord {
  std::vector<std::string> case_lines;  // each case's dataset line, in run order
  std::vector<Response> responses;      // aligned with case_lines
  std::vector<char> answered;           // aligned with case_lines: 1 when the case has its answer
  ScoreTable scores;                    // cases × dimensions; empty until the run is complete
  // The finished report (metrics/report_codec.hpp); "" when the run is not complete, or was
  // completed by a qualbar that did not keep reports (its report is built again from the scores).
  std::string report;

  [[nodiscard]] std::size_t n_answered() const;
};

// One answer to record: the case's index in the run and its response.
struct StoredAnswer {
  std::size_t index = 0;
  const Response* response = nullptr;
};

// A run's scores in the store's own form, packed ahead of finish_run (RunStore::pack_scores): on
// the run's store thread while the report is built, rather than after it.
struct PackedScores {
  std::size_t n_cases = 0;
  std::size_t n_dimensions = 0;
  std::vector<std::string> blocks;
};

// A complete run's results, with what pages filter its cases by.
struct RunResults {
  const ScoreTable* scores = nullptr;
  const PackedScores* packed = nullptr;  // `scores` packed by pack_scores, or none
  // Cases × dimensions, row by row: 1 when the case fails the dimension (metrics case_failed).
  std::span<const std::uint8_t> failing;
  std::span<const CaseSlices> slices;  // which cell of each slice every case is in
  std::string_view report;             // the finished report, encoded (metrics/report_codec.hpp)
};

// Which of a run's cases a page shows; every part that is set must hold.
struct CaseFilter {
  std::string failing;      // a dimension's name: only the cases that fail it
  std::string slice;        // a slice as the report names it ("category", "category × language")
  std::string slice_value;  // and the value of its cell ("billing", "billing × de")
  std::string text;         // words that all occur in the case's input or its output
};

// One case as a page shows it.
struct CaseRow {
  std::size_t index = 0;  // in the run; the order of pages
  std::string id;
  std::string case_json;                     // the dataset line
  std::optional<std::string> response_json;  // none while the case is not answered
  std::vector<Score> scores;                 // by dimension; empty until the run is complete
};

struct CasePage {
  std::vector<CaseRow> rows;
  std::optional<std::size_t> next;  // pass as `after` for the next page; none at the end
};

// A case whose verdict on a dimension differs between two runs (paired by case id).
struct ChangedCase {
  std::string id;
  std::size_t index_a = 0, index_b = 0;
  std::string dimension;
  bool now_failing = false;  // pass → fail (else fail → pass)
};

struct ChangedPage {
  std::vector<ChangedCase> rows;
  std::optional<std::size_t> next;  // pass as `after` for the next page; none at the end
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
  // the run's record (status "running") and every case line, none answered yet. `written(n)`,
  // when given, is told as the lines of cases [0, n) are written (a chunk of blocks at a time).
  virtual void begin_run(const RunRecord& record, std::span<const Case> cases,
                         std::span<const std::string_view> lines,
                         const std::function<void(std::size_t)>& written) = 0;
  // Records answers, in one transaction.
  virtual void save_answers(const std::string& run_id, std::span<const StoredAnswer> answers) = 0;
  // A complete run's scores packed for finish_run (which packs them itself when not given).
  [[nodiscard]] virtual PackedScores pack_scores(const ScoreTable& scores) = 0;
  // The run's final record (status, end, counts, pass/fail) and, for a complete run, its results.
  virtual void finish_run(const RunInfo& info, const RunResults* results) = 0;

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
  // The record, the suite and the stored report of a run, without its cases.
  [[nodiscard]] virtual StoredRun load_summary(const std::string& id) = 0;

  // Pages through a run's cases in index order, without loading the run: at most `limit` cases
  // after index `after` (from the start when none) that pass `filter`. Throws InputError for a
  // failing dimension or slice the run does not have. A run's first text search builds its text
  // index (a write: the one search waits for it).
  [[nodiscard]] virtual CasePage cases(const std::string& run, const CaseFilter& filter,
                                       std::optional<std::size_t> after, std::size_t limit) = 0;
  // The cases of `run_b` whose verdict on a dimension (all when `dimension` is empty) differs
  // from the same case's in `run_a`, in run_b's order, paged like cases(). Both runs complete.
  [[nodiscard]] virtual ChangedPage changed_cases(const std::string& run_a,
                                                  const std::string& run_b,
                                                  const std::string& dimension,
                                                  std::optional<std::size_t> after,
                                                  std::size_t limit) = 0;
  // Resolves a run id (full, unique prefix, or "latest"). Throws InputError when absent.
  [[nodiscard]] virtual std::string resolve_run_id(const std::string& id) = 0;

  // What a team says of a run, replacing what it said: its labels and its note.
  virtual void set_run_labels(const std::string& id, const std::vector<std::string>& labels,
                              const std::string& note) = 0;
  // Archives a run as of `at`, or lists it again (`at` ""): archived runs leave the default
  // lists and stay readable.
  virtual void set_run_archived(const std::string& id, const std::string& at) = 0;
  // Deletes a run: its record, cases, answers, scores and report, and its review items with their
  // grades. InputError for a monitor (its production data) or a run a process is answering.
  virtual void delete_run(const std::string& id) = 0;
};

}  // namespace qb
