#include "qualbar/stats/tests.hpp"

#include <cmath>
#include <fstream>
#include <iomanip>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "reference.hpp"

namespace qb::stats {
namespace QB_UNITY_ID {

using nlohmann::json;

const nlohmann::json& reference() { return test::reference("tests.json"); }

// 1e-9 relative, or 1e-300 absolute (p values underflow to 0 in both). A null reference value
// means NaN.
::testing::AssertionResult close_to(double actual, const json& expected) {
  if (expected.is_null()) {
    if (std::isnan(actual)) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "got " << actual << ", want NaN";
  }
  const double want = expected.get<double>();
  const double diff = std::fabs(actual - want);
  if (diff <= 1e-300 || diff <= 1e-9 * std::fabs(want)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << std::setprecision(17) << "got " << actual << ", want "
                                       << want << " (difference " << diff << ")";
}

// ---- against the reference --------------------------------------------------------------------

TEST(McNemarReference, FixtureIsComplete) {
  for (const char* key : {"mcnemar", "two_proportion_z"}) {
    ASSERT_TRUE(reference().contains(key)) << key;
    EXPECT_GE(reference().at(key).size(), 30U) << key;
  }
}

// Where b + c = 0, statsmodels gives p = 1; qualbar deliberately gives NaN with a reason: with no
// discordant pair there is nothing to test, and a p value of 1 would read as "tested, no
// difference" in a report.
TEST(McNemarReference, ExactMatchesStatsmodels) {
  for (const auto& c : reference().at("mcnemar")) {
    const TestResult got =
        mcnemar_exact(c.at("b").get<std::size_t>(), c.at("c").get<std::size_t>());
    EXPECT_TRUE(close_to(got.statistic, c.at("statistic"))) << c.dump();
    EXPECT_TRUE(close_to(got.p_value, c.at("p_exact"))) << c.dump();
    EXPECT_EQ(got.reason.empty(), !c.at("p_exact").is_null()) << c.dump();
  }
}

TEST(McNemarReference, MidPMatchesScipyBinomial) {
  for (const auto& c : reference().at("mcnemar")) {
    const TestResult got = mcnemar_exact(c.at("b").get<std::size_t>(), c.at("c").get<std::size_t>(),
                                         McNemarPValue::mid_p);
    EXPECT_TRUE(close_to(got.p_value, c.at("p_mid"))) << c.dump();
  }
}

// Where the pooled rate is 0 or 1 statsmodels divides 0 by 0 (NaN with a warning); qualbar gives
// NaN with a reason.
TEST(TwoProportionReference, ZTestMatchesStatsmodels) {
  for (const auto& c : reference().at("two_proportion_z")) {
    const TestResult got =
        two_proportion_z(c.at("x_a").get<std::size_t>(), c.at("n_a").get<std::size_t>(),
                         c.at("x_b").get<std::size_t>(), c.at("n_b").get<std::size_t>());
    EXPECT_TRUE(close_to(got.statistic, c.at("z"))) << c.dump();
    EXPECT_TRUE(close_to(got.p_value, c.at("p"))) << c.dump();
  }
}

// ---- properties and degenerate cases -----------------------------------------------------------

TEST(McNemar, NoDiscordantPairsIsNaNWithReason) {
  for (auto kind : {McNemarPValue::exact, McNemarPValue::mid_p}) {
    const TestResult r = mcnemar_exact(0, 0, kind);
    EXPECT_TRUE(std::isnan(r.statistic));
    EXPECT_TRUE(std::isnan(r.p_value));
    EXPECT_EQ(r.reason, "no discordant pairs (b + c = 0): the two systems agree on every case");
  }
}

TEST(McNemar, HandComputed) {
  // b = 2, c = 9: P(X <= 2 | 11, ½) = (1 + 11 + 55) / 2048.
  const TestResult exact = mcnemar_exact(2, 9);
  EXPECT_EQ(exact.statistic, 2.0);
  EXPECT_NEAR(exact.p_value, 2.0 * 67.0 / 2048.0, 1e-15);
  const TestResult mid = mcnemar_exact(2, 9, McNemarPValue::mid_p);
  EXPECT_NEAR(mid.p_value, 2.0 * 12.0 / 2048.0 + 55.0 / 2048.0, 1e-15);
  EXPECT_TRUE(exact.reason.empty());
}

TEST(McNemar, SymmetricAndMidPIsSmaller) {
  for (auto [b, c] : {std::pair<std::size_t, std::size_t>{3, 10}, {40, 61}, {0, 7}, {1000, 1090}}) {
    const TestResult bc = mcnemar_exact(b, c);
    const TestResult cb = mcnemar_exact(c, b);
    EXPECT_EQ(bc.p_value, cb.p_value);
    EXPECT_EQ(bc.statistic, cb.statistic);
    EXPECT_LT(mcnemar_exact(b, c, McNemarPValue::mid_p).p_value, bc.p_value);
  }
}

TEST(McNemar, EqualCountsGiveOne) {
  EXPECT_EQ(mcnemar_exact(7, 7).p_value, 1.0);
  EXPECT_NEAR(mcnemar_exact(7, 7, McNemarPValue::mid_p).p_value, 1.0, 1e-15);
  EXPECT_EQ(mcnemar_exact(1, 0).p_value, 1.0);
  EXPECT_EQ(mcnemar_exact(1, 0, McNemarPValue::mid_p).p_value, 0.5);
}

TEST(McNemar, HugeImbalanceUnderflowsToZeroNotNaN) {
  const TestResult r = mcnemar_exact(0, 5000);
  EXPECT_EQ(r.p_value, 0.0);
  EXPECT_TRUE(r.reason.empty());
}

TEST(TwoProportion, DegenerateInputsAreNaNWithReason) {
  struct Case {
    std::size_t x_a, n_a, x_b, n_b;
    std::string_view reason;
  };
  for (const Case& c : {Case{0, 0, 3, 10, "a group has no cases (n = 0)"},
                        Case{3, 10, 0, 0, "a group has no cases (n = 0)"},
                        Case{11, 10, 3, 10, "more passes than cases (x > n)"},
                        Case{0, 10, 0, 20,
                             "every case passes or every case fails in both groups: the pooled "
                             "variance is 0"},
                        Case{10, 10, 20, 20,
                             "every case passes or every case fails in both groups: the pooled "
                             "variance is 0"}}) {
    const TestResult r = two_proportion_z(c.x_a, c.n_a, c.x_b, c.n_b);
    EXPECT_TRUE(std::isnan(r.statistic)) << c.reason;
    EXPECT_TRUE(std::isnan(r.p_value)) << c.reason;
    EXPECT_EQ(r.reason, c.reason);
  }
}

TEST(TwoProportion, SignFollowsTheArgumentOrder) {
  const TestResult lower = two_proportion_z(178, 200, 190, 200);
  const TestResult higher = two_proportion_z(190, 200, 178, 200);
  EXPECT_LT(lower.statistic, 0.0);
  EXPECT_EQ(lower.statistic, -higher.statistic);
  EXPECT_EQ(lower.p_value, higher.p_value);
  const TestResult same = two_proportion_z(50, 100, 100, 200);
  EXPECT_EQ(same.statistic, 0.0);
  EXPECT_EQ(same.p_value, 1.0);
}

}  // namespace QB_UNITY_ID
}  // namespace qb::stats
