#include "qualbar/stats/intervals.hpp"

#include <cmath>
#include <limits>

#include <boost/math/distributions/binomial.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>

namespace qb::stats {
double normal_quantile(double p) {
  return boost::math::quantile(boost::math::normal_distribution<double>(), p);
}

double z_two_sided(double confidence) { return normal_quantile(0.5 + confidence / 2.0); }

Interval wilson(std::size_t x, std::size_t n, double confidence) {
  if (n == 0) return {kNaN, kNaN};
  const double z = z_two_sided(confidence);
  const double nn = static_cast<double>(n);
  const double p = static_cast<double>(x) / nn;
  const double z2 = z * z;
  const double denom = 1.0 + z2 / nn;
  const double center = (p + z2 / (2.0 * nn)) / denom;
  const double half = z * std::sqrt(p * (1.0 - p) / nn + z2 / (4.0 * nn * nn)) / denom;
  // Exact ends: all failures or all successes have a bound of exactly 0 or 1.
  return {x == 0 ? 0.0 : std::max(0.0, center - half), x == n ? 1.0 : std::min(1.0, center + half)};
}

Interval t_interval(double mean, double sd, std::size_t n, double confidence) {
  if (n < 2 || !std::isfinite(mean) || !std::isfinite(sd)) return {kNaN, kNaN};
  const boost::math::students_t_distribution<double> t(static_cast<double>(n - 1));
  const double q = boost::math::quantile(t, 0.5 + confidence / 2.0);
  const double half = q * sd / std::sqrt(static_cast<double>(n));
  return {mean - half, mean + half};
}

double quantile_sorted(std::span<const double> sorted, double q) {
  if (sorted.empty() || !(q >= 0.0 && q <= 1.0)) return kNaN;
  const double h = (static_cast<double>(sorted.size()) - 1.0) * q;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  if (lo + 1 >= sorted.size()) return sorted.back();
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[lo + 1] - sorted[lo]);
}

Interval quantile_interval_sorted(std::span<const double> sorted, double q, double confidence) {
  const std::size_t n = sorted.size();
  if (n == 0) return {kNaN, kNaN};
  const double alpha = 1.0 - confidence;
  const boost::math::binomial_distribution<double> k(static_cast<double>(n), q);
  auto cdf = [&](std::size_t i) { return boost::math::cdf(k, static_cast<double>(i)); };
  // K = number of observations at or below the true quantile, K ~ Binomial(n, q).
  // Lower end: X(r) with r − 1 the largest k where F(k) <= α/2; upper: X(s) with s − 1 the
  // smallest k where F(k) >= 1 − α/2. Coverage F(s−1) − F(r−1) >= 1 − α.
  Interval out{kNaN, kNaN};
  if (cdf(0) <= alpha / 2.0) {
    std::size_t lo = 0, hi = n;  // invariant: F(lo) <= α/2
    while (hi - lo > 1) {
      const std::size_t mid = lo + (hi - lo) / 2;
      (cdf(mid) <= alpha / 2.0 ? lo : hi) = mid;
    }
    out.lo = sorted[lo];  // X(r), r = lo + 1, 0-based index lo
  }
  {
    std::size_t lo = 0, hi = n;  // smallest k with F(k) >= 1 − α/2 lies in [lo, hi]
    while (lo < hi) {
      const std::size_t mid = lo + (hi - lo) / 2;
      if (cdf(mid) >= 1.0 - alpha / 2.0) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    if (lo < n) out.hi = sorted[lo];  // X(s), s = lo + 1
  }
  return out;
}

double min_detectable_drop(double p0, std::size_t n, double confidence, double power) {
  if (n == 0 || !(p0 > 0.0)) return kNaN;
  const double za = normal_quantile(confidence);
  const double zb = normal_quantile(power);
  const double nn = static_cast<double>(n);
  auto needed = [&](double delta) {
    const double p1 = p0 - delta;
    const double s = za * std::sqrt(p0 * (1.0 - p0)) + zb * std::sqrt(p1 * (1.0 - p1));
    return s * s / (delta * delta);
  };
  // needed() falls as δ grows; find the δ at which it equals n. When even a drop to 0 needs more
  // than n cases, no drop is detectable: +infinity.
  double lo = 1e-9, hi = p0;
  if (needed(hi) > nn) return std::numeric_limits<double>::infinity();
  for (int i = 0; i < 100; ++i) {
    const double mid = 0.5 * (lo + hi);
    (needed(mid) > nn ? lo : hi) = mid;
  }
  return hi;
}

}  // namespace qb::stats
