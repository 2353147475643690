#include "qualbar/stats/trend.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include <boost/math/distributions/normal.hpp>

namespace qb::stats {
namespace {

// Σ t(t − 1)(2t + 5) over the groups of equal values of `sorted`, and Σ t(t − 1)/2.
struct TieSums {
  double variance_term = 0.0;
  std::int64_t tied_pairs = 0;
};

TieSums tie_sums(const std::vector<double>& sorted) {
  TieSums out;
  for (std::size_t i = 0; i < sorted.size();) {
    std::size_t j = i + 1;
    while (j < sorted.size() && sorted[j] == sorted[i]) ++j;
    const auto t = static_cast<std::int64_t>(j - i);
    if (t > 1) {
      const auto td = static_cast<double>(t);
      out.variance_term += td * (td - 1) * (2 * td + 5);
      out.tied_pairs += t * (t - 1) / 2;
    }
    i = j;
  }
  return out;
}

// Sorts v (stably) and returns the number of pairs i < j with v[i] > v[j] (strict inversions).
std::int64_t sort_counting_inversions(std::vector<double>& v) {
  std::vector<double> buf(v.size());
  std::int64_t inversions = 0;
  for (std::size_t width = 1; width < v.size(); width *= 2) {
    for (std::size_t lo = 0; lo < v.size(); lo += 2 * width) {
      const std::size_t mid = std::min(lo + width, v.size());
      const std::size_t hi = std::min(lo + 2 * width, v.size());
      std::size_t i = lo, j = mid, k = lo;
      while (i < mid && j < hi) {
        if (v[j] < v[i]) {
          inversions += static_cast<std::int64_t>(mid - i);
          buf[k++] = v[j++];
        } else {
          buf[k++] = v[i++];
        }
      }
      while (i < mid) buf[k++] = v[i++];
      while (j < hi) buf[k++] = v[j++];
    }
    v.swap(buf);
  }
  return inversions;
}

double two_sided_normal_p(double z) {
  return 2.0 * boost::math::cdf(boost::math::complement(boost::math::normal_distribution<double>(),
                                                        std::fabs(z)));
}

// The median of v (reordered), as np.median: the mean of the two middle values when even.
double median_inplace(std::vector<double>& v) {
  const std::size_t n = v.size();
  const auto mid = v.begin() + static_cast<std::ptrdiff_t>(n / 2);
  std::nth_element(v.begin(), mid, v.end());
  if (n % 2 == 1) return *mid;
  const double upper = *mid;
  const double lower = *std::max_element(v.begin(), mid);
  return (lower + upper) / 2.0;
}

}  // namespace

MannKendallResult mann_kendall(std::span<const double> series, bool continuity_correction) {
  MannKendallResult out;
  std::vector<double> v;
  v.reserve(series.size());
  for (double x : series) {
    if (std::isinf(x)) {
      out.reason = "an infinite value in the series";
      return out;
    }
    if (!std::isnan(x)) v.push_back(x);
  }
  const std::size_t n = v.size();
  out.n = n;
  if (n < 2) {
    out.reason = "fewer than 2 values (after dropping NaN): no trend can be tested";
    return out;
  }
  const std::int64_t q = sort_counting_inversions(v);  // v is now sorted
  const TieSums ties = tie_sums(v);
  const auto ni = static_cast<std::int64_t>(n);
  const std::int64_t pairs = ni * (ni - 1) / 2;
  const std::int64_t s = pairs - ties.tied_pairs - 2 * q;  // concordant − discordant
  const auto nd = static_cast<double>(n);
  out.s = static_cast<double>(s);
  out.tau = out.s / static_cast<double>(pairs);
  out.variance = (nd * (nd - 1) * (2 * nd + 5) - ties.variance_term) / 18.0;
  if (!(out.variance > 0.0)) {
    out.reason = "every value is equal: var(S) = 0, no trend can be tested";
    return out;
  }
  const double sd = std::sqrt(out.variance);
  double z;
  if (!continuity_correction) {
    z = out.s / sd;
  } else if (s > 0) {
    z = (out.s - 1.0) / sd;
  } else if (s < 0) {
    z = (out.s + 1.0) / sd;
  } else {
    z = 0.0;
  }
  out.statistic = z;
  out.p_value = two_sided_normal_p(z);
  return out;
}

TheilSenResult theil_sen(std::span<const double> y, double confidence) {
  std::vector<double> x(y.size());
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<double>(i);
  return theil_sen(y, x, confidence);
}

TheilSenResult theil_sen(std::span<const double> y_in, std::span<const double> x_in,
                         double confidence) {
  TheilSenResult out;
  if (y_in.size() != x_in.size()) {
    out.reason = "x and y have different lengths";
    return out;
  }
  if (!(confidence > 0.0 && confidence < 1.0)) {
    out.reason = "confidence must be in (0, 1)";
    return out;
  }
  std::vector<double> x, y;
  x.reserve(x_in.size());
  y.reserve(y_in.size());
  for (std::size_t i = 0; i < y_in.size(); ++i) {
    if (std::isinf(x_in[i]) || std::isinf(y_in[i])) {
      out.reason = "an infinite value in x or y";
      return out;
    }
    if (std::isnan(x_in[i]) || std::isnan(y_in[i])) continue;
    x.push_back(x_in[i]);
    y.push_back(y_in[i]);
  }
  const std::size_t n = y.size();
  out.n = n;
  if (n < 2) {
    out.reason = "fewer than 2 points (after dropping NaN): no slope";
    return out;
  }
  // Slopes over pairs with x_j > x_i, in a buffer of n(n − 1)/2 at most.
  std::vector<double> slopes;
  slopes.reserve(n * (n - 1) / 2);
  for (std::size_t i = 0; i < n; ++i) {
    const double xi = x[i], yi = y[i];
    for (std::size_t j = 0; j < n; ++j) {
      const double dx = x[j] - xi;
      if (dx > 0.0) slopes.push_back((y[j] - yi) / dx);
    }
  }
  if (slopes.empty()) {
    out.reason = "every x is equal: no slope";
    return out;
  }
  const std::size_t nt = slopes.size();
  // The median, then the interval's order statistics inside the half each one lies in: three
  // selections over n + n/2 + n/2 elements instead of a sort.
  const auto mid = slopes.begin() + static_cast<std::ptrdiff_t>(nt / 2);
  std::nth_element(slopes.begin(), mid, slopes.end());
  out.slope = nt % 2 == 1 ? *mid : (*std::max_element(slopes.begin(), mid) + *mid) / 2.0;
  {
    std::vector<double> ys = y, xs = x;
    out.intercept = median_inplace(ys) - out.slope * median_inplace(xs);
  }
  // Sen (1968), eq. 2.6: σ² = [n(n−1)(2n+5) − Σ ties in x − Σ ties in y] / 18.
  std::vector<double> sx = x, sy = y;
  std::sort(sx.begin(), sx.end());
  std::sort(sy.begin(), sy.end());
  const auto nd = static_cast<double>(n);
  const double sigsq =
      (nd * (nd - 1) * (2 * nd + 5) - tie_sums(sx).variance_term - tie_sums(sy).variance_term) /
      18.0;
  const double z =
      boost::math::quantile(boost::math::normal_distribution<double>(), (1.0 - confidence) / 2.0);
  const double sigma = std::sqrt(sigsq);
  const auto ntd = static_cast<double>(nt);
  if (std::isnan(sigma)) return out;  // SciPy: NaN bounds
  const auto ru =
      static_cast<std::int64_t>(std::min(std::nearbyint((ntd - z * sigma) / 2.0), ntd - 1.0));
  const auto rl =
      static_cast<std::int64_t>(std::max(std::nearbyint((ntd + z * sigma) / 2.0) - 1.0, 0.0));
  if (ru < 0 || rl >= static_cast<std::int64_t>(nt)) return out;  // SciPy: IndexError → NaN
  // Elements before `mid` are <= *mid and those after are >= *mid.
  auto order_stat = [&](std::int64_t r) {
    const auto it = slopes.begin() + static_cast<std::ptrdiff_t>(r);
    if (it < mid) {
      std::nth_element(slopes.begin(), it, mid);
    } else if (it > mid) {
      std::nth_element(mid + 1, it, slopes.end());
    }
    return *it;
  };
  out.slope_interval = {order_stat(rl), order_stat(ru)};
  return out;
}

}  // namespace qb::stats
