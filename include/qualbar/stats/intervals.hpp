#pragma once
// Interval estimates and sample-size checks used by the per-slice report. Pure functions.

#include <cstddef>
#include <span>

#include "qualbar/stats/common.hpp"

namespace qb::stats {

// ---- one proportion: x successes in n trials, two-sided `confidence` in (0, 1) ---------------
// All three give [NaN, NaN] when n = 0, x > n, or confidence is not in (0, 1). The ends stay in
// [0, 1]. See docs/stats-tests.md for the formulas and when to prefer which.

// Wilson score interval. x = 0 has lower end exactly 0, x = n upper end exactly 1.
Interval wilson(std::size_t x, std::size_t n, double confidence);

// Clopper–Pearson ("exact") interval: the ends are Beta quantiles,
//   lo = B⁻¹(α/2; x, n − x + 1),  hi = B⁻¹(1 − α/2; x + 1, n − x),  α = 1 − confidence,
// with lo = 0 when x = 0 and hi = 1 when x = n. Covers at least `confidence` for every p (it is
// conservative: usually wider than Wilson). Same as statsmodels proportion_confint(method='beta').
Interval clopper_pearson(std::size_t x, std::size_t n, double confidence);

// Agresti–Coull interval: the Wald interval around the adjusted rate
//   ñ = n + z²,  p̃ = (x + z²/2) / ñ,  p̃ ± z·√(p̃(1 − p̃)/ñ),  z = Φ⁻¹(½ + confidence/2),
// clipped to [0, 1]. Same as statsmodels proportion_confint(method='agresti_coull').
Interval agresti_coull(std::size_t x, std::size_t n, double confidence);

// ---- difference of two independent proportions -----------------------------------------------

// Newcombe's hybrid score interval (method 10 of Newcombe 1998) for the difference p_a − p_b of
// two independent rates, p_a = x_a / n_a first (for a comparison: candidate first, baseline
// second, so a drop is negative). With Wilson intervals [l_a, u_a] and [l_b, u_b] of each rate:
//   lo = (p_a − p_b) − √((p_a − l_a)² + (u_b − p_b)²)
//   hi = (p_a − p_b) + √((u_a − p_a)² + (p_b − l_b)²)
// Same as statsmodels confint_proportions_2indep(x_a, n_a, x_b, n_b, method='newcomb'), which
// also reports p1 − p2 with the first sample first. [NaN, NaN] when n_a or n_b is 0, x_a > n_a,
// x_b > n_b, or confidence is not in (0, 1).
Interval newcombe_difference(std::size_t x_a, std::size_t n_a, std::size_t x_b, std::size_t n_b,
                             double confidence);

// Katz's log interval for the ratio p_a / p_b of two independent rates (the four-fifths rule's
// ratio): ln(p_a / p_b) ± z · √(1/x_a − 1/n_a + 1/x_b − 1/n_b), exponentiated. Same as SciPy's
// scipy.stats.contingency.relative_risk(x_a, n_a, x_b, n_b).confidence_interval(). With x_a = 0
// the ratio is 0 and the interval [0, NaN]; with x_b = 0, [NaN, NaN]; invalid inputs [NaN, NaN].
struct RatioInterval {
  double ratio = kNaN;
  Interval interval{kNaN, kNaN};
};
RatioInterval ratio_katz(std::size_t x_a, std::size_t n_a, std::size_t x_b, std::size_t n_b,
                         double confidence);

// ---- rates and means of scores in [0, 1] at an effective sample size ----------------------------

// The Wilson score interval of a rate at a sample size that may be fractional, with the quantile
// `q` given (z for a rate; Student's t for a mean whose variance was estimated):
//   centre = (r + q²/(2m)) / (1 + q²/m),  half = q · √(r(1 − r)/m + q²/(4m²)) / (1 + q²/m)
// Always within [0, 1]; a rate of exactly 0 (or 1) has its lower (upper) end exactly there. With
// m whole and q = z it is `wilson`. The same as statsmodels proportion_confint(r·m, m, alpha,
// method='wilson') with alpha = 2·(1 − Φ(q)). [NaN, NaN] when r is not in [0, 1], m is not a
// positive finite number, or q <= 0.
Interval wilson_score(double rate, double size, double q);

// Interval for the mean of n scores that each lie in [0, 1] (a graded dimension's mean): the
// Wilson score interval at the effective sample size (Kish; Korn and Graubard 1998)
//   n_eff = n · m(1 − m) / s²,  q = t(n − 1, ½ + confidence/2)
// from the mean m and the sample standard deviation s (n − 1 denominator). n_eff is the number of
// pass/fail cases whose rate would be as precise as these scores' mean; for pass/fail scores it is
// n − 1, and for scores with less spread it is larger. When the scores show no spread (s² within
// rounding of 0, which includes every mean of exactly 0 or 1) there is nothing to estimate the
// spread from, so the interval takes the largest variance a [0, 1] score with mean m can have,
// m(1 − m): n_eff = n, the pass-rate interval of m over n cases. Unlike the t interval m ± q·s/√n,
// it never leaves [0, 1] and never has zero width. [NaN, NaN] when n < 2, m is not in [0, 1],
// s is not finite, or confidence is not in (0, 1).
Interval unit_mean_interval(double mean, double sd, std::size_t n, double confidence);

// ---- other intervals ---------------------------------------------------------------------------

// Student-t interval for a mean from its sample standard deviation (n − 1 denominator). It is not
// bounded: for scores in [0, 1] use unit_mean_interval. n < 2 gives [NaN, NaN].
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

// The smallest sample sizes at which quantile_interval_sorted has a lower end ((1 − q)^n <= α/2)
// and an upper end (q^n <= α/2), α = 1 − confidence: for the p95 at 95%, 2 and 72. Below them
// that end is NaN: so few values cannot bound the quantile on that side. 0 for invalid input.
struct QuantileIntervalSizes {
  std::size_t lower = 0;
  std::size_t upper = 0;
};
QuantileIntervalSizes quantile_interval_min_n(double q, double confidence);

// Smallest drop δ below the rate p0 that a one-sided normal-approximation test at level
// α = 1 − confidence detects with the given power from n cases (one-sample test of a proportion).
// NaN when n = 0 or p0 <= 0; +infinity when not even a drop to 0 would be detected.
// The per-slice report's size check. It is min_detectable_drop_one_sample (stats/power.hpp) with
// α = 1 − confidence and Sides::one_sided; see there for the formula and the other cases.
double min_detectable_drop(double p0, std::size_t n, double confidence, double power);

}  // namespace qb::stats
