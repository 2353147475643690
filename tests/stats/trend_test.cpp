#include "qualbar/stats/trend.hpp"

#include <cmath>
#include <fstream>
#include <iomanip>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "reference.hpp"

namespace qb::stats {
namespace QB_UNITY_ID {

using nlohmann::json;

constexpr double kNaNd = std::numeric_limits<double>::quiet_NaN();

const nlohmann::json& reference() { return test::reference("trend.json"); }

// 1e-9 relative, or 1e-12 absolute near zero. A null reference value means NaN.
::testing::AssertionResult close_to(double actual, const json& expected) {
  if (expected.is_null()) {
    if (std::isnan(actual)) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "got " << actual << ", want NaN";
  }
  const double want = expected.get<double>();
  const double diff = std::fabs(actual - want);
  if (actual == want || diff <= 1e-12 || diff <= 1e-9 * std::fabs(want))
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << std::setprecision(17) << "got " << actual << ", want "
                                       << want << " (difference " << diff << ")";
}

std::vector<double> values(const json& v) {
  std::vector<double> out;
  for (const auto& x : v) out.push_back(x.is_null() ? kNaNd : x.get<double>());
  return out;
}

std::vector<double> series(const std::string& name) {
  return values(reference().at("series").at(name));
}

// ---- against the reference --------------------------------------------------------------------

TEST(MannKendallReference, MatchesTextbookFormulasInNumpy) {
  ASSERT_GE(reference().at("mann_kendall").size(), 10U);
  for (const auto& c : reference().at("mann_kendall")) {
    SCOPED_TRACE(c.at("series").get<std::string>());
    const MannKendallResult r = mann_kendall(series(c.at("series").get<std::string>()));
    EXPECT_TRUE(r.reason.empty()) << r.reason;
    EXPECT_EQ(r.n, c.at("n").get<std::size_t>());
    EXPECT_EQ(r.s, c.at("s").get<double>());  // an integer: exact
    EXPECT_TRUE(close_to(r.variance, c.at("variance")));
    EXPECT_TRUE(close_to(r.tau, c.at("tau")));
    EXPECT_TRUE(close_to(r.statistic, c.at("z")));
    EXPECT_TRUE(close_to(r.p_value, c.at("p")));
  }
}

TEST(MannKendallReference, UncorrectedEqualsScipyKendalltauAsymptotic) {
  // kendalltau(time, x, method="asymptotic") tests the same S with the same tie-corrected
  // variance but without the continuity correction: Z = S/√var. So the uncorrected Mann–Kendall
  // p-value equals SciPy's, ties or not, while the corrected one (the default, (|S| − 1)/√var) is
  // slightly larger — more conservative, by an amount that vanishes as n grows.
  std::size_t checked = 0;
  for (const auto& c : reference().at("mann_kendall")) {
    if (!c.contains("kendalltau_p")) continue;
    SCOPED_TRACE(c.at("series").get<std::string>());
    const auto x = series(c.at("series").get<std::string>());
    const MannKendallResult plain = mann_kendall(x, false);
    EXPECT_TRUE(close_to(plain.p_value, c.at("kendalltau_p")));
    EXPECT_TRUE(close_to(plain.statistic, c.at("z_uncorrected")));
    const MannKendallResult corrected = mann_kendall(x);
    if (plain.s != 0) {
      EXPECT_GT(corrected.p_value, plain.p_value);
    }
    ++checked;
  }
  EXPECT_GE(checked, 8U);
}

TEST(MannKendallReference, TauEqualsKendallTauBWithoutTies) {
  // Without ties Kendall's tau-b (SciPy) equals tau-a = S / (n(n−1)/2) (ours).
  for (const char* name : {"tie_free_40", "tie_free_trend_60", "increasing_10", "n2000"}) {
    for (const auto& c : reference().at("mann_kendall")) {
      if (c.at("series") != name) continue;
      EXPECT_TRUE(close_to(mann_kendall(series(name)).tau, c.at("kendalltau_tau_b"))) << name;
    }
  }
}

TEST(TheilSenReference, MatchesScipyTheilslopes) {
  ASSERT_GE(reference().at("theil_sen").size(), 20U);
  for (const auto& c : reference().at("theil_sen")) {
    SCOPED_TRACE(c.at("series").get<std::string>() + " at " + c.at("confidence").dump());
    const double conf = c.at("confidence").get<double>();
    TheilSenResult r;
    if (c.at("x").is_null()) {
      r = theil_sen(series(c.at("series").get<std::string>()), conf);
    } else {
      r = theil_sen(values(c.at("y")), values(c.at("x")), conf);
    }
    ASSERT_TRUE(r.reason.empty()) << r.reason;
    EXPECT_TRUE(close_to(r.slope, c.at("slope")));
    EXPECT_TRUE(close_to(r.intercept, c.at("intercept")));
    EXPECT_TRUE(close_to(r.slope_interval.lo, c.at("lo")));
    EXPECT_TRUE(close_to(r.slope_interval.hi, c.at("hi")));
  }
}

// ---- properties and degenerate cases -----------------------------------------------------------

TEST(MannKendall, HandComputed) {
  // 1, 3, 2: pairs (1,3) +, (1,2) +, (3,2) − → S = 1; var = 3·2·11/18 = 11/3; Z = 0 (corrected).
  const std::vector<double> x = {1, 3, 2};
  const MannKendallResult r = mann_kendall(x);
  EXPECT_EQ(r.s, 1.0);
  EXPECT_DOUBLE_EQ(r.variance, 11.0 / 3.0);
  EXPECT_EQ(r.statistic, 0.0);
  EXPECT_EQ(r.p_value, 1.0);
  EXPECT_DOUBLE_EQ(r.tau, 1.0 / 3.0);
}

TEST(MannKendall, DegenerateInputs) {
  const std::vector<double> empty, one = {0.9}, equal(12, 0.94);
  const MannKendallResult e = mann_kendall(empty);
  EXPECT_EQ(e.reason, "fewer than 2 values (after dropping NaN): no trend can be tested");
  EXPECT_TRUE(std::isnan(e.p_value));
  EXPECT_EQ(mann_kendall(one).reason,
            "fewer than 2 values (after dropping NaN): no trend can be tested");
  const std::vector<double> nan_only = {kNaNd, 0.9, kNaNd};
  EXPECT_EQ(mann_kendall(nan_only).n, 1U);
  const MannKendallResult flat = mann_kendall(equal);
  EXPECT_EQ(flat.reason, "every value is equal: var(S) = 0, no trend can be tested");
  EXPECT_TRUE(std::isnan(flat.statistic));
  EXPECT_EQ(flat.s, 0.0);
  const std::vector<double> inf = {1, std::numeric_limits<double>::infinity()};
  EXPECT_EQ(mann_kendall(inf).reason, "an infinite value in the series");
}

TEST(MannKendall, LinearTimeOrderMatters) {
  std::vector<double> up(100), down(100);
  for (int i = 0; i < 100; ++i) {
    up[i] = i;
    down[i] = -i;
  }
  EXPECT_EQ(mann_kendall(up).s, 4950.0);
  EXPECT_EQ(mann_kendall(down).s, -4950.0);
  EXPECT_LT(mann_kendall(down).statistic, 0.0);
  EXPECT_LT(mann_kendall(up).p_value, 1e-20);
}

TEST(TheilSen, ExactLineAndOutlier) {
  std::vector<double> y(20);
  for (int i = 0; i < 20; ++i) y[i] = 0.94 - 0.005 * i;
  y[7] = 0.2;  // one broken window does not move the slope
  const TheilSenResult r = theil_sen(y);
  EXPECT_NEAR(r.slope, -0.005, 1e-12);
  EXPECT_LE(r.slope_interval.lo, r.slope);
  EXPECT_GE(r.slope_interval.hi, r.slope);
}

TEST(TheilSen, DegenerateInputs) {
  const std::vector<double> one = {1.0}, two = {1.0, 2.0}, three = {1, 2, 3};
  EXPECT_EQ(theil_sen(one).reason, "fewer than 2 points (after dropping NaN): no slope");
  EXPECT_EQ(theil_sen(two, three).reason, "x and y have different lengths");
  const std::vector<double> same_x = {4.0, 4.0};
  EXPECT_EQ(theil_sen(two, same_x).reason, "every x is equal: no slope");
  EXPECT_TRUE(std::isnan(theil_sen(two, same_x).slope));
  EXPECT_EQ(theil_sen(two, 1.0).reason, "confidence must be in (0, 1)");
  const std::vector<double> inf = {1.0, -std::numeric_limits<double>::infinity()};
  EXPECT_EQ(theil_sen(inf).reason, "an infinite value in x or y");
  const TheilSenResult r = theil_sen(two);  // two points: the slope, a degenerate interval
  EXPECT_EQ(r.slope, 1.0);
  EXPECT_EQ(r.slope_interval.lo, 1.0);
  EXPECT_EQ(r.slope_interval.hi, 1.0);
}

TEST(TheilSen, NaNPairsAreDroppedKeepingTimes) {
  const std::vector<double> y = {1.0, kNaNd, 3.0, 4.0}, y_dropped = {1.0, 3.0, 4.0},
                            x = {0.0, 2.0, 3.0};
  const TheilSenResult with_nan = theil_sen(y);
  const TheilSenResult explicit_x = theil_sen(y_dropped, x);
  EXPECT_EQ(with_nan.n, 3U);
  EXPECT_EQ(with_nan.slope, explicit_x.slope);
  EXPECT_EQ(with_nan.intercept, explicit_x.intercept);
}

}  // namespace QB_UNITY_ID
}  // namespace qb::stats
