#include "qualbar/stats/tests.hpp"

#include <algorithm>
#include <cmath>

#include <boost/math/distributions/binomial.hpp>
#include <boost/math/distributions/normal.hpp>

namespace qb::stats {

TestResult mcnemar_exact(std::size_t b, std::size_t c, McNemarPValue p_value) {
  if (b + c == 0)
    return {kNaN, kNaN, "no discordant pairs (b + c = 0): the two systems agree on every case"};
  const std::size_t k = std::min(b, c);
  const boost::math::binomial_distribution<double> x(static_cast<double>(b + c), 0.5);
  const auto kk = static_cast<double>(k);
  double p = 0.0;
  if (p_value == McNemarPValue::exact) {
    p = 2.0 * boost::math::cdf(x, kk);
  } else {
    // A sum of two positive terms: no cancellation when the p value is tiny.
    p = (k == 0 ? 0.0 : 2.0 * boost::math::cdf(x, kk - 1.0)) + boost::math::pdf(x, kk);
  }
  return {kk, std::min(1.0, p), {}};
}

TestResult two_proportion_z(std::size_t x_a, std::size_t n_a, std::size_t x_b, std::size_t n_b) {
  if (n_a == 0 || n_b == 0) return {kNaN, kNaN, "a group has no cases (n = 0)"};
  if (x_a > n_a || x_b > n_b) return {kNaN, kNaN, "more passes than cases (x > n)"};
  if (x_a + x_b == 0 || x_a + x_b == n_a + n_b) {
    return {kNaN, kNaN,
            "every case passes or every case fails in both groups: the pooled variance is 0"};
  }
  const auto na = static_cast<double>(n_a);
  const auto nb = static_cast<double>(n_b);
  const auto pooled = static_cast<double>(x_a + x_b) / (na + nb);
  const double se = std::sqrt(pooled * (1.0 - pooled) * (1.0 / na + 1.0 / nb));
  const double z = (static_cast<double>(x_a) / na - static_cast<double>(x_b) / nb) / se;
  const double tail = boost::math::cdf(
      boost::math::complement(boost::math::normal_distribution<double>(), std::fabs(z)));
  return {z, 2.0 * tail, {}};
}

}  // namespace qb::stats
