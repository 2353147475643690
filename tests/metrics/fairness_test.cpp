// Fairness across the groups of a slice key (src/metrics/fairness.cpp): per-group pass rates,
// true- and false-positive rates, the highest against the lowest group with Newcombe's and Katz's
// intervals, the four-fifths rule as a bar that fails the run.
#include <gtest/gtest.h>

#include "qualbar/bind/bind.hpp"
#include "qualbar/io/dataset.hpp"
#include "qualbar/metrics/report.hpp"
#include "qualbar/metrics/scoring.hpp"
#include "qualbar/suite/suite.hpp"

namespace qb {
namespace QB_UNITY_ID {

// Cases of three segments; `labels` are (expected, predicted) per case, in segment order.
struct Group {
  const char* segment;
  int approve_right, approve_wrong, deny_right, deny_wrong;  // by expected label
};

Report report_of(const std::string& fairness, const std::vector<Group>& groups) {
  const Suite suite = read_suite(
      "schema_version: 1\nname: loans\ndatasets: cases.jsonl\ndimensions:\n"
      "  decision: label-match\nslices: [segment]\nfairness:\n" +
          fairness,
      "suite.yaml", ".");
  std::string text;
  std::vector<std::string> predicted;
  int id = 0;
  for (const auto& g : groups) {
    const auto add = [&](const char* expected, const char* pred, int count) {
      for (int i = 0; i < count; ++i) {
        text += "{\"id\":\"c" + std::to_string(id++) + "\",\"input\":\"q\",\"expected_label\":\"" +
                expected + "\",\"metadata\":{\"segment\":\"" + g.segment + "\"}}\n";
        predicted.emplace_back(pred);
      }
    };
    add("approve", "approve", g.approve_right);
    add("approve", "deny", g.approve_wrong);
    add("deny", "deny", g.deny_right);
    add("deny", "approve", g.deny_wrong);
  }
  static Dataset d;
  d = Dataset{};
  parse_cases(text, "cases.jsonl", d);
  static std::vector<Response> rs;
  rs.assign(d.cases.size(), Response{});
  for (std::size_t i = 0; i < rs.size(); ++i) {
    rs[i].id = d.cases[i].id;
    rs[i].label = predicted[i];
  }
  const ScoreTable scores = score_cases(build_scorers(suite), d.cases, rs);
  return build_report(suite, d.cases, rs, scores, RunInfo{});
}

const std::vector<Group> kGroups = {
    // segment        approve ok/wrong  deny ok/wrong
    {"standard", 40, 10, 45, 5},  // 85 of 100 right; TPR 40/50, FPR 5/50
    {"premium", 45, 5, 48, 2},    // 93 of 100; TPR 45/50, FPR 2/50
    {"new", 25, 15, 20, 10},      // 45 of 70; TPR 25/40, FPR 10/30
    {"tiny", 2, 0, 1, 0},         // 3 cases: listed, not compared
};

TEST(Fairness, GapsAndRatiosBetweenTheHighestAndTheLowestGroup) {
  const Report r =
      report_of("  - dimension: decision\n    across: segment\n    positive: approve\n", kGroups);
  ASSERT_EQ(r.fairness.size(), 1U);
  const FairnessResult& f = r.fairness[0];
  ASSERT_EQ(f.groups.size(), 4U);
  EXPECT_EQ(f.groups[0].value, "new");  // the lowest pass rate first
  EXPECT_EQ(f.groups[0].n, 70U);
  EXPECT_EQ(f.groups[0].passes, 45U);
  EXPECT_EQ(f.groups.back().value, "tiny");
  EXPECT_FALSE(f.groups.back().compared);
  ASSERT_EQ(f.comparisons.size(), 3U);
  const FairnessComparison& pass = f.comparisons[0];
  EXPECT_EQ(pass.metric, "pass rate");
  EXPECT_EQ(pass.high, "premium");
  EXPECT_EQ(pass.low, "new");
  EXPECT_DOUBLE_EQ(pass.gap, 0.93 - 45.0 / 70.0);
  const auto newcombe = stats::newcombe_difference(93, 100, 45, 70, 0.95);
  EXPECT_DOUBLE_EQ(pass.gap_interval.lo, newcombe.lo);
  EXPECT_DOUBLE_EQ(pass.gap_interval.hi, newcombe.hi);
  const auto katz = stats::ratio_katz(45, 70, 93, 100, 0.95);
  EXPECT_DOUBLE_EQ(pass.ratio, katz.ratio);
  EXPECT_DOUBLE_EQ(pass.ratio_interval.lo, katz.interval.lo);
  // Equalised odds: TPR 45/50 (premium) against 25/40 (new); FPR 10/30 (new) against 2/50.
  EXPECT_EQ(f.comparisons[1].metric, "true-positive rate");
  EXPECT_DOUBLE_EQ(f.comparisons[1].gap, 0.9 - 0.625);
  EXPECT_EQ(f.comparisons[2].metric, "false-positive rate");
  EXPECT_EQ(f.comparisons[2].high, "new");
  EXPECT_EQ(f.comparisons[2].low, "premium");
  EXPECT_DOUBLE_EQ(f.comparisons[2].gap, 10.0 / 30.0 - 0.04);
  EXPECT_DOUBLE_EQ(f.equalized_odds, 10.0 / 30.0 - 0.04);
  EXPECT_TRUE(f.bars.empty());
  EXPECT_TRUE(r.passed) << "no fairness bar, no failure";
}

TEST(Fairness, TheFourFifthsRuleAsABarFailsTheRunWithTheGroupsNamed) {
  const Report r = report_of(
      "  - dimension: decision\n    across: segment\n    min_ratio: 0.8\n    max_gap: 0.3\n",
      kGroups);
  const FairnessResult& f = r.fairness[0];
  ASSERT_EQ(f.bars.size(), 2U);
  EXPECT_EQ(f.bars[0].key, "max_gap");
  EXPECT_TRUE(f.bars[0].passed);  // 28.6 points <= 30
  EXPECT_EQ(f.bars[1].key, "min_ratio");
  EXPECT_FALSE(f.bars[1].passed);  // 0.643 / 0.93 = 0.69 < 0.8
  EXPECT_FALSE(r.passed);
  ASSERT_EQ(r.failures.size(), 1U);
  EXPECT_EQ(r.failures[0].where, "across segment");
  EXPECT_EQ(r.failures[0].text.rfind("decision across segment: pass rate ratio (new 64.3% vs "
                                     "premium 93.0%), 0.69 [",
                                     0),
            0U)
      << r.failures[0].text;
}

TEST(Fairness, SuiteMistakesAreErrorsAtTheirPlace) {
  const auto error_of = [](const std::string& fairness) {
    try {
      (void)read_suite(
          "schema_version: 1\nname: x\ndatasets: c.jsonl\ndimensions:\n  decision: label-match\n"
          "  answer: exact-match\n  latency: latency\nfairness:\n" +
              fairness,
          "suite.yaml", ".");
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(error_of("  - {dimension: decison, across: segment}\n"),
            "suite.yaml:9:17: field 'fairness.dimension': there is no dimension 'decison'. Did "
            "you mean 'decision'? Dimensions: decision, answer, latency, errors");
  EXPECT_EQ(error_of("  - {dimension: latency, across: segment}\n"),
            "suite.yaml:9:17: field 'fairness.dimension': 'latency' is a measurement; fairness "
            "compares pass rates of a pass/fail or 0–1 dimension");
  EXPECT_EQ(error_of("  - {dimension: answer, across: segment, positive: yes}\n"),
            "suite.yaml:9:52: field 'fairness.positive': true- and false-positive rates need a "
            "classifier: 'answer' is not a label-match dimension");
  EXPECT_EQ(error_of("  - {dimension: decision, across: segment, min_ratio: 80}\n"),
            "suite.yaml:9:55: field 'fairness.min_ratio': must be more than 0 and at most 1 (the "
            "four-fifths rule is 0.8)");
  EXPECT_EQ(error_of("  - {dimension: decision}\n"),
            "suite.yaml:9:5: field 'fairness.across': is required: `dimension` names the quality "
            "measured, `across` the slice key whose groups are compared (a case field or a "
            "metadata key)");
  EXPECT_EQ(error_of("  - {dimension: decision, across: segment, min_gap: 1}\n"),
            "suite.yaml:9:44: field 'fairness.min_gap': unknown field 'min_gap'. Did you mean "
            "'max_gap'?");
}

}  // namespace QB_UNITY_ID
}  // namespace qb
