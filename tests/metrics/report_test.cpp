#include "qualbar/metrics/report.hpp"
#include "qualbar/bind/bind.hpp"

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "qualbar/io/dataset.hpp"
#include "qualbar/metrics/score_table.hpp"
#include "qualbar/metrics/scoring.hpp"
#include "qualbar/providers/provider.hpp"
#include "qualbar/run/runner.hpp"
#include "qualbar/stats/intervals.hpp"
#include "qualbar/suite/suite.hpp"

namespace qb {
namespace QB_UNITY_ID {

namespace fs = std::filesystem;

// --- expected numbers, computed here from their textbook definitions ---

constexpr double kZ95 = 1.959963984540054;  // two-sided 95% normal quantile
constexpr double kTol = 1e-12;

// Wilson score interval for x successes in n trials.
stats::Interval wilson_expected(double x, double n, double z = kZ95) {
  const double p = x / n;
  const double z2 = z * z;
  const double denom = 1.0 + z2 / n;
  const double center = (p + z2 / (2.0 * n)) / denom;
  const double half = z * std::sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n)) / denom;
  return {center - half, center + half};
}

void expect_interval(const stats::Interval& got, const stats::Interval& want) {
  EXPECT_NEAR(got.lo, want.lo, kTol);
  EXPECT_NEAR(got.hi, want.hi, kTol);
}

// --- building a report the way a run does, from a user's files ---

std::string suite_text(const std::string& body) {
  return "schema_version: 1\nname: report-test\ndatasets: cases.jsonl\n" + body;
}

std::string lines(const std::vector<std::string>& ls) {
  std::string out;
  for (const auto& l : ls) out += l + "\n";
  return out;
}

struct Built {
  Suite suite;
  Dataset dataset;
  std::vector<Response> responses;
  ScoreTable scores;
  Report report;
};

// Responses are joined to the cases by id; every case needs one here (missing responses go
// through the replay provider, see MissingResponsesAreErrors).
Built build(const std::string& suite_body, const std::string& cases, const std::string& responses) {
  Built b;
  b.suite = read_suite(suite_text(suite_body), "suite.yaml", "/nonexistent/suite-dir");
  parse_cases(cases, "cases.jsonl", b.dataset);
  std::map<std::string, Response> by_id;
  for (auto& r : parse_responses(responses, "responses.jsonl")) by_id[r.id] = r;
  for (const auto& c : b.dataset.cases) {
    auto it = by_id.find(c.id);
    if (it == by_id.end()) {
      ADD_FAILURE() << "no response for " << c.id;
      Response missing;
      missing.id = c.id;
      missing.error = "missing";
      b.responses.push_back(std::move(missing));
    } else {
      b.responses.push_back(it->second);
    }
  }
  const auto scorers = build_scorers(b.suite);
  b.scores = score_cases(scorers, b.dataset.cases, b.responses);
  b.report = build_report(b.suite, b.dataset.cases, b.responses, b.scores, RunInfo{});
  return b;
}

const DimensionResult& dim(const Report& r, const std::string& name) {
  for (const auto& d : r.dimensions) {
    if (d.name == name) return d;
  }
  ADD_FAILURE() << "no dimension " << name;
  static const DimensionResult none;
  return none;
}

const Cell& cell(const DimensionResult& d, const std::string& slice, const std::string& value) {
  for (const auto& c : d.cells) {
    if (c.slice == slice && c.value == value) return c;
  }
  ADD_FAILURE() << "no cell " << slice << "=" << value << " in " << d.name;
  static const Cell none;
  return none;
}

// The values of one slice's cells, in report order.
std::vector<std::string> order(const DimensionResult& d, const std::string& slice) {
  std::vector<std::string> out;
  for (const auto& c : d.cells) {
    if (c.slice == slice) out.push_back(c.value);
  }
  return out;
}

// A classification case and a response that gets it right or wrong.
std::string label_case(const std::string& id, const std::string& category,
                       const std::string& label) {
  return fmt::format(R"({{"id":"{}","category":"{}","input":"route this","expected_label":"{}"}})",
                     id, category, label);
}
std::string label_response(const std::string& id, const std::string& label) {
  return fmt::format(R"({{"id":"{}","output":"","label":"{}"}})", id, label);
}

// 10 routed cases: billing 4/5 right, refunds 1/3, shipping 2/2 (overall 7/10).
const std::string kRoutingCases = lines({
    label_case("b1", "billing", "billing"),
    label_case("b2", "billing", "billing"),
    label_case("b3", "billing", "billing"),
    label_case("b4", "billing", "billing"),
    label_case("b5", "billing", "billing"),
    label_case("r1", "refunds", "refunds"),
    label_case("r2", "refunds", "refunds"),
    label_case("r3", "refunds", "refunds"),
    label_case("s1", "shipping", "shipping"),
    label_case("s2", "shipping", "shipping"),
});
const std::string kRoutingResponses = lines({
    label_response("b1", "billing"),
    label_response("b2", "billing"),
    label_response("b3", "billing"),
    label_response("b4", "billing"),
    label_response("b5", "refunds"),
    label_response("r1", "refunds"),
    label_response("r2", "billing"),
    label_response("r3", "shipping"),
    label_response("s1", "shipping"),
    label_response("s2", "shipping"),
});

TEST(BuildReport, RateCellsHaveNEstimateAndWilsonInterval) {
  const Built b = build("dimensions:\n  routing: label-match\nslices: [category]\n", kRoutingCases,
                        kRoutingResponses);
  const Report& r = b.report;
  EXPECT_EQ(r.n_cases, 10u);
  EXPECT_EQ(r.n_errors, 0u);
  ASSERT_EQ(r.dimensions.size(), 2u);
  EXPECT_EQ(r.dimensions[0].name, "routing");
  EXPECT_EQ(r.dimensions[1].name, "errors");

  const DimensionResult& d = dim(r, "routing");
  EXPECT_EQ(d.aggregation, Aggregation::rate);
  EXPECT_EQ(d.estimate_name, "pass rate");
  EXPECT_EQ(d.overall.label(), "overall");
  EXPECT_EQ(d.overall.n, 10u);
  EXPECT_DOUBLE_EQ(d.overall.estimate, 0.7);
  expect_interval(d.overall.interval, wilson_expected(7, 10));

  const Cell& billing = cell(d, "category", "billing");
  EXPECT_EQ(billing.n, 5u);
  EXPECT_DOUBLE_EQ(billing.estimate, 0.8);
  expect_interval(billing.interval, wilson_expected(4, 5));
  EXPECT_EQ(billing.label(), "category=billing");

  const Cell& refunds = cell(d, "category", "refunds");
  EXPECT_EQ(refunds.n, 3u);
  EXPECT_DOUBLE_EQ(refunds.estimate, 1.0 / 3.0);
  expect_interval(refunds.interval, wilson_expected(1, 3));

  const Cell& shipping = cell(d, "category", "shipping");
  EXPECT_EQ(shipping.n, 2u);
  EXPECT_DOUBLE_EQ(shipping.estimate, 1.0);
  EXPECT_NEAR(shipping.interval.lo, wilson_expected(2, 2).lo, kTol);
  EXPECT_DOUBLE_EQ(shipping.interval.hi, 1.0);

  // No bars: worst first.
  EXPECT_EQ(order(d, "category"), (std::vector<std::string>{"refunds", "billing", "shipping"}));
  EXPECT_TRUE(r.failures.empty());
  EXPECT_TRUE(r.passed);
}

