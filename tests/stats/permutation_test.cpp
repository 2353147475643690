#include "qualbar/stats/permutation.hpp"

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

const nlohmann::json& reference() { return test::reference("permutation.json"); }

::testing::AssertionResult close_to(double actual, double want) {
  const double diff = std::fabs(actual - want);
  if (diff <= 1e-12 || diff <= 1e-9 * std::fabs(want)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << std::setprecision(17) << "got " << actual << ", want "
                                       << want << " (difference " << diff << ")";
}

::testing::AssertionResult within(double actual, double want, double tolerance) {
  const double diff = std::fabs(actual - want);
  if (diff <= tolerance) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << std::setprecision(10) << "got " << actual << ", want " << want << " ± " << tolerance
         << " (difference " << diff << ")";
}

std::size_t nonzero_count(const std::vector<double>& d) {
  std::size_t m = 0;
  for (const double x : d) m += x != 0.0;
  return m;
}

constexpr std::size_t kResamples = 40'000;

// ---- against the reference --------------------------------------------------------------------

TEST(PermutationReference, FixtureIsComplete) {
  ASSERT_TRUE(reference().contains("cases"));
  EXPECT_GE(reference().at("cases").size(), 15U);
}

// Exact path: the same rational number as SciPy's exact test (or exact enumeration / convolution
// beyond SciPy's reach), to 1e-9.
TEST(PermutationReference, ExactMatchesScipyAndEnumeration) {
  std::size_t checked = 0;
  for (const auto& c : reference().at("cases")) {
    const auto d = c.at("differences").get<std::vector<double>>();
    SignFlipOptions opts;
    opts.exact_up_to = c.at("exact_up_to").get<std::size_t>();
    if (nonzero_count(d) > opts.exact_up_to) continue;
    const TestResult r = sign_flip_test(d, opts);
    SCOPED_TRACE(c.at("name").get<std::string>());
    EXPECT_TRUE(r.reason.empty()) << r.reason;
    EXPECT_TRUE(close_to(r.statistic, c.at("statistic").get<double>()));
    EXPECT_TRUE(close_to(r.p_value, c.at("p_value").get<double>()));
    ++checked;
  }
  EXPECT_GE(checked, 12U);
}

// Monte Carlo path: within 4 binomial standard errors of the difference, √(p(1 − p)/R) per run,
// plus 1/(R + 1) for qualbar's +1 correction and, against SciPy's Monte Carlo, 2/R_ref for its
// own +1 correction and its two-sided convention (2 · the smaller one-sided p-value).
TEST(PermutationReference, MonteCarloMatchesExactAndScipyWithinMonteCarloError) {
  std::size_t checked = 0;
  for (const auto& c : reference().at("cases")) {
    const auto d = c.at("differences").get<std::vector<double>>();
    SignFlipOptions opts;
    opts.exact_up_to = c.at("exact_up_to").get<std::size_t>();
    opts.resamples = kResamples;
    opts.seed = 5;
    if (nonzero_count(d) <= opts.exact_up_to) continue;
    const TestResult r = sign_flip_test(d, opts);
    SCOPED_TRACE(c.at("name").get<std::string>() + " against " +
                 c.at("reference").get<std::string>());
    EXPECT_TRUE(r.reason.empty()) << r.reason;
    EXPECT_TRUE(close_to(r.statistic, c.at("statistic").get<double>()));
    const double p = c.at("p_value").get<double>();
    double variance = p * (1.0 - p) / static_cast<double>(kResamples);
    double bias = 1.0 / static_cast<double>(kResamples + 1);
    if (!c.at("reference_resamples").is_null()) {
      const double r_ref = c.at("reference_resamples").get<double>();
      variance += p * (1.0 - p) / r_ref;
      bias += 2.0 / r_ref;
    }
    EXPECT_TRUE(within(r.p_value, p, 4.0 * std::sqrt(variance) + bias));
    ++checked;
  }
  EXPECT_GE(checked, 7U);
}

// ---- properties
// ----------------------------------------------------------------------------------

std::vector<double> normal_like(std::size_t n, double shift, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<double> d(n);
  for (auto& x : d) x = shift + (rng.uniform() + rng.uniform() + rng.uniform() - 1.5);
  return d;
}

TEST(Permutation, SameSeedSamePValueWhateverTheThreads) {
  const std::vector<double> continuous = normal_like(2'000, 0.02, 1);
  std::vector<double> scores(3'000);
  Rng rng(2);
  for (auto& x : scores) x = static_cast<double>(rng.below(5)) - static_cast<double>(rng.below(5));
  for (const std::vector<double>* d :
       {&continuous, static_cast<const std::vector<double>*>(&scores)}) {
    SignFlipOptions opts;
    opts.resamples = 1'000;
    opts.seed = 3;
    opts.threads = 1;
    const TestResult one = sign_flip_test(*d, opts);
    EXPECT_GT(one.p_value, 0.0);
    for (unsigned threads : {2U, 3U, 8U}) {
      opts.threads = threads;
      const TestResult many = sign_flip_test(*d, opts);
      EXPECT_EQ(one.p_value, many.p_value) << threads;
      EXPECT_EQ(one.statistic, many.statistic);
    }
  }
}

TEST(Permutation, MonteCarloIsNeverZero) {
  // Every pattern is less extreme than the observed all-positive one: p = 1/(R + 1).
  const std::vector<double> d(200, 0.5);
  SignFlipOptions opts;
  opts.resamples = 999;
  EXPECT_EQ(sign_flip_test(d, opts).p_value, 1.0 / 1000.0);
  std::vector<double> continuous = normal_like(200, 5.0, 9);
  EXPECT_EQ(sign_flip_test(continuous, opts).p_value, 1.0 / 1000.0);
}

TEST(Permutation, ExactHandComputed) {
  // d = (1, 2, 3): sums over the 8 patterns are ±6, ±4, ±2, ±0 → |S| ≥ 6 in 2 of 8.
  const std::vector<double> d = {1.0, 2.0, 3.0};
  const TestResult r = sign_flip_test(d, SignFlipOptions{});
  EXPECT_EQ(r.statistic, 2.0);
  EXPECT_EQ(r.p_value, 0.25);
  // d = (1, 2, 3, 0): the zero changes nothing.
  const std::vector<double> with_zero = {1.0, 0.0, 2.0, 3.0};
  EXPECT_EQ(sign_flip_test(with_zero, SignFlipOptions{}).p_value, 0.25);
  // Ties count as extreme: (1, −1) gives sums 0, ±2, 0 with |0| ≥ |0| in all 4.
  const std::vector<double> tied = {1.0, -1.0};
  EXPECT_EQ(sign_flip_test(tied, SignFlipOptions{}).p_value, 1.0);
  // Decimal differences whose sums tie only up to rounding: 0.1 + 0.2 vs 0.3.
  const std::vector<double> decimals = {0.1, 0.2, -0.3};
  EXPECT_EQ(sign_flip_test(decimals, SignFlipOptions{}).p_value, 1.0);
}

TEST(Permutation, PairedIsTheTestOfDifferences) {
  const std::vector<double> a = {0.9, 0.7, 0.8, 1.0, 0.6}, b = {0.5, 0.6, 0.9, 0.4, 0.6};
  std::vector<double> d(a.size());
  for (std::size_t i = 0; i < d.size(); ++i) d[i] = a[i] - b[i];
  const TestResult paired = sign_flip_test(a, b, SignFlipOptions{});
  const TestResult diff = sign_flip_test(d, SignFlipOptions{});
  EXPECT_EQ(paired.p_value, diff.p_value);
  EXPECT_EQ(paired.statistic, diff.statistic);
}

// ---- degenerate cases --------------------------------------------------------------------------

TEST(Permutation, NoPairs) {
  const TestResult r = sign_flip_test(std::span<const double>{}, SignFlipOptions{});
  EXPECT_EQ(r.reason, "no pairs");
  EXPECT_TRUE(std::isnan(r.p_value));
  EXPECT_TRUE(std::isnan(r.statistic));
}

TEST(Permutation, OnePair) {
  const std::vector<double> one = {0.4};
  const TestResult r = sign_flip_test(one, SignFlipOptions{});
  EXPECT_TRUE(r.reason.empty());
  EXPECT_EQ(r.statistic, 0.4);
  EXPECT_EQ(r.p_value, 1.0);  // ±0.4 are equally far from 0
}

TEST(Permutation, AllZeroIsPValueOne) {
  const std::vector<double> zeros(1'000, 0.0);
  const TestResult r = sign_flip_test(zeros, SignFlipOptions{});
  EXPECT_TRUE(r.reason.empty());
  EXPECT_EQ(r.statistic, 0.0);
  EXPECT_EQ(r.p_value, 1.0);
}

TEST(Permutation, NaNOrInfinityInTheInput) {
  for (const double bad :
       {std::numeric_limits<double>::quiet_NaN(), -std::numeric_limits<double>::infinity()}) {
    const std::vector<double> d = {0.1, bad, 0.3};
    const TestResult r = sign_flip_test(d, SignFlipOptions{});
    EXPECT_EQ(r.reason, "NaN or infinite value in the input");
    EXPECT_TRUE(std::isnan(r.p_value));
    EXPECT_TRUE(std::isnan(r.statistic));
  }
}

TEST(Permutation, BadArguments) {
  const std::vector<double> a = {1.0, 2.0}, b = {1.0};
  EXPECT_EQ(sign_flip_test(a, b, SignFlipOptions{}).reason, "paired samples differ in length");
  SignFlipOptions opts;
  opts.resamples = 0;
  EXPECT_TRUE(sign_flip_test(a, opts).reason.empty());  // exact: no resamples needed
  const std::vector<double> many = normal_like(50, 0.0, 1);
  EXPECT_EQ(sign_flip_test(many, opts).reason,
            "resamples must be at least 1 for a Monte Carlo test");
}

}  // namespace QB_UNITY_ID
}  // namespace qb::stats
