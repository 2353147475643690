// The monitor's building blocks: the sampling hash and the merge of stored aggregates.
#include "qualbar/monitor/ingest.hpp"
#include "qualbar/monitor/status.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fmt/format.h>

namespace qb::monitor {
namespace QB_UNITY_ID {

TEST(MonitorSampling, TheHashIsStableUniformAndSaltedAndKeepsIdsApart) {
  EXPECT_EQ(sampling_hash("s", "p-1"), sampling_hash("s", "p-1"));
  EXPECT_NE(sampling_hash("s", "p-1"), sampling_hash("t", "p-1"));
  EXPECT_NE(sampling_hash("ab", "c"), sampling_hash("a", "bc"));
  std::size_t kept = 0;
  const std::size_t n = 200'000;
  for (std::size_t i = 0; i < n; ++i)
    kept += sampling_hash("moderation", fmt::format("r-{}", i)) < 0.01;
  // Binomial(200000, 0.01): sd = 44.5; 5 sd either side.
  EXPECT_NEAR(static_cast<double>(kept), 2000.0, 223.0);
}

TEST(MonitorCells, StoredAggregatesMergeByAddingEverything) {
  const auto doc = [](std::uint64_t volume, std::uint64_t passes, double latency) {
    nlohmann::json lengths = nlohmann::json::array();
    for (std::size_t b = 0; b < kLengthBins; ++b) lengths.push_back(b == 10 ? volume : 0);
    return nlohmann::json{{"volume", volume},
                          {"errors", 1},
                          {"cost", 0.5},
                          {"cost_n", volume},
                          {"input_length", lengths},
                          {"output_length", lengths},
                          {"latency",
                           {{"compression", 100.0},
                            {"means", {latency}},
                            {"weights", {1.0}},
                            {"count", 1},
                            {"skipped", 0},
                            {"min", latency},
                            {"max", latency}}},
                          {"dims", {{"no_pii", {volume, passes}}}},
                          {"categories", {{"billing", volume}}}}
        .dump();
  };
  const auto merged = nlohmann::json::parse(merge_cell_json(doc(10, 9, 100), doc(5, 5, 300)));
  EXPECT_EQ(merged["volume"], 15);
  EXPECT_EQ(merged["errors"], 2);
  EXPECT_DOUBLE_EQ(merged["cost"].get<double>(), 1.0);
  EXPECT_EQ(merged["input_length"][10], 15);
  EXPECT_EQ(merged["dims"]["no_pii"][0], 15);
  EXPECT_EQ(merged["dims"]["no_pii"][1], 14);
  EXPECT_EQ(merged["categories"]["billing"], 15);
  EXPECT_EQ(merged["latency"]["count"], 2);
  EXPECT_DOUBLE_EQ(merged["latency"]["min"].get<double>(), 100.0);
  EXPECT_DOUBLE_EQ(merged["latency"]["max"].get<double>(), 300.0);
}

}  // namespace QB_UNITY_ID
}  // namespace qb::monitor

namespace qb::monitor {
namespace QB_UNITY_ID {

// The floors cover the expected losses: 60 graded a week for a critical stratum after 15% lost
// takes 71 sampled; a stratum tested on 4 weeks pooled needs 30 over four, 9 a week.
TEST(MonitorSampling, StratumFloorsCoverTheLossesEveryWeekForCriticalSlicesOverFourForOthers) {
  MonitorSettings m;
  EXPECT_EQ(stratum_floor(m, true), 71U);   // ceil(2 · 30 / 0.85)
  EXPECT_EQ(stratum_floor(m, false), 9U);   // ceil(7.5 / 0.85)
  m.expected_loss = 0;
  EXPECT_EQ(stratum_floor(m, true), 60U);
  EXPECT_EQ(stratum_floor(m, false), 8U);
  // A written min_per_window is every other stratum's floor, and a critical one's lower bound.
  m.min_per_window = 80;
  m.min_per_window_written = true;
  EXPECT_EQ(stratum_floor(m, false), 80U);
  EXPECT_EQ(stratum_floor(m, true), 80U);
  m.min_per_window = 5;
  EXPECT_EQ(stratum_floor(m, true), 60U);
}

TEST(MonitorSampling, ACriticalSliceMatchesItsStratumOnTheStratifyKeys) {
  Suite s;
  s.monitor.stratify_by = {"language", "category"};
  CriticalSlice c;
  c.slice.keys = {"category"};
  c.values = {"legal"};
  s.critical_slices.push_back(c);
  EXPECT_TRUE(critical_stratum(s, {"en", "legal"}));
  EXPECT_FALSE(critical_stratum(s, {"legal", "billing"}));
  // A critical slice on a key the sample is not stratified by matches no stratum.
  s.monitor.stratify_by = {"language"};
  EXPECT_FALSE(critical_stratum(s, {"legal"}));
}

}  // namespace QB_UNITY_ID
}  // namespace qb::monitor