TEST(BuildReport, ErrorCasesAreFailuresAndCountInTheErrorsDimension) {
  const std::string cases = lines({
      label_case("c1", "billing", "billing"),
      label_case("c2", "billing", "billing"),
      label_case("c3", "billing", "billing"),
      label_case("c4", "refunds", "refunds"),
      R"({"id":"c5","category":"refunds","input":"no label, failed call"})",
      R"({"id":"c6","category":"refunds","input":"no label, answered"})",
  });
  const std::string responses = lines({
      label_response("c1", "billing"),
      label_response("c2", "billing"),
      // The label would be right, but the call failed: never a pass.
      R"({"id":"c3","output":"","label":"billing","error":"HTTP 503"})",
      label_response("c4", "billing"),
      R"({"id":"c5","output":"","error":"timeout after 30 s"})",
      R"({"id":"c6","output":"hello"})",
  });
  const Built b =
      build("dimensions:\n  routing: label-match\nslices: [category]\n", cases, responses);
  const Report& r = b.report;
  EXPECT_EQ(r.n_cases, 6u);
  EXPECT_EQ(r.n_errors, 2u);
  EXPECT_EQ(r.run.n_cases, 6u);
  EXPECT_EQ(r.run.n_errors, 2u);

  const DimensionResult& routing = dim(r, "routing");
  // c5 and c6 have no expected_label: not applicable, out of n. c3 failed: in n, as a failure.
  EXPECT_EQ(routing.overall.n, 4u);
  EXPECT_EQ(routing.overall.n_errors, 1u);
  EXPECT_EQ(routing.overall.n_not_applicable, 2u);
  EXPECT_DOUBLE_EQ(routing.overall.estimate, 0.5);
  expect_interval(routing.overall.interval, wilson_expected(2, 4));

  const Cell& billing = cell(routing, "category", "billing");
  EXPECT_EQ(billing.n, 3u);
  EXPECT_EQ(billing.n_errors, 1u);
  EXPECT_EQ(billing.n_not_applicable, 0u);
  EXPECT_DOUBLE_EQ(billing.estimate, 2.0 / 3.0);
  const Cell& refunds = cell(routing, "category", "refunds");
  EXPECT_EQ(refunds.n, 1u);
  EXPECT_EQ(refunds.n_errors, 0u);
  EXPECT_EQ(refunds.n_not_applicable, 2u);
  EXPECT_DOUBLE_EQ(refunds.estimate, 0.0);

  // The errors dimension sees every case, c5 included.
  const DimensionResult& errors = dim(r, "errors");
  EXPECT_FALSE(errors.higher_is_better);
  EXPECT_EQ(errors.overall.n, 6u);
  EXPECT_DOUBLE_EQ(errors.overall.estimate, 2.0 / 6.0);
  expect_interval(errors.overall.interval, wilson_expected(2, 6));
  EXPECT_DOUBLE_EQ(cell(errors, "category", "billing").estimate, 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(cell(errors, "category", "refunds").estimate, 1.0 / 3.0);
}

class ReportFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / fmt::format("qb-report-{}-{}", ::getpid(), info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const std::string& name, const std::string& content) {
    std::ofstream out(dir_ / name, std::ios::binary);
    out << content;
  }
  fs::path dir_;
};

TEST_F(ReportFilesTest, MissingResponsesAreErrors) {
  const std::string yaml = suite_text(
      "system: {provider: replay, responses: responses.jsonl}\n"
      "dimensions:\n  routing: label-match\nslices: [category]\n");
  write("responses.jsonl",
        lines({label_response("c1", "billing"), label_response("c3", "refunds")}));
  const Suite suite = read_suite(yaml, "suite.yaml", dir_);
  Dataset data;
  parse_cases(lines({label_case("c1", "billing", "billing"), label_case("c2", "billing", "billing"),
                     label_case("c3", "refunds", "refunds")}),
              "cases.jsonl", data);
  auto provider = provider_registry().get("replay").make(suite, ProviderOptions{});
  const RunResult run = execute_run(suite, data, *provider, "replay");
  const Report r = build_report(suite, data.cases, run.responses, run.scores, run.info);

  EXPECT_EQ(r.n_errors, 1u);
  const DimensionResult& routing = dim(r, "routing");
  EXPECT_EQ(routing.overall.n, 3u);
  EXPECT_EQ(routing.overall.n_errors, 1u);
  EXPECT_DOUBLE_EQ(routing.overall.estimate, 2.0 / 3.0);
  const Cell& billing = cell(routing, "category", "billing");
  EXPECT_EQ(billing.n, 2u);
  EXPECT_EQ(billing.n_errors, 1u);
  EXPECT_DOUBLE_EQ(billing.estimate, 0.5);
  EXPECT_DOUBLE_EQ(dim(r, "errors").overall.estimate, 1.0 / 3.0);
}

// Reference "refund takes five days"; token F1 of the outputs: 1, 2/3, 0, 2/3.
const std::string kF1Cases = lines({
    R"({"id":"f1","category":"a","input":"q","reference":"refund takes five days"})",
    R"({"id":"f2","category":"a","input":"q","reference":"refund takes five days"})",
    R"({"id":"f3","category":"b","input":"q","reference":"refund takes five days"})",
    R"({"id":"f4","category":"b","input":"q","reference":"refund takes five days"})",
    R"({"id":"f5","category":"b","input":"q, no reference: not applicable"})",
});
const std::string kF1Responses = lines({
    R"({"id":"f1","output":"Refund takes five days."})",
    R"({"id":"f2","output":"refund takes"})",
    R"({"id":"f3","output":"nothing here"})",
    R"({"id":"f4","output":"refund takes five days via bank transfer today"})",
    R"({"id":"f5","output":"anything"})",
});

