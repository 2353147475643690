#pragma once
// Input drift: how far the distribution of production inputs (or of any score) has moved from a
// baseline. Population Stability Index, Jensen–Shannon distance, chi-square goodness of fit and
// independence, and the two-sample Kolmogorov–Smirnov test. Pure functions: spans in, values out.
//
// Every function takes its inputs as given and never reorders the caller's data. NaN anywhere in
// an input gives a NaN result with a `reason`; nothing is silently dropped.

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

#include "qualbar/stats/common.hpp"

namespace qb::stats {

// A divergence or distance between two distributions, or NaN with the reason it is undefined.
struct DriftValue {
  double value = kNaN;
  std::string_view reason;
};

// ---- Population Stability Index ----------------------------------------------------------------

// The smoothing PSI adds to every bin's proportion (see psi()).
inline constexpr double kPsiEpsilon = 1e-4;

// Population Stability Index between a baseline and a current binned distribution.
//
// Inputs: two spans of the same length k >= 1, bin by bin, holding counts or proportions (any
// non-negative weights; each side is divided by its own total). Definition:
//   b_i = (baseline_i / Σ baseline + ε) / (1 + k ε),   c_i likewise for current,
//   PSI = Σ_i (c_i − b_i) · ln(c_i / b_i).
// ε (default 1e-4) is added to every proportion, empty or not, and the proportions renormalised,
// so an empty bin on one side gives a large finite term instead of infinity and PSI stays
// continuous in the counts. ε = 0 gives the textbook formula: a bin empty on one side only makes
// PSI +infinity, a bin empty on both sides contributes 0. PSI >= 0, and PSI = 0 exactly when the
// two proportion vectors are equal. Conventional reading: < 0.1 stable, 0.1–0.25 moderate shift,
// > 0.25 major shift.
//
// Degenerate cases (value NaN, reason set): empty spans, lengths differ, a negative, infinite or
// NaN weight, a side whose total is 0, ε negative or NaN.
DriftValue psi(std::span<const double> baseline, std::span<const double> current,
               double epsilon = kPsiEpsilon);

// Two continuous samples counted on bins cut at the baseline's quantiles.
struct QuantileBins {
  std::vector<double> edges;     // interior edges, strictly ascending; bins = edges.size() + 1
  std::vector<double> baseline;  // count of baseline values in each bin
  std::vector<double> current;   // count of current values in each bin
  std::string_view reason;       // non-empty when the bins could not be made (all vectors empty)
};

// Cuts `bins` bins at the baseline's quantiles j / bins, j = 1 … bins − 1 (numpy's default
// "linear" quantile, as np.quantile), and counts both samples. Bin 0 is (−inf, e_1], bin j is
// (e_j, e_{j+1}], the last is (e_{bins−1}, +inf): a value equal to an edge falls in the bin below
// it (np.searchsorted(edges, x, side="left")). Ties in the baseline make equal edges; duplicates
// are merged, so a baseline with few distinct values gives fewer bins than asked (a constant
// baseline c gives two: <= c and > c). Each baseline bin holds about 1/bins of the baseline.
//
// Degenerate cases (reason set, vectors empty): an empty sample, NaN in either sample, ±infinity
// in the baseline (it has no quantiles; in the current sample it is counted in the end bins),
// bins = 0.
QuantileBins quantile_bins(std::span<const double> baseline, std::span<const double> current,
                           std::size_t bins = 10);

// PSI of two continuous samples on `bins` baseline-quantile bins: quantile_bins() then psi().
// Degenerate cases: those of quantile_bins() (value NaN with its reason).
DriftValue psi_samples(std::span<const double> baseline, std::span<const double> current,
                       std::size_t bins = 10, double epsilon = kPsiEpsilon);

// ---- Jensen–Shannon distance -------------------------------------------------------------------

// Jensen–Shannon distance between two distributions given as counts or proportions (each divided
// by its own total), as scipy.spatial.distance.jensenshannon(p, q, base):
//   m = (p + q) / 2,  JS = sqrt( (KL(p ‖ m) + KL(q ‖ m)) / 2 ),  logarithms to `base`.
// With the default base 2 the distance lies in [0, 1]: 0 for equal distributions, 1 for
// distributions with disjoint support. Empty bins need no smoothing (0 · log 0 = 0). A sum that
// rounds below 0 for nearly equal inputs gives 0 (SciPy takes its square root: NaN).
//
// Degenerate cases (value NaN, reason set): empty spans, lengths differ, a negative, infinite or
// NaN weight, a side whose total is 0, base <= 0, base = 1 or NaN.
DriftValue jensen_shannon(std::span<const double> p, std::span<const double> q, double base = 2.0);

// ---- chi-square --------------------------------------------------------------------------------

// The result of a chi-square test. `statistic` is Pearson's X², `p_value` its upper tail under
// chi-square(dof) (Boost.Math). Cochran's rule asks every expected count to be at least 5 for the
// chi-square approximation to hold; the test is still computed when it does not, and
// `cells_below_5` says how many expected counts fall below 5 (0 when the rule holds).
struct ChiSquareResult : TestResult {
  double dof = kNaN;              // degrees of freedom
  double min_expected = kNaN;     // smallest expected count over the cells used
  std::size_t cells_below_5 = 0;  // expected counts < 5
  bool yates = false;             // Yates' continuity correction was applied
  std::vector<double> expected;   // expected counts, cell by cell (row-major for a table)
};

// Chi-square goodness of fit of observed counts against expected ones, as
// scipy.stats.chisquare(observed, expected, ddof):
//   X² = Σ (O_i − E_i)² / E_i,  dof = k − 1 − ddof.
// `expected` holds non-negative weights (baseline counts or proportions): they are rescaled to
// the observed total, so they need not sum to it (SciPy requires the sums to agree; when they do,
// the result is SciPy's). An empty `expected` means uniform (SciPy's default). A cell with E = 0
// and O > 0 makes X² = +infinity and p = 0 (as SciPy); a cell with E = 0 and O = 0 is a category
// neither side has and is left out of k (SciPy gives NaN there).
//
// Degenerate cases (NaN, reason set): no cells, lengths differ, a negative, infinite or NaN
// count, observed total 0, expected total 0, dof <= 0, ddof < 0.
ChiSquareResult chi_square_gof(std::span<const double> observed,
                               std::span<const double> expected = {}, int ddof = 0);

// Chi-square test of independence on an r × c contingency table given row-major (table[i·cols
// + j] = count of row i, column j), as scipy.stats.chi2_contingency(table, correction):
//   E_ij = (row_i total)(column_j total) / N,  X² = Σ (O_ij − E_ij)² / E_ij,
//   dof = (r − 1)(c − 1).
// With `correction` (SciPy's default, and ours) and dof = 1 (a 2 × 2 table) Yates' correction
// moves each O_ij towards E_ij by min(0.5, |O_ij − E_ij|) first. For drift, rows are the
// baseline and the current window, columns the categories.
// A row or column that is all zero (a category seen in neither sample) carries no information
// and is dropped before the test (SciPy raises an error instead); dof counts the rest.
//
// Degenerate cases (NaN, reason set): rows · cols != table.size(), an empty table, a negative,
// infinite or NaN count, fewer than two non-empty rows or columns (nothing to test: SciPy returns
// X² = 0, p = 1 when dof = 0; we return NaN with the reason).
ChiSquareResult chi_square_independence(std::span<const double> table, std::size_t rows,
                                        std::size_t cols, bool correction = true);

// ---- two-sample Kolmogorov–Smirnov -------------------------------------------------------------

enum class KsMethod {
  automatic,   // exact when both samples have at most 10,000 values, asymptotic otherwise
  exact,       // exact null distribution (Hodges; falls back to asymptotic when it cannot)
  asymptotic,  // kstwo.sf(D, round(n·m / (n + m)))
};

struct KsResult : TestResult {
  KsMethod method = KsMethod::automatic;  // the method actually used: exact or asymptotic
  double location = kNaN;  // the value at which the two empirical CDFs are furthest apart
  int sign = 0;            // +1 when the first sample's ECDF is above the second's there, else −1
};

// Two-sample, two-sided Kolmogorov–Smirnov test, as scipy.stats.ks_2samp(a, b, method) in SciPy
// 1.10: D = max_x |F_a(x) − F_b(x)| over all observed x (right-continuous ECDFs, ties handled),
// and P(D_{n,m} >= D) under the null of one continuous distribution.
//  * exact: Hodges' lattice-path count (n = m: the reflection formula; n != m: the "inside"
//    recursion of Viehmann), with D first rounded to a multiple of 1/lcm(n, m) as SciPy does (the
//    returned statistic is the rounded one). When the count is not a probability (rounding in
//    very large tables) or lcm(n, m) is too large, the asymptotic p-value is used and `method`
//    says so.
//  * asymptotic: the one-sample two-sided distribution kstwo_sf(round(n·m/(n+m)), D), which is
//    what SciPy 1.10 uses (not the limiting Kolmogorov distribution).
// The inputs need not be sorted and are not modified (they are copied and sorted; the sort is
// done on both cores for large samples, with a result independent of the thread count).
//
// Degenerate cases (NaN, reason set): an empty sample (SciPy raises), NaN in either sample,
// KsMethod::asymptotic forced on two single values (round(n·m/(n+m)) = 0; SciPy gives NaN).
// ±infinity is an ordinary value; all values equal gives D = 0, p = 1.
KsResult ks_two_sample(std::span<const double> a, std::span<const double> b,
                       KsMethod method = KsMethod::automatic);

// The same on samples already sorted ascending (not checked): no copy, one merge pass.
KsResult ks_two_sample_sorted(std::span<const double> a_sorted, std::span<const double> b_sorted,
                              KsMethod method = KsMethod::automatic);

// Survival function P(D_n >= d) of the one-sample two-sided Kolmogorov–Smirnov statistic D_n,
// as scipy.stats.kstwo.sf(d, n) (Simard and L'Ecuyer's choice among Ruben–Gambino, Durbin's
// matrix, Pomeranz, Pelz–Good and 2·smirnov). n = 0 or NaN d: NaN. Boost 1.74 has no
// Kolmogorov–Smirnov distribution, so this is implemented here (see docs/stats-drift.md).
double kstwo_sf(std::size_t n, double d);

// Survival function P(D_n^+ >= d) of the one-sided statistic, as scipy.special.smirnov(n, d)
// (the Smirnov–Birnbaum–Tingey sum). n = 0, NaN d or d outside [0, 1]: NaN.
double smirnov_sf(std::size_t n, double d);

}  // namespace qb::stats
