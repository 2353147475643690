#pragma once
// Scoring: a suite's dimensions, each with its configured scorer, applied to every case.

#include <memory>
#include <span>
#include <vector>

#include "qualbar/core/case.hpp"
#include "qualbar/core/response.hpp"
#include "qualbar/metrics/score_table.hpp"
#include "qualbar/scorers/scorer.hpp"
#include "qualbar/suite/suite.hpp"

namespace qb {

// From how many cases a run's per-case work (scoring, a report's slices and dimensions) is shared
// among the machine's cores; below, a thread costs more than it saves.
inline constexpr std::size_t kParallelCasesFrom = 4096;

// A suite's dimensions, each with its configured scorer, in the suite's dimension order.
class JudgeContext;

struct DimensionScorer {
  const DimensionSpec* spec = nullptr;
  const ScorerInfo* info = nullptr;
  std::unique_ptr<Scorer> scorer;
};

// Builds every dimension's scorer. Bad arguments are InputErrors at the suite's line and field.
std::vector<DimensionScorer> build_scorers(const Suite& suite);

// Scores every case on every dimension. responses[i] answers cases[i]. Error cases get
// Score::failed_call on every dimension whose scorer does not handle failed calls. Judged
// dimensions ask `judge` first (the scorers are prepared, hence not const).
ScoreTable score_cases(std::span<const DimensionScorer> scorers, std::span<const Case> cases,
                       std::span<const Response> responses, JudgeContext* judge = nullptr);

}  // namespace qb
