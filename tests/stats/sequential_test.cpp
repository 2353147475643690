#include "qualbar/stats/sequential.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <iostream>
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

const nlohmann::json& reference() { return test::reference("sequential.json"); }

::testing::AssertionResult close_to(double actual, double want) {
  const double diff = std::fabs(actual - want);
  if (diff <= 1e-12 || diff <= 1e-9 * std::fabs(want)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << std::setprecision(17) << "got " << actual << ", want " << want;
}

// A series from the fixture; null is a missing window (NaN).
std::vector<double> series(const std::string& name) {
  std::vector<double> out;
  for (const auto& v : reference().at("series").at(name))
    out.push_back(v.is_null() ? std::numeric_limits<double>::quiet_NaN() : v.get<double>());
  return out;
}

void expect_matches(const SequentialResult& got, const json& c) {
  ASSERT_TRUE(got.reason.empty()) << got.reason;
  const auto want = c.at("path").get<std::vector<double>>();
  ASSERT_EQ(got.path.size(), want.size());
  for (std::size_t t = 0; t < want.size(); ++t)
    EXPECT_TRUE(close_to(got.path[t], want[t])) << "t = " << t;
  if (c.at("alarm").is_null()) {
    EXPECT_FALSE(got.alarm.has_value()) << "alarm at " << *got.alarm;
  } else {
    ASSERT_TRUE(got.alarm.has_value());
    EXPECT_EQ(*got.alarm, c.at("alarm").get<std::size_t>());
  }
  EXPECT_EQ(got.missing, c.at("missing").get<std::size_t>());
}

// ---- against the reference --------------------------------------------------------------------

TEST(CusumReference, MatchesNumpyRecurrence) {
  ASSERT_GE(reference().at("cusum").size(), 20U);
  for (const auto& c : reference().at("cusum")) {
    SCOPED_TRACE(c.at("series").get<std::string>() + " / " +
                 c.at("params").at("name").get<std::string>());
    const auto& p = c.at("params");
    const CusumParams params{p.at("target").get<double>(), p.at("k").get<double>(),
                             p.at("h").get<double>()};
    expect_matches(cusum_lower(series(c.at("series").get<std::string>()), params), c);
  }
}

TEST(PageHinkleyReference, MatchesNumpyRecurrence) {
  ASSERT_GE(reference().at("page_hinkley").size(), 20U);
  for (const auto& c : reference().at("page_hinkley")) {
    SCOPED_TRACE(c.at("series").get<std::string>() + " / " +
                 c.at("params").at("name").get<std::string>());
    const auto& p = c.at("params");
    PageHinkleyParams params;
    params.delta = p.at("delta").get<double>();
    params.lambda = p.at("lambda").get<double>();
    params.alpha = p.at("alpha").get<double>();
    params.min_windows = p.at("min_windows").get<std::size_t>();
    expect_matches(page_hinkley_lower(series(c.at("series").get<std::string>()), params), c);
  }
}

TEST(CusumReference, DefaultsAreTheFixtureSettings) {
  const auto& s = reference().at("scenario");
  const double p0 = s.at("p0").get<double>(), n = s.at("samples_per_window").get<double>();
  const CusumParams c = cusum_params_for_rate(p0, n);
  EXPECT_EQ(c.target, p0);
  EXPECT_TRUE(close_to(c.k, 0.5 * s.at("sigma").get<double>()));
  EXPECT_TRUE(close_to(c.h, 5.0 * s.at("sigma").get<double>()));
  const PageHinkleyParams ph = page_hinkley_params_for_rate(p0, n);
  EXPECT_TRUE(close_to(ph.delta, 0.5 * s.at("sigma").get<double>()));
  EXPECT_TRUE(close_to(ph.lambda, 5.0 * s.at("sigma").get<double>()));
  EXPECT_EQ(ph.alpha, 1.0);
  EXPECT_EQ(ph.min_windows, 4U);
}

// ---- the PRODUCT.md drift, simulated -----------------------------------------------------------

// Weekly pass rates of 200 graded cases: 94% falling 2 points a month (0.46 points a week) when
// `drift`, a stable 94% otherwise. Seeded: the same series on every run.
std::vector<double> weekly_rates(std::uint64_t seed, std::uint64_t stream, std::size_t weeks,
                                 bool drift) {
  Rng rng(seed, stream);
  std::vector<double> out(weeks);
  for (std::size_t w = 0; w < weeks; ++w) {
    const double p = drift ? 0.94 - 0.02 * 12.0 / 52.0 * static_cast<double>(w + 1) : 0.94;
    int passed = 0;
    for (int i = 0; i < 200; ++i) passed += rng.uniform() < p;
    out[w] = passed / 200.0;
  }
  return out;
}

// Weeks until the alarm (1-based) over `runs` simulated drifts, 99 when there is none.
template <class Detect>
std::vector<double> delays(std::size_t runs, Detect detect) {
  std::vector<double> out;
  for (std::size_t r = 0; r < runs; ++r) {
    const SequentialResult res = detect(weekly_rates(2026, r, 52, true));
    out.push_back(res.alarm ? static_cast<double>(*res.alarm + 1) : 99.0);
  }
  std::sort(out.begin(), out.end());
  return out;
}

template <class Detect>
double false_alarm_rate(std::size_t years, Detect detect) {
  std::size_t alarms = 0;
  for (std::size_t r = 0; r < years; ++r)
    alarms += detect(weekly_rates(1127, r, 52, false)).alarm.has_value();
  return static_cast<double>(alarms) / static_cast<double>(years);
}

TEST(Cusum, DefaultsDetectTheSixMonthDriftWithinWeeks) {
  const CusumParams params = cusum_params_for_rate(0.94, 200);
  const auto d = delays(400, [&](const std::vector<double>& x) { return cusum_lower(x, params); });
  // Stated in sequential.hpp: median 7 weeks, 95% within 10 (simulation with NumPy, 2,000 runs).
  EXPECT_LE(d[d.size() / 2], 8.0);
  EXPECT_LE(d[d.size() * 95 / 100], 11.0);
  EXPECT_LE(d.back(), 14.0);  // every drift is caught within a quarter
  std::cout << "CUSUM delay: median " << d[d.size() / 2] << ", 95% " << d[d.size() * 95 / 100]
            << ", max " << d.back() << " weeks\n";
}

TEST(Cusum, DefaultsRarelyAlarmOnAStableYear) {
  const CusumParams params = cusum_params_for_rate(0.94, 200);
  // Stated: about 7–8% of stable years (ARL0 ≈ 600 weeks).
  const double rate =
      false_alarm_rate(1000, [&](const std::vector<double>& x) { return cusum_lower(x, params); });
  EXPECT_LE(rate, 0.10);
  EXPECT_GE(rate, 0.04);
  // The fixture's seeded stable two years (NumPy binomial draws) raise no alarm at all.
  EXPECT_FALSE(cusum_lower(series("stable_104"), params).alarm.has_value());
  std::cout << "CUSUM false alarms: " << rate << " of stable years\n";
}

TEST(PageHinkley, DefaultsDetectTheSixMonthDrift) {
  const PageHinkleyParams params = page_hinkley_params_for_rate(0.94, 200);
  const auto d =
      delays(400, [&](const std::vector<double>& x) { return page_hinkley_lower(x, params); });
  // Stated: median 12 weeks, 95% within 16: slower than CUSUM (no target), still within months.
  EXPECT_LE(d[d.size() / 2], 13.0);
  EXPECT_LE(d[d.size() * 95 / 100], 17.0);
  EXPECT_LT(d.back(), 99.0);
  std::cout << "Page-Hinkley delay: median " << d[d.size() / 2] << ", 95% "
            << d[d.size() * 95 / 100] << ", max " << d.back() << " weeks\n";
}

TEST(PageHinkley, DefaultsRarelyAlarmOnAStableYear) {
  const PageHinkleyParams params = page_hinkley_params_for_rate(0.94, 200);
  const double rate = false_alarm_rate(
      1000, [&](const std::vector<double>& x) { return page_hinkley_lower(x, params); });
  EXPECT_LE(rate, 0.075);  // stated: about 5% of stable years
  EXPECT_FALSE(page_hinkley_lower(series("stable_104"), params).alarm.has_value());
  std::cout << "Page-Hinkley false alarms: " << rate << " of stable years\n";
}

// ---- properties and degenerate cases -----------------------------------------------------------

TEST(Cusum, HandComputed) {
  const std::vector<double> x = {0.95, 0.90, 0.88, 0.97, 0.80};
  const SequentialResult r = cusum_lower(x, {0.94, 0.01, 0.085});
  // S: max(0, −0.02) = 0; 0.03; 0.03 + 0.05 = 0.08 (<= h); 0.08 − 0.04 = 0.04; 0.04 + 0.13 > h.
  ASSERT_EQ(r.path.size(), 5U);
  EXPECT_DOUBLE_EQ(r.path[0], 0.0);
  EXPECT_NEAR(r.path[1], 0.03, 1e-15);
  EXPECT_NEAR(r.path[2], 0.08, 1e-15);
  EXPECT_NEAR(r.path[3], 0.04, 1e-15);
  EXPECT_NEAR(r.path[4], 0.17, 1e-15);
  ASSERT_TRUE(r.alarm.has_value());
  EXPECT_EQ(*r.alarm, 4U);
}

TEST(Cusum, MissingWindowsCarryTheStatistic) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<double> x = {nan, 0.90, nan, 0.90};
  const SequentialResult r = cusum_lower(x, {0.94, 0.0, 1.0});
  EXPECT_EQ(r.missing, 2U);
  EXPECT_EQ(r.path[0], 0.0);
  EXPECT_NEAR(r.path[1], 0.04, 1e-15);
  EXPECT_EQ(r.path[2], r.path[1]);
  EXPECT_NEAR(r.path[3], 0.08, 1e-15);
}

