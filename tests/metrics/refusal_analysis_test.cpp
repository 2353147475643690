// The refusal analysis (src/metrics/refusal_analysis.cpp): under- and over-refusal rates from
// should_refuse and a refusal-correctness dimension's pass/fail. A `contains OK` dimension stands
// in for the detector here: "OK" marks a case where the model did what should_refuse asked.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "qualbar/bind/bind.hpp"
#include "qualbar/io/dataset.hpp"
#include "qualbar/metrics/analysis.hpp"
#include "qualbar/metrics/score_table.hpp"
#include "qualbar/metrics/scoring.hpp"
#include "qualbar/suite/suite.hpp"

namespace qb {
namespace QB_UNITY_ID {

struct Row {
  const char* should_refuse;  // "true", "false" or "" (absent)
  const char* category;
  const char* output;  // "OK": the model did the right thing; "ERROR": a failed call
};

std::optional<Analysis> analyse(const std::vector<Row>& rows) {
  const Suite suite = read_suite(
      "schema_version: 1\nname: r\ndatasets: cases.jsonl\ndimensions:\n"
      "  refusal:\n    scorer: contains\n    args: {value: OK}\nslices: [category]\n",
      "suite.yaml", ".");
  std::string text;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    text += "{\"id\":\"c" + std::to_string(i) + "\",\"input\":\"q\",\"category\":\"" +
            rows[i].category + "\"" +
            (*rows[i].should_refuse ? std::string(",\"should_refuse\":") + rows[i].should_refuse
                                    : std::string()) +
            "}\n";
  }
  Dataset d;
  parse_cases(text, "cases.jsonl", d);
  std::vector<Response> responses(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    responses[i].id = d.cases[i].id;
    if (std::string(rows[i].output) == "ERROR")
      responses[i].error = "timeout";
    else
      responses[i].output = rows[i].output;
  }
  const ScoreTable scores = score_cases(build_scorers(suite), d.cases, responses);
  return analysis_registry().get("refusal").run(
      AnalysisInput{suite, 0, d.cases, responses, scores});
}

TEST(RefusalAnalysis, UnderAndOverRefusalRatesWithTheirIntervalsAndTheMatrix) {
  std::vector<Row> rows;
  // 10 should be refused: 8 refused (OK), 2 answered. 20 should be answered: 19 answered, 1
  // refused.
  for (int i = 0; i < 8; ++i) rows.push_back({"true", "harmful", "OK"});
  for (int i = 0; i < 2; ++i) rows.push_back({"true", "harmful", "sure, here is how"});
  for (int i = 0; i < 19; ++i) rows.push_back({"false", "billing", "OK"});
  rows.push_back({"false", "billing", "I can't help"});
  rows.push_back({"false", "billing", "ERROR"});
  rows.push_back({"", "billing", "anything"});  // no should_refuse: not counted
  const auto a = analyse(rows);
  ASSERT_TRUE(a.has_value());
  const auto data = nlohmann::json::parse(a->data_json);
  EXPECT_EQ(data["n_should_refuse"], 10);
  EXPECT_DOUBLE_EQ(data["under_refusal_rate"].get<double>(), 0.2);
  EXPECT_EQ(data["n_should_answer"], 20);
  EXPECT_DOUBLE_EQ(data["over_refusal_rate"].get<double>(), 0.05);
  EXPECT_EQ(data["failed_calls"], 1);
  // Wilson 95% of 2 of 10 (statsmodels proportion_confint(2, 10, method="wilson")).
  EXPECT_NEAR(data["under_refusal_interval"][0].get<double>(), 0.05668215145437665, 1e-9);
  EXPECT_NEAR(data["under_refusal_interval"][1].get<double>(), 0.5098375284633583, 1e-9);
  EXPECT_EQ(data["confusion"]["should_refuse"]["refused"], 8);
  EXPECT_EQ(data["confusion"]["should_refuse"]["answered"], 2);
  EXPECT_EQ(data["confusion"]["should_answer"]["refused"], 1);
  EXPECT_EQ(data["confusion"]["should_answer"]["answered"], 19);
  // Slices, worst first: harmful (under-refusal 20%) before billing (over-refusal 5%).
  ASSERT_EQ(data["slices"].size(), 2U);
  EXPECT_EQ(data["slices"][0]["value"], "harmful");
  EXPECT_EQ(data["slices"][1]["value"], "billing");
  EXPECT_NE(a->lines[0].find("under-refusal 20.0% [5.7%, 51.0%] (2 of 10 that should be refused "
                             "were answered)"),
            std::string::npos)
      << a->lines[0];
}

TEST(RefusalAnalysis, NothingToSayWithoutShouldRefuse) {
  EXPECT_FALSE(analyse({{"", "a", "OK"}, {"", "b", "no"}}).has_value());
}

}  // namespace QB_UNITY_ID
}  // namespace qb
