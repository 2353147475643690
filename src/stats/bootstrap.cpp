#include "qualbar/stats/bootstrap.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include <boost/random/binomial_distribution.hpp>

#include "qualbar/stats/intervals.hpp"
#include "qualbar/stats/random.hpp"
#include "stats/resampling.hpp"

namespace qb::stats {
namespace {

using detail::kBlock;

using detail::kBadConfidence;
constexpr std::string_view kNoBootstrapResamples = "resamples must be at least 1";
constexpr std::string_view kNoObservations = "no observations";
constexpr std::string_view kOneObservation = "one observation: nothing to resample";
using detail::kNonFinite;
constexpr std::string_view kTooMany = "too many observations (at most 4,294,967,295)";
using detail::kLengthMismatch;
constexpr std::string_view kStatisticNaN = "the statistic is NaN on the sample";
constexpr std::string_view kStatisticThrew =
    "the statistic failed (it threw an exception) on the sample or a resample";
constexpr std::string_view kResampleNaN = "the statistic is NaN on some resamples";
constexpr std::string_view kJackknifeNaN =
    "BCa: the statistic is NaN with one item left out (use the percentile method)";
constexpr std::string_view kBcaUndefined =
    "BCa: undefined when the estimate lies outside the bootstrap distribution (use the "
    "percentile method)";

using detail::all_finite;

double sum_of(std::span<const double> xs) { return std::accumulate(xs.begin(), xs.end(), 0.0); }

// Φ without exceptions: ±infinity give 0 and 1, NaN gives NaN.
double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

// Φ⁻¹ with Φ⁻¹(0) = −∞ and Φ⁻¹(1) = +∞ (Boost would throw there).
double normal_quantile_ext(double p) {
  if (p <= 0.0) return -std::numeric_limits<double>::infinity();
  if (p >= 1.0) return std::numeric_limits<double>::infinity();
  return normal_quantile(p);
}

// numpy's linear quantile of unsorted values (reordered in place by selection; O(B)).
double select_quantile(std::vector<double>& v, double q) {
  const double h = (static_cast<double>(v.size()) - 1.0) * q;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(lo), v.end());
  const double below = v[lo];
  if (lo + 1 >= v.size()) return below;
  const double above = *std::min_element(v.begin() + static_cast<std::ptrdiff_t>(lo) + 1, v.end());
  return below + (h - static_cast<double>(lo)) * (above - below);
}

// Acceleration from jackknife values: Σ U³ / (6 (Σ U²)^{3/2}), U = mean − θ₍ᵢ₎; 0 when all equal.
double acceleration_from(std::span<const double> jack) {
  const double mean = sum_of(jack) / static_cast<double>(jack.size());
  double s2 = 0.0, s3 = 0.0;
  for (const double t : jack) {
    const double u = mean - t;
    s2 += u * u;
    s3 += u * u * u;
  }
  return s2 > 0.0 ? s3 / (6.0 * std::pow(s2, 1.5)) : 0.0;
}

// For the mean, θ̄₍.₎ − θ₍ᵢ₎ = (xᵢ − x̄)/(n − 1); the factor cancels in the acceleration.
double mean_acceleration(std::span<const double> x, double mean) {
  double s2 = 0.0, s3 = 0.0;
  for (const double v : x) {
    const double u = v - mean;
    s2 += u * u;
    s3 += u * u * u;
  }
  return s2 > 0.0 ? s3 / (6.0 * std::pow(s2, 1.5)) : 0.0;
}

std::string_view check_options(const BootstrapOptions& opts) {
  if (!(opts.confidence > 0.0 && opts.confidence < 1.0)) return kBadConfidence;
  if (opts.resamples == 0) return kNoBootstrapResamples;
  return {};
}

BootstrapResult bootstrap_failure(std::string_view reason, double estimate = kNaN) {
  BootstrapResult r;
  r.estimate = estimate;
  r.reason = reason;
  return r;
}

BootstrapResult point(double estimate) {
  BootstrapResult r;
  r.estimate = estimate;
  r.interval = {estimate, estimate};
  r.standard_error = 0.0;
  return r;
}

// The interval from the bootstrap distribution θ* (reordered). `acceleration` is used for BCa.
BootstrapResult finish(std::vector<double>& theta, double estimate, double acceleration,
                       const BootstrapOptions& opts) {
  BootstrapResult r;
  r.estimate = estimate;
  if (std::any_of(theta.begin(), theta.end(), [](double t) { return std::isnan(t); })) {
    r.reason = kResampleNaN;
    return r;
  }
  const double b = static_cast<double>(theta.size());
  const double mean = sum_of(theta) / b;
  double ss = 0.0;
  for (const double t : theta) ss += (t - mean) * (t - mean);
  r.standard_error = theta.size() > 1 ? std::sqrt(ss / (b - 1.0)) : kNaN;

  const double alpha = (1.0 - opts.confidence) / 2.0;
  double q_lo = alpha, q_hi = 1.0 - alpha;
  if (opts.method == BootstrapMethod::bca) {
    std::size_t below = 0, at_or_below = 0;
    for (const double t : theta) {
      below += t < estimate;
      at_or_below += t <= estimate;
    }
    const double z0 = normal_quantile_ext(static_cast<double>(below + at_or_below) / (2.0 * b));
    const double a = acceleration;
    r.bias_correction = z0;
    r.acceleration = a;
    if (std::isinf(z0)) {
      r.reason = kBcaUndefined;
      return r;
    }
    auto level = [&](double p) {
      const double w = z0 + normal_quantile(p);
      return normal_cdf(z0 + w / (1.0 - a * w));
    };
    q_lo = level(alpha);
    q_hi = level(1.0 - alpha);
    if (std::isnan(q_lo) || std::isnan(q_hi)) {
      r.reason = kBcaUndefined;
      return r;
    }
  }
  r.interval = {select_quantile(theta, q_lo), select_quantile(theta, q_hi)};
  return r;
}

std::size_t block_count(std::size_t resamples) { return (resamples + kBlock - 1) / kBlock; }

// θ* of the mean, by index: n uniform indices per resample, four running sums.
void resample_mean_by_index(std::span<const double> x, const BootstrapOptions& opts,
                            std::vector<double>& theta) {
  const std::size_t n = x.size();
  const std::size_t blocks = block_count(opts.resamples);
  const double* data = x.data();
  detail::for_each_block(blocks, detail::thread_count(opts.threads, blocks),
                         [&](std::size_t block, unsigned) {
                           Rng rng(opts.seed, block);
                           detail::IndexPairs draw(rng, static_cast<std::uint32_t>(n));
                           const std::size_t end = std::min(opts.resamples, (block + 1) * kBlock);
                           for (std::size_t r = block * kBlock; r < end; ++r) {
                             double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
                             std::uint32_t i0, i1, i2, i3;
                             std::size_t i = 0;
                             for (; i + 4 <= n; i += 4) {
                               draw.next(i0, i1);
                               draw.next(i2, i3);
                               s0 += data[i0];
                               s1 += data[i1];
                               s2 += data[i2];
                               s3 += data[i3];
                             }
                             for (; i < n; i += 2) {
                               draw.next(i0, i1);
                               s0 += data[i0];
                               if (i + 1 < n) s1 += data[i1];
                             }
                             theta[r] = ((s0 + s1) + (s2 + s3)) / static_cast<double>(n);
                           }
                         });
}

// θ* of the mean, by count: one multinomial draw of the counts of the distinct values per
// resample, as sequential binomials Xₖ ~ Bin(n − X₀ − … − Xₖ₋₁, cₖ / (cₖ + … + c_{K−1})).
void resample_mean_by_count(const detail::DistinctValues& d, std::size_t n,
                            const BootstrapOptions& opts, std::vector<double>& theta) {
  using Binomial = boost::random::binomial_distribution<long long, double>;
  const std::size_t k = d.values.size();
  std::vector<double> p(k, 1.0);
  std::size_t rest = n;
  for (std::size_t j = 0; j + 1 < k; ++j) {
    p[j] = static_cast<double>(d.counts[j]) / static_cast<double>(rest);
    rest -= d.counts[j];
  }
  const std::size_t blocks = block_count(opts.resamples);
  detail::for_each_block(blocks, detail::thread_count(opts.threads, blocks),
                         [&](std::size_t block, unsigned) {
                           Rng rng(opts.seed, block);
                           detail::RngBits bits(rng);
                           const std::size_t end = std::min(opts.resamples, (block + 1) * kBlock);
                           for (std::size_t r = block * kBlock; r < end; ++r) {
                             auto left = static_cast<long long>(n);
                             double sum = 0.0;
                             for (std::size_t j = 0; j + 1 < k && left > 0; ++j) {
                               const long long drawn = Binomial(left, p[j])(bits);
                               sum += d.values[j] * static_cast<double>(drawn);
                               left -= drawn;
                             }
                             sum += d.values[k - 1] * static_cast<double>(left);
                             theta[r] = sum / static_cast<double>(n);
                           }
                         });
}

// Every distinct value with its count, in increasing order (for a forced count path on data
// with many distinct values).
detail::DistinctValues all_distinct_values(std::span<const double> x) {
  std::vector<double> sorted(x.begin(), x.end());
  std::sort(sorted.begin(), sorted.end());
  detail::DistinctValues out;
  for (const double v : sorted) {
    if (!out.values.empty() && out.values.back() == v) {
      ++out.counts.back();
    } else {
      out.values.push_back(v);
      out.counts.push_back(1);
    }
  }
  out.found = true;
  return out;
}

BootstrapResult mean_fast_path(std::span<const double> x, const BootstrapOptions& opts) {
  if (auto bad = check_options(opts); !bad.empty()) return bootstrap_failure(bad);
  const std::size_t n = x.size();
  if (n == 0) return bootstrap_failure(kNoObservations);
  if (n > detail::kMaxIndexed) return bootstrap_failure(kTooMany);
  if (!all_finite(x)) return bootstrap_failure(kNonFinite);
  const double mean = sum_of(x) / static_cast<double>(n);
  if (n == 1) return bootstrap_failure(kOneObservation, mean);
  if (std::all_of(x.begin(), x.end(), [&](double v) { return v == x[0]; })) return point(x[0]);

  std::vector<double> theta(opts.resamples);
  detail::DistinctValues distinct;
  if (opts.path != ResamplingPath::by_index) {
    distinct = detail::distinct_values(x, detail::kMaxDistinct);
    if (!distinct.found && opts.path == ResamplingPath::by_count) distinct = all_distinct_values(x);
  }
  if (distinct.found) {
    resample_mean_by_count(distinct, n, opts, theta);
  } else {
    resample_mean_by_index(x, opts, theta);
  }
  const double a = opts.method == BootstrapMethod::bca ? mean_acceleration(x, mean) : kNaN;
  return finish(theta, mean, a, opts);
}

// Per-thread scratch for the general paths: one buffer per sample per worker.
struct Scratch {
  std::vector<double> a, b;
};

}  // namespace

