#include "qualbar/stats/ppi.hpp"

#include <cmath>
#include <fstream>
#include <iomanip>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "qualbar/stats/intervals.hpp"
#include "qualbar/stats/random.hpp"

#include "reference.hpp"

namespace qb::stats {
namespace QB_UNITY_ID {

using nlohmann::json;

const nlohmann::json& reference() { return test::reference("ppi.json"); }

::testing::AssertionResult close_to(double actual, const json& expected) {
  const double want = expected.get<double>();
  const double diff = std::fabs(actual - want);
  if (diff <= 1e-12 || diff <= 1e-9 * std::fabs(want)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << std::setprecision(17) << "got " << actual << ", want "
                                       << want << " (difference " << diff << ")";
}

// Owns the vectors a PpiSample points into.
struct Data {
  std::vector<double> y, f, g;
  PpiSample sample() const { return {y, f, g}; }
};

Data data_set(const std::string& name) {
  const json& d = reference().at("data").at(name);
  return {d.at("labels").get<std::vector<double>>(),
          d.at("labeled_predictions").get<std::vector<double>>(),
          d.at("unlabeled_predictions").get<std::vector<double>>()};
}

PpiOptions options(const json& c) {
  PpiOptions opts;
  opts.confidence = c.at("confidence").get<double>();
  opts.variant = c.at("variant") == "ppi" ? PpiVariant::ppi : PpiVariant::ppi_plus_plus;
  return opts;
}

// ---- against the reference --------------------------------------------------------------------

TEST(PpiReference, FixtureIsComplete) {
  for (const char* key : {"data", "means", "differences"})
    ASSERT_TRUE(reference().contains(key)) << key;
  EXPECT_GE(reference().at("means").size(), 20U);
  EXPECT_GE(reference().at("differences").size(), 4U);
}

// Same formulas as ppi_py, so 1e-9. The constant_judge case uses λ = 0 where ppi_py gives NaN
// (0/0): with constant predictions the judge carries no information (see ppi.hpp).
TEST(PpiReference, MeanMatchesPpiPyFormulas) {
  for (const auto& c : reference().at("means")) {
    const Data d = data_set(c.at("data").get<std::string>());
    const PpiResult r = ppi_mean(d.sample(), options(c));
    SCOPED_TRACE(c.dump());
    ASSERT_TRUE(r.reason.empty()) << r.reason;
    EXPECT_TRUE(close_to(r.lambda, c.at("lambda")));
    EXPECT_TRUE(close_to(r.estimate, c.at("estimate")));
    EXPECT_TRUE(close_to(r.standard_error, c.at("standard_error")));
    EXPECT_TRUE(close_to(r.interval.lo, c.at("lo")));
    EXPECT_TRUE(close_to(r.interval.hi, c.at("hi")));
  }
}

TEST(PpiReference, DifferenceMatchesPpiPyFormulas) {
  for (const auto& c : reference().at("differences")) {
    const Data a = data_set(c.at("a").get<std::string>());
    const Data b = data_set(c.at("b").get<std::string>());
    const PpiDifference r = ppi_mean_difference(a.sample(), b.sample(), options(c));
    SCOPED_TRACE(c.dump());
    ASSERT_TRUE(r.reason.empty()) << r.reason;
    EXPECT_TRUE(close_to(r.estimate, c.at("estimate")));
    EXPECT_TRUE(close_to(r.standard_error, c.at("standard_error")));
    EXPECT_TRUE(close_to(r.interval.lo, c.at("lo")));
    EXPECT_TRUE(close_to(r.interval.hi, c.at("hi")));
  }
}

// A rate: the estimate clipped to [0, 1], statsmodels' Wilson interval at the effective sample
// size. Where the plain interval leaves [0, 1] or has no width, this one does not.
TEST(PpiReference, RateMatchesWilsonAtTheEffectiveSampleSize) {
  std::size_t plain_outside = 0, plain_no_width = 0;
  ASSERT_GE(reference().at("rates").size(), 20U);
  for (const auto& c : reference().at("rates")) {
    const Data d = data_set(c.at("data").get<std::string>());
    const PpiResult r = ppi_rate(d.sample(), options(c));
    SCOPED_TRACE(c.dump());
    ASSERT_TRUE(r.reason.empty()) << r.reason;
    EXPECT_TRUE(close_to(r.lambda, c.at("lambda")));
    EXPECT_TRUE(close_to(r.estimate, c.at("estimate")));
    EXPECT_TRUE(close_to(r.standard_error, c.at("standard_error")));
    EXPECT_TRUE(close_to(r.effective_n, c.at("effective_n")));
    EXPECT_TRUE(close_to(r.interval.lo, c.at("lo")));
    EXPECT_TRUE(close_to(r.interval.hi, c.at("hi")));
    EXPECT_GE(r.interval.lo, 0.0);
    EXPECT_LE(r.interval.hi, 1.0);
    EXPECT_LT(r.interval.lo, r.interval.hi);
    plain_outside += c.at("plain_lo").get<double>() < 0.0 || c.at("plain_hi").get<double>() > 1.0;
    plain_no_width += c.at("plain_lo").get<double>() == c.at("plain_hi").get<double>();
  }
  EXPECT_GE(plain_outside, 4U);
  EXPECT_GE(plain_no_width, 4U);
}

// 11 items graded by people, all passes, and a judge that passes those and 9 more: the plain
// interval is "100.0% [100.0, 100.0]". For a rate it is the Wilson interval of the 11 labels.
TEST(PpiRate, ElevenPassesAreNotCertainty) {
  const std::vector<double> y(11, 1.0), f(11, 1.0), g(9, 1.0);
  const PpiResult plain = ppi_mean({y, f, g}, {0.95, PpiVariant::ppi_plus_plus});
  ASSERT_EQ(plain.interval.lo, 1.0);
  const PpiResult r = ppi_rate({y, f, g}, {0.95, PpiVariant::ppi_plus_plus});
  EXPECT_EQ(r.estimate, 1.0);
  EXPECT_EQ(r.effective_n, 11.0);
  const Interval w = wilson(11, 11, 0.95);
  EXPECT_DOUBLE_EQ(r.interval.lo, w.lo);
  EXPECT_EQ(r.interval.hi, 1.0);
  EXPECT_LT(r.interval.lo, 0.75);
}

TEST(PpiRate, ConstantJudgeIsTheWilsonIntervalOfTheLabels) {
  const std::vector<double> y = {1, 0, 1, 1, 0, 1, 1, 1}, f(8, 1.0), g(50, 1.0);
  const PpiResult r = ppi_rate({y, f, g}, {0.9, PpiVariant::ppi_plus_plus});
  EXPECT_EQ(r.lambda, 0.0);
  const Interval w = wilson(6, 8, 0.9);
  EXPECT_NEAR(r.interval.lo, w.lo, 1e-12);
  EXPECT_NEAR(r.interval.hi, w.hi, 1e-12);
}

TEST(PpiRate, ValuesOutsideZeroOneAreNotARate) {
  const std::vector<double> y = {1, 0, 1}, f = {1.2, 0, 1}, g = {1, 1, 0};
  const PpiResult r = ppi_rate({y, f, g}, {0.95, PpiVariant::ppi});
  EXPECT_TRUE(std::isnan(r.estimate));
  EXPECT_EQ(r.reason, "a label or prediction is outside [0, 1]: a rate needs values from 0 to 1");
  const std::vector<double> one = {1};
  EXPECT_EQ(ppi_rate({one, one, g}, {0.95, PpiVariant::ppi}).reason, "fewer than 2 labeled items");
}

// ---- coverage on synthetic data with a biased judge --------------------------------------------

// Y ~ Bernoulli(p); the judge says 1 with probability tpr when Y = 1 and fpr when Y = 0, so its
// mean is p·tpr + (1 − p)·fpr, not p.
Data simulate(Rng& rng, std::size_t n, std::size_t big_n, double p, double tpr, double fpr) {
  Data d;
  auto draw = [&](std::vector<double>* y, std::vector<double>& f) {
    const bool label = rng.uniform() < p;
    if (y != nullptr) y->push_back(label ? 1.0 : 0.0);
    f.push_back(rng.uniform() < (label ? tpr : fpr) ? 1.0 : 0.0);
  };
  for (std::size_t i = 0; i < n; ++i) draw(&d.y, d.f);
  for (std::size_t i = 0; i < big_n; ++i) draw(nullptr, d.g);
  return d;
}

// The judge-only interval: the mean of the predictions on the unlabeled items, CLT.
Interval judge_only(const Data& d, double confidence) {
  const double n = static_cast<double>(d.g.size());
  const double mean = std::accumulate(d.g.begin(), d.g.end(), 0.0) / n;
  double ss = 0.0;
  for (const double x : d.g) ss += (x - mean) * (x - mean);
  const double half = z_two_sided(confidence) * std::sqrt(ss / (n - 1.0) / n);
  return {mean - half, mean + half};
}

bool covers(const Interval& i, double truth) { return i.lo <= truth && truth <= i.hi; }

constexpr int kSimulations = 1'000;

// 1,000 seeded simulations at 95%: the coverage estimate has a standard error of
// √(0.95 · 0.05 / 1000) ≈ 0.007, so the band [0.93, 0.97] is about ±3 standard errors.
TEST(PpiCoverage, CoversTheTruthAtTheNominalRateWithABiasedJudge) {
  const double truth = 0.6, tpr = 0.95, fpr = 0.3;  // the judge's mean is 0.69
  int ppi = 0, tuned = 0, judge = 0;
  double width_ppi = 0.0, width_tuned = 0.0, width_labels = 0.0;
  for (int s = 0; s < kSimulations; ++s) {
    Rng rng(2026, static_cast<std::uint64_t>(s));
    const Data d = simulate(rng, 200, 5'000, truth, tpr, fpr);
    const PpiResult plain = ppi_mean(d.sample(), {0.95, PpiVariant::ppi});
    const PpiResult plus = ppi_mean(d.sample(), {0.95, PpiVariant::ppi_plus_plus});
    ASSERT_TRUE(plain.reason.empty() && plus.reason.empty());
    ppi += covers(plain.interval, truth);
    tuned += covers(plus.interval, truth);
    judge += covers(judge_only(d, 0.95), truth);
    width_ppi += plain.interval.hi - plain.interval.lo;
    width_tuned += plus.interval.hi - plus.interval.lo;
    // The classical interval from the labels alone, for comparison: λ = 0.
    const double my = std::accumulate(d.y.begin(), d.y.end(), 0.0) / 200.0;
    width_labels += 2.0 * z_two_sided(0.95) * std::sqrt(my * (1.0 - my) / 200.0);
  }
  RecordProperty("ppi_covered", ppi);
  RecordProperty("ppi_plus_plus_covered", tuned);
  RecordProperty("judge_only_covered", judge);
  EXPECT_GE(ppi, 930);
  EXPECT_LE(ppi, 970);
  EXPECT_GE(tuned, 930);
  EXPECT_LE(tuned, 970);
  // The judge alone is precise and wrong: its interval almost never covers the truth.
  EXPECT_LT(judge, 50);
  // PPI uses the unlabeled items to narrow the labels-only interval; PPI++ at least as much.
  EXPECT_LT(width_ppi, width_labels);
  EXPECT_LE(width_tuned, width_ppi);
}

// Small labeled samples near 100%, where the plain interval is often of no width or past 1:
// 11 labeled and 9 judged items at p = 0.95, and 15 and 100 at p = 0.98. The rate interval
// covers the truth at about the nominal rate; the plain one about half the time or less.
TEST(PpiCoverage, RateIntervalCoversNearOneWithFewLabels) {
  struct Setting {
    std::size_t n, big_n;
    double p, tpr, fpr;
  };
  for (const Setting st : {Setting{11, 9, 0.95, 0.98, 0.5}, Setting{15, 100, 0.98, 0.99, 0.5}}) {
    int rate = 0, plain = 0;
    for (int s = 0; s < kSimulations; ++s) {
      Rng rng(515, static_cast<std::uint64_t>(s));
      const Data d = simulate(rng, st.n, st.big_n, st.p, st.tpr, st.fpr);
      const PpiOptions o{0.95, PpiVariant::ppi_plus_plus};
      const PpiResult r = ppi_rate(d.sample(), o);
      ASSERT_TRUE(r.reason.empty()) << r.reason;
      ASSERT_GE(r.interval.lo, 0.0);
      ASSERT_LE(r.interval.hi, 1.0);
      ASSERT_LT(r.interval.lo, r.interval.hi);
      rate += covers(r.interval, st.p);
      plain += covers(ppi_mean(d.sample(), o).interval, st.p);
    }
    RecordProperty(fmt::format("rate_covered_n{}", st.n), rate);
    RecordProperty(fmt::format("plain_covered_n{}", st.n), plain);
    EXPECT_GE(rate, 920) << st.n;
    EXPECT_LT(plain, 700) << st.n;
  }
}

TEST(PpiCoverage, DifferenceCoversWhenTheJudgeIsBiasedDifferentlyPerModel) {
  // Model A is truly better by 0.05, but the judge favours model B's style: judge-only says B.
  const double p_a = 0.75, p_b = 0.70;
  int ppi = 0, judge = 0;
  for (int s = 0; s < kSimulations; ++s) {
    Rng rng(77, static_cast<std::uint64_t>(s));
    const Data a = simulate(rng, 250, 4'000, p_a, 0.85, 0.10);
    const Data b = simulate(rng, 250, 4'000, p_b, 0.95, 0.40);
    const PpiDifference r =
        ppi_mean_difference(a.sample(), b.sample(), {0.95, PpiVariant::ppi_plus_plus});
    ASSERT_TRUE(r.reason.empty());
    ppi += covers(r.interval, p_a - p_b);
    const Interval ja = judge_only(a, 0.95), jb = judge_only(b, 0.95);
    const double mid = (ja.lo + ja.hi) / 2.0 - (jb.lo + jb.hi) / 2.0;
    const double half = std::hypot((ja.hi - ja.lo) / 2.0, (jb.hi - jb.lo) / 2.0);
    judge += covers({mid - half, mid + half}, p_a - p_b);
  }
  RecordProperty("ppi_plus_plus_covered", ppi);
  RecordProperty("judge_only_covered", judge);
  EXPECT_GE(ppi, 930);
  EXPECT_LE(ppi, 970);
  EXPECT_LT(judge, 50);
}

// ---- definitions and degenerate cases -----------------------------------------------------------

TEST(Ppi, PlainPpiIsJudgeMeanMinusRectifier) {
  const std::vector<double> y = {1, 0, 1, 1}, f = {1, 1, 1, 0}, g = {1, 1, 0, 1, 1};
  const PpiResult r = ppi_mean({y, f, g}, {0.95, PpiVariant::ppi});
  // mean(g) = 0.8, mean(f − y) = (0 + 1 + 0 − 1)/4 = 0.
  EXPECT_DOUBLE_EQ(r.estimate, 0.8);
  EXPECT_EQ(r.lambda, 1.0);
  // var(g) = 0.16 (divisor 5), var(f − y) = 0.5 (divisor 4).
  EXPECT_DOUBLE_EQ(r.standard_error, std::sqrt(0.16 / 5.0 + 0.5 / 4.0));
}

TEST(Ppi, ConstantJudgeReducesPpiPlusPlusToTheLabelMean) {
  const std::vector<double> y = {1, 0, 1, 1, 0, 1}, f(6, 0.5), g(30, 0.5);
  const PpiResult r = ppi_mean({y, f, g}, {0.95, PpiVariant::ppi_plus_plus});
  EXPECT_TRUE(r.reason.empty());
  EXPECT_EQ(r.lambda, 0.0);
  EXPECT_DOUBLE_EQ(r.estimate, 4.0 / 6.0);
  EXPECT_DOUBLE_EQ(r.standard_error, std::sqrt((4.0 / 6.0) * (2.0 / 6.0) / 6.0));
}

TEST(Ppi, NoVarianceIsAZeroWidthInterval) {
  const std::vector<double> y(5, 1.0), f(5, 1.0), g(20, 1.0);
  for (const auto variant : {PpiVariant::ppi, PpiVariant::ppi_plus_plus}) {
    const PpiResult r = ppi_mean({y, f, g}, {0.95, variant});
    EXPECT_TRUE(r.reason.empty());
    EXPECT_EQ(r.estimate, 1.0);
    EXPECT_EQ(r.interval.lo, 1.0);
    EXPECT_EQ(r.interval.hi, 1.0);
  }
}

void expect_failure(const PpiResult& r, std::string_view reason) {
  EXPECT_EQ(r.reason, reason);
  EXPECT_TRUE(std::isnan(r.estimate));
  EXPECT_TRUE(std::isnan(r.standard_error));
  EXPECT_TRUE(std::isnan(r.interval.lo));
  EXPECT_TRUE(std::isnan(r.interval.hi));
}

TEST(Ppi, TooFewItems) {
  const std::vector<double> one = {1.0}, two = {1.0, 0.0}, none;
  expect_failure(ppi_mean({one, one, two}, {}), "fewer than 2 labeled items");
  expect_failure(ppi_mean({none, none, two}, {}), "fewer than 2 labeled items");
  expect_failure(ppi_mean({two, two, one}, {}), "fewer than 2 unlabeled items");
  expect_failure(ppi_mean({two, two, none}, {}), "fewer than 2 unlabeled items");
}

TEST(Ppi, BadInput) {
  const std::vector<double> two = {1.0, 0.0}, three = {1.0, 0.0, 1.0};
  const std::vector<double> nan = {1.0, std::numeric_limits<double>::quiet_NaN()};
  expect_failure(ppi_mean({two, three, three}, {}),
                 "labels and labeled predictions differ in length");
  expect_failure(ppi_mean({nan, two, three}, {}), "NaN or infinite value in the input");
  const std::vector<double> inf = {std::numeric_limits<double>::infinity(), 1.0};
  expect_failure(ppi_mean({two, two, inf}, {}), "NaN or infinite value in the input");
  expect_failure(ppi_mean({two, two, three}, {0.0, PpiVariant::ppi}),
                 "confidence must be between 0 and 1 (exclusive)");
}

TEST(Ppi, DifferenceReportsTheFailingSide) {
  const std::vector<double> one = {1.0}, two = {1.0, 0.0}, three = {1.0, 0.0, 1.0};
  const PpiDifference r = ppi_mean_difference({two, two, three}, {one, one, three}, {});
  EXPECT_EQ(r.reason, "fewer than 2 labeled items");
  EXPECT_TRUE(r.a.reason.empty());
  EXPECT_EQ(r.b.reason, "fewer than 2 labeled items");
  EXPECT_TRUE(std::isnan(r.estimate));
  EXPECT_TRUE(std::isnan(r.interval.lo));
}

}  // namespace QB_UNITY_ID
}  // namespace qb::stats
