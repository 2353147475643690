// latency, ttft, cost and error-rate: what a call took, cost, and whether it failed at all.
// These see failed calls too: a timeout's recorded duration and a failed call's cost are real.
#include <fmt/format.h>

#include "qualbar/scorers/scorer.hpp"

namespace qb {
namespace {

class Measure final : public Scorer {
 public:
  using Field = std::optional<double> (*)(const Response&);
  Measure(Field field, const char* missing) : field_(field), missing_(missing) {}
  Score score(const Case&, const Response& r) const override {
    const std::optional<double> v = field_(r);
    return v ? Score::of(*v) : Score::not_applicable(missing_);
  }

 private:
  Field field_;
  const char* missing_;
};

class ErrorRate final : public Scorer {
 public:
  Score score(const Case&, const Response& r) const override {
    return r.error ? Score::of(1.0, *r.error) : Score::of(0.0);
  }
};

}  // namespace

QB_REGISTER_SCORER("latency",
                   (ScorerInfo{.summary = "Total response time (latency_ms): p50, p90, p95, p99.",
                               .kind = ScoreKind::measurement,
                               .higher_is_better = false,
                               .unit = "ms",
                               .scores_failed_calls = true}),
                   [](Args&) {
                     return std::make_unique<Measure>(
                         [](const Response& r) { return r.latency_ms.optional(); },
                         "no latency_ms recorded");
                   });
QB_REGISTER_SCORER("ttft",
                   (ScorerInfo{.summary = "Time to first token (ttft_ms): p50, p90, p95, p99.",
                               .kind = ScoreKind::measurement,
                               .higher_is_better = false,
                               .unit = "ms",
                               .scores_failed_calls = true}),
                   [](Args&) {
                     return std::make_unique<Measure>(
                         [](const Response& r) { return r.details().ttft_ms; },
                         "no ttft_ms recorded");
                   });
QB_REGISTER_SCORER("cost",
                   (ScorerInfo{.summary = "Cost per response and per useful response (cost_usd).",
                               .kind = ScoreKind::measurement,
                               .higher_is_better = false,
                               .measurement_aggregation = Aggregation::total,
                               .unit = "USD",
                               .scores_failed_calls = true}),
                   [](Args&) {
                     return std::make_unique<Measure>(
                         [](const Response& r) { return r.details().cost_usd; },
                         "no cost_usd recorded");
                   });
QB_REGISTER_SCORER("error-rate",
                   (ScorerInfo{
                       .summary = "Share of cases whose call failed or that have no response.",
                       .higher_is_better = false,
                       .scores_failed_calls = true}),
                   [](Args&) { return std::make_unique<ErrorRate>(); });

}  // namespace qb
