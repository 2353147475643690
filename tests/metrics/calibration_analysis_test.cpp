// The calibration analysis (src/metrics/calibration_analysis.cpp) and the calibration scorer's
// suite checks: confidences paired with the correctness of the `against` dimension.
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "qualbar/bind/bind.hpp"
#include "qualbar/io/dataset.hpp"
#include "qualbar/metrics/report.hpp"
#include "qualbar/metrics/scoring.hpp"
#include "qualbar/stats/calibration.hpp"
#include "qualbar/suite/suite.hpp"

namespace qb {
namespace QB_UNITY_ID {

const char* kSuite =
    "schema_version: 1\nname: cal\ndatasets: cases.jsonl\ndimensions:\n"
    "  correct:\n    scorer: token-f1\n    threshold: 0.5\n"
    "  confidence:\n    scorer: calibration\n    args: {against: correct, bins: 5}\n"
    "slices: [category]\n";

struct Item {
  const char* category;
  const char* output;  // against the reference "alpha beta": "alpha beta" is right, "gamma" wrong
  double confidence;   // < 0: none
  bool failed = false;
};

Report report_of(const std::vector<Item>& items, const char* suite_text = kSuite) {
  const Suite suite = read_suite(suite_text, "suite.yaml", ".");
  std::string text;
  for (std::size_t i = 0; i < items.size(); ++i)
    text += "{\"id\":\"c" + std::to_string(i) + "\",\"input\":\"q\",\"reference\":\"alpha beta\"," +
            "\"category\":\"" + items[i].category + "\"}\n";
  static Dataset d;
  d = Dataset{};
  parse_cases(text, "cases.jsonl", d);
  static std::vector<Response> rs;
  rs.assign(items.size(), Response{});
  for (std::size_t i = 0; i < items.size(); ++i) {
    rs[i].id = d.cases[i].id;
    rs[i].output = items[i].output;
    if (items[i].confidence >= 0) rs[i].confidence = items[i].confidence;
    if (items[i].failed) rs[i].error = "timeout";
  }
  const ScoreTable scores = score_cases(build_scorers(suite), d.cases, rs);
  return build_report(suite, d.cases, rs, scores, RunInfo{});
}

TEST(CalibrationAnalysis, PairsConfidenceWithTheAgainstDimensionAndReportsEveryMetric) {
  const std::vector<Item> items = {
      {"a", "alpha beta", 0.95},
      {"a", "alpha beta", 0.9},
      {"a", "gamma", 0.85},
      {"a", "alpha beta", 0.7},
      {"b", "gamma", 0.9},
      {"b", "gamma", 0.8},
      {"b", "alpha beta", 0.6},
      {"b", "gamma", 0.3},
      {"b", "alpha beta", -1},          // no confidence
      {"b", "alpha beta", 0.99, true},  // failed call
  };
  const Report r = report_of(items);
  const auto& dim = r.dimensions[1];
  ASSERT_EQ(dim.name, "confidence");
  ASSERT_TRUE(dim.analysis.has_value());
  const auto data = nlohmann::json::parse(dim.analysis->data_json);
  EXPECT_EQ(data["against"], "correct");
  EXPECT_EQ(data["n"], 8) << "the case without a confidence and the failed call are left out";
  // The same numbers as the statistics module on the eight pairs.
  const std::vector<double> conf = {0.95, 0.9, 0.85, 0.7, 0.9, 0.8, 0.6, 0.3};
  const std::vector<std::uint8_t> ok = {1, 1, 0, 1, 0, 0, 1, 0};
  EXPECT_DOUBLE_EQ(data["accuracy"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(data["ece"].get<double>(), stats::reliability(conf, ok, 5).ece);
  EXPECT_DOUBLE_EQ(data["ece_equal_mass"].get<double>(),
                   stats::reliability(conf, ok, 5, stats::Binning::equal_mass).ece);
  EXPECT_DOUBLE_EQ(data["brier"].get<double>(), stats::brier_score(conf, ok, 5).brier);
  EXPECT_DOUBLE_EQ(data["auroc"].get<double>(), stats::auroc(conf, ok).value);
  EXPECT_DOUBLE_EQ(data["aurc"].get<double>(), stats::risk_coverage(conf, ok).aurc);
  EXPECT_DOUBLE_EQ(data["selective_risk"]["risk"].get<double>(),
                   stats::selective_risk(conf, ok, 0.8).risk);
  ASSERT_EQ(data["reliability_diagram"].size(), 5U);
  std::size_t total = 0;
  for (const auto& b : data["reliability_diagram"]) total += b["n"].get<std::size_t>();
  EXPECT_EQ(total, 8U);
  // Category b (confident and mostly wrong) is worse calibrated than a: it comes first.
  ASSERT_EQ(data["slices"].size(), 2U);
  EXPECT_EQ(data["slices"][0]["value"], "b");
  EXPECT_GT(data["slices"][0]["ece"].get<double>(), data["slices"][1]["ece"].get<double>());
  // The dimension's own number is the mean confidence of the cases that have one.
  EXPECT_EQ(dim.overall.n_not_applicable, 1U);
}

// 15 equal-width bins are 1/15 wide: with one decimal their labels read "0.5–0.5"; each label
// must be distinct and say where the bin is.
TEST(CalibrationAnalysis, FifteenBinLabelsAreDistinctAndSayLeftOutCases) {
  const char* suite =
      "schema_version: 1\nname: cal\ndatasets: cases.jsonl\ndimensions:\n"
      "  correct:\n    scorer: token-f1\n    threshold: 0.5\n"
      "  confidence:\n    scorer: calibration\n    args: {against: correct, bins: 15}\n"
      "slices: [category]\n";
  std::vector<Item> items;
  for (int i = 0; i < 30; ++i)
    items.push_back({"a", i % 3 == 0 ? "gamma" : "alpha beta", 0.02 + 0.0325 * i});
  items.push_back({"a", "alpha beta", -1});          // no confidence
  items.push_back({"a", "alpha beta", 0.99, true});  // failed call
  const Report r = report_of(items, suite);
  const auto& a = *r.dimensions[1].analysis;
  EXPECT_EQ(a.title, "confidence: confidence against correct (30 cases with both)");
  ASSERT_GE(a.lines.size(), 4U);
  EXPECT_EQ(a.lines[0], "left out: 1 failed call, 1 without a confidence");
  const auto data = nlohmann::json::parse(a.data_json);
  EXPECT_EQ(data["left_out"]["failed_call"], 1);
  EXPECT_EQ(data["left_out"]["no_confidence"], 1);
  const std::string& diagram = a.lines[3];
  ASSERT_EQ(diagram.rfind("reliability (confidence → accuracy, n):", 0), 0U) << diagram;
  EXPECT_NE(diagram.find(" 0.47–0.53 → "), std::string::npos) << diagram;
  EXPECT_NE(diagram.find(" 0.00–0.07 → "), std::string::npos) << diagram;
  EXPECT_NE(diagram.find(" 0.93–1.00 → "), std::string::npos) << diagram;
  EXPECT_EQ(diagram.find("0.5–0.5"), std::string::npos) << diagram;
  // Every label is different from every other.
  std::set<std::string> labels;
  std::size_t shown = 0;
  for (std::size_t p = diagram.find(" → "); p != std::string::npos;
       p = diagram.find(" → ", p + 1)) {
    const std::size_t start = diagram.rfind(' ', p - 1) + 1;
    labels.insert(diagram.substr(start, p - start));
    ++shown;
  }
  EXPECT_EQ(labels.size(), shown);
  EXPECT_GE(shown, 14U);
}

TEST(CalibrationAnalysis, AgainstMustNameAnotherQualityDimension) {
  const auto error_of = [](const std::string& against) {
    try {
      (void)read_suite(
          "schema_version: 1\nname: cal\ndatasets: cases.jsonl\ndimensions:\n"
          "  correct: exact-match\n  latency: latency\n"
          "  confidence:\n    scorer: calibration\n    args: {against: " +
              against + "}\n",
          "suite.yaml", ".");
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(error_of("corect"),
            "suite.yaml:9:21: field 'dimensions.confidence.args.against': there is no dimension "
            "'corect'. Did you mean 'correct'? Dimensions: correct, latency, confidence, errors");
  EXPECT_EQ(error_of("confidence"),
            "suite.yaml:9:21: field 'dimensions.confidence.args.against': a dimension cannot be "
            "measured against itself");
  EXPECT_EQ(error_of("latency"),
            "suite.yaml:9:21: field 'dimensions.confidence.args.against': 'latency' is a "
            "measurement; name a pass/fail or 0–1 dimension (what counts as correct)");
  EXPECT_EQ(error_of("correct"), "no error");
}

}  // namespace QB_UNITY_ID
}  // namespace qb