TEST(BuildReport, GradedScorerWithThresholdIsAPassRate) {
  const Built b =
      build("dimensions:\n  answer: {scorer: token-f1, threshold: 0.5}\nslices: [category]\n",
            kF1Cases, kF1Responses);
  const DimensionResult& d = dim(b.report, "answer");
  EXPECT_EQ(d.kind, ScoreKind::graded);
  EXPECT_EQ(d.aggregation, Aggregation::rate);
  EXPECT_EQ(d.estimate_name, "pass rate");
  ASSERT_TRUE(d.threshold.has_value());
  EXPECT_DOUBLE_EQ(*d.threshold, 0.5);
  EXPECT_EQ(d.overall.n, 4u);
  EXPECT_EQ(d.overall.n_not_applicable, 1u);
  EXPECT_DOUBLE_EQ(d.overall.estimate, 0.75);
  expect_interval(d.overall.interval, wilson_expected(3, 4));
  EXPECT_DOUBLE_EQ(cell(d, "category", "a").estimate, 1.0);
  EXPECT_DOUBLE_EQ(cell(d, "category", "b").estimate, 0.5);
}

// The Wilson score interval at a (fractional) sample size m with quantile q, written out.
stats::Interval wilson_at(double p, double m, double q) {
  const double centre = (p + q * q / (2 * m)) / (1 + q * q / m);
  const double half = q * std::sqrt(p * (1 - p) / m + q * q / (4 * m * m)) / (1 + q * q / m);
  return {centre - half, centre + half};
}

TEST(BuildReport, GradedScorerWithoutThresholdIsAMeanWithABoundedInterval) {
  const Built b =
      build("dimensions:\n  answer: token-f1\nslices: [category]\n", kF1Cases, kF1Responses);
  const DimensionResult& d = dim(b.report, "answer");
  EXPECT_EQ(d.aggregation, Aggregation::mean);
  EXPECT_EQ(d.estimate_name, "mean");
  EXPECT_FALSE(d.threshold.has_value());

  const std::vector<double> v = {1.0, 2.0 / 3.0, 0.0, 2.0 / 3.0};
  const double mean = (v[0] + v[1] + v[2] + v[3]) / 4.0;
  double ss = 0.0;
  for (double x : v) ss += (x - mean) * (x - mean);
  const double sd = std::sqrt(ss / 3.0);
  const double t975_df3 = 3.182446305283706;  // t.ppf(0.975, 3), from the closed-form df = 3 CDF
  EXPECT_EQ(d.overall.n, 4u);
  EXPECT_NEAR(d.overall.estimate, 7.0 / 12.0, kTol);
  ASSERT_TRUE(d.overall.stat("sd").has_value());
  EXPECT_NEAR(*d.overall.stat("sd"), sd, 1e-12);
  // Wilson at the effective sample size n·m(1 − m)/s², with t(3) for z.
  const stats::Interval want = wilson_at(mean, 4.0 * mean * (1 - mean) / (sd * sd), t975_df3);
  EXPECT_NEAR(d.overall.interval.lo, want.lo, 1e-9);
  EXPECT_NEAR(d.overall.interval.hi, want.hi, 1e-9);

  // Category b: f3 (0) and f4 (2/3); f5 is not applicable. t with 1 degree of freedom (12.7):
  // the t interval was [−3.9, 4.6]; this one stays in [0, 1].
  const Cell& cb = cell(d, "category", "b");
  EXPECT_EQ(cb.n, 2u);
  EXPECT_EQ(cb.n_not_applicable, 1u);
  EXPECT_NEAR(cb.estimate, 1.0 / 3.0, kTol);
  const double sd_b = std::sqrt(2.0 * (1.0 / 3.0) * (1.0 / 3.0));
  const double t975_df1 = std::tan(M_PI * 0.475);  // t.ppf(0.975, 1): the Cauchy quantile
  const stats::Interval want_b = wilson_at(1.0 / 3.0, 2.0 * (2.0 / 9.0) / (sd_b * sd_b), t975_df1);
  EXPECT_NEAR(cb.interval.lo, want_b.lo, 1e-9);
  EXPECT_NEAR(cb.interval.hi, want_b.hi, 1e-9);
  EXPECT_GE(cb.interval.lo, 0.0);
  EXPECT_LE(cb.interval.hi, 1.0);
}

// Means of scores near 1 ("0.995 [0.984, 1.005]" with the t interval) stay below 1, and a slice
// whose every score is 1 gets an interval, not "1.000 [1.000, 1.000]".
TEST(BuildReport, MeanOfScoresNearOneStaysWithinZeroOneAndIsNeverAPoint) {
  std::vector<std::string> cases, responses;
  for (int i = 0; i < 20; ++i) {
    cases.push_back(fmt::format(
        R"({{"id":"m{}","category":"{}","input":"q","reference":"refund takes five days now"}})", i,
        i < 10 ? "a" : "b"));
    // Category a: every answer exact (F1 1). Category b: one answer in three drops a word.
    responses.push_back(fmt::format(
        R"({{"id":"m{}","output":"{}"}})", i,
        i >= 10 && i % 3 == 0 ? "refund takes five days" : "refund takes five days now"));
  }
  const Built b = build("dimensions:\n  answer: token-f1\nslices: [category]\n", lines(cases),
                        lines(responses));
  const DimensionResult& d = dim(b.report, "answer");
  ASSERT_EQ(d.aggregation, Aggregation::mean);
  for (const Cell* c : {&d.overall, &cell(d, "category", "a"), &cell(d, "category", "b")}) {
    SCOPED_TRACE(c->label());
    const double sd = c->stat("sd").value_or(0);
    const stats::Interval t = stats::t_interval(c->estimate, sd, c->n, 0.95);
    EXPECT_TRUE(t.hi > 1.0 || t.hi == t.lo) << "the t interval leaves [0, 1] or has no width";
    EXPECT_GE(c->interval.lo, 0.0);
    EXPECT_LE(c->interval.hi, 1.0);
    EXPECT_LT(c->interval.lo, c->estimate);
    EXPECT_LE(c->estimate, c->interval.hi);
  }
  // Ten scores of 1: the pass-rate interval of 10 of 10 (with t(9) for z), from about 0.66.
  const Cell& a = cell(d, "category", "a");
  EXPECT_EQ(a.estimate, 1.0);
  EXPECT_EQ(a.interval.hi, 1.0);
  EXPECT_NEAR(a.interval.lo, 0.6615, 5e-4);
}

