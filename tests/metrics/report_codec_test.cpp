#include "qualbar/metrics/report_codec.hpp"

#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "qualbar/bind/bind.hpp"
#include "qualbar/core/error.hpp"
#include "qualbar/io/dataset.hpp"
#include "qualbar/metrics/scoring.hpp"
#include "qualbar/report/format.hpp"
#include "qualbar/suite/suite.hpp"

namespace qb {
namespace QB_UNITY_ID {

constexpr double kInf = std::numeric_limits<double>::infinity();

// A run with every part a report can have: a classifier with slices, crossed slices, a critical
// slice that fails and one without cases, a mean, latency percentiles, cost totals, failed calls,
// fairness with a positive label and a failing four-fifths bar, the classification analysis, and
// slice values folded into "(other)" (a warning).
const char* const kSuite =
    "schema_version: 1\nname: codec-test\ndatasets: cases.jsonl\n"
    "dimensions:\n"
    "  routing: label-match\n"
    "  answer: token-f1\n"
    "  latency: latency\n"
    "  cost: cost\n"
    "slices: [category, [category, language], channel]\n"
    "useful: [routing]\n"
    "bars:\n"
    "  routing: {min: 0.9, per_slice: {min: 0.5}}\n"
    "  latency: {p95_max: 800, p50_max: 300}\n"
    "  errors: {max: 0.05}\n"
    "critical_slices:\n"
    "  - slice: category=refunds\n    bars: {routing: {min: 0.95}}\n"
    "  - category=legal\n"
    "fairness:\n"
    "  - {dimension: routing, across: segment, positive: billing, min_ratio: 0.8, min_cases: 3}\n"
    "limits: {max_slice_values: 3}\n";

struct Fixture {
  Suite suite;
  Dataset dataset;
  std::vector<Response> responses;
  ScoreTable scores;
  Report report;
};

// 36 cases over three categories, two languages, two segments and five channels; the routing is
// wrong more often in refunds and in segment "b" (a wrong answer is "billing", or "refunds" for
// billing cases, so both the true- and the false-positive rates differ), and four calls fail.
Fixture make_fixture() {
  Fixture f;
  f.suite = read_suite(kSuite, "suite.yaml", "/nonexistent/suite-dir");
  const std::vector<std::string> categories = {"billing", "refunds", "shipping"};
  const std::vector<std::string> answers = {"Refund takes five days.", "refund takes",
                                            "nothing here", "refund takes five days via bank"};
  std::string cases, responses;
  for (int i = 0; i < 36; ++i) {
    const std::string id = fmt::format("c{:02}", i);
    const std::string& category = categories[i % 3];
    const std::string segment = i % 4 == 0 ? "b" : "a";
    const bool wrong = (category == "refunds" && i % 2 == 0) || (segment == "b" && i % 3 == 0);
    cases += fmt::format(
        R"({{"id":"{}","category":"{}","language":"{}","segment":"{}","channel":"ch{}",)"
        R"("input":"route this","expected_label":"{}","reference":"refund takes five days"}})"
        "\n",
        id, category, i % 2 ? "en" : "de", segment, i % 5, category);
    const std::string error = i % 9 == 4 ? R"(,"error":"HTTP 503")" : "";
    responses +=
        fmt::format(R"({{"id":"{}","output":"{}","label":"{}","latency_ms":{},"cost_usd":{}{}}})"
                    "\n",
                    id, answers[i % 4],
                    !wrong                  ? category
                    : category == "billing" ? "refunds"
                                            : "billing",
                    100 + 37 * i, 0.001 * (i % 5 + 1), error);
  }
  parse_cases(cases, "cases.jsonl", f.dataset);
  std::map<std::string, Response> by_id;
  for (auto& r : parse_responses(responses, "responses.jsonl")) by_id[r.id] = r;
  for (const auto& c : f.dataset.cases) f.responses.push_back(by_id.at(c.id));
  f.scores = score_cases(build_scorers(f.suite), f.dataset.cases, f.responses);
  RunInfo run{.id = "r-1",
              .suite_name = "codec-test",
              .suite_hash = "sh",
              .bars_hash = "bh",
              .dataset_hash = "dh",
              .model = "bot-v1",
              .provider = "replay",
              .provider_json = R"({"responses":"responses.jsonl"})",
              .qualbar_version = "0.1.0",
              .started_at = "2024-05-01T10:00:00Z",
              .ended_at = "2024-05-01T10:01:00Z",
              .host = "ci-7",
              .user = "jo",
              .status = RunStatus::complete};
  f.report = build_report(f.suite, f.dataset.cases, f.responses, f.scores, run);

  // What no run of this suite gives, set by hand: non-finite numbers where a format prints them,
  // people's grades, and a warning that is not about slices.
  Report& r = f.report;
  r.dimensions[0].overall.stats.emplace_back("spread", kInf);
  r.dimensions[0].overall.stats.emplace_back("tilt", -kInf);
  r.dimensions[0].cells[0].interval.hi = stats::kNaN;
  r.dimensions[1].overall.min_detectable_drop = kInf;
  r.dimensions[1].human_grades = Analysis{.kind = "human_grades",
                                          .data_json = R"({"graded": 3, "agreement": null})",
                                          .title = "answer: people's grades",
                                          .lines = {"judge alone 0.58", "people alone 0.61"}};
  r.dimensions[2].overall.bars[0].limit = -kInf;
  r.fairness[0].comparisons[0].ratio_interval.hi = kInf;
  r.warnings.emplace_back("the judge's model changed during the run");
  return f;
}

const Fixture& fixture() {
  static const Fixture f = make_fixture();
  return f;
}

// The same bits: NaN equals NaN, and 0.0 differs from -0.0.
bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0 || (a != a && b != b);
}

std::string decode_error(const std::string& text) {
  try {
    (void)decode_report(text, "store run r-1");
  } catch (const RunError& e) {
    return e.what();
  }
  return "no error";
}

std::string edited(const std::function<void(nlohmann::ordered_json&)>& edit) {
  auto j = nlohmann::ordered_json::parse(encode_report(fixture().report));
  edit(j);
  return j.dump();
}

TEST(ReportCodec, TheFixtureHasEveryPartOfAReport) {
  const Report& r = fixture().report;
  ASSERT_EQ(r.dimensions.size(), 5U);
  EXPECT_EQ(r.dimensions[0].name, "routing");
  EXPECT_EQ(r.dimensions[1].aggregation, Aggregation::mean);
  EXPECT_EQ(r.dimensions[2].aggregation, Aggregation::quantiles);
  EXPECT_EQ(r.dimensions[3].aggregation, Aggregation::total);
  EXPECT_TRUE(r.dimensions[0].analysis.has_value());
  EXPECT_FALSE(r.dimensions[0].threshold.has_value());
  ASSERT_EQ(r.fairness.size(), 1U);
  EXPECT_TRUE(r.fairness[0].positive.has_value());
  EXPECT_FALSE(r.fairness[0].bars.empty());
  EXPECT_EQ(r.fairness[0].comparisons.size(), 3U) << "pass rate, TPR and FPR";
  EXPECT_FALSE(r.failures.empty());
  EXPECT_FALSE(r.failures[0].dimension.has_value()) << "category=legal has no cases";
  EXPECT_GE(r.warnings.size(), 2U) << "(other) and the hand-made one";
  EXPECT_GT(r.n_errors, 0U);
  bool critical = false;
  for (const Cell& c : r.dimensions[0].cells) critical = critical || c.critical;
  EXPECT_TRUE(critical);
}

TEST(ReportCodec, DecodingAndEncodingAgainGivesTheSameText) {
  const std::string text = encode_report(fixture().report);
  EXPECT_EQ(text.find('\n'), std::string::npos) << "compact";
  EXPECT_EQ(text.rfind(R"({"v":1,"run":{"id":"r-1",)", 0), 0U) << text.substr(0, 80);
  const Report decoded = decode_report(text, "store run r-1");
  EXPECT_EQ(encode_report(decoded), text);
}

TEST(ReportCodec, FieldsReadBackExactly) {
  const Report& a = fixture().report;
  const Report b = decode_report(encode_report(a), "store run r-1");
  EXPECT_EQ(b.run.id, "r-1");
  EXPECT_EQ(b.run.status, RunStatus::complete);
  EXPECT_EQ(b.run.provider_json, a.run.provider_json);
  EXPECT_EQ(b.run.passed, a.run.passed);
  EXPECT_EQ(b.suite_name, a.suite_name);
  EXPECT_TRUE(same_bits(b.confidence, a.confidence));
  EXPECT_EQ(b.n_errors, a.n_errors);
  EXPECT_EQ(b.passed, a.passed);
  EXPECT_EQ(b.warnings, a.warnings);

  ASSERT_EQ(b.dimensions.size(), a.dimensions.size());
  for (std::size_t d = 0; d < a.dimensions.size(); ++d) {
    const DimensionResult& x = a.dimensions[d];
    const DimensionResult& y = b.dimensions[d];
    SCOPED_TRACE(x.name);
    EXPECT_EQ(y.kind, x.kind);
    EXPECT_EQ(y.aggregation, x.aggregation);
    EXPECT_EQ(y.higher_is_better, x.higher_is_better);
    EXPECT_EQ(y.unit, x.unit);
    ASSERT_EQ(y.cells.size(), x.cells.size());
    for (std::size_t c = 0; c <= x.cells.size(); ++c) {
      const Cell& p = c ? x.cells[c - 1] : x.overall;
      const Cell& q = c ? y.cells[c - 1] : y.overall;
      SCOPED_TRACE(p.label());
      EXPECT_EQ(q.label(), p.label());
      EXPECT_EQ(q.n, p.n);
      EXPECT_TRUE(same_bits(q.estimate, p.estimate)) << q.estimate << " " << p.estimate;
      EXPECT_TRUE(same_bits(q.interval.lo, p.interval.lo));
      EXPECT_TRUE(same_bits(q.interval.hi, p.interval.hi));
      ASSERT_EQ(q.stats.size(), p.stats.size());
      for (std::size_t s = 0; s < p.stats.size(); ++s) {
        EXPECT_EQ(q.stats[s].first, p.stats[s].first);
        EXPECT_TRUE(same_bits(q.stats[s].second, p.stats[s].second)) << p.stats[s].first;
      }
      ASSERT_EQ(q.min_detectable_drop.has_value(), p.min_detectable_drop.has_value());
      if (p.min_detectable_drop) {
        EXPECT_TRUE(same_bits(*q.min_detectable_drop, *p.min_detectable_drop));
      }
      EXPECT_EQ(q.status, p.status);
      EXPECT_EQ(q.bars.size(), p.bars.size());
    }
  }
  // The hand-set non-finite numbers.
  EXPECT_EQ(b.dimensions[0].overall.stat("spread"), kInf);
  EXPECT_EQ(b.dimensions[0].overall.stat("tilt"), -kInf);
  EXPECT_TRUE(std::isnan(b.dimensions[0].cells[0].interval.hi));
  EXPECT_EQ(b.dimensions[1].overall.min_detectable_drop, kInf);
  EXPECT_EQ(b.dimensions[2].overall.bars[0].limit, -kInf);
  EXPECT_EQ(b.fairness[0].comparisons[0].ratio_interval.hi, kInf);

  ASSERT_TRUE(b.dimensions[0].analysis.has_value());
  EXPECT_EQ(b.dimensions[0].analysis->kind, "classification");
  EXPECT_EQ(b.dimensions[0].analysis->data_json, a.dimensions[0].analysis->data_json);
  EXPECT_EQ(b.dimensions[0].analysis->lines, a.dimensions[0].analysis->lines);
  EXPECT_FALSE(b.dimensions[0].human_grades.has_value());
  ASSERT_TRUE(b.dimensions[1].human_grades.has_value());
  EXPECT_EQ(b.dimensions[1].human_grades->data_json, R"({"graded": 3, "agreement": null})");

  EXPECT_EQ(b.fairness[0].positive, std::optional<std::string>("billing"));
  EXPECT_EQ(b.fairness[0].groups.size(), a.fairness[0].groups.size());
  ASSERT_EQ(b.fairness[0].comparisons.size(), 3U);
  EXPECT_EQ(b.fairness[0].comparisons[1].metric, "true-positive rate");
  ASSERT_EQ(b.failures.size(), a.failures.size());
  EXPECT_EQ(b.failures[0].dimension, std::nullopt);
  EXPECT_EQ(b.failures[0].where, "category=legal");
  EXPECT_EQ(b.failures[1].dimension, a.failures[1].dimension);
  EXPECT_EQ(b.failures.back().text, a.failures.back().text);
}

TEST(ReportCodec, NonFiniteNumbersAreNamedNotNull) {
  Report r;
  r.confidence = stats::kNaN;
  r.min_effect = -kInf;
  r.n_cases = 3;
  DimensionResult d;
  d.name = "latency";
  d.kind = ScoreKind::measurement;
  d.aggregation = Aggregation::quantiles;
  d.threshold = kInf;
  d.overall.estimate = -0.0;
  d.overall.stats = {{"p95", 0.1 + 0.2}, {"p95", 1e-310}};
  d.overall.status = CellStatus::too_small;
  r.dimensions.push_back(d);
  r.failures.push_back(Failure{.dimension = 0, .where = "overall"});
  const std::string text = encode_report(r);
  EXPECT_NE(text.find(R"("confidence":"nan","min_effect":"-inf",)"), std::string::npos) << text;
  EXPECT_NE(text.find(R"("kind":"measurement","aggregation":"quantiles",)"), std::string::npos);
  EXPECT_NE(text.find(R"("threshold":"inf",)"), std::string::npos);
  EXPECT_NE(text.find(R"("estimate":-0.0,"interval":["nan","nan"],)"), std::string::npos);
  EXPECT_NE(text.find(R"("status":"too_small")"), std::string::npos);
  EXPECT_NE(text.find(R"("analysis":null,"human_grades":null)"), std::string::npos);

  const Report b = decode_report(text, "here");
  EXPECT_TRUE(std::isnan(b.confidence));
  EXPECT_EQ(b.min_effect, -kInf);
  EXPECT_EQ(b.dimensions[0].threshold, kInf);
  EXPECT_TRUE(std::signbit(b.dimensions[0].overall.estimate));
  ASSERT_EQ(b.dimensions[0].overall.stats.size(), 2U);  // a repeated name stays repeated
  EXPECT_EQ(b.dimensions[0].overall.stats[0].second, 0.1 + 0.2);
  EXPECT_EQ(b.dimensions[0].overall.stats[1].second, 1e-310);  // subnormal
  EXPECT_EQ(b.dimensions[0].overall.status, CellStatus::too_small);
  EXPECT_EQ(b.failures[0].dimension, std::optional<std::size_t>(0));
  EXPECT_EQ(encode_report(b), text);
}

TEST(ReportCodec, EveryFormatRendersTheDecodedReportTheSame) {
  const Fixture& f = fixture();
  const Report decoded = decode_report(encode_report(f.report), "store run r-1");
  // html and scores list the cases themselves, which a stored report does not hold.
  for (const std::string name : {"terminal", "json", "markdown", "junit"}) {
    SCOPED_TRACE(name);
    const ReportFormatEntry& format = report_format_registry().get(name);
    std::ostringstream original, read_back;
    format.write(ReportInput{f.report, f.suite, {}, {}, f.scores}, original);
    format.write(ReportInput{decoded, f.suite, {}, {}, f.scores}, read_back);
    EXPECT_FALSE(original.str().empty());
    EXPECT_EQ(read_back.str(), original.str());
  }
}

TEST(ReportCodec, UnknownFieldsAreIgnored) {
  const std::string text = edited([](nlohmann::ordered_json& j) {
    j["written_by"] = "qualbar 9";
    j["dimensions"][0]["overall"]["new_stat"] = {1, 2, 3};
    j["run"]["labels"] = {{"team", "search"}};
  });
  EXPECT_EQ(encode_report(decode_report(text, "here")), encode_report(fixture().report));
}

TEST(ReportCodec, TextThatIsNotJsonIsAnErrorThatSaysSo) {
  const std::string text = encode_report(fixture().report);
  const std::string got = decode_error(text.substr(0, text.size() / 2));
  EXPECT_EQ(got.rfind("store run r-1: the stored report is not JSON (parse error at line 1, ", 0),
            0U)
      << got;
  EXPECT_NE(got.find("): the stored report is damaged or incomplete"), std::string::npos) << got;
  EXPECT_EQ(decode_error("").rfind("store run r-1: the stored report is not JSON (", 0), 0U);
  EXPECT_EQ(decode_error("[1]"),
            "store run r-1: the stored report is an array, expected an object: the stored report "
            "is damaged or incomplete");
  EXPECT_EQ(decode_error(std::string(100, '[') + std::string(100, ']')),
            "store run r-1: the stored report nests deeper than 32 levels at byte 32: the stored "
            "report is damaged or incomplete");
}

TEST(ReportCodec, AMissingFieldIsNamedByItsPath) {
  EXPECT_EQ(decode_error(edited([](auto& j) { j["dimensions"][2]["overall"].erase("interval"); })),
            "store run r-1: the stored report's dimensions[2].overall.interval is missing: the "
            "stored report is damaged or incomplete");
  EXPECT_EQ(decode_error(edited([](auto& j) { j["run"].erase("status"); })),
            "store run r-1: the stored report's run.status is missing: the stored report is "
            "damaged or incomplete");
  EXPECT_EQ(decode_error(edited([](auto& j) { j.erase("v"); })),
            "store run r-1: the stored report's v is missing: the stored report is damaged or "
            "incomplete");
}

TEST(ReportCodec, AWronglyTypedFieldIsNamedByItsPath) {
  EXPECT_EQ(decode_error(edited([](auto& j) { j["dimensions"][2]["overall"]["interval"] = "x"; })),
            "store run r-1: the stored report's dimensions[2].overall.interval is a string, "
            "expected an array [lo, hi]: the stored report is damaged or incomplete");
  EXPECT_EQ(decode_error(edited([](auto& j) { j["dimensions"][0]["cells"][1]["n"] = -1; })),
            "store run r-1: the stored report's dimensions[0].cells[1].n is a negative whole "
            "number, expected a whole number >= 0: the stored report is damaged or incomplete");
  EXPECT_EQ(decode_error(edited([](auto& j) { j["fairness"][0]["groups"][0]["tpr"] = "NaN"; })),
            "store run r-1: the stored report's fairness[0].groups[0].tpr is a string, expected "
            "a number or \"nan\", \"inf\", \"-inf\": the stored report is damaged or incomplete");
  EXPECT_EQ(decode_error(edited([](auto& j) { j["dimensions"][0]["overall"]["stats"][0] = 1; })),
            "store run r-1: the stored report's dimensions[0].overall.stats[0] is a whole number, "
            "expected a pair [name, value]: the stored report is damaged or incomplete");
  EXPECT_EQ(decode_error(edited([](auto& j) { j["failures"][0]["bar"]["passed"] = nullptr; })),
            "store run r-1: the stored report's failures[0].bar.passed is null, expected true or "
            "false: the stored report is damaged or incomplete");
  EXPECT_EQ(decode_error(edited([](auto& j) { j["warnings"] = nlohmann::ordered_json::object(); })),
            "store run r-1: the stored report's warnings is an object, expected an array: the "
            "stored report is damaged or incomplete");
}

TEST(ReportCodec, AnUnknownEnumNameIsAnError) {
  EXPECT_EQ(decode_error(edited([](auto& j) { j["dimensions"][1]["kind"] = "ordinal"; })),
            "store run r-1: the stored report's dimensions[1].kind is 'ordinal', expected one of "
            "binary, graded, measurement: the stored report was written by a newer qualbar, or "
            "is damaged");
  EXPECT_EQ(decode_error(edited([](auto& j) { j["run"]["status"] = "paused"; })),
            "store run r-1: the stored report's run.status is 'paused', expected one of running, "
            "interrupted, failed, complete, monitor: the stored report was written by a newer "
            "qualbar, or is damaged");
}

TEST(ReportCodec, ANewerVersionIsAnError) {
  EXPECT_EQ(decode_error(edited([](auto& j) { j["v"] = 2; })),
            "store run r-1: the stored report's v is 2, and this qualbar reads version 1 at most: "
            "the report was stored by a newer qualbar; read it with that version");
  EXPECT_EQ(decode_error(edited([](auto& j) { j["v"] = 0; })),
            "store run r-1: the stored report's v is 0, expected 1: the stored report is damaged "
            "or incomplete");
}

}  // namespace QB_UNITY_ID
}  // namespace qb
