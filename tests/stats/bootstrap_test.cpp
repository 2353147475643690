#include "qualbar/stats/bootstrap.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <limits>
#include <new>
#include <numbers>
#include <numeric>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "qualbar/stats/intervals.hpp"
#include "qualbar/stats/random.hpp"

#include "reference.hpp"

namespace qb::stats {
namespace QB_UNITY_ID {

using nlohmann::json;

const nlohmann::json& reference() { return test::reference("bootstrap.json"); }

// 1e-9 relative, or 1e-12 absolute near zero: for values that involve no random draws.
::testing::AssertionResult close_to(double actual, double want) {
  const double diff = std::fabs(actual - want);
  if (diff <= 1e-12 || diff <= 1e-9 * std::fabs(want)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << std::setprecision(17) << "got " << actual << ", want "
                                       << want << " (difference " << diff << ")";
}

// Monte Carlo agreement: |actual − want| ≤ tolerance, with the tolerance in the message.
::testing::AssertionResult within(double actual, double want, double tolerance) {
  const double diff = std::fabs(actual - want);
  if (diff <= tolerance) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << std::setprecision(10) << "got " << actual << ", want " << want << " ± " << tolerance
         << " (difference " << diff << ")";
}

std::vector<double> data_set(const std::string& name) {
  return reference().at("data").at(name).get<std::vector<double>>();
}

double mean_of(std::span<const double> x) {
  return std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(x.size());
}

double median_of(std::span<const double> x) {
  std::vector<double> v(x.begin(), x.end());
  std::sort(v.begin(), v.end());
  return quantile_sorted(v, 0.5);
}

double sd_of(std::span<const double> x) {
  const double m = mean_of(x);
  double ss = 0.0;
  for (const double v : x) ss += (v - m) * (v - m);
  return std::sqrt(ss / (static_cast<double>(x.size()) - 1.0));
}

double mean_difference_of(std::span<const double> a, std::span<const double> b) {
  double s = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] - b[i];
  return s / static_cast<double>(a.size());
}

double ratio_of_means_of(std::span<const double> a, std::span<const double> b) {
  return mean_of(a) / mean_of(b);
}

Statistic one_sample_statistic(const std::string& name) {
  if (name == "mean") return mean_of;
  if (name == "median") return median_of;
  if (name == "std") return sd_of;
  throw std::invalid_argument("unknown statistic " + name);
}

PairedStatistic paired_statistic(const std::string& name) {
  if (name == "mean_difference") return mean_difference_of;
  if (name == "ratio_of_means") return ratio_of_means_of;
  throw std::invalid_argument("unknown statistic " + name);
}

constexpr std::size_t kResamples = 50'000;

// Runs the case's statistic through every qualbar function that computes it.
std::vector<std::pair<std::string, BootstrapResult>> run_case(const json& c) {
  BootstrapOptions opts;
  opts.confidence = c.at("confidence").get<double>();
  opts.method = c.at("method") == "bca" ? BootstrapMethod::bca : BootstrapMethod::percentile;
  opts.resamples = kResamples;
  opts.seed = 42;
  const std::string stat = c.at("statistic").get<std::string>();
  const auto names = c.at("data").get<std::vector<std::string>>();
  std::vector<std::pair<std::string, BootstrapResult>> out;
  if (names.size() == 1) {
    const std::vector<double> x = data_set(names[0]);
    if (stat == "mean") out.emplace_back("bootstrap_mean", bootstrap_mean(x, opts));
    out.emplace_back("bootstrap", bootstrap(x, one_sample_statistic(stat), opts));
  } else {
    const std::vector<double> a = data_set(names[0]), b = data_set(names[1]);
    if (stat == "mean_difference") {
      out.emplace_back("bootstrap_mean_difference", bootstrap_mean_difference(a, b, opts));
    }
    out.emplace_back("bootstrap_paired", bootstrap_paired(a, b, paired_statistic(stat), opts));
  }
  return out;
}

// ---- against the reference --------------------------------------------------------------------

TEST(BootstrapReference, FixtureIsComplete) {
  for (const char* key : {"data", "cases", "acceleration"})
    ASSERT_TRUE(reference().contains(key)) << key;
  EXPECT_GE(reference().at("cases").size(), 20U);
  EXPECT_GE(reference().at("acceleration").size(), 6U);
}

// SciPy ran 100,000 resamples, qualbar runs 50,000 with its own generator: the ends agree within
// 4 Monte Carlo standard errors of the difference, plus the lattice step for discrete bootstrap
// distributions (see make_bootstrap_reference.py for how the errors are estimated).
TEST(BootstrapReference, IntervalsMatchScipyWithinMonteCarloError) {
  for (const auto& c : reference().at("cases")) {
    const double b_ref = c.at("resamples").get<double>();
    const double scale = std::sqrt(1.0 / b_ref + 1.0 / static_cast<double>(kResamples));
    const double tol_lo =
        4.0 * c.at("se_lo_unit").get<double>() * scale + c.at("gap_lo").get<double>();
    const double tol_hi =
        4.0 * c.at("se_hi_unit").get<double>() * scale + c.at("gap_hi").get<double>();
    for (const auto& [function, got] : run_case(c)) {
      SCOPED_TRACE(function + " on " + c.at("data").dump() + " " +
                   c.at("statistic").get<std::string>() + " " + c.at("method").get<std::string>());
      ASSERT_TRUE(got.reason.empty()) << got.reason;
      EXPECT_TRUE(close_to(got.estimate, c.at("estimate").get<double>()));
      EXPECT_TRUE(within(got.interval.lo, c.at("lo").get<double>(), tol_lo)) << "lo";
      EXPECT_TRUE(within(got.interval.hi, c.at("hi").get<double>(), tol_hi)) << "hi";
      // The standard deviation of B draws has a relative error of about √((2 + κ)/4B), κ the
      // excess kurtosis; 3% covers 4 standard errors of the difference for κ up to 3.
      const double se = c.at("standard_error").get<double>();
      EXPECT_TRUE(within(got.standard_error, se, 0.03 * se)) << "standard error";
      if (c.at("method") == "bca") {
        EXPECT_TRUE(close_to(got.acceleration, c.at("acceleration").get<double>()))
            << "acceleration";
        EXPECT_TRUE(within(got.bias_correction, c.at("z0").get<double>(),
                           4.0 * c.at("z0_se_unit").get<double>() * scale))
            << "z0";
      }
    }
  }
}

// The acceleration comes from the jackknife alone: no random draws, so it matches SciPy's own
// jackknife to 1e-9 (the mean's closed form included).
TEST(BootstrapReference, AccelerationMatchesScipyJackknife) {
  BootstrapOptions opts;
  opts.resamples = 200;
  for (const auto& c : reference().at("acceleration")) {
    const std::vector<double> x = data_set(c.at("data").get<std::string>());
    const std::string stat = c.at("statistic").get<std::string>();
    const double want = c.at("acceleration").get<double>();
    const BootstrapResult generic = bootstrap(x, one_sample_statistic(stat), opts);
    EXPECT_TRUE(close_to(generic.acceleration, want)) << c.dump();
    if (stat == "mean") {
      EXPECT_TRUE(close_to(bootstrap_mean(x, opts).acceleration, want)) << c.dump();
    }
  }
}

// ---- reproducibility ---------------------------------------------------------------------------

std::vector<double> continuous_sample(std::size_t n, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<double> x(n);
  for (auto& v : x) v = std::exp(rng.uniform() * 2.0);  // skewed, all distinct
  return x;
}

std::vector<double> scores_sample(std::size_t n, std::uint64_t seed, int levels) {
  Rng rng(seed);
  std::vector<double> x(n);
  for (auto& v : x) v = 1.0 + static_cast<double>(rng.below(static_cast<std::uint64_t>(levels)));
  return x;
}

void expect_identical(const BootstrapResult& x, const BootstrapResult& y) {
  EXPECT_EQ(x.interval.lo, y.interval.lo);
  EXPECT_EQ(x.interval.hi, y.interval.hi);
  EXPECT_EQ(x.standard_error, y.standard_error);
  EXPECT_EQ(x.bias_correction, y.bias_correction);
}

// Every path, by thread count: 1 (the reference), then 2, 3 and 7.
TEST(Bootstrap, SameSeedSameIntervalWhateverTheThreads) {
  const std::vector<double> cont = continuous_sample(3'001, 1);
  const std::vector<double> cont_b = continuous_sample(3'001, 2);
  const std::vector<double> pass = scores_sample(5'000, 3, 2);
  const std::vector<double> pass_b = scores_sample(5'000, 4, 2);
  BootstrapOptions opts;
  opts.resamples = 1'000;  // 16 blocks, the last one partial
  opts.seed = 7;
  auto all = [&](const BootstrapOptions& o) {
    return std::vector<BootstrapResult>{
        bootstrap_mean(cont, o),
        bootstrap_mean(pass, o),
        bootstrap_mean_difference(cont, cont_b, o),
        bootstrap_mean_difference(pass, pass_b, o),
        bootstrap(std::span(cont).first(500), median_of, o),
        bootstrap_paired(std::span(cont).first(500), std::span(cont_b).first(500),
                         ratio_of_means_of, o),
    };
  };
  opts.threads = 1;
  const auto one = all(opts);
  for (unsigned threads : {1U, 2U, 3U, 7U}) {
    opts.threads = threads;
    const auto many = all(opts);
    for (std::size_t i = 0; i < one.size(); ++i) {
      SCOPED_TRACE("function " + std::to_string(i) + ", threads " + std::to_string(threads));
      EXPECT_TRUE(many[i].reason.empty()) << many[i].reason;
      expect_identical(one[i], many[i]);
    }
  }
}

TEST(Bootstrap, DifferentSeedDifferentInterval) {
  const std::vector<double> x = continuous_sample(500, 1);
  BootstrapOptions opts;
  opts.resamples = 2'000;
  const BootstrapResult a = bootstrap_mean(x, opts);
  opts.seed = 1;
  const BootstrapResult b = bootstrap_mean(x, opts);
  EXPECT_NE(a.interval.lo, b.interval.lo);
  EXPECT_TRUE(close_to(a.estimate, b.estimate));
  EXPECT_TRUE(close_to(a.acceleration, b.acceleration));
}

// ---- the count path has the index path's distribution -----------------------------------------

// Monte Carlo tolerance for an end of two independent runs of B resamples each, for a roughly
// normal bootstrap distribution with standard deviation `se`: 4 standard errors of the
// difference of two q-quantiles, plus `step`, the lattice step of a discrete distribution.
double end_tolerance(double se, double q, std::size_t resamples, double step) {
  const double z = normal_quantile(q);
  const double density = std::exp(-z * z / 2.0) / std::sqrt(2.0 * std::numbers::pi) / se;
  return 4.0 * std::sqrt(2.0 * q * (1.0 - q) / static_cast<double>(resamples)) / density + step;
}

void expect_same_distribution(std::span<const double> x, double step) {
  for (const double confidence : {0.8, 0.95, 0.99}) {
    for (const auto method : {BootstrapMethod::percentile, BootstrapMethod::bca}) {
      BootstrapOptions opts;
      opts.resamples = 40'000;
      opts.confidence = confidence;
      opts.method = method;
      opts.path = ResamplingPath::by_index;
      const BootstrapResult by_index = bootstrap_mean(x, opts);
      opts.path = ResamplingPath::by_count;
      opts.seed = 99;
      const BootstrapResult by_count = bootstrap_mean(x, opts);
      SCOPED_TRACE("confidence " + std::to_string(confidence) +
                   (method == BootstrapMethod::bca ? " BCa" : " percentile"));
      ASSERT_TRUE(by_index.reason.empty() && by_count.reason.empty());
      const double q = (1.0 - confidence) / 2.0;
      // BCa's levels move with z₀, itself Monte Carlo: half as much tolerance again.
      const double widen = method == BootstrapMethod::bca ? 1.5 : 1.0;
      const double tol = widen * end_tolerance(by_index.standard_error, q, opts.resamples, step);
      EXPECT_TRUE(within(by_count.interval.lo, by_index.interval.lo, tol)) << "lo";
      EXPECT_TRUE(within(by_count.interval.hi, by_index.interval.hi, tol)) << "hi";
      EXPECT_TRUE(
          within(by_count.standard_error, by_index.standard_error, 0.03 * by_index.standard_error));
      if (method == BootstrapMethod::bca) {
        EXPECT_EQ(by_count.acceleration, by_index.acceleration);
      }
    }
  }
}

TEST(Bootstrap, CountPathMatchesIndexPathOnPassFail) {
  const std::vector<double> x = scores_sample(400, 11, 2);
  expect_same_distribution(x, 1.0 / 400.0);
}

TEST(Bootstrap, CountPathMatchesIndexPathOnOneToFiveScores) {
  const std::vector<double> x = scores_sample(1'000, 12, 5);
  expect_same_distribution(x, 1.0 / 1'000.0);
}

TEST(Bootstrap, CountPathMatchesIndexPathOnContinuousData) {
  // by_count works on any data (one category per distinct value), only slowly.
  const std::vector<double> x = continuous_sample(60, 13);
  expect_same_distribution(x, 0.0);
}

TEST(Bootstrap, AutomaticPathCountsFewDistinctValues) {
  // Pass/fail and 1–5 scores take the count path, continuous data the index path: the automatic
  // choice gives exactly the forced path's interval.
  BootstrapOptions opts;
  opts.resamples = 640;
  for (const auto& [x, expected] :
       {std::pair{scores_sample(300, 1, 5), ResamplingPath::by_count},
        std::pair{scores_sample(300, 1, 16), ResamplingPath::by_count},
        std::pair{scores_sample(300, 1, 17), ResamplingPath::by_index},
        std::pair{continuous_sample(300, 1), ResamplingPath::by_index}}) {
    opts.path = ResamplingPath::automatic;
    const BootstrapResult automatic = bootstrap_mean(x, opts);
    opts.path = expected;
    expect_identical(automatic, bootstrap_mean(x, opts));
  }
}

TEST(Bootstrap, MeanDifferenceIsTheMeanOfDifferences) {
  const std::vector<double> a = scores_sample(700, 21, 5), b = scores_sample(700, 22, 5);
  std::vector<double> d(a.size());
  for (std::size_t i = 0; i < d.size(); ++i) d[i] = a[i] - b[i];
  BootstrapOptions opts;
  opts.resamples = 1'000;
  expect_identical(bootstrap_mean_difference(a, b, opts), bootstrap_mean(d, opts));
}

TEST(Bootstrap, GenericMeanMatchesFastPath) {
  // Same seed, same index draws: the general path with the mean as a callable gives the index
  // path's distribution draw for draw (sums may differ in the last bits: 1e-9 relative).
  const std::vector<double> x = continuous_sample(1'001, 31);
  BootstrapOptions opts;
  opts.resamples = 500;
  opts.path = ResamplingPath::by_index;
  const BootstrapResult fast = bootstrap_mean(x, opts);
  const BootstrapResult generic = bootstrap(x, mean_of, opts);
  EXPECT_TRUE(close_to(fast.interval.lo, generic.interval.lo));
  EXPECT_TRUE(close_to(fast.interval.hi, generic.interval.hi));
  EXPECT_TRUE(close_to(fast.acceleration, generic.acceleration));
}

// ---- degenerate cases --------------------------------------------------------------------------

void expect_nan_interval(const BootstrapResult& r) {
  EXPECT_TRUE(std::isnan(r.interval.lo));
  EXPECT_TRUE(std::isnan(r.interval.hi));
}

TEST(Bootstrap, NoObservations) {
  const std::vector<double> none;
  const BootstrapOptions opts;
  for (const BootstrapResult& r :
       {bootstrap_mean(none, opts), bootstrap_mean_difference(none, none, opts),
        bootstrap(none, median_of, opts), bootstrap_paired(none, none, ratio_of_means_of, opts)}) {
    EXPECT_EQ(r.reason, "no observations");
    EXPECT_TRUE(std::isnan(r.estimate));
    expect_nan_interval(r);
  }
}

TEST(Bootstrap, OneObservationHasAnEstimateButNoInterval) {
  const std::vector<double> one = {0.7}, other = {0.2};
  const BootstrapOptions opts;
  for (const BootstrapResult& r : {bootstrap_mean(one, opts), bootstrap(one, median_of, opts)}) {
    EXPECT_EQ(r.reason, "one observation: nothing to resample");
    EXPECT_EQ(r.estimate, 0.7);
    expect_nan_interval(r);
  }
  const BootstrapResult d = bootstrap_mean_difference(one, other, opts);
  EXPECT_EQ(d.reason, "one observation: nothing to resample");
  EXPECT_DOUBLE_EQ(d.estimate, 0.5);
  expect_nan_interval(d);
}

TEST(Bootstrap, AllEqualIsAZeroWidthIntervalAtTheValue) {
  const std::vector<double> same(50, 0.25), other(50, 1.0);
  for (const auto method : {BootstrapMethod::percentile, BootstrapMethod::bca}) {
    BootstrapOptions opts;
    opts.method = method;
    for (const BootstrapResult& r :
         {bootstrap_mean(same, opts), bootstrap(same, median_of, opts)}) {
      EXPECT_TRUE(r.reason.empty()) << r.reason;
      EXPECT_EQ(r.estimate, 0.25);
      EXPECT_EQ(r.interval.lo, 0.25);
      EXPECT_EQ(r.interval.hi, 0.25);
      EXPECT_EQ(r.standard_error, 0.0);
    }
    const BootstrapResult d = bootstrap_mean_difference(same, other, opts);
    EXPECT_TRUE(d.reason.empty());
    EXPECT_EQ(d.interval.lo, -0.75);
    EXPECT_EQ(d.interval.hi, -0.75);
    const BootstrapResult p = bootstrap_paired(same, other, ratio_of_means_of, opts);
    EXPECT_EQ(p.interval.lo, 0.25);
    EXPECT_EQ(p.interval.hi, 0.25);
  }
}

TEST(Bootstrap, NaNOrInfinityInTheInput) {
  const BootstrapOptions opts;
  for (const double bad :
       {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity()}) {
    const std::vector<double> x = {1.0, bad, 3.0}, y = {1.0, 2.0, 3.0};
    for (const BootstrapResult& r :
         {bootstrap_mean(x, opts), bootstrap_mean_difference(y, x, opts),
          bootstrap(x, median_of, opts), bootstrap_paired(y, x, ratio_of_means_of, opts)}) {
      EXPECT_EQ(r.reason, "NaN or infinite value in the input");
      EXPECT_TRUE(std::isnan(r.estimate));
      expect_nan_interval(r);
    }
  }
}

TEST(Bootstrap, BadArguments) {
  const std::vector<double> x = {1.0, 2.0, 3.0}, shorter = {1.0, 2.0};
  BootstrapOptions opts;
  EXPECT_EQ(bootstrap_mean_difference(x, shorter, opts).reason, "paired samples differ in length");
  EXPECT_EQ(bootstrap_paired(x, shorter, ratio_of_means_of, opts).reason,
            "paired samples differ in length");
  opts.confidence = 1.0;
  EXPECT_EQ(bootstrap_mean(x, opts).reason, "confidence must be between 0 and 1 (exclusive)");
  opts.confidence = 0.95;
  opts.resamples = 0;
  EXPECT_EQ(bootstrap(x, median_of, opts).reason, "resamples must be at least 1");
}

TEST(Bootstrap, StatisticNaN) {
  const std::vector<double> x = {1.0, 2.0, 3.0, 4.0};
  const BootstrapOptions opts;
  const BootstrapResult never = bootstrap(
      x, [](std::span<const double>) { return kNaN; }, opts);
  EXPECT_EQ(never.reason, "the statistic is NaN on the sample");
  expect_nan_interval(never);
  // NaN when the resample happens to repeat the first value.
  const BootstrapResult sometimes = bootstrap(
      x,
      [](std::span<const double> s) {
        return std::count(s.begin(), s.end(), 1.0) > 1 ? kNaN : s[0];
      },
      opts);
  EXPECT_EQ(sometimes.reason, "the statistic is NaN on some resamples");
  expect_nan_interval(sometimes);
}

TEST(Bootstrap, BcaNeedsAJackknife) {
  // The sample standard deviation of one item is NaN: with two items the jackknife fails; the
  // percentile method does not need it.
  const std::vector<double> two = {1.0, 3.0};
  BootstrapOptions opts;
  const BootstrapResult bca = bootstrap(two, sd_of, opts);
  EXPECT_EQ(bca.reason,
            "BCa: the statistic is NaN with one item left out (use the percentile method)");
  EXPECT_DOUBLE_EQ(bca.estimate, std::sqrt(2.0));
  expect_nan_interval(bca);
  opts.method = BootstrapMethod::percentile;
  const BootstrapResult pct = bootstrap(two, sd_of, opts);
  EXPECT_TRUE(pct.reason.empty()) << pct.reason;
  EXPECT_EQ(pct.interval.lo, 0.0);  // half the resamples repeat one item
  EXPECT_DOUBLE_EQ(pct.interval.hi, std::sqrt(2.0));
}

TEST(Bootstrap, BcaUndefinedWhenTheEstimateIsOutsideTheBootstrapDistribution) {
  // Minus the number of distinct values: every resample of 30 distinct values has fewer (almost
  // surely), so θ̂ lies below all θ* and z₀ = −∞.
  const std::vector<double> x = continuous_sample(30, 5);
  auto distinct = [](std::span<const double> s) {
    return -static_cast<double>(std::set<double>(s.begin(), s.end()).size());
  };
  const BootstrapResult r = bootstrap(x, distinct, BootstrapOptions{});
  EXPECT_EQ(r.reason,
            "BCa: undefined when the estimate lies outside the bootstrap distribution (use the "
            "percentile method)");
  EXPECT_TRUE(std::isinf(r.bias_correction));
  expect_nan_interval(r);
}

TEST(Bootstrap, ConstantJackknifeMeansNoAcceleration) {
  // Deliberate difference from SciPy, which gives NaN: when leaving any one item out gives the
  // same value (the median of these data), the jackknife shows no skewness, so a = 0 and BCa is
  // the bias-corrected percentile interval.
  const std::vector<double> x = {1.0, 2.0, 2.0, 2.0, 2.0, 3.0, 2.0, 2.0};
  const BootstrapResult r = bootstrap(x, median_of, BootstrapOptions{});
  EXPECT_TRUE(r.reason.empty()) << r.reason;
  EXPECT_EQ(r.acceleration, 0.0);
  EXPECT_LE(r.interval.lo, 2.0);
  EXPECT_GE(r.interval.hi, 2.0);
}

TEST(Bootstrap, PercentileLeavesBcaFieldsNaN) {
  BootstrapOptions opts;
  opts.method = BootstrapMethod::percentile;
  const BootstrapResult r = bootstrap_mean(continuous_sample(100, 3), opts);
  EXPECT_TRUE(std::isnan(r.acceleration));
  EXPECT_TRUE(std::isnan(r.bias_correction));
  EXPECT_LT(r.interval.lo, r.estimate);
  EXPECT_GT(r.interval.hi, r.estimate);
}

TEST(BootstrapFaults, AStatisticThatThrowsOnAWorkerThreadIsAReasonNotACrash) {
  std::vector<double> x(200);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<double>(i % 17);
  BootstrapOptions o;
  o.resamples = 2000;
  o.threads = 2;  // the throw happens on a worker: before the fix, std::terminate
  o.seed = 3;
  std::atomic<int> calls{0};
  const Statistic throws_later = [&](std::span<const double> s) {
    if (++calls > 50) throw std::runtime_error("statistic broke");
    return s.empty() ? 0.0 : s[0];
  };
  const BootstrapResult r = bootstrap(x, throws_later, o);
  EXPECT_EQ(r.reason, "the statistic failed (it threw an exception) on the sample or a resample");
  EXPECT_TRUE(std::isnan(r.interval.lo));
  const PairedStatistic paired = [](std::span<const double>, std::span<const double>) -> double {
    throw std::bad_alloc();
  };
  const BootstrapResult p = bootstrap_paired(x, x, paired, o);
  EXPECT_EQ(p.reason, "the statistic failed (it threw an exception) on the sample or a resample");
}

}  // namespace QB_UNITY_ID
}  // namespace qb::stats