TEST(BuildReport, CrossedSlicesNameTheirValuesAndLabels) {
  const std::string cases = lines({
      R"({"id":"c1","category":"billing","language":"de","input":"q","expected_label":"billing"})",
      R"({"id":"c2","category":"billing","language":"de","input":"q","expected_label":"billing"})",
      R"({"id":"c3","category":"billing","language":"en","input":"q","expected_label":"billing"})",
      R"({"id":"c4","category":"refunds","language":"de","input":"q","expected_label":"refunds"})",
      R"({"id":"c5","category":"refunds","input":"q","expected_label":"refunds"})",
  });
  const std::string responses =
      lines({label_response("c1", "billing"), label_response("c2", "other"),
             label_response("c3", "billing"), label_response("c4", "refunds"),
             label_response("c5", "refunds")});
  const Built b = build("dimensions:\n  routing: label-match\nslices: [[category, language]]\n",
                        cases, responses);
  const DimensionResult& d = dim(b.report, "routing");
  ASSERT_EQ(d.cells.size(), 4u);
  const Cell& bde = cell(d, "category × language", "billing × de");
  EXPECT_EQ(bde.n, 2u);
  EXPECT_DOUBLE_EQ(bde.estimate, 0.5);
  EXPECT_EQ(bde.label(), "category=billing × language=de");
  EXPECT_EQ(cell(d, "category × language", "billing × en").n, 1u);
  EXPECT_EQ(cell(d, "category × language", "refunds × de").n, 1u);
  EXPECT_EQ(cell(d, "category × language", "refunds × (none)").label(),
            "category=refunds × language=(none)");
}

TEST(BuildReport, TagsPutACaseInEveryTagCell) {
  const std::string cases = lines({
      R"({"id":"c1","input":"q","expected_label":"x","tags":["pricing","known-failure-17"]})",
      R"({"id":"c2","input":"q","expected_label":"x","tags":["pricing"]})",
      R"({"id":"c3","input":"q","expected_label":"x"})",
  });
  const std::string responses =
      lines({label_response("c1", "x"), label_response("c2", "y"), label_response("c3", "x")});
  const Built b = build("dimensions:\n  routing: label-match\nslices: [tags]\n", cases, responses);
  const DimensionResult& d = dim(b.report, "routing");
  EXPECT_EQ(d.overall.n, 3u);  // each case once overall, however many tags it has
  ASSERT_EQ(d.cells.size(), 3u);
  EXPECT_EQ(cell(d, "tags", "pricing").n, 2u);
  EXPECT_DOUBLE_EQ(cell(d, "tags", "pricing").estimate, 0.5);
  EXPECT_EQ(cell(d, "tags", "known-failure-17").n, 1u);
  EXPECT_DOUBLE_EQ(cell(d, "tags", "known-failure-17").estimate, 1.0);
  EXPECT_EQ(cell(d, "tags", "(none)").n, 1u);
}

TEST(BuildReport, MetadataKeysAndMissingValuesAsSlices) {
  const std::string cases = lines({
      R"({"id":"c1","category":"billing","input":"q","expected_label":"x","metadata":{"customer_tier":"gold","seats":3}})",
      R"({"id":"c2","category":"billing","input":"q","expected_label":"x","metadata":{"customer_tier":"gold","seats":3},"region":"emea"})",
      R"({"id":"c3","input":"q","expected_label":"x","metadata":{"customer_tier":"free"},"region":"emea"})",
      R"({"id":"c4","input":"q","expected_label":"x"})",
  });
  const std::string responses = lines({label_response("c1", "x"), label_response("c2", "y"),
                                       label_response("c3", "x"), label_response("c4", "x")});
  const Built b = build(
      "dimensions:\n  routing: label-match\nslices: [customer_tier, metadata.customer_tier, "
      "region, seats, category]\n",
      cases, responses);
  const DimensionResult& d = dim(b.report, "routing");
  for (const std::string slice : {"customer_tier", "metadata.customer_tier"}) {
    SCOPED_TRACE(slice);
    EXPECT_EQ(cell(d, slice, "gold").n, 2u);
    EXPECT_DOUBLE_EQ(cell(d, slice, "gold").estimate, 0.5);
    EXPECT_EQ(cell(d, slice, "free").n, 1u);
    EXPECT_EQ(cell(d, slice, "(none)").n, 1u);
  }
  EXPECT_EQ(cell(d, "customer_tier", "gold").label(), "customer_tier=gold");
  // An unknown top-level field is metadata too; a number is its JSON text.
  EXPECT_EQ(cell(d, "region", "emea").n, 2u);
  EXPECT_EQ(cell(d, "region", "(none)").n, 2u);
  EXPECT_EQ(cell(d, "seats", "3").n, 2u);
  EXPECT_EQ(cell(d, "category", "billing").n, 2u);
  EXPECT_EQ(cell(d, "category", "(none)").n, 2u);
}

// Routing with cells a (1/2), b (2/2) and c (4/5).
const std::string kOrderCases = lines({
    label_case("a1", "a", "x"),
    label_case("a2", "a", "x"),
    label_case("b1", "b", "x"),
    label_case("b2", "b", "x"),
    label_case("c1", "c", "x"),
    label_case("c2", "c", "x"),
    label_case("c3", "c", "x"),
    label_case("c4", "c", "x"),
    label_case("c5", "c", "x"),
});
const std::string kOrderResponses = lines({
    label_response("a1", "x"),
    label_response("a2", "y"),
    label_response("b1", "x"),
    label_response("b2", "x"),
    label_response("c1", "x"),
    label_response("c2", "x"),
    label_response("c3", "x"),
    label_response("c4", "x"),
    label_response("c5", "y"),
});

TEST(BuildReport, CellsAreOrderedFailingFirstThenWorstFirst) {
  // c (0.8) misses its critical bar of 0.9; a (0.5) is worse but meets the per-slice bar.
  const Built b = build(
      "dimensions:\n  routing: label-match\nslices: [category]\n"
      "bars:\n  routing: {per_slice: {min: 0.4}}\n"
      "critical_slices:\n  - slice: category=c\n    bars: {routing: {min: 0.9}}\n",
      kOrderCases, kOrderResponses);
  const DimensionResult& d = dim(b.report, "routing");
  EXPECT_EQ(std::string(to_string(cell(d, "category", "c").status)), std::string("fail"));
  EXPECT_NE(std::string(to_string(cell(d, "category", "a").status)), std::string("fail"));
  EXPECT_EQ(order(d, "category"), (std::vector<std::string>{"c", "a", "b"}));
}

TEST(BuildReport, APassingCriticalCellIsOrderedByHowBadItIs) {
  // Nothing fails; "worst first" puts a (0.5) above the critical c (0.8).
  const Built b = build(
      "dimensions:\n  routing: label-match\nslices: [category]\n"
      "bars:\n  routing: {per_slice: {min: 0.4}}\n"
      "critical_slices:\n  - slice: category=c\n    bars: {routing: {min: 0.5}}\n",
      kOrderCases, kOrderResponses);
  const DimensionResult& d = dim(b.report, "routing");
  ASSERT_NE(std::string(to_string(cell(d, "category", "c").status)), std::string("fail"));
  EXPECT_EQ(order(d, "category"), (std::vector<std::string>{"a", "c", "b"}));
}

