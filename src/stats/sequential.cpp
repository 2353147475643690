#include "qualbar/stats/sequential.hpp"

#include <algorithm>
#include <cmath>

namespace qb::stats {
namespace {

bool finite(double x) { return std::isfinite(x); }

bool has_infinity(std::span<const double> xs) {
  return std::any_of(xs.begin(), xs.end(), [](double x) { return std::isinf(x); });
}

// σ of a rate measured on n cases, or NaN when the rate or n is unusable.
double rate_sigma(double p0, double n) {
  if (!(p0 > 0.0 && p0 < 1.0) || !(n > 0.0) || std::isinf(n)) return kNaN;
  return std::sqrt(p0 * (1.0 - p0) / n);
}

}  // namespace

CusumParams cusum_params_for_rate(double baseline_rate, double samples_per_window, double k_sigmas,
                                  double h_sigmas) {
  const double sigma = rate_sigma(baseline_rate, samples_per_window);
  if (std::isnan(sigma)) return {};
  return {baseline_rate, k_sigmas * sigma, h_sigmas * sigma};
}

SequentialResult cusum_lower(std::span<const double> stream, const CusumParams& params) {
  SequentialResult out;
  if (!finite(params.target) || !finite(params.k) || !finite(params.h)) {
    out.reason = "CUSUM parameters must be finite numbers (target, k, h)";
    return out;
  }
  if (params.k < 0.0 || params.h <= 0.0) {
    out.reason = "CUSUM needs k >= 0 and h > 0";
    return out;
  }
  if (has_infinity(stream)) {
    out.reason = "an infinite value in the stream";
    return out;
  }
  out.path.resize(stream.size());
  double s = 0.0;
  for (std::size_t t = 0; t < stream.size(); ++t) {
    const double x = stream[t];
    if (std::isnan(x)) {
      ++out.missing;
    } else {
      s = std::max(0.0, s + (params.target - x - params.k));
      if (!out.alarm && s > params.h) out.alarm = t;
    }
    out.path[t] = s;
  }
  return out;
}

PageHinkleyParams page_hinkley_params_for_rate(double baseline_rate, double samples_per_window,
                                               double delta_sigmas, double lambda_sigmas) {
  const double sigma = rate_sigma(baseline_rate, samples_per_window);
  PageHinkleyParams p;
  if (std::isnan(sigma)) return p;
  p.delta = delta_sigmas * sigma;
  p.lambda = lambda_sigmas * sigma;
  return p;
}

SequentialResult page_hinkley_lower(std::span<const double> stream,
                                    const PageHinkleyParams& params) {
  SequentialResult out;
  if (!finite(params.delta) || !finite(params.lambda)) {
    out.reason = "Page-Hinkley parameters must be finite numbers (delta, lambda)";
    return out;
  }
  if (params.delta < 0.0 || params.lambda <= 0.0 || !(params.alpha > 0.0 && params.alpha <= 1.0)) {
    out.reason = "Page-Hinkley needs delta >= 0, lambda > 0 and alpha in (0, 1]";
    return out;
  }
  if (has_infinity(stream)) {
    out.reason = "an infinite value in the stream";
    return out;
  }
  out.path.resize(stream.size());
  double mean = 0.0, u = 0.0, m = 0.0, ph = 0.0;
  std::size_t seen = 0;
  for (std::size_t t = 0; t < stream.size(); ++t) {
    const double x = stream[t];
    if (std::isnan(x)) {
      ++out.missing;
    } else {
      ++seen;
      mean += (x - mean) / static_cast<double>(seen);
      u = params.alpha * u + (x - mean + params.delta);
      m = seen == 1 ? u : std::max(m, u);
      ph = m - u;
      if (!out.alarm && seen > params.min_windows && ph > params.lambda) out.alarm = t;
    }
    out.path[t] = ph;
  }
  return out;
}

}  // namespace qb::stats
