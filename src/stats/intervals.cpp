#include "qualbar/stats/intervals.hpp"

#include <algorithm>
#include <cmath>

#include <boost/math/distributions/binomial.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <boost/math/special_functions/beta.hpp>

#include "qualbar/stats/power.hpp"

namespace qb::stats {
namespace {

// The shared preconditions of the one-proportion intervals.
bool valid_proportion(std::size_t x, std::size_t n, double confidence) {
  return n > 0 && x <= n && confidence > 0.0 && confidence < 1.0;
}

}  // namespace

double normal_quantile(double p) {
  return boost::math::quantile(boost::math::normal_distribution<double>(), p);
}

double z_two_sided(double confidence) { return normal_quantile(0.5 + confidence / 2.0); }

Interval wilson(std::size_t x, std::size_t n, double confidence) {
  if (!valid_proportion(x, n, confidence)) return {kNaN, kNaN};
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

Interval clopper_pearson(std::size_t x, std::size_t n, double confidence) {
  if (!valid_proportion(x, n, confidence)) return {kNaN, kNaN};
  const double half_alpha = (1.0 - confidence) / 2.0;
  const auto xx = static_cast<double>(x);
  const auto nn = static_cast<double>(n);
  // The upper end uses the complemented inverse: it keeps full precision when α/2 is tiny.
  return {x == 0 ? 0.0 : boost::math::ibeta_inv(xx, nn - xx + 1.0, half_alpha),
          x == n ? 1.0 : boost::math::ibetac_inv(xx + 1.0, nn - xx, half_alpha)};
}

Interval agresti_coull(std::size_t x, std::size_t n, double confidence) {
  if (!valid_proportion(x, n, confidence)) return {kNaN, kNaN};
  const double z = z_two_sided(confidence);
  const double n_adj = static_cast<double>(n) + z * z;
  const double p_adj = (static_cast<double>(x) + z * z / 2.0) / n_adj;
  const double half = z * std::sqrt(p_adj * (1.0 - p_adj) / n_adj);
  return {std::clamp(p_adj - half, 0.0, 1.0), std::clamp(p_adj + half, 0.0, 1.0)};
}

Interval newcombe_difference(std::size_t x_a, std::size_t n_a, std::size_t x_b, std::size_t n_b,
                             double confidence) {
  if (!valid_proportion(x_a, n_a, confidence) || !valid_proportion(x_b, n_b, confidence))
    return {kNaN, kNaN};
  const double p_a = static_cast<double>(x_a) / static_cast<double>(n_a);
  const double p_b = static_cast<double>(x_b) / static_cast<double>(n_b);
  const Interval a = wilson(x_a, n_a, confidence);
  const Interval b = wilson(x_b, n_b, confidence);
  const double diff = p_a - p_b;
  return {diff - std::hypot(p_a - a.lo, b.hi - p_b), diff + std::hypot(a.hi - p_a, p_b - b.lo)};
}

RatioInterval ratio_katz(std::size_t x_a, std::size_t n_a, std::size_t x_b, std::size_t n_b,
                         double confidence) {
  if (!valid_proportion(x_a, n_a, confidence) || !valid_proportion(x_b, n_b, confidence) ||
      x_b == 0)
    return {};
  const double p_a = static_cast<double>(x_a) / static_cast<double>(n_a);
  const double p_b = static_cast<double>(x_b) / static_cast<double>(n_b);
  const double ratio = p_a / p_b;
  if (x_a == 0) return {0.0, {0.0, kNaN}};
  const double se = std::sqrt(1.0 / static_cast<double>(x_a) - 1.0 / static_cast<double>(n_a) +
                              1.0 / static_cast<double>(x_b) - 1.0 / static_cast<double>(n_b));
  const double z = z_two_sided(confidence);
  return {ratio, {ratio * std::exp(-z * se), ratio * std::exp(z * se)}};
}

Interval wilson_score(double rate, double size, double q) {
  if (!(rate >= 0.0 && rate <= 1.0) || !(size > 0.0) || !std::isfinite(size) || !(q > 0.0))
    return {kNaN, kNaN};
  const double q2 = q * q;
  const double denom = 1.0 + q2 / size;
  const double center = (rate + q2 / (2.0 * size)) / denom;
  const double half = q * std::sqrt(rate * (1.0 - rate) / size + q2 / (4.0 * size * size)) / denom;
  // A rate of exactly 0 or 1 has that end exactly, as `wilson`.
  return {rate == 0.0 ? 0.0 : std::max(0.0, center - half),
          rate == 1.0 ? 1.0 : std::min(1.0, center + half)};
}

Interval unit_mean_interval(double mean, double sd, std::size_t n, double confidence) {
  if (n < 2 || !(mean >= 0.0 && mean <= 1.0) || !std::isfinite(sd) ||
      !(confidence > 0.0 && confidence < 1.0))
    return {kNaN, kNaN};
  const auto nn = static_cast<double>(n);
  const double spread = mean * (1.0 - mean);  // the largest variance a [0, 1] score can have
  const double var = sd * sd;
  // The report's one-pass variance leaves a residue of about 1e-16 relative on equal scores.
  const double n_eff = var > 1e-12 * spread ? nn * spread / var : nn;
  const boost::math::students_t_distribution<double> t(nn - 1.0);
  return wilson_score(mean, n_eff, boost::math::quantile(t, 0.5 + confidence / 2.0));
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

QuantileIntervalSizes quantile_interval_min_n(double q, double confidence) {
  if (!(q > 0.0 && q < 1.0) || !(confidence > 0.0 && confidence < 1.0)) return {};
  const double half_alpha = (1.0 - confidence) / 2.0;
  // The smallest n with p^n <= α/2, from the logarithms and then checked against the powers.
  auto smallest = [&](double p) {
    auto n = static_cast<std::size_t>(std::max(1.0, std::ceil(std::log(half_alpha) / std::log(p))));
    while (n > 1 && std::pow(p, static_cast<double>(n - 1)) <= half_alpha) --n;
    while (std::pow(p, static_cast<double>(n)) > half_alpha) ++n;
    return n;
  };
  return {smallest(1.0 - q), smallest(q)};
}

double min_detectable_drop(double p0, std::size_t n, double confidence, double power) {
  return min_detectable_drop_one_sample(p0, n, 1.0 - confidence, power, Sides::one_sided);
}

}  // namespace qb::stats