BootstrapResult bootstrap_mean(std::span<const double> x, const BootstrapOptions& opts) {
  return mean_fast_path(x, opts);
}

BootstrapResult bootstrap_mean_difference(std::span<const double> a, std::span<const double> b,
                                          const BootstrapOptions& opts) {
  if (auto bad = check_options(opts); !bad.empty()) return bootstrap_failure(bad);
  if (a.size() != b.size()) return bootstrap_failure(kLengthMismatch);
  if (!all_finite(a) || !all_finite(b)) return bootstrap_failure(kNonFinite);
  std::vector<double> d(a.size());
  for (std::size_t i = 0; i < d.size(); ++i) d[i] = a[i] - b[i];
  return mean_fast_path(d, opts);
}

namespace {

BootstrapResult bootstrap_any(std::span<const double> x, const Statistic& statistic,
                              const BootstrapOptions& opts) {
  if (auto bad = check_options(opts); !bad.empty()) return bootstrap_failure(bad);
  const std::size_t n = x.size();
  if (n == 0) return bootstrap_failure(kNoObservations);
  if (n > detail::kMaxIndexed) return bootstrap_failure(kTooMany);
  if (!all_finite(x)) return bootstrap_failure(kNonFinite);
  const double estimate = statistic(x);
  if (std::isnan(estimate)) return bootstrap_failure(kStatisticNaN);
  if (n == 1) return bootstrap_failure(kOneObservation, estimate);
  if (std::all_of(x.begin(), x.end(), [&](double v) { return v == x[0]; })) return point(estimate);

  const std::size_t blocks = block_count(opts.resamples);
  const unsigned threads = detail::thread_count(opts.threads, blocks);
  std::vector<Scratch> scratch(threads);
  std::vector<double> theta(opts.resamples);
  detail::for_each_block(blocks, threads, [&](std::size_t block, unsigned worker) {
    std::vector<double>& buf = scratch[worker].a;
    buf.resize(n);
    Rng rng(opts.seed, block);
    detail::IndexPairs draw(rng, static_cast<std::uint32_t>(n));
    std::uint32_t i0, i1;
    const std::size_t end = std::min(opts.resamples, (block + 1) * kBlock);
    for (std::size_t r = block * kBlock; r < end; ++r) {
      for (std::size_t i = 0; i < n; i += 2) {
        draw.next(i0, i1);
        buf[i] = x[i0];
        if (i + 1 < n) buf[i + 1] = x[i1];
      }
      theta[r] = statistic(buf);
    }
  });

  double a = kNaN;
  if (opts.method == BootstrapMethod::bca) {
    // Jackknife: θ₍ᵢ₎ on x without item i, order kept. Buffer i is buffer i−1 with one change.
    std::vector<double> jack(n);
    const std::size_t chunks = block_count(n);
    const unsigned jack_threads = detail::thread_count(opts.threads, chunks);
    if (scratch.size() < jack_threads) scratch.resize(jack_threads);
    detail::for_each_block(chunks, jack_threads, [&](std::size_t chunk, unsigned worker) {
      std::vector<double>& buf = scratch[worker].a;
      const std::size_t first = chunk * kBlock;
      buf.assign(x.begin(), x.end());
      buf.erase(buf.begin() + static_cast<std::ptrdiff_t>(first));
      for (std::size_t i = first; i < std::min(n, first + kBlock); ++i) {
        if (i > first) buf[i - 1] = x[i - 1];
        jack[i] = statistic(buf);
      }
    });
    if (std::any_of(jack.begin(), jack.end(), [](double t) { return std::isnan(t); })) {
      return bootstrap_failure(kJackknifeNaN, estimate);
    }
    a = acceleration_from(jack);
  }
  return finish(theta, estimate, a, opts);
}

}  // namespace

