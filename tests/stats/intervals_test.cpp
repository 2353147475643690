#include "qualbar/stats/intervals.hpp"

#include <cmath>
#include <fstream>
#include <iomanip>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "qualbar/stats/random.hpp"

#include "reference.hpp"

namespace qb::stats {
namespace QB_UNITY_ID {

using nlohmann::json;

const nlohmann::json& reference() { return test::reference("intervals.json"); }

// 1e-9 relative, or 1e-12 absolute near zero. A null reference value means NaN (no bound).
::testing::AssertionResult close_to(double actual, const json& expected) {
  if (expected.is_null()) {
    if (std::isnan(actual)) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "got " << actual << ", want NaN (no bound)";
  }
  const double want = expected.get<double>();
  const double diff = std::fabs(actual - want);
  if (diff <= 1e-12 || diff <= 1e-9 * std::fabs(want)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << std::setprecision(17) << "got " << actual << ", want "
                                       << want << " (difference " << diff << ")";
}

std::vector<double> data_set(const std::string& name) {
  return reference().at("data").at(name).get<std::vector<double>>();
}

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// ---- against the reference --------------------------------------------------------------------

TEST(IntervalsReference, FixtureIsComplete) {
  for (const char* key : {"wilson", "clopper_pearson", "agresti_coull", "newcombe", "t_interval",
                          "unit_mean", "quantile_interval_min_n", "quantile", "quantile_interval",
                          "min_detectable_drop", "z_two_sided"}) {
    ASSERT_TRUE(reference().contains(key)) << key;
    EXPECT_GE(reference().at(key).size(), 6U) << key;
  }
}

TEST(IntervalsReference, WilsonMatchesStatsmodels) {
  for (const auto& c : reference().at("wilson")) {
    const auto x = c.at("x").get<std::size_t>();
    const auto n = c.at("n").get<std::size_t>();
    const double conf = c.at("confidence").get<double>();
    const Interval got = wilson(x, n, conf);
    EXPECT_TRUE(close_to(got.lo, c.at("lo"))) << "lo of " << c.dump();
    EXPECT_TRUE(close_to(got.hi, c.at("hi"))) << "hi of " << c.dump();
  }
}

TEST(IntervalsReference, ClopperPearsonMatchesStatsmodelsBeta) {
  for (const auto& c : reference().at("clopper_pearson")) {
    const Interval got = clopper_pearson(c.at("x").get<std::size_t>(), c.at("n").get<std::size_t>(),
                                         c.at("confidence").get<double>());
    EXPECT_TRUE(close_to(got.lo, c.at("lo"))) << "lo of " << c.dump();
    EXPECT_TRUE(close_to(got.hi, c.at("hi"))) << "hi of " << c.dump();
  }
}

TEST(IntervalsReference, AgrestiCoullMatchesStatsmodels) {
  for (const auto& c : reference().at("agresti_coull")) {
    const Interval got = agresti_coull(c.at("x").get<std::size_t>(), c.at("n").get<std::size_t>(),
                                       c.at("confidence").get<double>());
    EXPECT_TRUE(close_to(got.lo, c.at("lo"))) << "lo of " << c.dump();
    EXPECT_TRUE(close_to(got.hi, c.at("hi"))) << "hi of " << c.dump();
  }
}

// statsmodels confint_proportions_2indep(method='newcomb') gives p1 − p2, first sample first: the
// same order as newcombe_difference(x_a, n_a, x_b, n_b).
TEST(IntervalsReference, NewcombeMatchesStatsmodelsNewcomb) {
  for (const auto& c : reference().at("newcombe")) {
    const Interval got =
        newcombe_difference(c.at("x_a").get<std::size_t>(), c.at("n_a").get<std::size_t>(),
                            c.at("x_b").get<std::size_t>(), c.at("n_b").get<std::size_t>(),
                            c.at("confidence").get<double>());
    EXPECT_TRUE(close_to(got.lo, c.at("lo"))) << "lo of " << c.dump();
    EXPECT_TRUE(close_to(got.hi, c.at("hi"))) << "hi of " << c.dump();
  }
}

// SciPy's relative_risk(x_a, n_a, x_b, n_b): the ratio p_a / p_b and Katz's interval.
TEST(IntervalsReference, RatioKatzMatchesScipyRelativeRisk) {
  for (const auto& c : reference().at("ratio_katz")) {
    const RatioInterval got =
        ratio_katz(c.at("x_a").get<std::size_t>(), c.at("n_a").get<std::size_t>(),
                   c.at("x_b").get<std::size_t>(), c.at("n_b").get<std::size_t>(),
                   c.at("confidence").get<double>());
    EXPECT_TRUE(close_to(got.ratio, c.at("ratio"))) << "ratio of " << c.dump();
    EXPECT_TRUE(close_to(got.interval.lo, c.at("lo"))) << "lo of " << c.dump();
    EXPECT_TRUE(close_to(got.interval.hi, c.at("hi"))) << "hi of " << c.dump();
  }
}

TEST(Intervals, RatioKatzEdges) {
  const RatioInterval none = ratio_katz(0, 17, 12, 17, 0.95);  // SciPy: 0, [0, nan]
  EXPECT_EQ(none.ratio, 0.0);
  EXPECT_EQ(none.interval.lo, 0.0);
  EXPECT_TRUE(std::isnan(none.interval.hi));
  EXPECT_TRUE(std::isnan(ratio_katz(3, 17, 0, 17, 0.95).ratio));
  EXPECT_TRUE(std::isnan(ratio_katz(3, 0, 1, 17, 0.95).ratio));
}

TEST(IntervalsReference, TIntervalMatchesScipy) {
  for (const auto& c : reference().at("t_interval")) {
    const Interval got = t_interval(c.at("mean").get<double>(), c.at("sd").get<double>(),
                                    c.at("n").get<std::size_t>(), c.at("confidence").get<double>());
    EXPECT_TRUE(close_to(got.lo, c.at("lo"))) << "lo of " << c.dump();
    EXPECT_TRUE(close_to(got.hi, c.at("hi"))) << "hi of " << c.dump();
  }
}

// A mean of scores in [0, 1]: statsmodels' Wilson interval at the effective sample size with
// Student's t quantile. Where the t interval leaves [0, 1] or has no width, this one does not.
TEST(IntervalsReference, UnitMeanIntervalMatchesStatsmodelsWilsonAtEffectiveN) {
  std::size_t t_outside = 0, t_no_width = 0;
  for (const auto& c : reference().at("unit_mean")) {
    const std::vector<double> xs = reference()
                                       .at("unit_mean_data")
                                       .at(c.at("data").get<std::string>())
                                       .get<std::vector<double>>();
    ASSERT_EQ(xs.size(), c.at("n").get<std::size_t>());
    const Interval got =
        unit_mean_interval(c.at("mean").get<double>(), c.at("sd").get<double>(),
                           c.at("n").get<std::size_t>(), c.at("confidence").get<double>());
    EXPECT_TRUE(close_to(got.lo, c.at("lo"))) << "lo of " << c.dump();
    EXPECT_TRUE(close_to(got.hi, c.at("hi"))) << "hi of " << c.dump();
    EXPECT_GE(got.lo, 0.0) << c.dump();
    EXPECT_LE(got.hi, 1.0) << c.dump();
    EXPECT_LT(got.lo, got.hi) << "never of no width: " << c.dump();
    EXPECT_LE(got.lo, c.at("mean").get<double>()) << c.dump();
    EXPECT_GE(got.hi, c.at("mean").get<double>()) << c.dump();
    t_outside += c.at("t_hi").get<double>() > 1.0 || c.at("t_lo").get<double>() < 0.0;
    t_no_width += c.at("t_hi").get<double>() == c.at("t_lo").get<double>();
  }
  EXPECT_GE(t_outside, 10U) << "the fixture has means whose t interval leaves [0, 1]";
  EXPECT_GE(t_no_width, 6U) << "and means whose t interval has no width";
}

TEST(IntervalsReference, QuantileIntervalMinNMatchesBinomialSearch) {
  for (const auto& c : reference().at("quantile_interval_min_n")) {
    const QuantileIntervalSizes got =
        quantile_interval_min_n(c.at("q").get<double>(), c.at("confidence").get<double>());
    EXPECT_EQ(got.lower, c.at("lower").get<std::size_t>()) << c.dump();
    EXPECT_EQ(got.upper, c.at("upper").get<std::size_t>()) << c.dump();
  }
}

TEST(QuantileIntervalMinN, IsWhereTheEndAppears) {
  const QuantileIntervalSizes p95 = quantile_interval_min_n(0.95, 0.95);
  EXPECT_EQ(p95.upper, 72U);
  std::vector<double> values(71);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<double>(i);
  EXPECT_TRUE(std::isnan(quantile_interval_sorted(values, 0.95, 0.95).hi));
  values.push_back(71.0);
  EXPECT_FALSE(std::isnan(quantile_interval_sorted(values, 0.95, 0.95).hi));
  EXPECT_EQ(quantile_interval_min_n(1.0, 0.95).upper, 0U);
  EXPECT_EQ(quantile_interval_min_n(0.95, 1.0).upper, 0U);
}

TEST(UnitMeanInterval, NearOneStaysBelowOne) {
  // 17 scores of 1 and 0.95, 0.97, 0.98: mean 0.995, the t interval [0.989, 1.001].
  const Interval t = t_interval(0.995, 0.0131789, 20, 0.95);
  ASSERT_GT(t.hi, 1.0);
  const Interval i = unit_mean_interval(0.995, 0.0131789, 20, 0.95);
  EXPECT_LT(i.hi, 1.0);
  EXPECT_GT(i.hi, 0.995);
  EXPECT_LT(i.lo, 0.995);
}

TEST(UnitMeanInterval, NoSpreadIsThePassRateIntervalNotAPoint) {
  // Ten scores of exactly 1: the t interval is [1, 1]; this one is the pass-rate interval of 10
  // of 10 (with t(9) for z), the widest a [0, 1] score allows.
  const Interval all_one = unit_mean_interval(1.0, 0.0, 10, 0.95);
  EXPECT_EQ(all_one.hi, 1.0);
  EXPECT_LT(all_one.lo, 0.75);
  const Interval t9 = wilson_score(1.0, 10.0, 2.262157162798205);  // t(9) at 0.975 (mpmath)
  EXPECT_NEAR(all_one.lo, t9.lo, 1e-15);
  const Interval all_zero = unit_mean_interval(0.0, 0.0, 5, 0.95);
  EXPECT_EQ(all_zero.lo, 0.0);
  EXPECT_GT(all_zero.hi, 0.3);
  const Interval flat = unit_mean_interval(0.8, 0.0, 10, 0.95);
  EXPECT_LT(flat.lo, 0.8);
  EXPECT_GT(flat.hi, 0.8);
}

// Coverage at 95% over 2,000 seeded samples of 10 scores each, for two score distributions near
// 1 where the t interval falls short: a 1–5 judge scale read as 0–1 (mostly 5s) and U^0.1 (a
// continuous score skewed towards 1, mean 1/1.1). The coverage estimates have a standard error of
// about 0.005. Measured: judge scale 98.3% (t interval 88.7%), U^0.1 92.9% (90.7%).
TEST(UnitMeanInterval, CoversMeansNearOneBetterThanTheTInterval) {
  struct Setting {
    const char* name;
    double (*draw)(Rng&);
    double mean;
  };
  const Setting settings[] = {
      {"judge scale",
       [](Rng& r) {
         const double u = r.uniform();  // 0, 0.25, 0.5, 0.75, 1 with 2, 3, 5, 20, 70%
         return u < 0.02 ? 0.0 : u < 0.05 ? 0.25 : u < 0.10 ? 0.5 : u < 0.30 ? 0.75 : 1.0;
       },
       0.02 * 0.0 + 0.03 * 0.25 + 0.05 * 0.5 + 0.20 * 0.75 + 0.70},
      {"U^0.1", [](Rng& r) { return std::pow(r.uniform(), 0.1); }, 1.0 / 1.1},
  };
  constexpr int kSamples = 2'000;
  for (const Setting& st : settings) {
    int bounded = 0, t = 0;
    for (int s = 0; s < kSamples; ++s) {
      Rng rng(41, static_cast<std::uint64_t>(s));
      std::vector<double> x(10);
      for (double& v : x) v = st.draw(rng);
      double sum = 0, ss = 0;
      for (const double v : x) sum += v;
      const double m = sum / 10.0;
      for (const double v : x) ss += (v - m) * (v - m);
      const double sd = std::sqrt(ss / 9.0);
      const Interval u = unit_mean_interval(m, sd, 10, 0.95);
      ASSERT_GE(u.lo, 0.0);
      ASSERT_LE(u.hi, 1.0);
      ASSERT_LT(u.lo, u.hi);
      bounded += u.lo <= st.mean && st.mean <= u.hi;
      const Interval ti = t_interval(m, sd, 10, 0.95);
      t += ti.lo <= st.mean && st.mean <= ti.hi;
    }
    RecordProperty(std::string(st.name) + " bounded covered", bounded);
    RecordProperty(std::string(st.name) + " t covered", t);
    EXPECT_GE(bounded, 1'830) << st.name;  // 91.5%: at least about 3 standard errors below 95%
    EXPECT_GT(bounded, t) << st.name;
  }
}

TEST(UnitMeanInterval, InvalidInputIsEmpty) {
  for (const Interval i :
       {unit_mean_interval(0.5, 0.1, 1, 0.95), unit_mean_interval(1.2, 0.1, 9, 0.95),
        unit_mean_interval(-0.1, 0.1, 9, 0.95), unit_mean_interval(0.5, kNaN, 9, 0.95),
        unit_mean_interval(0.5, 0.1, 9, 1.0)}) {
    EXPECT_TRUE(std::isnan(i.lo));
    EXPECT_TRUE(std::isnan(i.hi));
  }
}

TEST(WilsonScore, WholeSizeAndZIsWilson) {
  for (const std::size_t x : {0U, 1U, 7U, 16U, 17U}) {
    const Interval a = wilson(x, 17, 0.95);
    const Interval b = wilson_score(static_cast<double>(x) / 17.0, 17.0, z_two_sided(0.95));
    EXPECT_NEAR(a.lo, b.lo, 1e-15) << x;
    EXPECT_NEAR(a.hi, b.hi, 1e-15) << x;
  }
  EXPECT_TRUE(std::isnan(wilson_score(0.5, 0.0, 1.96).lo));
  EXPECT_TRUE(std::isnan(wilson_score(1.5, 10.0, 1.96).lo));
  EXPECT_TRUE(std::isnan(wilson_score(0.5, 10.0, 0.0).lo));
}

TEST(IntervalsReference, QuantileMatchesNumpyLinear) {
  for (const auto& c : reference().at("quantile")) {
    const std::vector<double> sorted = data_set(c.at("data").get<std::string>());
    const double got = quantile_sorted(sorted, c.at("q").get<double>());
    EXPECT_TRUE(close_to(got, c.at("value"))) << c.dump();
  }
}

TEST(IntervalsReference, QuantileIntervalMatchesBinomialOrderStatistics) {
  for (const auto& c : reference().at("quantile_interval")) {
    const std::vector<double> sorted = data_set(c.at("data").get<std::string>());
    const Interval got =
        quantile_interval_sorted(sorted, c.at("q").get<double>(), c.at("confidence").get<double>());
    EXPECT_TRUE(close_to(got.lo, c.at("lo"))) << "lo of " << c.dump();
    EXPECT_TRUE(close_to(got.hi, c.at("hi"))) << "hi of " << c.dump();
  }
}

TEST(IntervalsReference, MinDetectableDropMatchesBrent) {
  for (const auto& c : reference().at("min_detectable_drop")) {
    const double got =
        min_detectable_drop(c.at("p0").get<double>(), c.at("n").get<std::size_t>(),
                            c.at("confidence").get<double>(), c.at("power").get<double>());
    if (c.at("delta").is_null()) {
      EXPECT_TRUE(std::isinf(got)) << c.dump();  // no drop is detectable
    } else {
      EXPECT_TRUE(close_to(got, c.at("delta"))) << c.dump();
    }
  }
}

TEST(IntervalsReference, ZTwoSidedMatchesScipy) {
  for (const auto& c : reference().at("z_two_sided")) {
    EXPECT_TRUE(close_to(z_two_sided(c.at("confidence").get<double>()), c.at("z"))) << c.dump();
  }
}

// ---- properties and degenerate cases -----------------------------------------------------------

TEST(Wilson, ZeroTrialsIsEmpty) {
  const Interval i = wilson(0, 0, 0.95);
  EXPECT_TRUE(std::isnan(i.lo));
  EXPECT_TRUE(std::isnan(i.hi));
}

TEST(Wilson, AllOrNothingHasExactEnds) {
  EXPECT_EQ(wilson(0, 17, 0.95).lo, 0.0);
  EXPECT_EQ(wilson(17, 17, 0.95).hi, 1.0);
  EXPECT_LT(wilson(0, 17, 0.95).hi, 1.0);
  EXPECT_GT(wilson(17, 17, 0.95).lo, 0.0);
}

TEST(Wilson, ContainsTheRateAndNarrowsWithN) {
  const Interval small = wilson(8, 17, 0.95);
  const Interval large = wilson(800, 1700, 0.95);
  EXPECT_LT(small.lo, 8.0 / 17.0);
  EXPECT_GT(small.hi, 8.0 / 17.0);
  EXPECT_LT(large.hi - large.lo, small.hi - small.lo);
  const Interval wide = wilson(8, 17, 0.99);
  EXPECT_LT(wide.lo, small.lo);
  EXPECT_GT(wide.hi, small.hi);
}

TEST(Wilson, MorePassesThanCasesOrBadConfidenceIsEmpty) {
  for (const Interval i :
       {wilson(5, 4, 0.95), wilson(2, 4, 0.0), wilson(2, 4, 1.0), wilson(2, 4, kNaN)}) {
    EXPECT_TRUE(std::isnan(i.lo));
    EXPECT_TRUE(std::isnan(i.hi));
  }
}

// ---- Clopper–Pearson, Agresti–Coull, Newcombe --------------------------------------------------

bool is_empty(const Interval& i) { return std::isnan(i.lo) && std::isnan(i.hi); }

TEST(ProportionIntervals, InvalidInputIsEmpty) {
  for (auto f : {&clopper_pearson, &agresti_coull}) {
    EXPECT_TRUE(is_empty(f(0, 0, 0.95)));  // no trials
    EXPECT_TRUE(is_empty(f(5, 4, 0.95)));  // x > n
    EXPECT_TRUE(is_empty(f(2, 4, 0.0)));   // confidence outside (0, 1)
    EXPECT_TRUE(is_empty(f(2, 4, 1.0)));
    EXPECT_TRUE(is_empty(f(2, 4, 95.0)));
    EXPECT_TRUE(is_empty(f(2, 4, kNaN)));
  }
}

TEST(ProportionClopperPearson, AllOrNothingHasExactEnds) {
  EXPECT_EQ(clopper_pearson(0, 17, 0.95).lo, 0.0);
  EXPECT_EQ(clopper_pearson(17, 17, 0.95).hi, 1.0);
  // x = 0: the upper end solves (1 − p)^n = α/2.
  EXPECT_NEAR(clopper_pearson(0, 17, 0.95).hi, 1.0 - std::pow(0.025, 1.0 / 17.0), 1e-14);
  EXPECT_NEAR(clopper_pearson(17, 17, 0.95).lo, std::pow(0.025, 1.0 / 17.0), 1e-14);
}

TEST(ProportionClopperPearson, CoversAtLeastTheConfidenceForEveryRate) {
  // Exact coverage: Σ over x of P(X = x | n, p) for the x whose interval contains p.
  for (std::size_t n : {5U, 17U, 40U}) {
    for (int i = 1; i < 100; ++i) {
      const double p = i / 100.0;
      double coverage = 0.0;
      for (std::size_t x = 0; x <= n; ++x) {
        const Interval ci = clopper_pearson(x, n, 0.95);
        if (ci.lo <= p && p <= ci.hi) {
          const double nn = static_cast<double>(n), xx = static_cast<double>(x);
          coverage +=
              std::exp(std::lgamma(nn + 1) - std::lgamma(xx + 1) - std::lgamma(nn - xx + 1) +
                       xx * std::log(p) + (nn - xx) * std::log1p(-p));
        }
      }
      EXPECT_GE(coverage, 0.95 - 1e-9) << "n = " << n << ", p = " << p;
    }
  }
}

TEST(ProportionClopperPearson, MirrorsUnderSwappingPassAndFail) {
  for (std::size_t n : {1U, 5U, 17U, 200U}) {
    for (std::size_t x = 0; x <= n; x += (n < 20 ? 1 : 37)) {
      const Interval cp = clopper_pearson(x, n, 0.95);
      const Interval mirror = clopper_pearson(n - x, n, 0.95);
      EXPECT_NEAR(cp.lo, 1.0 - mirror.hi, 1e-12) << x << "/" << n;
      EXPECT_NEAR(cp.hi, 1.0 - mirror.lo, 1e-12) << x << "/" << n;
      EXPECT_LE(cp.lo, static_cast<double>(x) / static_cast<double>(n));
      EXPECT_GE(cp.hi, static_cast<double>(x) / static_cast<double>(n));
    }
  }
}

TEST(ProportionAgrestiCoull, StaysInsideZeroOne) {
  const Interval none = agresti_coull(0, 5, 0.95);
  const Interval all = agresti_coull(5, 5, 0.95);
  EXPECT_EQ(none.lo, 0.0);  // the Wald interval around p̃ would go below 0: clipped
  EXPECT_EQ(all.hi, 1.0);
  EXPECT_GT(none.hi, 0.0);
  EXPECT_LT(all.lo, 1.0);
}

TEST(ProportionNewcombe, InvalidInputIsEmpty) {
  EXPECT_TRUE(is_empty(newcombe_difference(0, 0, 3, 10, 0.95)));
  EXPECT_TRUE(is_empty(newcombe_difference(3, 10, 0, 0, 0.95)));
  EXPECT_TRUE(is_empty(newcombe_difference(11, 10, 3, 10, 0.95)));
  EXPECT_TRUE(is_empty(newcombe_difference(3, 10, 3, 10, 1.0)));
}

TEST(ProportionNewcombe, SignFollowsTheArgumentOrder) {
  // a = 178/200, b = 190/200: a is lower, so the difference a − b is negative.
  const Interval d = newcombe_difference(178, 200, 190, 200, 0.95);
  EXPECT_LT(d.lo, -0.06);
  EXPECT_GT(d.hi, -0.06);
  const Interval swapped = newcombe_difference(190, 200, 178, 200, 0.95);
  EXPECT_NEAR(swapped.lo, -d.hi, 1e-15);
  EXPECT_NEAR(swapped.hi, -d.lo, 1e-15);
}

TEST(ProportionNewcombe, StaysInsideMinusOneOne) {
  const Interval extreme = newcombe_difference(10, 10, 0, 10, 0.99);
  EXPECT_LE(extreme.hi, 1.0);
  EXPECT_GT(extreme.lo, 0.0);
  const Interval same = newcombe_difference(0, 30, 0, 40, 0.95);  // both never pass
  EXPECT_LT(same.lo, 0.0);
  EXPECT_GT(same.hi, 0.0);
}

TEST(TInterval, FewerThanTwoIsEmpty) {
  for (std::size_t n : {0U, 1U}) {
    const Interval i = t_interval(0.5, 0.1, n, 0.95);
    EXPECT_TRUE(std::isnan(i.lo)) << n;
    EXPECT_TRUE(std::isnan(i.hi)) << n;
  }
}

TEST(TInterval, SymmetricAroundTheMean) {
  const Interval i = t_interval(10.0, 2.0, 17, 0.95);
  EXPECT_NEAR(10.0 - i.lo, i.hi - 10.0, 1e-12);
  EXPECT_LT(i.lo, 10.0);
}

TEST(ZTwoSided, KnownValue) { EXPECT_NEAR(z_two_sided(0.95), 1.959963984540054, 1e-12); }

TEST(QuantileSorted, EmptyIsNaN) {
  EXPECT_TRUE(std::isnan(quantile_sorted(std::span<const double>{}, 0.5)));
}

TEST(QuantileSorted, HandComputed) {
  const std::vector<double> xs = {1.0, 2.0, 3.0, 4.0};
  EXPECT_EQ(quantile_sorted(xs, 0.0), 1.0);
  EXPECT_EQ(quantile_sorted(xs, 1.0), 4.0);
  EXPECT_DOUBLE_EQ(quantile_sorted(xs, 0.5), 2.5);
  EXPECT_DOUBLE_EQ(quantile_sorted(xs, 0.9), 3.7);  // h = 3·0.9 = 2.7 → 3 + 0.7·1
  const std::vector<double> one = {7.5};
  EXPECT_EQ(quantile_sorted(one, 0.99), 7.5);
}

TEST(QuantileIntervalSorted, EmptyIsNaN) {
  const Interval i = quantile_interval_sorted(std::span<const double>{}, 0.5, 0.95);
  EXPECT_TRUE(std::isnan(i.lo));
  EXPECT_TRUE(std::isnan(i.hi));
}

TEST(QuantileIntervalSorted, TooFewForAHighPercentileHasNoUpperBound) {
  std::vector<double> xs(20);
  for (std::size_t i = 0; i < xs.size(); ++i) xs[i] = static_cast<double>(i);
  const Interval p99 = quantile_interval_sorted(xs, 0.99, 0.95);
  EXPECT_TRUE(std::isnan(p99.hi));
  EXPECT_FALSE(std::isnan(p99.lo));
  const Interval median = quantile_interval_sorted(xs, 0.5, 0.95);
  EXPECT_LE(median.lo, quantile_sorted(xs, 0.5));
  EXPECT_GE(median.hi, quantile_sorted(xs, 0.5));
}

TEST(MinDetectableDrop, NoCasesIsNaN) {
  EXPECT_TRUE(std::isnan(min_detectable_drop(0.9, 0, 0.95, 0.8)));
}

TEST(MinDetectableDrop, ShrinksWithMoreCases) {
  const double d100 = min_detectable_drop(0.9, 100, 0.95, 0.8);
  const double d1000 = min_detectable_drop(0.9, 1000, 0.95, 0.8);
  EXPECT_GT(d100, d1000);
  EXPECT_GT(d1000, 0.0);
  EXPECT_LE(d100, 0.9);
}

TEST(MinDetectableDrop, TooFewCasesForAnyDropIsInfinity) {
  EXPECT_TRUE(std::isinf(min_detectable_drop(0.05, 3, 0.95, 0.8)));
}

}  // namespace QB_UNITY_ID
}  // namespace qb::stats
