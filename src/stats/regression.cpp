#include "qualbar/stats/regression.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include <boost/math/distributions/students_t.hpp>

#include "finite.hpp"

namespace qb::stats {
namespace {

// y and x minus their stratum's mean (two passes per stratum, so no cancellation from a large
// common level), and the number of strata.
struct Demeaned {
  std::vector<double> y, x;
  std::size_t strata = 0;
};

Demeaned demean(std::span<const double> y, std::span<const double> x,
                std::span<const std::int64_t> strata) {
  std::vector<std::size_t> order(y.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return strata[a] < strata[b]; });
  Demeaned out{std::vector<double>(y.size()), std::vector<double>(y.size()), 0};
  for (std::size_t lo = 0; lo < order.size();) {
    std::size_t hi = lo;
    double sy = 0.0, sx = 0.0;
    while (hi < order.size() && strata[order[hi]] == strata[order[lo]]) {
      sy += y[order[hi]];
      sx += x[order[hi]];
      ++hi;
    }
    const auto m = static_cast<double>(hi - lo);
    for (std::size_t k = lo; k < hi; ++k) {
      out.y[order[k]] = y[order[k]] - sy / m;
      out.x[order[k]] = x[order[k]] - sx / m;
    }
    ++out.strata;
    lo = hi;
  }
  return out;
}

std::size_t count_strata(std::span<const std::int64_t> strata) {
  std::vector<std::int64_t> s(strata.begin(), strata.end());
  std::sort(s.begin(), s.end());
  return static_cast<std::size_t>(std::unique(s.begin(), s.end()) - s.begin());
}

using detail::all_finite;

}  // namespace

SlopeResult stratified_slope(std::span<const double> y, std::span<const double> x,
                             std::span<const std::int64_t> strata) {
  SlopeResult out;
  if (y.size() != x.size() || y.size() != strata.size()) {
    out.reason = kSlopeLengthMismatch;
    return out;
  }
  out.n = y.size();
  out.strata = count_strata(strata);
  if (!all_finite(y) || !all_finite(x)) {
    out.reason = kSlopeBadValue;
    return out;
  }
  if (out.n < out.strata + 2) {
    out.reason = kSlopeTooFew;
    return out;
  }
  const Demeaned d = demean(y, x, strata);
  double sxx = 0.0, sxy = 0.0, syy = 0.0;
  for (std::size_t i = 0; i < out.n; ++i) {
    sxx += d.x[i] * d.x[i];
    sxy += d.x[i] * d.y[i];
    syy += d.y[i] * d.y[i];
  }
  if (!(sxx > 0.0)) {
    out.reason = kSlopeNoVariation;
    return out;
  }
  out.slope = sxy / sxx;
  out.df = static_cast<double>(out.n - out.strata - 1);
  double rss = 0.0;
  for (std::size_t i = 0; i < out.n; ++i) {
    const double r = d.y[i] - out.slope * d.x[i];
    rss += r * r;
  }
  // Rounding leaves ~1e-32 of Σỹ² when y is exactly linear in x: that is still an exact fit.
  if (rss <= 1e-20 * syy) {
    out.reason = kSlopeExactFit;
    return out;
  }
  out.standard_error = std::sqrt(rss / out.df / sxx);
  out.t = out.slope / out.standard_error;
  const boost::math::students_t_distribution<double> t_dist(out.df);
  out.p_greater = boost::math::cdf(boost::math::complement(t_dist, out.t));
  out.p_two_sided = 2.0 * boost::math::cdf(boost::math::complement(t_dist, std::fabs(out.t)));
  return out;
}

}  // namespace qb::stats
