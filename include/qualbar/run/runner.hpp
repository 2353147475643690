#pragma once
// One run: a suite's dataset through a provider, scored on every dimension.

#include <functional>
#include <string>
#include <vector>

#include "qualbar/core/run_info.hpp"
#include "qualbar/io/dataset.hpp"
#include "qualbar/metrics/score_table.hpp"
#include "qualbar/providers/provider.hpp"
#include "qualbar/store/store.hpp"
#include "qualbar/suite/suite.hpp"

namespace qb {

struct RunResult {
  RunInfo info;
  std::vector<Response> responses;  // aligned with the dataset's cases
  ScoreTable scores;
  std::vector<std::string> warnings;
};

// Everything is validated before this is called; failures of the run itself are RunErrors.
// `on_done` is called once per case as the provider completes it (progress, durability).
RunResult execute_run(const Suite& suite, const Dataset& dataset, Provider& provider,
                      const std::string& provider_name,
                      const std::function<void(std::size_t, const Response&)>& on_done = {});

// The record the store keeps for a finished run (a copy of the run's data).
StoredRun to_stored_run(const Suite& suite, const Dataset& dataset, const RunResult& run);

// Saves a run without copying its responses and scores (they are lent to the store record and
// given back). A million-case run is not held twice.
void save_run(Store& store, const Suite& suite, const Dataset& dataset, RunResult& run);

}  // namespace qb