TEST(Cusum, DegenerateInputs) {
  const std::vector<double> ok = {0.9}, inf = {0.9, std::numeric_limits<double>::infinity()};
  EXPECT_EQ(cusum_lower(ok, {}).reason, "CUSUM parameters must be finite numbers (target, k, h)");
  EXPECT_EQ(cusum_lower(ok, {0.9, -0.1, 1.0}).reason, "CUSUM needs k >= 0 and h > 0");
  EXPECT_EQ(cusum_lower(ok, {0.9, 0.1, 0.0}).reason, "CUSUM needs k >= 0 and h > 0");
  EXPECT_EQ(cusum_lower(inf, {0.9, 0.1, 1.0}).reason, "an infinite value in the stream");
  EXPECT_TRUE(cusum_lower(inf, {0.9, 0.1, 1.0}).path.empty());
  const SequentialResult empty = cusum_lower({}, {0.9, 0.1, 1.0});
  EXPECT_TRUE(empty.reason.empty());
  EXPECT_TRUE(empty.path.empty());
  EXPECT_FALSE(empty.alarm.has_value());
  // Rates outside (0, 1) or no samples: no defaults, and the detector says why.
  for (const CusumParams& p : {cusum_params_for_rate(1.0, 200), cusum_params_for_rate(0.9, 0)}) {
    EXPECT_TRUE(std::isnan(p.k));
    EXPECT_FALSE(cusum_lower(ok, p).reason.empty());
  }
}

