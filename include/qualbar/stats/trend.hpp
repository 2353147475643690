#pragma once
// Trend tests for a metric measured over time (one value per window, in time order): the
// Mann–Kendall test for a monotonic trend and the Theil–Sen slope with its confidence interval.
// Pure functions. Together with the sequential detectors (stats/sequential.hpp) they answer "is
// this slice's quality drifting, and by how much per window?".
//
// Missing windows: NaN values are dropped before the test (as pymannkendall does); Mann–Kendall
// uses only the order of the remaining values, Theil–Sen keeps each value's time. ±infinity is an
// error (reason set).

#include <cstddef>
#include <span>
#include <string_view>

#include "qualbar/stats/common.hpp"

namespace qb::stats {

struct MannKendallResult : TestResult {  // statistic = Z, p_value two-sided
  double s = kNaN;                       // S = Σ_{i<j} sign(x_j − x_i)
  double variance = kNaN;                // var(S) under H0, with the tie correction
  double tau = kNaN;                     // Kendall's tau-a: S / (n(n − 1)/2)
  std::size_t n = 0;                     // values used (NaN dropped)
};

// Mann–Kendall trend test on a series in time order:
//   S = Σ_{i<j} sign(x_j − x_i),
//   var(S) = [n(n−1)(2n+5) − Σ_g t_g(t_g−1)(2t_g+5)] / 18   (t_g: size of each group of ties),
//   Z = (S − 1)/√var if S > 0, (S + 1)/√var if S < 0, 0 if S = 0   (continuity correction),
//   p = 2·(1 − Φ(|Z|)).
// S < 0 (Z < 0) is a downward trend. Without the continuity correction Z = S/√var, which is
// what scipy.stats.kendalltau(time, x, method="asymptotic") uses, so its p-value equals the
// uncorrected Mann–Kendall p-value. S is counted in O(n log n) (merge-sort inversions).
//
// Degenerate cases (statistic and p NaN, reason set; s, variance, tau, n filled when known):
// fewer than 2 values after dropping NaN, every value equal (var(S) = 0: no trend can be
// tested), ±infinity in the series.
MannKendallResult mann_kendall(std::span<const double> series, bool continuity_correction = true);

struct TheilSenResult {
  double slope = kNaN;      // median of the pairwise slopes (per unit of time)
  double intercept = kNaN;  // median(y) − slope·median(x)
  Interval slope_interval;  // confidence interval of the slope (Sen 1968)
  std::size_t n = 0;        // points used (NaN dropped)
  std::string_view reason;
};

// Theil–Sen estimator, as scipy.stats.theilslopes(y, x, confidence, method="separate"):
// slope = median over pairs with x_j > x_i of (y_j − y_i)/(x_j − x_i); the interval is the pair
// of order statistics of the sorted slopes at ranks round((N ∓ z·σ)/2) (N slopes, z the normal
// quantile, σ² = [n(n−1)(2n+5) − ties in x − ties in y]/18), clipped to the slopes' range.
// The first form uses x = 0, 1, …, n − 1 (one value per window; the slope is per window).
// Pairs with a NaN in x or y are dropped first.
//
// Degenerate cases (NaN, reason set): fewer than 2 points, x and y of different lengths, every
// x equal (no slope), ±infinity in x or y, confidence outside (0, 1).
TheilSenResult theil_sen(std::span<const double> y, double confidence = 0.95);
TheilSenResult theil_sen(std::span<const double> y, std::span<const double> x,
                         double confidence = 0.95);

}  // namespace qb::stats