TEST(BuildReport, OverallMinBar) {
  {
    const Built b = build(
        "dimensions:\n  routing: label-match\nslices: [category]\nbars:\n  routing: {min: 0.8}\n",
        kRoutingCases, kRoutingResponses);
    const Report& r = b.report;
    const DimensionResult& d = dim(r, "routing");
    ASSERT_EQ(d.overall.bars.size(), 1u);
    const BarCheck& bar = d.overall.bars[0];
    EXPECT_EQ(bar.key, "min");
    EXPECT_EQ(bar.stat, "estimate");
    EXPECT_FALSE(bar.is_max);
    EXPECT_DOUBLE_EQ(bar.limit, 0.8);
    EXPECT_DOUBLE_EQ(bar.observed, 0.7);
    EXPECT_FALSE(bar.passed);
    EXPECT_EQ(bar.source, "overall");
    EXPECT_EQ(std::string(to_string(d.overall.status)), std::string("fail"));
    // Only the overall cell carries the overall bar; there are no per-slice bars.
    for (const Cell& c : d.cells) EXPECT_TRUE(c.bars.empty()) << c.label();

    ASSERT_EQ(r.failures.size(), 1u);
    const Failure& f = r.failures[0];
    EXPECT_EQ(f.dimension, 0u);
    EXPECT_EQ(f.where, "overall");
    EXPECT_FALSE(f.critical);
    EXPECT_EQ(f.bar.key, "min");
    EXPECT_DOUBLE_EQ(f.bar.observed, 0.7);
    expect_interval(f.interval, wilson_expected(7, 10));
    EXPECT_FALSE(r.passed);
    EXPECT_FALSE(r.run.passed);
  }
  {
    const Built b = build(
        "dimensions:\n  routing: label-match\nslices: [category]\nbars:\n  routing: {min: 0.6}\n",
        kRoutingCases, kRoutingResponses);
    const DimensionResult& d = dim(b.report, "routing");
    ASSERT_EQ(d.overall.bars.size(), 1u);
    EXPECT_TRUE(d.overall.bars[0].passed);
    EXPECT_TRUE(b.report.failures.empty());
    EXPECT_TRUE(b.report.passed);
    EXPECT_TRUE(b.report.run.passed);
  }
}

TEST(BuildReport, PerSliceBarsGateEveryCell) {
  const Built b = build(
      "dimensions:\n  routing: label-match\nslices: [category]\n"
      "bars:\n  routing: {min: 0.6, per_slice: {min: 0.5}}\n",
      kRoutingCases, kRoutingResponses);
  const Report& r = b.report;
  const DimensionResult& d = dim(r, "routing");
  ASSERT_EQ(d.overall.bars.size(), 1u);  // the per-slice bar is not an overall bar
  EXPECT_DOUBLE_EQ(d.overall.bars[0].limit, 0.6);
  for (const Cell& c : d.cells) {
    ASSERT_EQ(c.bars.size(), 1u) << c.label();
    EXPECT_EQ(c.bars[0].source, "per_slice");
    EXPECT_DOUBLE_EQ(c.bars[0].limit, 0.5);
  }
  EXPECT_EQ(std::string(to_string(cell(d, "category", "refunds").status)), std::string("fail"));
  EXPECT_TRUE(cell(d, "category", "billing").bars[0].passed);
  ASSERT_EQ(r.failures.size(), 1u);
  EXPECT_EQ(r.failures[0].where, "category=refunds");
  EXPECT_EQ(r.failures[0].bar.source, "per_slice");
  EXPECT_FALSE(r.failures[0].critical);
  EXPECT_NEAR(r.failures[0].bar.observed, 1.0 / 3.0, kTol);
  expect_interval(r.failures[0].interval, wilson_expected(1, 3));
  EXPECT_FALSE(r.passed);
}

TEST(BuildReport, CriticalSliceWithoutItsOwnBarsMeetsTheOverallBarsNotThePerSliceOnes) {
  // refunds (1/3) is critical: the overall 0.6 applies to it, not the lenient per-slice 0.3.
  {
    const Built b = build(
        "dimensions:\n  routing: label-match\nslices: [category]\n"
        "bars:\n  routing: {min: 0.6, per_slice: {min: 0.3}}\n"
        "critical_slices: [category=refunds]\n",
        kRoutingCases, kRoutingResponses);
    const DimensionResult& d = dim(b.report, "routing");
    const Cell& refunds = cell(d, "category", "refunds");
    EXPECT_TRUE(refunds.critical);
    ASSERT_EQ(refunds.bars.size(), 1u);
    EXPECT_EQ(refunds.bars[0].source, "critical");
    EXPECT_DOUBLE_EQ(refunds.bars[0].limit, 0.6);
    EXPECT_EQ(std::string(to_string(refunds.status)), std::string("fail"));
    EXPECT_FALSE(cell(d, "category", "billing").critical);
    ASSERT_EQ(b.report.failures.size(), 1u);
    EXPECT_TRUE(b.report.failures[0].critical);
    EXPECT_EQ(b.report.failures[0].where, "category=refunds");
    EXPECT_FALSE(b.report.passed);
  }
  {
    // billing (0.8) is critical with the overall 0.5 and is not held to the strict per-slice 0.9.
    const Built b = build(
        "dimensions:\n  routing: label-match\nslices: [category]\n"
        "bars:\n  routing: {min: 0.5, per_slice: {min: 0.9}}\n"
        "critical_slices: [category=billing]\n",
        kRoutingCases, kRoutingResponses);
    const DimensionResult& d = dim(b.report, "routing");
    const Cell& billing = cell(d, "category", "billing");
    ASSERT_EQ(billing.bars.size(), 1u);
    EXPECT_DOUBLE_EQ(billing.bars[0].limit, 0.5);
    EXPECT_TRUE(billing.bars[0].passed);
    EXPECT_NE(std::string(to_string(billing.status)), std::string("fail"));
    // The others are held to 0.9: refunds fails, shipping passes.
    EXPECT_EQ(std::string(to_string(cell(d, "category", "refunds").status)), std::string("fail"));
    EXPECT_TRUE(cell(d, "category", "shipping").bars[0].passed);
    ASSERT_EQ(b.report.failures.size(), 1u);
    EXPECT_EQ(b.report.failures[0].where, "category=refunds");
    EXPECT_FALSE(b.report.failures[0].critical);
  }
}