// A statistic that throws (on any thread) gives a result with its reason, never a crash.
BootstrapResult bootstrap(std::span<const double> x, const Statistic& statistic,
                          const BootstrapOptions& opts) {
  try {
    return bootstrap_any(x, statistic, opts);
  } catch (...) {
    return bootstrap_failure(kStatisticThrew);
  }
}

namespace {

BootstrapResult bootstrap_paired_any(std::span<const double> a, std::span<const double> b,
                                     const PairedStatistic& statistic,
                                     const BootstrapOptions& opts) {
  if (auto bad = check_options(opts); !bad.empty()) return bootstrap_failure(bad);
  if (a.size() != b.size()) return bootstrap_failure(kLengthMismatch);
  const std::size_t n = a.size();
  if (n == 0) return bootstrap_failure(kNoObservations);
  if (n > detail::kMaxIndexed) return bootstrap_failure(kTooMany);
  if (!all_finite(a) || !all_finite(b)) return bootstrap_failure(kNonFinite);
  const double estimate = statistic(a, b);
  if (std::isnan(estimate)) return bootstrap_failure(kStatisticNaN);
  if (n == 1) return bootstrap_failure(kOneObservation, estimate);
  bool same = true;
  for (std::size_t i = 1; i < n && same; ++i) same = a[i] == a[0] && b[i] == b[0];
  if (same) return point(estimate);

  const std::size_t blocks = block_count(opts.resamples);
  const unsigned threads = detail::thread_count(opts.threads, blocks);
  std::vector<Scratch> scratch(threads);
  std::vector<double> theta(opts.resamples);
  detail::for_each_block(blocks, threads, [&](std::size_t block, unsigned worker) {
    Scratch& s = scratch[worker];
    s.a.resize(n);
    s.b.resize(n);
    Rng rng(opts.seed, block);
    detail::IndexPairs draw(rng, static_cast<std::uint32_t>(n));
    std::uint32_t i0, i1;
    const std::size_t end = std::min(opts.resamples, (block + 1) * kBlock);
    for (std::size_t r = block * kBlock; r < end; ++r) {
      for (std::size_t i = 0; i < n; i += 2) {
        draw.next(i0, i1);
        s.a[i] = a[i0];
        s.b[i] = b[i0];
        if (i + 1 < n) {
          s.a[i + 1] = a[i1];
          s.b[i + 1] = b[i1];
        }
      }
      theta[r] = statistic(s.a, s.b);
    }
  });

  double acc = kNaN;
  if (opts.method == BootstrapMethod::bca) {
    std::vector<double> jack(n);
    const std::size_t chunks = block_count(n);
    const unsigned jack_threads = detail::thread_count(opts.threads, chunks);
    if (scratch.size() < jack_threads) scratch.resize(jack_threads);
    detail::for_each_block(chunks, jack_threads, [&](std::size_t chunk, unsigned worker) {
      Scratch& s = scratch[worker];
      const std::size_t first = chunk * kBlock;
      s.a.assign(a.begin(), a.end());
      s.b.assign(b.begin(), b.end());
      s.a.erase(s.a.begin() + static_cast<std::ptrdiff_t>(first));
      s.b.erase(s.b.begin() + static_cast<std::ptrdiff_t>(first));
      for (std::size_t i = first; i < std::min(n, first + kBlock); ++i) {
        if (i > first) {
          s.a[i - 1] = a[i - 1];
          s.b[i - 1] = b[i - 1];
        }
        jack[i] = statistic(s.a, s.b);
      }
    });
    if (std::any_of(jack.begin(), jack.end(), [](double t) { return std::isnan(t); })) {
      return bootstrap_failure(kJackknifeNaN, estimate);
    }
    acc = acceleration_from(jack);
  }
  return finish(theta, estimate, acc, opts);
}

}  // namespace

BootstrapResult bootstrap_paired(std::span<const double> a, std::span<const double> b,
                                 const PairedStatistic& statistic, const BootstrapOptions& opts) {
  try {
    return bootstrap_paired_any(a, b, statistic, opts);
  } catch (...) {
    return bootstrap_failure(kStatisticThrew);
  }
}

}  // namespace qb::stats