TEST(PageHinkley, NoAlarmDuringBurnIn) {
  // A collapse in the second window is visible only after min_windows windows.
  const std::vector<double> x = {0.95, 0.50, 0.50, 0.50, 0.50, 0.50, 0.50};
  PageHinkleyParams p;
  p.delta = 0.0;
  p.lambda = 0.1;
  p.min_windows = 4;
  const SequentialResult r = page_hinkley_lower(x, p);
  ASSERT_TRUE(r.alarm.has_value());
  EXPECT_EQ(*r.alarm, 4U);
  p.min_windows = 0;
  EXPECT_EQ(*page_hinkley_lower(x, p).alarm, 1U);
}

TEST(PageHinkley, ConstantStreamNeverAlarms) {
  const std::vector<double> x(100, 0.94);
  const SequentialResult r = page_hinkley_lower(x, page_hinkley_params_for_rate(0.94, 200));
  EXPECT_FALSE(r.alarm.has_value());
  for (double v : r.path) EXPECT_EQ(v, 0.0);
}

TEST(PageHinkley, DegenerateInputs) {
  const std::vector<double> ok = {0.9}, inf = {-std::numeric_limits<double>::infinity()};
  PageHinkleyParams p;
  EXPECT_EQ(page_hinkley_lower(ok, p).reason,
            "Page-Hinkley parameters must be finite numbers (delta, lambda)");
  p.delta = 0.01;
  p.lambda = 0.05;
  p.alpha = 0.0;
  EXPECT_EQ(page_hinkley_lower(ok, p).reason,
            "Page-Hinkley needs delta >= 0, lambda > 0 and alpha in (0, 1]");
  p.alpha = 1.0;
  p.lambda = -1.0;
  EXPECT_EQ(page_hinkley_lower(ok, p).reason,
            "Page-Hinkley needs delta >= 0, lambda > 0 and alpha in (0, 1]");
  p.lambda = 0.05;
  EXPECT_EQ(page_hinkley_lower(inf, p).reason, "an infinite value in the stream");
  EXPECT_TRUE(std::isnan(page_hinkley_params_for_rate(0.0, 200).delta));
}

}  // namespace QB_UNITY_ID
}  // namespace qb::stats
