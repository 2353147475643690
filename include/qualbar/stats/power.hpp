#pragma once
// Sample size and minimum detectable drop for pass rates: how many cases a slice needs to show a
// drop δ below a rate p0, and which drop a slice of n cases can show. Pure functions.
//
// Both use the normal approximation on the raw proportions (not Cohen's arcsine h), with the
// variance under the null at the null rate and under the alternative at the alternative rate, so
// they describe the tests qualbar runs (the one-sample test of a rate, the pooled two-proportion
// z test) and the per-slice report's size check (min_detectable_drop in stats/intervals.hpp).
// Let z_α = Φ⁻¹(1 − α) one-sided or Φ⁻¹(1 − α/2) two-sided (the far tail of a two-sided test is
// ignored, as is usual), z_β = Φ⁻¹(power), p1 = p0 − δ:
//
//   one sample (n cases against a known rate p0):
//     n = ( z_α·√(p0(1 − p0)) + z_β·√(p1(1 − p1)) )² / δ²
//   two independent groups of n cases each (baseline rate p0, candidate rate p1), p̄ = (p0 + p1)/2:
//     n = ( z_α·√(2·p̄(1 − p̄)) + z_β·√(p0(1 − p0) + p1(1 − p1)) )² / δ²
//
// Invalid arguments give NaN: p0 not in (0, 1], α or power not in (0, 1); for the sample sizes
// also δ not in (0, p0]; for the detectable drops n = 0.

#include <cstddef>

namespace qb::stats {

// Whether α is the level of a one-sided test (the drop direction only) or of a two-sided test.
enum class Sides { one_sided, two_sided };

// Cases needed to detect a drop δ from p0 with a one-sample test: the formula above rounded up
// to a whole number (at least 1). Same as statsmodels normal_sample_size_one_tail with
// std_null = √(p0(1 − p0)), std_alternative = √(p1(1 − p1)), rounded up.
double sample_size_one_sample(double p0, double drop, double alpha, double power, Sides sides);

// Cases needed in EACH of two equal groups to detect a drop δ from p0 to p0 − δ with the pooled
// two-proportion z test, rounded up (at least 1). Same as statsmodels
// samplesize_proportions_2indep_onetail(diff=−δ, prop2=p0, ratio=1), rounded up.
double sample_size_two_sample(double p0, double drop, double alpha, double power, Sides sides);

// Smallest drop δ in (0, p0] that n cases detect with the one-sample test: the δ at which the
// formula above equals n (solved to ~1e-15). +infinity when not even a drop to 0 would be
// detected with that power.
double min_detectable_drop_one_sample(double p0, std::size_t n, double alpha, double power,
                                      Sides sides);

// Smallest drop δ in (0, p0] that two groups of n cases each detect with the two-proportion
// z test. +infinity when not even a drop to 0 would be detected with that power.
double min_detectable_drop_two_sample(double p0, std::size_t n_per_group, double alpha,
                                      double power, Sides sides);

}  // namespace qb::stats
