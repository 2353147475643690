#include "qualbar/metrics/scoring.hpp"

#include <algorithm>
#include <thread>

#include <fmt/format.h>

#include "qualbar/scorers/judge.hpp"
#include "qualbar/util/parallel.hpp"
#include "qualbar/util/text.hpp"

namespace qb {

std::vector<DimensionScorer> build_scorers(const Suite& suite) {
  std::vector<DimensionScorer> out;
  out.reserve(suite.dimensions.size());
  for (const auto& d : suite.dimensions) {
    DimensionScorer ds;
    ds.spec = &d;
    const ScorerEntry& entry = scorer_entry(d.scorer);
    ds.info = &entry.info;
    try {
      ds.scorer = make_scorer(d.scorer, d.args_json);
    } catch (const ArgError& e) {
      throw InputError(d.where.with_field(fmt::format("dimensions.{}.args.{}", d.name, e.field())),
                       e.what());
    }
    out.push_back(std::move(ds));
  }
  return out;
}

ScoreTable score_cases(std::span<const DimensionScorer> scorers, std::span<const Case> cases,
                       std::span<const Response> responses, JudgeContext* judge) {
  // Judged dimensions first ask the judge about every case at once.
  for (const DimensionScorer& ds : scorers) {
    if (!ds.scorer->uses_judge()) continue;
    JudgeContext none;
    JudgeContext& asked = judge != nullptr ? *judge : none;
    asked.set_dimension(ds.spec->name);
    ds.scorer->prepare(cases, responses, asked);
  }
  // A big run is scored in pieces on every core, each thread setting its cases as its own writer
  // of the table: scoring is const (the judge's grades were gathered above) and shares nothing.
  // Pieces of 4,096 cases keep the cores busy to the end.
  constexpr std::size_t kPieceCases = 4096;
  const std::size_t n = cases.size();
  const bool parallel = n >= kParallelCasesFrom;
  const std::size_t threads =
      parallel
          ? std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, ScoreTable::kMaxWriters)
          : 1;
  ScoreTable table(n, scorers.size(), threads, ScoreTable::every_cell_set);
  const auto score_piece = [&](std::size_t piece, std::size_t writer) {
    for (std::size_t c = piece * kPieceCases; c < std::min(n, (piece + 1) * kPieceCases); ++c) {
      const Response& r = responses[c];
      for (std::size_t d = 0; d < scorers.size(); ++d) {
        const DimensionScorer& ds = scorers[d];
        if (r.error && !ds.info->scores_failed_calls) {
          // A failed call is a failure on every quality dimension that applies to the case, and
          // is absent from measurements (there is no latency of a call that never returned).
          Score probe = ds.scorer->score(cases[c], r);
          if (probe.status == ScoreStatus::not_applicable &&
              ds.info->kind != ScoreKind::measurement) {
            table.set(c, d, probe, writer);
          } else {
            table.set(c, d, Score::failed_call(*r.error), writer);
          }
          continue;
        }
        table.set(c, d, ds.scorer->score(cases[c], r), writer);
      }
    }
  };
  parallel_for_threads((n + kPieceCases - 1) / kPieceCases, score_piece, parallel, threads);
  return table;
}

}  // namespace qb
