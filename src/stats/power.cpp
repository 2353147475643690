#include "qualbar/stats/power.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <boost/math/distributions/normal.hpp>

#include "qualbar/stats/common.hpp"

namespace qb::stats {
namespace {

bool valid_design(double p0, double alpha, double power) {
  return p0 > 0.0 && p0 <= 1.0 && alpha > 0.0 && alpha < 1.0 && power > 0.0 && power < 1.0;
}

// Φ⁻¹(1 − a), computed from the complement so that a small a keeps its precision.
double upper_quantile(double a) {
  return boost::math::quantile(
      boost::math::complement(boost::math::normal_distribution<double>(), a));
}

struct Z {
  double alpha;
  double beta;
};

Z critical_values(double alpha, double power, Sides sides) {
  return {upper_quantile(sides == Sides::two_sided ? alpha / 2.0 : alpha),
          upper_quantile(1.0 - power)};
}

double binomial_sd(double p) { return std::sqrt(p * (1.0 - p)); }

// √n times the drop that the test detects exactly: z_α·sd_null + z_β·sd_alternative.
double one_sample_scale(double p0, double drop, Z z) {
  return z.alpha * binomial_sd(p0) + z.beta * binomial_sd(p0 - drop);
}

double two_sample_scale(double p0, double drop, Z z) {
  const double p1 = p0 - drop;
  const double pooled = (p0 + p1) / 2.0;
  return z.alpha * std::sqrt(2.0 * pooled * (1.0 - pooled)) +
         z.beta * std::sqrt(p0 * (1.0 - p0) + p1 * (1.0 - p1));
}

double whole_cases(double scale, double drop) {
  const double n = scale > 0.0 ? (scale / drop) * (scale / drop) : 0.0;
  return std::max(1.0, std::ceil(n));
}

// The smallest δ in (0, p0] with scale(δ) <= δ·√n (the drop is detected), by bisection.
template <class Scale>
double smallest_detected_drop(double p0, std::size_t n, Scale scale) {
  const double root_n = std::sqrt(static_cast<double>(n));
  auto detected = [&](double drop) { return scale(drop) <= drop * root_n; };
  if (!detected(p0)) return std::numeric_limits<double>::infinity();
  double lo = 1e-9, hi = p0;  // invariant: hi is detected
  for (int i = 0; i < 100; ++i) {
    const double mid = 0.5 * (lo + hi);
    (detected(mid) ? hi : lo) = mid;
  }
  return hi;
}

}  // namespace

double sample_size_one_sample(double p0, double drop, double alpha, double power, Sides sides) {
  if (!valid_design(p0, alpha, power) || !(drop > 0.0 && drop <= p0)) return kNaN;
  return whole_cases(one_sample_scale(p0, drop, critical_values(alpha, power, sides)), drop);
}

double sample_size_two_sample(double p0, double drop, double alpha, double power, Sides sides) {
  if (!valid_design(p0, alpha, power) || !(drop > 0.0 && drop <= p0)) return kNaN;
  return whole_cases(two_sample_scale(p0, drop, critical_values(alpha, power, sides)), drop);
}

double min_detectable_drop_one_sample(double p0, std::size_t n, double alpha, double power,
                                      Sides sides) {
  if (n == 0 || !valid_design(p0, alpha, power)) return kNaN;
  const Z z = critical_values(alpha, power, sides);
  return smallest_detected_drop(p0, n, [&](double drop) { return one_sample_scale(p0, drop, z); });
}

double min_detectable_drop_two_sample(double p0, std::size_t n_per_group, double alpha,
                                      double power, Sides sides) {
  if (n_per_group == 0 || !valid_design(p0, alpha, power)) return kNaN;
  const Z z = critical_values(alpha, power, sides);
  return smallest_detected_drop(p0, n_per_group,
                                [&](double drop) { return two_sample_scale(p0, drop, z); });
}

}  // namespace qb::stats
