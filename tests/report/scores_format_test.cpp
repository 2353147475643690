// The scores format (src/report/scores_format.cpp): one JSON line per case, written field by field.
// Each line is checked against the same document built and dumped by nlohmann::json, over every
// kind of score, texts with every character JSON escapes, and numbers of every form.
#include <cmath>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "qualbar/io/dataset.hpp"
#include "qualbar/metrics/scoring.hpp"
#include "qualbar/report/format.hpp"
#include "qualbar/suite/suite.hpp"

namespace qb {
namespace QB_UNITY_ID {

using ordered = nlohmann::ordered_json;

// The line as a document, its fields in the order the format writes them.
std::string expected_line(const Report& report, const Case& k, const Response& r,
                          const ScoreTable& scores, std::size_t row) {
  ordered j;
  j["id"] = k.id;
  if (!k.category.empty()) j["category"] = k.category;
  if (!k.language.empty()) j["language"] = k.language;
  j["model"] = r.model;
  j["output"] = r.output;
  j["error"] = r.error ? ordered(*r.error) : ordered(nullptr);
  ordered all = ordered::object();
  for (std::size_t d = 0; d < report.dimensions.size(); ++d) {
    const DimensionResult& dim = report.dimensions[d];
    const ScoreView s = scores.at(row, d);
    ordered one;
    one["status"] = to_string(s.status);
    one["value"] = s.status == ScoreStatus::scored && std::isfinite(s.value) ? ordered(s.value)
                                                                             : ordered(nullptr);
    if (dim.aggregation == Aggregation::rate && dim.higher_is_better &&
        s.status != ScoreStatus::not_applicable && s.status != ScoreStatus::ungraded)
      one["passed"] = s.status == ScoreStatus::scored && s.value >= dim.threshold.value_or(0.5);
    one["evidence"] = s.evidence.empty() ? ordered(nullptr) : ordered(s.evidence);
    all[dim.name] = one;
  }
  j["scores"] = all;
  return j.dump();
}

TEST(ScoresFormat, EachLineIsTheDocumentNlohmannWritesForTheCase) {
  const Suite suite = read_suite(R"(schema_version: 1
name: scores
datasets: cases.jsonl
dimensions:
  exact: exact-match
  f1: {scorer: token-f1, threshold: 0.7}
  latency: latency
)",
                                 "suite.yaml", ".");
  // Texts with a quote, a backslash, every control character, and UTF-8 beyond ASCII.
  std::string controls;
  for (int ch = 1; ch < 0x20; ++ch) controls += static_cast<char>(ch);
  const std::vector<std::string> texts = {"plain", "say \"hi\"",       "back\\slash",
                                          controls, "naïve — 東京 🙂", "",
                                          "a\x7f"
                                          "b",
                                          "tab\tand\nnewline"};
  std::string lines;
  for (std::size_t i = 0; i < 24; ++i) {
    ordered c{{"id", fmt::format("c{}", i)}, {"input", "q"}, {"reference", "yes it is"}};
    if (i % 3 != 0) c["category"] = texts[i % texts.size()];
    if (i % 4 == 1) c["language"] = i % 8 == 1 ? "de" : texts[(i + 3) % texts.size()];
    lines += c.dump() + "\n";
  }
  Dataset dataset;
  parse_cases(lines, "cases.jsonl", dataset);
  std::vector<Response> responses(dataset.cases.size());
  for (std::size_t i = 0; i < responses.size(); ++i) {
    Response& r = responses[i];
    r.id = dataset.cases[i].id;
    r.model = i % 5 == 0 ? texts[(i + 1) % texts.size()] : "model-a";
    r.output = i % 2 == 0 ? "yes it is" : texts[i % texts.size()];
    r.latency_ms = 0.1 * static_cast<double>(i * i) + 1e-7;
    if (i % 7 == 3) r.error = texts[(i + 2) % texts.size()];
  }
  ScoreTable scores = score_cases(build_scorers(suite), dataset.cases, responses);
  // Every status and numbers of every form, beside the scorers' own.
  const double values[] = {0.0,  1.0,      0.5, 0.1 + 0.2, 1e-7, 123456789.0,
                           1e21, 2.5e-300, std::numeric_limits<double>::max(),
                           std::numeric_limits<double>::quiet_NaN()};
  for (std::size_t i = 0; i < dataset.cases.size(); ++i) {
    switch (i % 6) {
      case 0:
        scores.set(i, 1, Score::of(values[i % std::size(values)], texts[i % texts.size()]));
        break;
      case 1:
        scores.set(i, 1, Score::not_applicable(texts[(i + 4) % texts.size()]));
        break;
      case 2:
        scores.set(i, 1, Score::ungraded("the judge did not answer"));
        break;
      case 3:
        scores.set(i, 2, Score::of(values[(i + 3) % std::size(values)]));
        break;
      default:
        break;
    }
  }
  RunInfo info;
  info.id = "r-20261207-120000-abcd";
  const Report report = build_report(suite, dataset.cases, responses, scores, info);
  std::ostringstream out;
  report_format_registry().get("scores").write(
      ReportInput{report, suite, dataset.cases, responses, scores}, out);
  std::istringstream written(out.str());
  std::string line;
  std::size_t n = 0;
  while (std::getline(written, line)) {
    ASSERT_LT(n, dataset.cases.size());
    EXPECT_EQ(line, expected_line(report, dataset.cases[n], responses[n], scores, n)) << "case " << n;
    ++n;
  }
  EXPECT_EQ(n, dataset.cases.size());
  EXPECT_EQ(out.str().back(), '\n');
}

}  // namespace QB_UNITY_ID
}  // namespace qb
