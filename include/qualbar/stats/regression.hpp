#pragma once
// Least-squares regression with stratum fixed effects: the slope of y on x when every stratum has
// its own intercept. Pure functions.
//
// Used where an effect must be measured within groups that differ in level, e.g. does the judge's
// lenience grow with answer length among answers people graded the same (review/judge_check.hpp).

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "qualbar/stats/common.hpp"

namespace qb::stats {

inline constexpr std::string_view kSlopeLengthMismatch = "y, x and strata have different lengths";
inline constexpr std::string_view kSlopeBadValue = "NaN or infinite value in y or x";
inline constexpr std::string_view kSlopeTooFew =
    "too few observations: a slope with one intercept per stratum needs more than strata + 1";
inline constexpr std::string_view kSlopeNoVariation =
    "x is constant within every stratum: the slope is not identified";
inline constexpr std::string_view kSlopeExactFit =
    "the fit is exact (residual variance 0): no standard error";

struct SlopeResult {
  double slope = kNaN;
  double standard_error = kNaN;
  double t = kNaN;          // slope / standard_error
  double df = kNaN;         // n − strata − 1
  double p_greater = kNaN;  // one-sided, H1: slope > 0
  double p_two_sided = kNaN;
  std::size_t n = 0;
  std::size_t strata = 0;   // distinct stratum labels
  std::string_view reason;  // empty when the slope could be tested
};

// Ordinary least squares of y on x with one intercept per stratum (dummy-coded strata, no common
// intercept), computed by the Frisch–Waugh–Lovell theorem: with ỹ and x̃ the values minus their
// stratum's mean,
//   slope = Σ x̃ỹ / Σ x̃²,   s² = Σ (ỹ − slope·x̃)² / (n − S − 1),   se = √(s² / Σ x̃²),
// S the number of strata, and t = slope / se tested with Student's t on n − S − 1 degrees of
// freedom. The same slope, standard error and p values as statsmodels OLS on [x, dummies(strata)].
// A stratum with one observation (or constant x) only spends a degree of freedom.
//
// Degenerate cases (everything NaN but n and strata, reason set): lengths differ
// (kSlopeLengthMismatch); NaN or ±infinity in y or x (kSlopeBadValue); n − S − 1 < 1
// (kSlopeTooFew); Σ x̃² = 0 (kSlopeNoVariation). An exact fit (residuals all 0, e.g. y constant)
// gives the slope with se, t and p NaN (kSlopeExactFit).
SlopeResult stratified_slope(std::span<const double> y, std::span<const double> x,
                             std::span<const std::int64_t> strata);

}  // namespace qb::stats
