#include "qualbar/stats/multiple_testing.hpp"

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

const nlohmann::json& reference() { return test::reference("multiple_testing.json"); }

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// 1e-9 relative, or 1e-300 absolute. A null reference value means NaN.
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

std::vector<double> p_values(const json& family) {
  std::vector<double> out;
  for (const auto& p : family.at("p")) out.push_back(p.is_null() ? kNaN : p.get<double>());
  return out;
}

// ---- against the reference --------------------------------------------------------------------

TEST(MultipleTestingReference, FixtureIsComplete) {
  ASSERT_TRUE(reference().contains("families"));
  EXPECT_GE(reference().at("families").size(), 10U);
}

// statsmodels multipletests counts a NaN in the family (holm on [0.01, NaN, 0.04] gives
// [0.03, NaN, 0.08]) or spreads it (fdr_bh gives all NaN); qualbar leaves NaN out of the family,
// so the fixture calls statsmodels on the valid p values only.
TEST(MultipleTestingReference, HolmMatchesStatsmodels) {
  for (const auto& family : reference().at("families")) {
    const std::vector<double> got = holm(p_values(family));
    const auto& want = family.at("holm");
    ASSERT_EQ(got.size(), want.size()) << family.at("name");
    for (std::size_t i = 0; i < got.size(); ++i) {
      EXPECT_TRUE(close_to(got[i], want[i])) << family.at("name") << " [" << i << "]";
    }
  }
}

TEST(MultipleTestingReference, BenjaminiHochbergMatchesStatsmodels) {
  for (const auto& family : reference().at("families")) {
    const std::vector<double> got = benjamini_hochberg(p_values(family));
    const auto& want = family.at("benjamini_hochberg");
    ASSERT_EQ(got.size(), want.size()) << family.at("name");
    for (std::size_t i = 0; i < got.size(); ++i) {
      EXPECT_TRUE(close_to(got[i], want[i])) << family.at("name") << " [" << i << "]";
    }
  }
}

// ---- properties and degenerate cases -----------------------------------------------------------

TEST(MultipleTesting, EmptyGivesEmpty) {
  EXPECT_TRUE(holm(std::span<const double>{}).empty());
  EXPECT_TRUE(benjamini_hochberg(std::span<const double>{}).empty());
}

TEST(MultipleTesting, InvalidPValuesAreNaNAndLeftOutOfTheFamily) {
  const std::vector<double> ps = {0.01, kNaN, 0.04, -0.1, 1.5};
  const std::vector<double> h = holm(ps);
  const std::vector<double> bh = benjamini_hochberg(ps);
  // The family is {0.01, 0.04}: m = 2.
  EXPECT_DOUBLE_EQ(h[0], 0.02);
  EXPECT_DOUBLE_EQ(h[2], 0.04);
  EXPECT_DOUBLE_EQ(bh[0], 0.02);
  EXPECT_DOUBLE_EQ(bh[2], 0.04);
  for (std::size_t i : {1U, 3U, 4U}) {
    EXPECT_TRUE(std::isnan(h[i])) << i;
    EXPECT_TRUE(std::isnan(bh[i])) << i;
  }
}

TEST(MultipleTesting, AdjustedNeverBelowRawAndHolmNeverBelowBH) {
  const std::vector<double> ps = {0.001, 0.2, 0.04, 0.03, 0.5, 0.011, 0.9, 0.0};
  const std::vector<double> h = holm(ps);
  const std::vector<double> bh = benjamini_hochberg(ps);
  for (std::size_t i = 0; i < ps.size(); ++i) {
    EXPECT_GE(bh[i], ps[i]);
    EXPECT_GE(h[i], bh[i]);
    EXPECT_LE(h[i], 1.0);
  }
}

TEST(MultipleTesting, OrderOfInputDoesNotMatter) {
  const std::vector<double> ps = {0.02, 0.3, 0.001, 0.02, 0.045};
  const std::vector<double> reversed(ps.rbegin(), ps.rend());
  const std::vector<double> h = holm(ps), hr = holm(reversed);
  const std::vector<double> bh = benjamini_hochberg(ps), bhr = benjamini_hochberg(reversed);
  for (std::size_t i = 0; i < ps.size(); ++i) {
    EXPECT_EQ(h[i], hr[ps.size() - 1 - i]);
    EXPECT_EQ(bh[i], bhr[ps.size() - 1 - i]);
  }
  EXPECT_EQ(h[0], h[3]);  // ties get equal adjusted values
  EXPECT_EQ(bh[0], bh[3]);
}

}  // namespace QB_UNITY_ID
}  // namespace qb::stats
