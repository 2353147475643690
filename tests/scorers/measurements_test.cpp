// latency, ttft, cost and error-rate (src/scorers/measurements.cpp), built through the registry.
#include "qualbar/scorers/scorer.hpp"

#include <string>

#include <gtest/gtest.h>

namespace qb {
namespace QB_UNITY_ID {

Score score_with(const std::string& name, const Response& r) {
  return make_scorer(name, "")->score(Case{}, r);
}

TEST(MeasurementScorers, LatencyIsTheRecordedValue) {
  Response r;
  r.latency_ms = 812.5;
  const Score s = score_with("latency", r);
  EXPECT_EQ(s.status, ScoreStatus::scored);
  EXPECT_EQ(s.value, 812.5);
  EXPECT_EQ(s.evidence, "");
}

TEST(MeasurementScorers, TtftAndCostAreTheRecordedValues) {
  Response r;
  r.edit_details().ttft_ms = 210.0;
  r.edit_details().cost_usd = 0.00123;
  EXPECT_EQ(score_with("ttft", r).value, 210.0);
  EXPECT_EQ(score_with("cost", r).value, 0.00123);
  EXPECT_EQ(score_with("cost", r).status, ScoreStatus::scored);
}

TEST(MeasurementScorers, ZeroIsAMeasurementNotAGap) {
  Response r;
  r.latency_ms = 0.0;
  r.edit_details().cost_usd = 0.0;
  EXPECT_EQ(score_with("latency", r).status, ScoreStatus::scored);
  EXPECT_EQ(score_with("cost", r).status, ScoreStatus::scored);
}

TEST(MeasurementScorers, MissingFieldIsNotApplicable) {
  const Response empty;
  const Score latency = score_with("latency", empty);
  EXPECT_EQ(latency.status, ScoreStatus::not_applicable);
  EXPECT_EQ(latency.evidence, "no latency_ms recorded");
  EXPECT_EQ(score_with("ttft", empty).evidence, "no ttft_ms recorded");
  EXPECT_EQ(score_with("cost", empty).evidence, "no cost_usd recorded");
  EXPECT_EQ(score_with("ttft", empty).status, ScoreStatus::not_applicable);
  EXPECT_EQ(score_with("cost", empty).status, ScoreStatus::not_applicable);
}

TEST(MeasurementScorers, FailedCallsAreStillMeasured) {
  Response r;
  r.error = "timeout after 30000 ms";
  r.latency_ms = 30000.0;
  r.edit_details().cost_usd = 0.002;
  EXPECT_EQ(score_with("latency", r).value, 30000.0);
  EXPECT_EQ(score_with("cost", r).value, 0.002);
}

TEST(MeasurementScorers, ErrorRateIsOneForAFailedCall) {
  Response failed;
  failed.error = "HTTP 429: rate limited";
  const Score s = score_with("error-rate", failed);
  EXPECT_EQ(s.status, ScoreStatus::scored);
  EXPECT_EQ(s.value, 1.0);
  EXPECT_EQ(s.evidence, "HTTP 429: rate limited");

  Response ok;
  ok.output = "";
  const Score fine = score_with("error-rate", ok);
  EXPECT_EQ(fine.status, ScoreStatus::scored);
  EXPECT_EQ(fine.value, 0.0);
  EXPECT_EQ(fine.evidence, "");
}

TEST(MeasurementScorers, DeclaredKindsUnitsAndDirections) {
  const auto& reg = scorer_registry();
  for (const char* name : {"latency", "ttft"}) {
    const ScorerInfo& info = reg.get(name).info;
    EXPECT_EQ(info.kind, ScoreKind::measurement) << name;
    EXPECT_EQ(info.unit, "ms") << name;
    EXPECT_FALSE(info.higher_is_better) << name;
    EXPECT_EQ(info.measurement_aggregation, Aggregation::quantiles) << name;
    EXPECT_TRUE(info.scores_failed_calls) << name;
  }
  const ScorerInfo& cost = reg.get("cost").info;
  EXPECT_EQ(cost.kind, ScoreKind::measurement);
  EXPECT_EQ(cost.unit, "USD");
  EXPECT_EQ(cost.measurement_aggregation, Aggregation::total);
  EXPECT_FALSE(cost.higher_is_better);

  const ScorerInfo& errors = reg.get("error-rate").info;
  EXPECT_EQ(errors.kind, ScoreKind::binary);
  EXPECT_FALSE(errors.higher_is_better);
  EXPECT_TRUE(errors.scores_failed_calls);
}

TEST(MeasurementScorers, TakeNoArguments) {
  for (const char* name : {"latency", "ttft", "cost", "error-rate"}) {
    try {
      (void)make_scorer(name, R"({"unit":"s"})");
      ADD_FAILURE() << "no ArgError for " << name;
    } catch (const ArgError& e) {
      EXPECT_EQ(e.field(), "unit") << name;
      EXPECT_STREQ(e.what(), "unknown argument 'unit'. This scorer takes no arguments") << name;
    }
  }
}

}  // namespace QB_UNITY_ID
}  // namespace qb