TEST(BuildReport, CriticalSliceWithItsOwnBarsMeetsThoseOnly) {
  const Built b = build(
      "dimensions:\n  routing: label-match\nslices: [category]\n"
      "bars:\n  routing: {min: 0.6, per_slice: {min: 0.5}}\n"
      "critical_slices:\n  - slice: category=refunds\n    bars: {routing: {min: 0.3}}\n",
      kRoutingCases, kRoutingResponses);
  const DimensionResult& d = dim(b.report, "routing");
  const Cell& refunds = cell(d, "category", "refunds");
  EXPECT_TRUE(refunds.critical);
  ASSERT_EQ(refunds.bars.size(), 1u);
  EXPECT_EQ(refunds.bars[0].source, "critical");
  EXPECT_DOUBLE_EQ(refunds.bars[0].limit, 0.3);
  EXPECT_TRUE(refunds.bars[0].passed);
  EXPECT_NE(std::string(to_string(refunds.status)), std::string("fail"));
  EXPECT_TRUE(b.report.failures.empty());
  EXPECT_TRUE(b.report.passed);
}

TEST(BuildReport, ACriticalSliceWithNoCasesFailsTheRun) {
  const Built b = build(
      "dimensions:\n  routing: label-match\nslices: [category]\n"
      "bars:\n  routing: {min: 0.5}\n"
      "critical_slices: [category=legal]\n",
      kRoutingCases, kRoutingResponses);
  const Report& r = b.report;
  EXPECT_FALSE(r.passed);
  ASSERT_EQ(r.failures.size(), 1u);
  EXPECT_TRUE(r.failures[0].critical);
  EXPECT_EQ(r.failures[0].where, "category=legal");
  EXPECT_EQ(r.failures[0].bar.stat, "n");
  EXPECT_EQ(r.failures[0].bar.source, "critical");
  EXPECT_DOUBLE_EQ(r.failures[0].bar.observed, 0.0);
}

TEST(BuildReport, MaxBarsOnErrorsLatencyAndCost) {
  const std::string cases =
      lines({label_case("c1", "a", "x"), label_case("c2", "a", "x"), label_case("c3", "a", "x"),
             label_case("c4", "b", "x"), label_case("c5", "b", "x")});
  const std::string responses = lines({
      R"({"id":"c1","output":"","label":"x","latency_ms":100,"cost_usd":0.01})",
      R"({"id":"c2","output":"","label":"x","latency_ms":200,"cost_usd":0.01})",
      R"({"id":"c3","output":"","label":"y","latency_ms":300,"cost_usd":0.01})",
      R"({"id":"c4","output":"","label":"x","latency_ms":400,"cost_usd":0.01})",
      R"({"id":"c5","output":"","error":"HTTP 500","latency_ms":1000,"cost_usd":0.01})",
  });
  const Built b = build(
      "dimensions:\n  routing: label-match\n  latency: latency\n  cost: cost\nslices: [category]\n"
      "bars:\n  errors: {max: 0.1}\n  latency: {p95_max: 800, p50_max: 300}\n"
      "  cost: {per_useful_max: 0.015, per_response_max: 0.02}\n",
      cases, responses);
  const Report& r = b.report;
  std::vector<std::string> failed;
  for (const Failure& f : r.failures) {
    failed.push_back(fmt::format("{} {} {} {}", r.dimensions[f.dimension.value()].name, f.where,
                                 f.bar.key, f.bar.observed));
  }
  // errors 1/5 > 0.1; latency p95 of 100..400,1000 = 400 + 0.8 * 600 = 880 > 800 (p50 300 <= 300);
  // cost per useful: 0.05 / 3 useful > 0.015 (per response 0.01 <= 0.02).
  ASSERT_EQ(failed.size(), 3u) << ::testing::PrintToString(failed);
  EXPECT_EQ(r.dimensions[r.failures[0].dimension.value()].name, "latency");
  EXPECT_EQ(r.failures[0].bar.key, "p95_max");
  EXPECT_TRUE(r.failures[0].bar.is_max);
  EXPECT_NEAR(r.failures[0].bar.observed, 880.0, 1e-9);
  EXPECT_EQ(r.dimensions[r.failures[1].dimension.value()].name, "cost");
  EXPECT_EQ(r.failures[1].bar.key, "per_useful_max");
  EXPECT_NEAR(r.failures[1].bar.observed, 0.05 / 3.0, 1e-12);
  EXPECT_EQ(r.dimensions[r.failures[2].dimension.value()].name, "errors");
  EXPECT_EQ(r.failures[2].bar.key, "max");
  EXPECT_NEAR(r.failures[2].bar.observed, 0.2, 1e-12);
  for (const Failure& f : r.failures) EXPECT_EQ(f.where, "overall");

  const DimensionResult& latency = dim(r, "latency");
  ASSERT_EQ(latency.overall.bars.size(), 2u);
  for (const BarCheck& bar : latency.overall.bars) {
    if (bar.key == "p50_max") {
      EXPECT_TRUE(bar.passed);
      EXPECT_DOUBLE_EQ(bar.observed, 300.0);
    }
  }
  EXPECT_FALSE(r.passed);
}

TEST(BuildReport, LatencyPercentilesAreNumpysLinearDefinition) {
  const std::string cases =
      lines({label_case("c1", "a", "x"), label_case("c2", "a", "x"), label_case("c3", "a", "x"),
             label_case("c4", "b", "x"), label_case("c5", "b", "x"), label_case("c6", "b", "x"),
             label_case("c7", "b", "x")});
  // Out of order on purpose; c6 recorded no latency (not applicable); c7's call failed after 5 s
  // (a real duration, so it counts).
  const std::string responses = lines({
      R"({"id":"c1","output":"","label":"x","latency_ms":1000})",
      R"({"id":"c2","output":"","label":"x","latency_ms":300})",
      R"({"id":"c3","output":"","label":"x","latency_ms":100})",
      R"({"id":"c4","output":"","label":"x","latency_ms":400})",
      R"({"id":"c5","output":"","label":"x","latency_ms":200})",
      R"({"id":"c6","output":"","label":"x"})",
      R"({"id":"c7","output":"","error":"timeout","latency_ms":5000})",
  });
  const Built b = build("dimensions:\n  latency: latency\nslices: [category]\n", cases, responses);
  const DimensionResult& d = dim(b.report, "latency");
  EXPECT_EQ(d.aggregation, Aggregation::quantiles);
  EXPECT_EQ(d.estimate_name, "p95");
  EXPECT_EQ(d.unit, "ms");
  EXPECT_FALSE(d.higher_is_better);
  // numpy.percentile([100, 200, 300, 400, 1000, 5000], q): h = 5 q, linear between neighbours.
  EXPECT_EQ(d.overall.n, 6u);
  EXPECT_EQ(d.overall.n_not_applicable, 1u);
  EXPECT_NEAR(*d.overall.stat("p50"), 350.0, 1e-9);   // h = 2.5
  EXPECT_NEAR(*d.overall.stat("p90"), 3000.0, 1e-9);  // h = 4.5
  EXPECT_NEAR(*d.overall.stat("p95"), 4000.0, 1e-9);  // h = 4.75
  EXPECT_NEAR(*d.overall.stat("p99"), 4800.0, 1e-9);  // h = 4.95
  EXPECT_NEAR(*d.overall.stat("mean"), 7000.0 / 6.0, 1e-9);
  EXPECT_NEAR(d.overall.estimate, 4000.0, 1e-9);
  // Category a: [100, 300, 1000]: p50 = 300, p95 = 300 + 0.9 * 700 = 930 (h = 1.9).
  const Cell& a = cell(d, "category", "a");
  EXPECT_EQ(a.n, 3u);
  EXPECT_NEAR(*a.stat("p50"), 300.0, 1e-9);
  EXPECT_NEAR(*a.stat("p95"), 930.0, 1e-9);
  // Lower is better: the slower category b comes first.
  EXPECT_EQ(order(d, "category"), (std::vector<std::string>{"b", "a"}));
}

