#include "qualbar/stats/drift.hpp"

#include <algorithm>
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

constexpr double kInf = std::numeric_limits<double>::infinity();

const nlohmann::json& reference() { return test::reference("drift.json"); }

// A number from the fixture: infinities are written as the strings "inf" / "-inf".
double num(const json& v) {
  if (v.is_string()) return v.get<std::string>() == "inf" ? kInf : -kInf;
  return v.get<double>();
}

std::vector<double> nums(const json& v) {
  std::vector<double> out;
  for (const auto& x : v) out.push_back(num(x));
  return out;
}

// 1e-9 relative, or 1e-12 absolute near zero. A null reference value means NaN.
::testing::AssertionResult close_to(double actual, const json& expected, double rel = 1e-9) {
  if (expected.is_null()) {
    if (std::isnan(actual)) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "got " << actual << ", want NaN";
  }
  const double want = num(expected);
  if (actual == want) return ::testing::AssertionSuccess();
  const double diff = std::fabs(actual - want);
  if (diff <= 1e-12 || diff <= rel * std::fabs(want)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << std::setprecision(17) << "got " << actual << ", want "
                                       << want << " (difference " << diff << ")";
}

// A sample drawn with qualbar's Rng exactly as the reference script draws it (see its Rng class).
std::vector<double> generated(const json& spec) {
  Rng rng(spec.at("seed").get<std::uint64_t>(), spec.at("stream").get<std::uint64_t>());
  const auto n = spec.at("n").get<std::size_t>();
  const std::string kind = spec.at("transform").get<std::string>();
  const double c = spec.at("c").get<double>();
  std::vector<double> out(n);
  for (double& x : out) {
    const double u = rng.uniform();
    if (kind == "shift") {
      x = u + c;
    } else if (kind == "scale") {
      x = u * c;
    } else {
      x = std::floor(u * c) / c;
    }
  }
  return out;
}

KsMethod ks_method(const std::string& name) {
  if (name == "exact") return KsMethod::exact;
  if (name == "asymp") return KsMethod::asymptotic;
  return KsMethod::automatic;
}

// ---- against the reference --------------------------------------------------------------------

TEST(DriftReference, FixtureIsComplete) {
  for (const char* key :
       {"psi", "quantile_bins", "quantile_bins_generated", "jensen_shannon", "chi_square_gof",
        "chi_square_independence", "ks", "ks_generated", "kstwo"}) {
    ASSERT_TRUE(reference().contains(key)) << key;
    EXPECT_GE(reference().at(key).size(), 6U) << key;
  }
  EXPECT_EQ(reference().at("psi_epsilon").get<double>(), kPsiEpsilon);
}

TEST(PsiReference, MatchesNumpyWithTheEpsilonRule) {
  for (const auto& c : reference().at("psi")) {
    const auto b = nums(c.at("baseline")), cur = nums(c.at("current"));
    const DriftValue got = psi(b, cur, c.at("epsilon").get<double>());
    EXPECT_TRUE(got.reason.empty()) << got.reason << " " << c.dump();
    EXPECT_TRUE(close_to(got.value, c.at("psi"))) << c.dump();
  }
}

void expect_bins(const QuantileBins& got, const json& c) {
  ASSERT_TRUE(got.reason.empty()) << got.reason;
  // Edges are numpy's quantiles bit for bit (same interpolation), counts exactly equal.
  EXPECT_EQ(got.edges, nums(c.at("edges")));
  EXPECT_EQ(got.baseline, nums(c.at("baseline_counts")));
  EXPECT_EQ(got.current, nums(c.at("current_counts")));
}

TEST(PsiReference, QuantileBinsMatchNumpyQuantileAndSearchsorted) {
  for (const auto& c : reference().at("quantile_bins")) {
    SCOPED_TRACE(c.at("name").get<std::string>() + " bins " + c.at("bins").dump());
    const auto b = nums(c.at("baseline")), cur = nums(c.at("current"));
    const auto bins = c.at("bins").get<std::size_t>();
    expect_bins(quantile_bins(b, cur, bins), c);
    EXPECT_TRUE(close_to(psi_samples(b, cur, bins).value, c.at("psi")));
  }
}

TEST(PsiReference, QuantileBinsOnLargeGeneratedSamples) {
  for (const auto& c : reference().at("quantile_bins_generated")) {
    SCOPED_TRACE(c.at("name").get<std::string>() + " bins " + c.at("bins").dump());
    const auto b = generated(c.at("baseline")), cur = generated(c.at("current"));
    const auto bins = c.at("bins").get<std::size_t>();
    expect_bins(quantile_bins(b, cur, bins), c);
    EXPECT_TRUE(close_to(psi_samples(b, cur, bins).value, c.at("psi")));
  }
}

TEST(JensenShannonReference, MatchesScipy) {
  for (const auto& c : reference().at("jensen_shannon")) {
    const auto p = nums(c.at("p")), q = nums(c.at("q"));
    // SciPy's default base (None) is e; qualbar's default is 2, so e is passed explicitly.
    const double base = c.at("base").is_null() ? std::exp(1.0) : c.at("base").get<double>();
    const DriftValue got = jensen_shannon(p, q, base);
    EXPECT_TRUE(got.reason.empty()) << got.reason;
    EXPECT_TRUE(close_to(got.value, c.at("distance"))) << c.dump();
  }
}

TEST(ChiSquareReference, GoodnessOfFitMatchesScipyChisquare) {
  for (const auto& c : reference().at("chi_square_gof")) {
    SCOPED_TRACE(c.at("name").get<std::string>());
    const auto obs = nums(c.at("observed"));
    const std::vector<double> exp =
        c.at("expected").is_null() ? std::vector<double>{} : nums(c.at("expected"));
    const ChiSquareResult got = chi_square_gof(obs, exp, c.at("ddof").get<int>());
    ASSERT_TRUE(got.reason.empty()) << got.reason;
    EXPECT_TRUE(close_to(got.statistic, c.at("statistic")));
    EXPECT_TRUE(close_to(got.p_value, c.at("p_value")));
    EXPECT_EQ(got.dof, c.at("dof").get<double>());
    EXPECT_EQ(got.cells_below_5, c.at("cells_below_5").get<std::size_t>());
    EXPECT_TRUE(close_to(got.min_expected, c.at("min_expected")));
    const auto want = nums(c.at("expected_counts"));
    ASSERT_EQ(got.expected.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i) EXPECT_TRUE(close_to(got.expected[i], want[i]));
  }
}

TEST(ChiSquareReference, IndependenceMatchesScipyChi2Contingency) {
  for (const auto& c : reference().at("chi_square_independence")) {
    SCOPED_TRACE(c.at("name").get<std::string>() +
                 (c.at("correction").get<bool>() ? " corrected" : ""));
    const auto& rows_json = c.at("table");
    const std::size_t rows = rows_json.size(), cols = rows_json.at(0).size();
    std::vector<double> table;
    for (const auto& r : rows_json)
      for (const auto& x : r) table.push_back(x.get<double>());
    const ChiSquareResult got =
        chi_square_independence(table, rows, cols, c.at("correction").get<bool>());
    ASSERT_TRUE(got.reason.empty()) << got.reason;
    EXPECT_TRUE(close_to(got.statistic, c.at("statistic")));
    EXPECT_TRUE(close_to(got.p_value, c.at("p_value")));
    EXPECT_EQ(got.dof, c.at("dof").get<double>());
    EXPECT_EQ(got.yates, c.at("correction").get<bool>() && got.dof == 1.0);
    EXPECT_EQ(got.cells_below_5, c.at("cells_below_5").get<std::size_t>());
    EXPECT_TRUE(close_to(got.min_expected, c.at("min_expected")));
    const auto want = nums(c.at("expected"));
    ASSERT_EQ(got.expected.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i) EXPECT_TRUE(close_to(got.expected[i], want[i]));
  }
}

void expect_ks(const KsResult& got, const json& c) {
  ASSERT_TRUE(got.reason.empty()) << got.reason;
  // The statistic and where it is reached are computed with SciPy's arithmetic: equal exactly.
  EXPECT_EQ(got.statistic, c.at("statistic").get<double>());
  EXPECT_EQ(got.location, num(c.at("location")));
  EXPECT_EQ(got.sign, c.at("sign").get<int>());
  EXPECT_TRUE(close_to(got.p_value, c.at("p_value")));
}

TEST(KolmogorovSmirnovReference, SmallSamplesMatchScipyKs2samp) {
  for (const auto& c : reference().at("ks")) {
    SCOPED_TRACE(c.at("name").get<std::string>() + " " + c.at("method").get<std::string>());
    const auto a = nums(c.at("a")), b = nums(c.at("b"));
    expect_ks(ks_two_sample(a, b, ks_method(c.at("method").get<std::string>())), c);
  }
}

TEST(KolmogorovSmirnovReference, LargeSamplesMatchScipyKs2samp) {
  for (const auto& c : reference().at("ks_generated")) {
    SCOPED_TRACE(c.at("name").get<std::string>() + " " + c.at("method").get<std::string>());
    const auto a = generated(c.at("a")), b = generated(c.at("b"));
    const KsResult got = ks_two_sample(a, b, ks_method(c.at("method").get<std::string>()));
    expect_ks(got, c);
    // 'auto' is exact up to 10,000 values per sample, asymptotic beyond.
    const bool small = std::max(a.size(), b.size()) <= 10000;
    if (c.at("method") == "auto") {
      EXPECT_EQ(got.method, small ? KsMethod::exact : KsMethod::asymptotic);
    }
  }
}

TEST(KolmogorovSmirnovReference, KstwoSfMatchesScipyKstwo) {
  for (const auto& c : reference().at("kstwo")) {
    const auto n = c.at("n").get<std::size_t>();
    const double d = c.at("d").get<double>();
    EXPECT_TRUE(close_to(kstwo_sf(n, d), c.at("kstwo_sf"))) << c.dump();
    EXPECT_TRUE(close_to(smirnov_sf(n, d), c.at("smirnov"))) << c.dump();
  }
}

// ---- properties and degenerate cases -----------------------------------------------------------

TEST(Psi, IdenticalIsZeroAndShiftIsPositive) {
  const std::vector<double> a = {10, 20, 30, 40};
  EXPECT_EQ(psi(a, a).value, 0.0);
  const std::vector<double> b = {40, 30, 20, 10};
  EXPECT_GT(psi(a, b).value, 0.25);
  EXPECT_DOUBLE_EQ(psi(a, b).value, psi(b, a).value);  // PSI is symmetric
}

TEST(Psi, EmptyBinIsFiniteWithEpsilonAndInfiniteWithout) {
  const std::vector<double> a = {50, 30, 20}, b = {70, 30, 0};
  const DriftValue smoothed = psi(a, b);
  EXPECT_TRUE(std::isfinite(smoothed.value));
  EXPECT_GT(smoothed.value, 0.5);
  EXPECT_EQ(psi(a, b, 0.0).value, kInf);
  const std::vector<double> c = {50, 0, 50}, d = {30, 0, 70};
  EXPECT_TRUE(std::isfinite(psi(c, d, 0.0).value));  // a bin empty on both sides adds 0
}

TEST(Psi, DegenerateInputsGiveNaNWithReason) {
  const std::vector<double> a = {1, 2}, three = {1, 2, 3}, zeros = {0, 0}, neg = {1, -1};
  const std::vector<double> nan = {1, std::nan("")}, empty;
  EXPECT_EQ(psi(a, three).reason, "the two distributions have different numbers of bins");
  EXPECT_EQ(psi(empty, empty).reason, "no bins (empty input)");
  EXPECT_EQ(psi(a, zeros).reason, "a distribution has total 0 (no counts)");
  EXPECT_EQ(psi(a, neg).reason, "a count or proportion is negative or infinite");
  EXPECT_EQ(psi(a, nan).reason, "NaN in the input");
  EXPECT_EQ(psi(a, a, -1.0).reason, "epsilon must be finite and >= 0");
  EXPECT_TRUE(std::isnan(psi(a, nan).value));
}

TEST(Psi, QuantileBinsEdgeGoesToTheLowerBin) {
  const std::vector<double> base = {1, 2, 3, 4, 5};
  const std::vector<double> cur = {3.0, 3.0000001};
  const QuantileBins b = quantile_bins(base, cur, 2);  // one edge, the median 3
  ASSERT_EQ(b.edges, std::vector<double>({3.0}));
  EXPECT_EQ(b.current, std::vector<double>({1.0, 1.0}));
  EXPECT_EQ(b.baseline, std::vector<double>({3.0, 2.0}));
}

TEST(Psi, QuantileBinsDegenerate) {
  const std::vector<double> a = {1, 2, 3}, empty, nan = {1, std::nan("")}, inf = {1, kInf};
  EXPECT_EQ(quantile_bins(empty, a).reason, "an empty sample");
  EXPECT_EQ(quantile_bins(a, empty).reason, "an empty sample");
  EXPECT_EQ(quantile_bins(a, a, 0).reason, "bins must be at least 1");
  EXPECT_EQ(quantile_bins(nan, a).reason, "NaN in the input");
  EXPECT_EQ(quantile_bins(a, nan).reason, "NaN in the input");
  EXPECT_EQ(quantile_bins(inf, a).reason, "an infinite value in the baseline");
  EXPECT_TRUE(quantile_bins(a, inf).reason.empty());  // counted in the last bin
  EXPECT_TRUE(std::isnan(psi_samples(a, empty).value));
  EXPECT_EQ(psi_samples(a, empty).reason, "an empty sample");
  const QuantileBins one = quantile_bins(a, a, 1);
  EXPECT_TRUE(one.edges.empty());
  EXPECT_EQ(one.baseline, std::vector<double>({3.0}));
}

TEST(JensenShannon, BoundsAndSymmetry) {
  const std::vector<double> p = {1, 0, 0}, q = {0, 0, 5}, r = {2, 3, 5};
  EXPECT_DOUBLE_EQ(jensen_shannon(p, q).value, 1.0);  // disjoint support, base 2
  EXPECT_EQ(jensen_shannon(r, r).value, 0.0);
  EXPECT_DOUBLE_EQ(jensen_shannon(p, r).value, jensen_shannon(r, p).value);
  EXPECT_NEAR(jensen_shannon(p, q, std::exp(1.0)).value, std::sqrt(std::log(2.0)), 1e-15);
}

TEST(JensenShannon, DegenerateInputsGiveNaNWithReason) {
  const std::vector<double> a = {1, 2}, zeros = {0, 0}, b = {1, 2, 3};
  EXPECT_EQ(jensen_shannon(a, zeros).reason, "a distribution has total 0 (no counts)");
  EXPECT_EQ(jensen_shannon(a, b).reason, "the two distributions have different numbers of bins");
  EXPECT_EQ(jensen_shannon(a, a, 1.0).reason,
            "the logarithm base must be positive, finite and not 1");
  EXPECT_EQ(jensen_shannon(a, a, 0.0).reason,
            "the logarithm base must be positive, finite and not 1");
  EXPECT_TRUE(std::isnan(jensen_shannon(a, zeros).value));
}

TEST(ChiSquare, GofInfiniteWhenExpectedIsZeroButObserved) {
  // A category the baseline never had: SciPy gives X² = inf, p = 0; so do we.
  const std::vector<double> obs = {10, 5, 3}, exp = {0.5, 0.5, 0.0};
  const ChiSquareResult r = chi_square_gof(obs, exp);
  EXPECT_TRUE(r.reason.empty());
  EXPECT_EQ(r.statistic, kInf);
  EXPECT_EQ(r.p_value, 0.0);
  EXPECT_EQ(r.min_expected, 0.0);
  EXPECT_EQ(r.cells_below_5, 1U);
}

TEST(ChiSquare, ThousandsOfCategoriesGiveAPValueNotAnException) {
  // 4,000 categories in the same mix: X² = 0, p = 1 (SciPy's chi2.sf(0, 3999) = 1). Boost's
  // default policy threw "tgamma too large" here, ending `monitor status` with exit 3.
  const std::vector<double> same(4000, 25.0);
  const ChiSquareResult gof = chi_square_gof(same, same);
  EXPECT_TRUE(gof.reason.empty()) << gof.reason;
  EXPECT_EQ(gof.statistic, 0.0);
  EXPECT_EQ(gof.p_value, 1.0);
  std::vector<double> table(same);
  table.insert(table.end(), same.begin(), same.end());
  const ChiSquareResult ind = chi_square_independence(table, 2, 4000);
  EXPECT_TRUE(ind.reason.empty()) << ind.reason;
  EXPECT_EQ(ind.p_value, 1.0);
  // A shifted mix over as many categories is still a p-value in [0, 1].
  std::vector<double> shifted(same);
  for (std::size_t i = 0; i < 2000; ++i) shifted[i] = 40.0;
  const ChiSquareResult moved = chi_square_gof(shifted, same);
  EXPECT_GE(moved.p_value, 0.0);
  EXPECT_LT(moved.p_value, 1e-6);
}

TEST(ChiSquare, GofDegenerate) {
  const std::vector<double> one = {5}, two = {5, 5}, empty, zeros = {0, 0}, nan = {1, std::nan("")};
  EXPECT_EQ(chi_square_gof(empty).reason, "no cells (empty input)");
  EXPECT_EQ(chi_square_gof(one).reason, "no degrees of freedom left (cells − 1 − ddof <= 0)");
  EXPECT_EQ(chi_square_gof(two, {}, 1).reason,
            "no degrees of freedom left (cells − 1 − ddof <= 0)");
  EXPECT_EQ(chi_square_gof(two, {}, -1).reason, "ddof must be >= 0");
  EXPECT_EQ(chi_square_gof(zeros).reason, "no observations (total 0)");
  EXPECT_EQ(chi_square_gof(two, zeros).reason, "the expected counts are all 0");
  EXPECT_EQ(chi_square_gof(two, one).reason,
            "observed and expected have different numbers of cells");
  EXPECT_EQ(chi_square_gof(nan).reason, "NaN in the input");
  EXPECT_TRUE(std::isnan(chi_square_gof(one).p_value));
}

TEST(ChiSquare, IndependenceOneClassIsNaNNotZero) {
  // SciPy returns X² = 0, p = 1 for a table with one non-empty row (dof = 0); qualbar refuses to
  // report "no difference" when there is nothing to compare.
  const std::vector<double> one_row = {5, 7, 9, 0, 0, 0};
  const ChiSquareResult r = chi_square_independence(one_row, 2, 3);
  EXPECT_EQ(r.reason, "fewer than two non-empty rows or columns: nothing to test");
  EXPECT_TRUE(std::isnan(r.statistic));
  EXPECT_TRUE(std::isnan(r.p_value));
  const std::vector<double> one_col = {5, 0, 7, 0};
  EXPECT_EQ(chi_square_independence(one_col, 2, 2).reason,
            "fewer than two non-empty rows or columns: nothing to test");
}

TEST(ChiSquare, IndependenceDegenerate) {
  const std::vector<double> t = {1, 2, 3, 4}, zeros = {0, 0, 0, 0}, neg = {1, -2, 3, 4};
  EXPECT_EQ(chi_square_independence(t, 3, 2).reason,
            "rows × cols does not match the number of cells");
  EXPECT_EQ(chi_square_independence({}, 0, 0).reason, "an empty table");
  EXPECT_EQ(chi_square_independence(zeros, 2, 2).reason, "an empty table (total 0)");
  EXPECT_EQ(chi_square_independence(neg, 2, 2).reason,
            "a count or proportion is negative or infinite");
}

TEST(ChiSquare, YatesOnlyForTwoByTwo) {
  const std::vector<double> t22 = {12, 5, 7, 9}, t23 = {12, 5, 3, 7, 9, 4};
  EXPECT_TRUE(chi_square_independence(t22, 2, 2, true).yates);
  EXPECT_FALSE(chi_square_independence(t22, 2, 2, false).yates);
  EXPECT_FALSE(chi_square_independence(t23, 2, 3, true).yates);
  EXPECT_LT(chi_square_independence(t22, 2, 2, true).statistic,
            chi_square_independence(t22, 2, 2, false).statistic);
}

TEST(KolmogorovSmirnov, DegenerateInputsGiveNaNWithReason) {
  const std::vector<double> a = {1, 2, 3}, empty, nan = {1, std::nan("")};
  const KsResult e = ks_two_sample(a, empty);
  EXPECT_EQ(e.reason, "an empty sample");
  EXPECT_TRUE(std::isnan(e.statistic));
  EXPECT_TRUE(std::isnan(e.p_value));
  EXPECT_EQ(ks_two_sample(nan, a).reason, "NaN in the input");
  EXPECT_EQ(ks_two_sample_sorted(a, nan).reason, "NaN in the input");
  const std::vector<double> one = {1.0};
  EXPECT_EQ(ks_two_sample(one, one, KsMethod::asymptotic).reason,
            "too few values for the asymptotic p-value (round(n·m/(n+m)) = 0)");
}

TEST(KolmogorovSmirnov, AllEqualIsNoEvidence) {
  const std::vector<double> a(5, 2.0), b(7, 2.0);
  const KsResult r = ks_two_sample(a, b);
  EXPECT_EQ(r.statistic, 0.0);
  EXPECT_EQ(r.p_value, 1.0);
  EXPECT_EQ(r.method, KsMethod::exact);
}

TEST(KolmogorovSmirnov, InputIsNotModifiedAndSortedFormAgrees) {
  Rng rng(11);
  std::vector<double> a(3000), b(2500);
  for (double& x : a) x = rng.uniform();
  for (double& x : b) x = rng.uniform() * 1.05 - 0.02;
  const std::vector<double> a0 = a, b0 = b;
  const KsResult r = ks_two_sample(a, b);
  EXPECT_EQ(a, a0);
  EXPECT_EQ(b, b0);
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  const KsResult s = ks_two_sample_sorted(a, b);
  EXPECT_EQ(r.statistic, s.statistic);
  EXPECT_EQ(r.p_value, s.p_value);
  EXPECT_EQ(r.location, s.location);
}

TEST(KolmogorovSmirnov, RadixSortHandlesSignsZerosAndInfinities) {
  // Large enough for the radix sort; the statistic must equal the one on std::sort-ed input.
  Rng rng(5);
  std::vector<double> a(5000), b(4000);
  for (double& x : a) x = (rng.uniform() - 0.5) * 1e6;
  for (double& x : b) x = std::floor((rng.uniform() - 0.5) * 20.0);
  a[0] = -kInf;
  a[1] = kInf;
  a[2] = -0.0;
  b[0] = 0.0;
  b[1] = -1e-310;  // subnormal
  const KsResult r = ks_two_sample(a, b);
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  const KsResult s = ks_two_sample_sorted(a, b);
  EXPECT_EQ(r.statistic, s.statistic);
  EXPECT_EQ(r.location, s.location);
  EXPECT_EQ(r.p_value, s.p_value);
}

TEST(KolmogorovSmirnov, ForcedExactFallsBackWhenTheLcmIsTooLarge) {
  // lcm(50021, 50023) > INT32_MAX: SciPy warns and switches to the asymptotic p-value.
  Rng rng(3);
  std::vector<double> a(50021), b(50023);
  for (double& x : a) x = rng.uniform();
  for (double& x : b) x = rng.uniform();
  const KsResult exact = ks_two_sample(a, b, KsMethod::exact);
  const KsResult asymp = ks_two_sample(a, b, KsMethod::asymptotic);
  EXPECT_EQ(exact.method, KsMethod::asymptotic);
  EXPECT_EQ(exact.p_value, asymp.p_value);
  EXPECT_EQ(exact.statistic, asymp.statistic);
}

TEST(KolmogorovSmirnov, DistributionFunctionsAtTheEnds) {
  EXPECT_TRUE(std::isnan(kstwo_sf(0, 0.5)));
  EXPECT_TRUE(std::isnan(kstwo_sf(10, std::nan(""))));
  EXPECT_EQ(kstwo_sf(10, 0.0), 1.0);
  EXPECT_EQ(kstwo_sf(10, 0.05), 1.0);  // below the support's lower end 1/(2n)
  EXPECT_EQ(kstwo_sf(10, 1.0), 0.0);
  EXPECT_TRUE(std::isnan(smirnov_sf(0, 0.5)));
  EXPECT_TRUE(std::isnan(smirnov_sf(5, 1.5)));
  EXPECT_EQ(smirnov_sf(5, 0.0), 1.0);
  EXPECT_EQ(smirnov_sf(5, 1.0), 0.0);
  EXPECT_DOUBLE_EQ(smirnov_sf(1, 0.3), 0.7);
}

}  // namespace QB_UNITY_ID
}  // namespace qb::stats
