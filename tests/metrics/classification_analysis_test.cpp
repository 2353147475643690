// The classification analysis of a label-match dimension (src/metrics/classification_analysis.cpp),
// on a small classifier whose numbers can be checked by hand.
#include <cmath>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "qualbar/bind/bind.hpp"
#include "qualbar/io/dataset.hpp"
#include "qualbar/metrics/report.hpp"
#include "qualbar/metrics/scoring.hpp"
#include "qualbar/suite/suite.hpp"

namespace qb {
namespace QB_UNITY_ID {

Report report_of(const std::string& dimension_yaml, const std::vector<std::string>& expected,
                 const std::vector<std::string>& predicted) {
  const Suite suite = read_suite(
      "schema_version: 1\nname: router\ndatasets: cases.jsonl\ndimensions:\n" + dimension_yaml,
      "suite.yaml", ".");
  std::string text;
  for (std::size_t i = 0; i < expected.size(); ++i) {  // "" = a case without an expected label
    text += R"({"id":"c)" + std::to_string(i) + R"(","input":"q")" +
            (expected[i].empty() ? std::string() : R"(,"expected_label":")" + expected[i] + "\"") +
            "}\n";
  }
  static Dataset dataset;  // the report keeps no pointer into it, but cases must outlive scoring
  dataset = Dataset{};
  parse_cases(text, "cases.jsonl", dataset);
  static std::vector<Response> responses;
  responses.clear();
  for (std::size_t i = 0; i < predicted.size(); ++i) {
    Response r;
    r.id = dataset.cases[i].id;
    if (predicted[i] == "ERROR")
      r.error = "HTTP 500";
    else
      r.label = predicted[i];
    responses.push_back(r);
  }
  const auto scorers = build_scorers(suite);
  const ScoreTable scores = score_cases(scorers, dataset.cases, responses);
  return build_report(suite, dataset.cases, responses, scores, RunInfo{});
}

TEST(ClassificationAnalysis, PerClassMetricsWeakestFirstWithTheConfusionMatrix) {
  // a: 2 of 4 right (one taken for b, one failed call); b: 2 of 2 (plus a's); c: 1 of 2 (one
  // answer that is no label at all).
  const Report r = report_of("  routing: label-match\n", {"a", "a", "a", "a", "b", "b", "c", "c"},
                             {"a", "A ", "b", "ERROR", "b", "b", "c", "zzz"});
  const auto& dim = r.dimensions.front();
  ASSERT_TRUE(dim.analysis.has_value());
  EXPECT_EQ(dim.analysis->kind, "classification");
  const auto data = nlohmann::json::parse(dim.analysis->data_json);
  EXPECT_EQ(data["n"], 8);
  const auto& classes = data["classes"];
  ASSERT_EQ(classes.size(), 3U);
  // F1: a 2·2/(2·2+0+2) = 0.667, c 2·1/(2·1+0+1) = 0.667, b 2·2/(2·2+1+0) = 0.8. a and c tie on
  // F1 and recall (0.5); a has more cases, so it comes first.
  EXPECT_EQ(classes[0]["label"], "a");
  EXPECT_EQ(classes[1]["label"], "c");
  EXPECT_EQ(classes[2]["label"], "b");
  EXPECT_NEAR(classes[0]["f1"].get<double>(), 2.0 / 3.0, 1e-12);
  EXPECT_EQ(classes[0]["support"], 4);
  EXPECT_DOUBLE_EQ(classes[0]["recall"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(classes[0]["precision"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(classes[2]["precision"].get<double>(), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(classes[2]["false_positive_rate"].get<double>(), 1.0 / 6.0);  // 1 of 6 non-b
  EXPECT_DOUBLE_EQ(classes[1]["false_negative_rate"].get<double>(), 0.5);
  // Wilson interval of a's recall (2 of 4, 95%): [0.1500, 0.8500].
  EXPECT_NEAR(classes[0]["recall_interval"][0].get<double>(), 0.15003898915214977, 1e-9);
  EXPECT_NEAR(classes[0]["recall_interval"][1].get<double>(), 0.8499610108478502, 1e-9);
  // Macro over the three labels only; micro = accuracy = 5 of 8.
  EXPECT_NEAR(data["macro"]["f1"].get<double>(), (2.0 / 3 + 2.0 / 3 + 0.8) / 3, 1e-12);
  EXPECT_DOUBLE_EQ(data["accuracy"].get<double>(), 5.0 / 8.0);
  EXPECT_DOUBLE_EQ(data["micro"]["f1"].get<double>(), 5.0 / 8.0);
  EXPECT_EQ(data["labels"], nlohmann::json::parse(R"j(["a","b","c","(other)","(failed call)"])j"));
  EXPECT_EQ(data["confusion"], nlohmann::json::parse("[[2,1,0,0,1],[0,2,0,0,0],[0,0,1,1,0]]"));
  EXPECT_EQ(data["predicted_other"], 1);
  EXPECT_EQ(data["failed_calls"], 1);
  // The terminal shows the same, weakest first, with the confusions.
  ASSERT_GE(dim.analysis->lines.size(), 5U);
  EXPECT_EQ(dim.analysis->lines[1].rfind("a ", 0), 0U) << dim.analysis->lines[1];
  EXPECT_NE(dim.analysis->lines[4].find("a → b ×1"), std::string::npos) << dim.analysis->lines[4];
}

// The classes are the expected labels in the order first expected, spelled as first expected,
// even when an answer spells one first ("B" answered at case 0, "b" first expected at case 2);
// a case without an expected label is left out.
TEST(ClassificationAnalysis, ClassesFollowTheFirstExpectedSpellingWhateverTheAnswersSay) {
  const Report r =
      report_of("  routing: label-match\n", {"a", "", "b", "B ", "A"}, {"B", "b", "b", "a", "a"});
  const auto data = nlohmann::json::parse(r.dimensions.front().analysis->data_json);
  EXPECT_EQ(data["n"], 4);
  EXPECT_EQ(data["labels"], nlohmann::json::parse(R"j(["a","b","(other)","(failed call)"])j"));
  // a: c0 → b, c4 → a; b: c2 → b, c3 → a.
  EXPECT_EQ(data["confusion"], nlohmann::json::parse("[[1,1,0,0],[1,1,0,0]]"));
}

TEST(ClassificationAnalysis, ACostMatrixGivesTheExpectedCostPerThousandDecisions) {
  // Mistakes: a → b (100), a → (failed call) (the a row's "*": 10), c → (other) (c's "*": 50).
  const Report r = report_of(
      "  routing:\n    scorer: label-match\n"
      "    args: {costs: {a: {b: 100, \"*\": 10}, c: {\"*\": 50}}}\n",
      {"a", "a", "a", "a", "b", "b", "c", "c"}, {"a", "A ", "b", "ERROR", "b", "b", "c", "zzz"});
  const auto data = nlohmann::json::parse(r.dimensions.front().analysis->data_json);
  const auto& cost = data["cost"];
  EXPECT_DOUBLE_EQ(cost["total"].get<double>(), 160.0);
  EXPECT_DOUBLE_EQ(cost["per_1000"].get<double>(), 20000.0);  // 160 / 8 cases × 1,000
  // Per-case costs 0,0,100,10,0,0,0,50: sd √(9400/7), t(7) interval of the mean, × 1,000.
  const auto t = stats::t_interval(20.0, std::sqrt(9400.0 / 7.0), 8, 0.95);
  EXPECT_DOUBLE_EQ(cost["per_1000_interval"][0].get<double>(), 0.0);  // t.lo < 0: costs are >= 0
  EXPECT_NEAR(cost["per_1000_interval"][1].get<double>(), 1000.0 * t.hi, 1e-6);
  ASSERT_EQ(cost["mistakes"].size(), 3U);
  EXPECT_EQ(cost["mistakes"][0]["expected"], "a");  // the costliest first
  EXPECT_EQ(cost["mistakes"][0]["predicted"], "b");
  EXPECT_EQ(cost["mistakes"][1]["predicted"], "(other)");
  EXPECT_EQ(cost["mistakes"][2]["predicted"], "(failed call)");
  EXPECT_NE(r.dimensions.front().analysis->lines.back().find(
                "expected cost per 1,000 decisions: 20000.0 [0.0, "),
            std::string::npos)
      << r.dimensions.front().analysis->lines.back();
}

TEST(ClassificationAnalysis, ABadCostMatrixIsAnErrorAtTheSuite) {
  try {
    (void)report_of("  routing:\n    scorer: label-match\n    args: {costs: {a: {b: -1}}}\n", {"a"},
                    {"a"});
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_STREQ(
        e.what(),
        "suite.yaml:7:19: field 'dimensions.routing.args.costs': the cost of 'a' predicted "
        "as 'b' must be a number >= 0, e.g. {refund-dispute: {billing: 40, \"*\": 25}}");
  }
}

TEST(ClassificationAnalysis, NoneWithoutExpectedLabelsAndNoneForOtherScorers) {
  const Report none = report_of("  routing: label-match\n", {"", ""}, {"a", "b"});
  EXPECT_FALSE(none.dimensions.front().analysis.has_value());
  const Report exact = report_of("  exact: exact-match\n", {"a"}, {"a"});
  EXPECT_FALSE(exact.dimensions.front().analysis.has_value());
}

}  // namespace QB_UNITY_ID
}  // namespace qb
