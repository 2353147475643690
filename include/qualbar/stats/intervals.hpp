#pragma once
// Interval estimates and sample-size checks used by the per-slice report. Pure functions.

#include <cstddef>
#include <span>

#include "qualbar/stats/common.hpp"

namespace qb::stats {

// Wilson score interval for x successes in n trials at the given two-sided confidence.
// n = 0 gives the empty interval [NaN, NaN].
Interval wilson(std::size_t x, std::size_t n, double confidence);

// Student-t interval for a mean from its sample standard deviation (n − 1 denominator).
// n < 2 gives [NaN, NaN].
Interval t_interval(double mean, double sd, std::size_t n, double confidence);

// Two-sided standard normal quantile z such that P(|Z| <= z) = confidence.
double z_two_sided(double confidence);

// The standard normal quantile Φ⁻¹(p).
double normal_quantile(double p);

// Quantile (q in [0, 1]) of sorted data with numpy's default ("linear", type 7) definition.
// Empty data or q outside [0, 1]: NaN.
double quantile_sorted(std::span<const double> sorted, double q);

// Distribution-free confidence interval for the q-quantile of sorted data from binomial order
// statistics (the interval covers at least `confidence` when the sample is large enough; when it
// is not, the missing side is NaN).
Interval quantile_interval_sorted(std::span<const double> sorted, double q, double confidence);

// Smallest drop δ below the rate p0 that a one-sided normal-approximation test at level
// α = 1 − confidence detects with the given power from n cases (one-sample test of a proportion).
// NaN when n = 0 or p0 <= 0; +infinity when not even a drop to 0 would be detected.
double min_detectable_drop(double p0, std::size_t n, double confidence, double power);

}  // namespace qb::stats
