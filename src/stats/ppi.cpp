#include "qualbar/stats/ppi.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "finite.hpp"
#include "qualbar/stats/intervals.hpp"

namespace qb::stats {
namespace {

constexpr std::string_view kFewLabeled = "fewer than 2 labeled items";
constexpr std::string_view kFewUnlabeled = "fewer than 2 unlabeled items";
constexpr std::string_view kLabeledLengthMismatch =
    "labels and labeled predictions differ in length";
constexpr std::string_view kNotARate =
    "a label or prediction is outside [0, 1]: a rate needs values from 0 to 1";
using detail::all_finite;
using detail::kBadConfidence;
using detail::kNonFinite;

double mean_of(std::span<const double> xs) {
  return std::accumulate(xs.begin(), xs.end(), 0.0) / static_cast<double>(xs.size());
}

// Σ (xᵢ − x̄)², two-pass.
double sum_of_squares(std::span<const double> xs, double mean) {
  double ss = 0.0;
  for (const double x : xs) ss += (x - mean) * (x - mean);
  return ss;
}

// PPI++'s λ̂ = cov_n(Y, f) / ((1 + n/N) · var_{n+N}(f)), clipped to [0, 1]; 0 for constant f.
double tuned_lambda(const PpiSample& s) {
  const std::span<const double> y = s.labels, f = s.labeled_predictions,
                                g = s.unlabeled_predictions;
  const double n = static_cast<double>(y.size());
  const double big_n = static_cast<double>(g.size());
  const double my = mean_of(y), mf = mean_of(f);
  double cov = 0.0;
  for (std::size_t i = 0; i < y.size(); ++i) cov += (y[i] - my) * (f[i] - mf);
  cov /= n;
  const double all_mean = (mf * n + mean_of(g) * big_n) / (n + big_n);
  const double var_all =
      (sum_of_squares(f, all_mean) + sum_of_squares(g, all_mean)) / (n + big_n - 1.0);
  if (!(var_all > 0.0)) return 0.0;
  return std::clamp(cov / ((1.0 + n / big_n) * var_all), 0.0, 1.0);
}

}  // namespace

PpiResult ppi_mean(const PpiSample& s, const PpiOptions& opts) {
  PpiResult r;
  if (!(opts.confidence > 0.0 && opts.confidence < 1.0)) {
    r.reason = kBadConfidence;
  } else if (s.labels.size() != s.labeled_predictions.size()) {
    r.reason = kLabeledLengthMismatch;
  } else if (!all_finite(s.labels) || !all_finite(s.labeled_predictions) ||
             !all_finite(s.unlabeled_predictions)) {
    r.reason = kNonFinite;
  } else if (s.labels.size() < 2) {
    r.reason = kFewLabeled;
  } else if (s.unlabeled_predictions.size() < 2) {
    r.reason = kFewUnlabeled;
  }
  if (!r.reason.empty()) return r;

  const double lambda = opts.variant == PpiVariant::ppi ? 1.0 : tuned_lambda(s);
  const std::span<const double> y = s.labels, f = s.labeled_predictions,
                                g = s.unlabeled_predictions;
  const double n = static_cast<double>(y.size());
  const double big_n = static_cast<double>(g.size());

  const double imputed_mean = mean_of(g);
  const double imputed_var = lambda * lambda * sum_of_squares(g, imputed_mean) / big_n;
  double rect_sum = 0.0;
  for (std::size_t i = 0; i < y.size(); ++i) rect_sum += y[i] - lambda * f[i];
  const double rect_mean = rect_sum / n;
  double rect_ss = 0.0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    const double e = y[i] - lambda * f[i] - rect_mean;
    rect_ss += e * e;
  }
  r.lambda = lambda;
  r.estimate = lambda * imputed_mean + rect_mean;
  r.standard_error = std::sqrt(imputed_var / big_n + rect_ss / n / n);
  const double half = z_two_sided(opts.confidence) * r.standard_error;
  r.interval = {r.estimate - half, r.estimate + half};
  return r;
}

PpiResult ppi_rate(const PpiSample& s, const PpiOptions& opts) {
  PpiResult r = ppi_mean(s, opts);
  if (!r.reason.empty()) return r;
  const auto in_unit = [](std::span<const double> xs) {
    return std::all_of(xs.begin(), xs.end(), [](double x) { return x >= 0.0 && x <= 1.0; });
  };
  if (!in_unit(s.labels) || !in_unit(s.labeled_predictions) || !in_unit(s.unlabeled_predictions)) {
    PpiResult bad;
    bad.reason = kNotARate;
    return bad;
  }
  r.estimate = std::clamp(r.estimate, 0.0, 1.0);
  const double spread = r.estimate * (1.0 - r.estimate);
  const double n = static_cast<double>(s.labels.size());
  const double all = n + static_cast<double>(s.unlabeled_predictions.size());
  r.effective_n = spread > 0.0 && r.standard_error > 0.0
                      ? std::min(all, spread / (r.standard_error * r.standard_error))
                      : n;
  r.interval = wilson_score(r.estimate, r.effective_n, z_two_sided(opts.confidence));
  return r;
}

PpiDifference ppi_mean_difference(const PpiSample& a, const PpiSample& b, const PpiOptions& opts) {
  PpiDifference d;
  d.a = ppi_mean(a, opts);
  d.b = ppi_mean(b, opts);
  d.reason = !d.a.reason.empty() ? d.a.reason : d.b.reason;
  if (!d.reason.empty()) return d;
  d.estimate = d.a.estimate - d.b.estimate;
  d.standard_error = std::hypot(d.a.standard_error, d.b.standard_error);
  const double half = z_two_sided(opts.confidence) * d.standard_error;
  d.interval = {d.estimate - half, d.estimate + half};
  return d;
}

}  // namespace qb::stats
