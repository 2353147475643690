#include "qualbar/run/runner.hpp"

#include <fmt/format.h>

#include "qualbar/util/files.hpp"
#include "qualbar/version.hpp"

namespace qb {

RunResult execute_run(const Suite& suite, const Dataset& dataset, Provider& provider,
                      const std::string& provider_name,
                      const std::function<void(std::size_t, const Response&)>& on_done) {
  RunResult run;
  run.info.id = new_run_id();
  run.info.suite_name = suite.name;
  run.info.suite_hash = suite.hash;
  run.info.bars_hash = suite.bars_hash;
  run.info.dataset_hash = dataset.hash;
  run.info.model = provider.model();
  run.info.provider = provider_name;
  run.info.provider_json = provider.settings_json();
  run.info.qualbar_version = kVersion;
  run.info.host = host_name();
  run.info.user = user_name();
  run.info.started_at = now_rfc3339();

  const auto scorers = build_scorers(suite);
  run.responses = provider.run(dataset.cases, [&](std::size_t i, const Response& r) {
    if (on_done) on_done(i, r);
  });
  if (run.responses.size() != dataset.cases.size()) {
    throw RunError(fmt::format("the provider answered {} of {} cases", run.responses.size(),
                               dataset.cases.size()));
  }
  run.scores = score_cases(scorers, dataset.cases, run.responses);
  run.warnings = provider.warnings();
  run.info.ended_at = now_rfc3339();
  run.info.status = "complete";
  run.info.n_cases = dataset.cases.size();
  for (const auto& r : run.responses) run.info.n_errors += r.is_error() ? 1 : 0;
  return run;
}

namespace {

// Everything of the store's record but the responses and scores.
StoredRun record_without_results(const Suite& suite, const Dataset& dataset, const RunInfo& info) {
  StoredRun s;
  s.info = info;
  s.suite_text = suite.source_text;
  s.suite_file = suite.file;
  for (const auto& d : suite.dimensions) s.dimensions.push_back(d.name);
  s.case_lines.assign(dataset.raw_lines.begin(), dataset.raw_lines.end());
  return s;
}

}  // namespace

StoredRun to_stored_run(const Suite& suite, const Dataset& dataset, const RunResult& run) {
  StoredRun s = record_without_results(suite, dataset, run.info);
  s.responses = run.responses;
  s.scores = run.scores;
  return s;
}

void save_run(Store& store, const Suite& suite, const Dataset& dataset, RunResult& run) {
  StoredRun s = record_without_results(suite, dataset, run.info);
  s.responses = std::move(run.responses);
  s.scores = std::move(run.scores);
  struct GiveBack {
    StoredRun& s;
    RunResult& run;
    ~GiveBack() {
      run.responses = std::move(s.responses);
      run.scores = std::move(s.scores);
    }
  } give_back{s, run};
  store.save_run(s);
}

}  // namespace qb