TEST(BuildReport, CostPerUsefulResponseIsTotalCostOverUsefulResponses) {
  const std::string cases = lines({
      R"({"id":"c1","category":"a","input":"q","expected_label":"x","reference":"yes"})",
      R"({"id":"c2","category":"a","input":"q","expected_label":"x","reference":"yes"})",
      R"({"id":"c3","category":"b","input":"q","expected_label":"x","reference":"yes"})",
      R"({"id":"c4","category":"b","input":"q","expected_label":"x","reference":"yes"})",
      R"({"id":"c5","category":"b","input":"q","expected_label":"x","reference":"yes"})",
  });
  const std::string responses = lines({
      R"({"id":"c1","output":"yes","label":"x","cost_usd":0.01})",                     // useful
      R"({"id":"c2","output":"yes","label":"wrong","cost_usd":0.02})",                 // misrouted
      R"({"id":"c3","output":"yes","label":"x","cost_usd":0.03,"error":"HTTP 502"})",  // failed
                                                                                       // call
      R"({"id":"c4","output":"no","label":"x","cost_usd":0.04})",   // wrong answer
      R"({"id":"c5","output":"yes","label":"x","cost_usd":0.05})",  // useful
  });
  const Built b = build(
      "dimensions:\n  routing: label-match\n  answer: exact-match\n  cost: cost\n"
      "slices: [category]\nuseful: [routing, answer]\n",
      cases, responses);
  const DimensionResult& d = dim(b.report, "cost");
  EXPECT_EQ(d.aggregation, Aggregation::total);
  EXPECT_EQ(d.unit, "USD");
  EXPECT_EQ(d.overall.n, 5u);
  EXPECT_NEAR(*d.overall.stat("total"), 0.15, 1e-12);
  EXPECT_DOUBLE_EQ(*d.overall.stat("useful"), 2.0);
  EXPECT_NEAR(*d.overall.stat("per_useful"), 0.15 / 2.0, 1e-12);
  EXPECT_NEAR(*d.overall.stat("per_response"), 0.15 / 5.0, 1e-12);
  EXPECT_NEAR(d.overall.estimate, 0.03, 1e-12);

  const Cell& a = cell(d, "category", "a");
  EXPECT_NEAR(*a.stat("total"), 0.03, 1e-12);
  EXPECT_NEAR(*a.stat("per_useful"), 0.03, 1e-12);
  const Cell& cb = cell(d, "category", "b");
  EXPECT_NEAR(*cb.stat("total"), 0.12, 1e-12);
  EXPECT_DOUBLE_EQ(*cb.stat("useful"), 1.0);
  EXPECT_NEAR(*cb.stat("per_useful"), 0.12, 1e-12);
}

// `n` cases of one category, the first `right` of them routed correctly.
void add_routed(std::string& cases, std::string& responses, const std::string& category, int n,
                int right) {
  for (int i = 0; i < n; ++i) {
    const std::string id = fmt::format("{}-{}", category, i);
    cases += label_case(id, category, "x") + "\n";
    responses += label_response(id, i < right ? "x" : "y") + "\n";
  }
}

TEST(BuildReport, SmallCellsAreFlaggedTooSmallWithoutHidingFailures) {
  std::string cases, responses;
  add_routed(cases, responses, "big", 400, 300);   // 0.75
  add_routed(cases, responses, "small", 10, 8);    // 0.8: meets the bar, too few cases
  add_routed(cases, responses, "failing", 10, 3);  // 0.3: misses the bar
  const std::string body =
      "dimensions:\n  routing: label-match\nslices: [category]\n"
      "bars:\n  routing: {per_slice: {min: 0.5}}\n";
  const Built b = build(body, cases, responses);
  const DimensionResult& d = dim(b.report, "routing");
  for (const Cell* c : {&d.overall, &d.cells[0], &d.cells[1], &d.cells[2]}) {
    ASSERT_TRUE(c->min_detectable_drop.has_value()) << c->label();
    EXPECT_EQ(c->too_small, *c->min_detectable_drop > b.report.min_effect) << c->label();
  }
  const Cell& big = cell(d, "category", "big");
  EXPECT_FALSE(big.too_small);
  EXPECT_EQ(std::string(to_string(big.status)), std::string("pass"));
  const Cell& small = cell(d, "category", "small");
  EXPECT_TRUE(small.too_small);
  EXPECT_GT(*small.min_detectable_drop, 0.10);
  EXPECT_TRUE(small.bars[0].passed);
  EXPECT_EQ(std::string(to_string(small.status)), std::string("too_small"));
  const Cell& failing = cell(d, "category", "failing");
  EXPECT_TRUE(failing.too_small);
  EXPECT_EQ(std::string(to_string(failing.status)), std::string("fail"));
  // Too small is a warning, not a failure: only the failing cell gates.
  ASSERT_EQ(b.report.failures.size(), 1u);
  EXPECT_EQ(b.report.failures[0].where, "category=failing");

  // The suite's min_effect decides what is too small.
  const Built lenient = build(body + "min_effect: 0.6\n", cases, responses);
  EXPECT_DOUBLE_EQ(lenient.report.min_effect, 0.6);
  const Cell& small2 = cell(dim(lenient.report, "routing"), "category", "small");
  EXPECT_FALSE(small2.too_small);
  EXPECT_EQ(std::string(to_string(small2.status)), std::string("pass"));
}

