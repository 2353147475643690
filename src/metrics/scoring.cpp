#include "qualbar/metrics/scoring.hpp"

#include <fmt/format.h>

#include "qualbar/scorers/judge.hpp"
#include "qualbar/util/text.hpp"

namespace qb {

std::vector<DimensionScorer> build_scorers(const Suite& suite) {
  std::vector<DimensionScorer> out;
  out.reserve(suite.dimensions.size());
  for (const auto& d : suite.dimensions) {
    DimensionScorer ds;
    ds.spec = &d;
    const ScorerEntry& entry = scorer_registry().get(d.scorer);
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
    ds.scorer->prepare(cases, responses, judge != nullptr ? *judge : none);
  }
  ScoreTable table(cases.size(), scorers.size());
  for (std::size_t c = 0; c < cases.size(); ++c) {
    const Response& r = responses[c];
    for (std::size_t d = 0; d < scorers.size(); ++d) {
      const DimensionScorer& ds = scorers[d];
      if (r.error && !ds.info->scores_failed_calls) {
        // A failed call is a failure on every quality dimension that applies to the case, and
        // is absent from measurements (there is no latency of a call that never returned).
        Score probe = ds.scorer->score(cases[c], r);
        if (probe.status == ScoreStatus::not_applicable &&
            ds.info->kind != ScoreKind::measurement) {
          table.set(c, d, probe);
        } else {
          table.set(c, d, Score::failed_call(*r.error));
        }
        continue;
      }
      table.set(c, d, ds.scorer->score(cases[c], r));
    }
  }
  return table;
}

}  // namespace qb
