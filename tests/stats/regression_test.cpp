#include "qualbar/stats/regression.hpp"

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "reference.hpp"

namespace qb::stats {
namespace QB_UNITY_ID {

using nlohmann::json;
using test::close_to;

const json& cases() { return test::reference("regression.json").at("cases"); }

// The fixture writes NaN as null.
std::vector<double> values(const json& a) {
  std::vector<double> out;
  for (const auto& v : a) out.push_back(v.is_null() ? kNaN : v.get<double>());
  return out;
}

SlopeResult fit(const json& c) {
  const std::vector<double> y = values(c.at("y")), x = values(c.at("x"));
  const auto strata = c.at("strata").get<std::vector<std::int64_t>>();
  return stratified_slope(y, x, strata);
}

std::string_view expected_reason(const std::string& key) {
  if (key == "too_few") return kSlopeTooFew;
  if (key == "no_variation") return kSlopeNoVariation;
  if (key == "bad_value") return kSlopeBadValue;
  if (key == "length_mismatch") return kSlopeLengthMismatch;
  if (key == "exact_fit") return kSlopeExactFit;
  ADD_FAILURE() << "unknown reason key " << key;
  return {};
}

TEST(RegressionReference, FixtureIsComplete) {
  std::size_t fitted = 0, degenerate = 0;
  for (const auto& c : cases()) (c.contains("reason") ? degenerate : fitted) += 1;
  EXPECT_GE(fitted, 6U);
  EXPECT_GE(degenerate, 6U);
}

// Same estimator as statsmodels OLS on dummy-coded strata, computed differently (demeaning
// instead of a pseudo-inverse), so 1e-9 relative.
TEST(RegressionReference, MatchesStatsmodelsOlsWithStratumDummies) {
  for (const auto& c : cases()) {
    if (c.contains("reason")) continue;
    SCOPED_TRACE(c.at("name").get<std::string>());
    const SlopeResult r = fit(c);
    ASSERT_TRUE(r.reason.empty()) << r.reason;
    EXPECT_EQ(r.n, c.at("n").get<std::size_t>());
    EXPECT_EQ(r.strata, c.at("n_strata").get<std::size_t>());
    EXPECT_TRUE(close_to(r.slope, c.at("slope")));
    EXPECT_TRUE(close_to(r.standard_error, c.at("standard_error")));
    EXPECT_TRUE(close_to(r.t, c.at("t")));
    EXPECT_TRUE(close_to(r.df, c.at("df")));
    EXPECT_TRUE(close_to(r.p_greater, c.at("p_greater")));
    EXPECT_TRUE(close_to(r.p_two_sided, c.at("p_two_sided")));
  }
}

TEST(RegressionReference, DegenerateCasesSayWhy) {
  for (const auto& c : cases()) {
    if (!c.contains("reason")) continue;
    SCOPED_TRACE(c.at("name").get<std::string>());
    const SlopeResult r = fit(c);
    EXPECT_EQ(r.reason, expected_reason(c.at("reason").get<std::string>()));
    EXPECT_TRUE(std::isnan(r.standard_error));
    EXPECT_TRUE(std::isnan(r.t));
    EXPECT_TRUE(std::isnan(r.p_greater));
    EXPECT_TRUE(std::isnan(r.p_two_sided));
  }
}

TEST(Regression, CountsStrataByDistinctLabel) {
  const std::vector<double> y = {1, 2, 4, 3, 5, 9, 2}, x = {0, 1, 2, 0, 1, 2, 5};
  const std::vector<std::int64_t> strata = {7, 7, 7, -3, -3, -3, 100};
  const SlopeResult r = stratified_slope(y, x, strata);
  EXPECT_EQ(r.strata, 3U);
  EXPECT_EQ(r.df, 3.0);  // 7 − 3 − 1; the singleton stratum only spends a degree of freedom
}

TEST(Regression, ExactFitKeepsTheSlope) {
  const std::vector<double> y = {2, 5, 8, 12, 15, 18}, x = {0, 1, 2, 0, 1, 2};
  const std::vector<std::int64_t> strata = {0, 0, 0, 1, 1, 1};
  const SlopeResult r = stratified_slope(y, x, strata);
  EXPECT_EQ(r.reason, kSlopeExactFit);
  EXPECT_DOUBLE_EQ(r.slope, 3.0);
}

TEST(Regression, OneSidedPIsHalfTheTwoSidedInTheSlopesDirection) {
  for (const auto& c : cases()) {
    if (c.contains("reason")) continue;
    const SlopeResult r = fit(c);
    const double half = r.p_two_sided / 2.0;
    EXPECT_NEAR(r.p_greater, r.slope > 0 ? half : 1.0 - half, 1e-12)
        << c.at("name").get<std::string>();
  }
}

}  // namespace QB_UNITY_ID
}  // namespace qb::stats