TEST(BuildReport, FailuresAreCriticalThenOverallThenPerSliceInDimensionOrder) {
  // Dimensions in suite order routing, answer (not alphabetical), then the built-in errors.
  const std::string cases = lines({
      R"({"id":"b1","category":"billing","input":"q","expected_label":"x","reference":"yes"})",
      R"({"id":"b2","category":"billing","input":"q","expected_label":"x","reference":"yes"})",
      R"({"id":"b3","category":"billing","input":"q","expected_label":"x","reference":"yes"})",
      R"({"id":"r1","category":"refunds","input":"q","expected_label":"x","reference":"yes"})",
      R"({"id":"r2","category":"refunds","input":"q","expected_label":"x","reference":"yes"})",
      R"({"id":"s1","category":"shipping","input":"q","expected_label":"x","reference":"yes"})",
  });
  const std::string responses = lines({
      R"({"id":"b1","output":"yes","label":"x"})",
      R"({"id":"b2","output":"no","label":"y"})",
      R"({"id":"b3","output":"yes","label":"x","error":"HTTP 500"})",
      R"({"id":"r1","output":"yes","label":"x"})",
      R"({"id":"r2","output":"no","label":"y"})",
      R"({"id":"s1","output":"yes","label":"y"})",
  });
  const Built b = build(
      "dimensions:\n  routing: label-match\n  answer: exact-match\nslices: [category]\n"
      "bars:\n"
      "  routing: {min: 0.99, per_slice: {min: 0.99}}\n"
      "  answer: {min: 0.99, per_slice: {min: 0.99}}\n"
      "  errors: {max: 0.0, per_slice: {max: 0.0}}\n"
      "critical_slices: [category=refunds]\n",
      cases, responses);
  const Report& r = b.report;
  ASSERT_EQ(r.dimensions[0].name, "routing");
  ASSERT_EQ(r.dimensions[1].name, "answer");
  ASSERT_EQ(r.dimensions[2].name, "errors");
  std::vector<std::string> got;
  for (const Failure& f : r.failures) {
    got.push_back(
        fmt::format("{} {} {}", f.bar.source, r.dimensions[f.dimension.value()].name, f.where));
  }
  // Within per-slice routing, shipping (0 against 0.99) missed by more than billing (1/3).
  EXPECT_EQ(got, (std::vector<std::string>{
                     "critical routing category=refunds",
                     "critical answer category=refunds",
                     "overall routing overall",
                     "overall answer overall",
                     "overall errors overall",
                     "per_slice routing category=shipping",
                     "per_slice routing category=billing",
                     "per_slice answer category=billing",
                     "per_slice errors category=billing",
                 }));
  EXPECT_FALSE(r.passed);
}

TEST(BuildReport, AMissingCriticalSliceComesBeforeEveryOtherFailure) {
  const Built b = build(
      "dimensions:\n  routing: label-match\nslices: [category]\n"
      "bars:\n  routing: {min: 0.9}\n"
      "critical_slices: [category=refunds, category=legal]\n",
      kRoutingCases, kRoutingResponses);
  const Report& r = b.report;
  ASSERT_EQ(r.failures.size(), 3u);
  EXPECT_EQ(r.failures[0].where, "category=legal");
  EXPECT_EQ(r.failures[0].bar.stat, "n");
  EXPECT_EQ(r.failures[1].where, "category=refunds");
  EXPECT_TRUE(r.failures[1].critical);
  EXPECT_EQ(r.failures[2].where, "overall");
}

TEST(BuildReport, IntervalsUseTheSuitesConfidence) {
  const Built b =
      build("dimensions:\n  routing: label-match\nslices: [category]\nconfidence: 0.9\n",
            kRoutingCases, kRoutingResponses);
  const double z90 = 1.6448536269514722;  // two-sided 90% normal quantile
  const DimensionResult& d = dim(b.report, "routing");
  EXPECT_DOUBLE_EQ(b.report.confidence, 0.9);
  expect_interval(d.overall.interval, wilson_expected(7, 10, z90));
  expect_interval(cell(d, "category", "billing").interval, wilson_expected(4, 5, z90));
}

TEST(BuildReport, ARepeatedTagCountsTheCaseOnceInItsCell) {
  // A case is one observation: listing a tag (or a metadata list value) twice must not double it.
  const std::string cases = lines({
      R"({"id":"c1","category":"a","input":"q","expected_label":"x","tags":["pricing","pricing"],"metadata":{"channels":["chat","chat","mail"]}})",
      R"({"id":"c2","category":"a","input":"q","expected_label":"x","tags":["pricing"],"metadata":{"channels":["chat"]}})",
  });
  const std::string responses = lines({label_response("c1", "x"), label_response("c2", "y")});
  const Built b =
      build("dimensions:\n  routing: label-match\nslices: [tags, channels, [tags, category]]\n",
            cases, responses);
  const DimensionResult& d = dim(b.report, "routing");
  EXPECT_EQ(cell(d, "tags", "pricing").n, 2u);
  EXPECT_DOUBLE_EQ(cell(d, "tags", "pricing").estimate, 0.5);
  EXPECT_EQ(cell(d, "channels", "chat").n, 2u);
  EXPECT_EQ(cell(d, "channels", "mail").n, 1u);
  EXPECT_EQ(cell(d, "tags × category", "pricing × a").n, 2u);
}

TEST(BuildReport, ASliceCellWhereTheDimensionNeverAppliesIsNoDataNotAFailure) {
  // Routing applies only to cases with an expected_label; language "de" has none. Its per-slice
  // cell has nothing to measure: reported as no data, it must not fail the run.
  const std::string cases = lines({
      R"({"id":"c1","language":"en","input":"q","expected_label":"x"})",
      R"({"id":"c2","language":"en","input":"q","expected_label":"x"})",
      R"({"id":"c3","language":"de","input":"q"})",
  });
  const std::string responses =
      lines({label_response("c1", "x"), label_response("c2", "x"), label_response("c3", "x")});
  const Built b = build(
      "dimensions:\n  routing: label-match\nslices: [language]\n"
      "bars:\n  routing: {min: 0.5, per_slice: {min: 0.5}}\n",
      cases, responses);
  const DimensionResult& d = dim(b.report, "routing");
  const Cell& de = cell(d, "language", "de");
  EXPECT_EQ(de.n, 0u);
  EXPECT_EQ(de.n_not_applicable, 1u);
  EXPECT_TRUE(std::isnan(de.estimate));
  EXPECT_EQ(std::string(to_string(de.status)), std::string("no_data"));
  EXPECT_TRUE(b.report.failures.empty());
  EXPECT_TRUE(b.report.passed);
}

}  // namespace QB_UNITY_ID
}  // namespace qb
