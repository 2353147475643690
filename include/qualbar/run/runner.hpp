#pragma once
// One run: a suite's dataset through a provider, every answer saved as it completes, scored on
// every dimension once all cases are answered.

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "qualbar/core/run_info.hpp"
#include "qualbar/io/dataset.hpp"
#include "qualbar/metrics/report.hpp"
#include "qualbar/metrics/score_table.hpp"
#include "qualbar/providers/provider.hpp"
#include "qualbar/store/store.hpp"
#include "qualbar/suite/suite.hpp"

namespace qb {

struct JudgeSettings;  // scorers/judge_settings.hpp

class RunLock;

struct RunResult {
  RunInfo info;
  std::vector<Response> responses;  // aligned with the dataset's cases
  ScoreTable scores;                // empty unless the run is complete
  PackedScores packed_scores;       // a complete stored run's scores, packed for finish_stored_run
  std::vector<std::string> warnings;
  std::size_t n_answered = 0;      // cases with an answer (all of them when complete)
  std::size_t n_cached = 0;        // answered from the response cache, without a call
  std::size_t n_resumed = 0;       // answered before, by the run being continued
  std::size_t n_retries = 0;       // calls retried
  std::size_t n_judge_calls = 0;   // calls to the judge model
  std::size_t n_judge_cached = 0;  // judge answers from the response cache
  std::size_t n_judge_recorded = 0;  // judge answers from its recorded grades (judge.grades)
  std::size_t n_judge_asked = 0;     // answers the judge was asked about, however it answered
  std::size_t n_judge_failed = 0;  // judge calls that failed or did not grade (ungraded scores)

  // Held while the run is this process's (run/run_lock.hpp): release it (reset) once the run's
  // final record is saved, and before the store closes.
  std::shared_ptr<RunLock> lock;

  [[nodiscard]] bool complete() const { return info.status == RunStatus::complete; }
};

// Told of each answer as it arrives (progress).
class RunObserver {
 public:
  virtual ~RunObserver() = default;
  virtual void answered(const Response& /*r*/) {}
  virtual void retrying(const std::string& /*why*/) {}
  // Something the user should know as it happens (a stale lock taken over).
  virtual void note(const std::string& /*message*/) {}
};

struct RunSettings {
  Store* store = nullptr;             // answers saved as they complete; nullptr: nothing saved
  const StoredRun* resume = nullptr;  // continue this stored run: same id, its answers kept
  RunObserver* observer = nullptr;
  std::string run_id;  // of a new run; "" = a fresh id (a resumed run keeps its own)
  // A new run's labels and note (`qualbar run --label/--note`); a resumed run keeps its own.
  std::vector<std::string> labels;
  std::string note;
  const JudgeSettings* judge = nullptr;  // the suite's judge (judge_settings), when it has one
  // What to run to continue this run, e.g. "qualbar run --resume r-… --store P": added to the
  // message of a run that fails once its record is saved (never to one that was not).
  std::string resume_hint;
  // Called once the run is complete and scored, while its last answers may still be being
  // written to the store (a report built meanwhile); execute_run returns once they are.
  std::function<void(const RunResult&)> on_scored;
};

// Everything is validated before this is called (the suite, the dataset, and the provider's
// check() of the cases). Calls the provider for every case not answered yet (not in the resumed
// run, whose failed calls are asked again, nor in the response cache), saving answers as they
// complete; an answer over system.max_output_bytes is an error case. Then the judge grades what
// needs it, each grade kept as it arrives. Returns a complete, scored run; or, after Ctrl-C (see
// run/interrupt.hpp) in either phase, an interrupted one (info.status "interrupted", not
// scored), saved as such. A RunError — the endpoint or the judge unreachable, every call failed
// — marks the stored run failed and is rethrown with how many answers were saved. With a store,
// the run is locked for this process while it runs (run/run_lock.hpp). A new stored run stores
// the dataset's lines when it starts, then releases them (raw_lines and sources are emptied).
// The store's writes run on a thread of their own, in order, beside the answering and scoring
// (the cases first: before the first call, unless the provider answers locally); execute_run
// returns once every one is written.
RunResult execute_run(const Suite& suite, Dataset& dataset, Provider& provider,
                      const std::string& provider_name, const RunSettings& settings = {});

// Saves a complete run's final record (after the report has set info.passed), its scores and
// report, and what pages filter its cases by: which cases fail each dimension (case_failed) and
// the slice cells (build_report's `case_slices`).
// `packed`: the scores packed ahead (RunResult::packed_scores), or none.
void finish_stored_run(Store& store, const RunInfo& info, const Report& report,
                       std::span<const CaseSlices> slices, const ScoreTable& scores,
                       const PackedScores* packed);

// The record the store keeps for a finished run (a copy of the run's data).
StoredRun to_stored_run(const Suite& suite, const Dataset& dataset, const RunResult& run);

}  // namespace qb
