#include "qualbar/stats/intervals.hpp"

#include <cmath>
#include <fstream>
#include <iomanip>
#include <stdexcept>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace qb::stats {
namespace {

using nlohmann::json;

// tests/reference/intervals.json, written by make_intervals_reference.py (SciPy / statsmodels).
const json& reference() {
  static const json doc = [] {
    const std::string path = std::string(QB_REFERENCE_DIR) + "/intervals.json";
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path + "; run make_intervals_reference.py");
    return json::parse(in);
  }();
  return doc;
}

// 1e-9 relative, or 1e-12 absolute near zero. A null reference value means NaN (no bound).
::testing::AssertionResult close_to(double actual, const json& expected) {
  if (expected.is_null()) {
    if (std::isnan(actual)) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "got " << actual << ", want NaN (no bound)";
  }
  const double want = expected.get<double>();
  const double diff = std::fabs(actual - want);
  if (diff <= 1e-12 || diff <= 1e-9 * std::fabs(want)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << std::setprecision(17) << "got " << actual << ", want " << want
                                       << " (difference " << diff << ")";
}

std::vector<double> data_set(const std::string& name) {
  return reference().at("data").at(name).get<std::vector<double>>();
}

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// ---- against the reference --------------------------------------------------------------------

TEST(IntervalsReference, FixtureIsComplete) {
  for (const char* key : {"wilson", "t_interval", "quantile", "quantile_interval", "min_detectable_drop",
                          "z_two_sided"}) {
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

TEST(IntervalsReference, TIntervalMatchesScipy) {
  for (const auto& c : reference().at("t_interval")) {
    const Interval got = t_interval(c.at("mean").get<double>(), c.at("sd").get<double>(),
                                    c.at("n").get<std::size_t>(), c.at("confidence").get<double>());
    EXPECT_TRUE(close_to(got.lo, c.at("lo"))) << "lo of " << c.dump();
    EXPECT_TRUE(close_to(got.hi, c.at("hi"))) << "hi of " << c.dump();
  }
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
    const Interval got = quantile_interval_sorted(sorted, c.at("q").get<double>(), c.at("confidence").get<double>());
    EXPECT_TRUE(close_to(got.lo, c.at("lo"))) << "lo of " << c.dump();
    EXPECT_TRUE(close_to(got.hi, c.at("hi"))) << "hi of " << c.dump();
  }
}

TEST(IntervalsReference, MinDetectableDropMatchesBrent) {
  for (const auto& c : reference().at("min_detectable_drop")) {
    const double got = min_detectable_drop(c.at("p0").get<double>(), c.at("n").get<std::size_t>(),
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

TEST(ZTwoSided, KnownValue) {
  EXPECT_NEAR(z_two_sided(0.95), 1.959963984540054, 1e-12);
}

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

}  // namespace
}  // namespace qb::stats
