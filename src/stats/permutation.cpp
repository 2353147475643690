#include "qualbar/stats/permutation.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <numeric>
#include <vector>

#include <boost/random/binomial_distribution.hpp>

#include "qualbar/stats/random.hpp"
#include "stats/resampling.hpp"

namespace qb::stats {
namespace {

using detail::kBlock;

constexpr std::string_view kNoPairs = "no pairs";
using detail::kLengthMismatch;
using detail::kNonFinite;
constexpr std::string_view kNoMonteCarloResamples =
    "resamples must be at least 1 for a Monte Carlo test";
constexpr std::size_t kExactCap = 40;

TestResult test_failure(std::string_view reason) {
  TestResult r;
  r.reason = reason;
  return r;
}

// All 2^k signed sums of xs; pattern bit j set flips the sign of xs[j].
std::vector<double> signed_sums(std::span<const double> xs) {
  std::vector<double> out(std::size_t{1} << xs.size());
  for (std::size_t mask = 0; mask < out.size(); ++mask) {
    double s = 0.0;
    for (std::size_t j = 0; j < xs.size(); ++j) s += (mask >> j & 1U) ? -xs[j] : xs[j];
    out[mask] = s;
  }
  return out;
}

// Exact: meet in the middle. Every pattern is a (left half, right half) pair with sum L + R; count
// the pairs with L + R ≥ thr or L + R ≤ −thr by binary search in the sorted right sums.
double exact_p_value(std::span<const double> nonzero, double tolerance) {
  const std::size_t half = nonzero.size() / 2;
  const std::vector<double> left = signed_sums(nonzero.first(half));
  std::vector<double> right = signed_sums(nonzero.subspan(half));
  const double threshold = std::fabs(left[0] + right[0]) - tolerance;
  const double total = std::ldexp(1.0, static_cast<int>(nonzero.size()));
  if (threshold <= 0.0) return 1.0;
  std::sort(right.begin(), right.end());
  double count = 0.0;
  for (const double l : left) {
    count += static_cast<double>(right.end() -
                                 std::lower_bound(right.begin(), right.end(), threshold - l));
    count += static_cast<double>(std::upper_bound(right.begin(), right.end(), -threshold - l) -
                                 right.begin());
  }
  return count / total;
}

// Monte Carlo on continuous differences: one random bit per item flips its sign bit.
std::size_t count_by_bits(std::span<const double> d, double threshold,
                          const SignFlipOptions& opts) {
  const std::size_t blocks = (opts.resamples + kBlock - 1) / kBlock;
  std::vector<std::size_t> per_block(blocks, 0);
  const std::size_t n = d.size();
  detail::for_each_block(
      blocks, detail::thread_count(opts.threads, blocks), [&](std::size_t block, unsigned) {
        Rng rng(opts.seed, block);
        const std::size_t end = std::min(opts.resamples, (block + 1) * kBlock);
        std::size_t hits = 0;
        for (std::size_t r = block * kBlock; r < end; ++r) {
          double s0 = 0.0, s1 = 0.0;
          for (std::size_t i = 0; i < n; i += 64) {
            const std::uint64_t word = rng.next();
            const std::size_t len = std::min<std::size_t>(64, n - i);
            for (std::size_t j = 0; j < len; j += 2) {
              s0 += std::bit_cast<double>(std::bit_cast<std::uint64_t>(d[i + j]) ^ (word >> j & 1U)
                                                                                       << 63);
              if (j + 1 < len) {
                s1 += std::bit_cast<double>(std::bit_cast<std::uint64_t>(d[i + j + 1]) ^
                                            (word >> (j + 1) & 1U) << 63);
              }
            }
          }
          hits += std::fabs(s0 + s1) >= threshold;
        }
        per_block[block] = hits;
      });
  return std::accumulate(per_block.begin(), per_block.end(), std::size_t{0});
}

// Monte Carlo on few distinct magnitudes vₖ (counts cₖ): Σ sᵢdᵢ = Σ vₖ (2 Bₖ − cₖ), Bₖ ~ Bin(cₖ,
// ½).
std::size_t count_by_binomials(const detail::DistinctValues& mags, double threshold,
                               const SignFlipOptions& opts) {
  using Binomial = boost::random::binomial_distribution<long long, double>;
  const std::size_t blocks = (opts.resamples + kBlock - 1) / kBlock;
  std::vector<std::size_t> per_block(blocks, 0);
  detail::for_each_block(blocks, detail::thread_count(opts.threads, blocks),
                         [&](std::size_t block, unsigned) {
                           Rng rng(opts.seed, block);
                           detail::RngBits bits(rng);
                           const std::size_t end = std::min(opts.resamples, (block + 1) * kBlock);
                           std::size_t hits = 0;
                           for (std::size_t r = block * kBlock; r < end; ++r) {
                             double s = 0.0;
                             for (std::size_t k = 0; k < mags.values.size(); ++k) {
                               const auto c = static_cast<long long>(mags.counts[k]);
                               const long long plus = Binomial(c, 0.5)(bits);
                               s += mags.values[k] * static_cast<double>(2 * plus - c);
                             }
                             hits += std::fabs(s) >= threshold;
                           }
                           per_block[block] = hits;
                         });
  return std::accumulate(per_block.begin(), per_block.end(), std::size_t{0});
}

}  // namespace

TestResult sign_flip_test(std::span<const double> differences, const SignFlipOptions& opts) {
  const std::size_t n = differences.size();
  if (n == 0) return test_failure(kNoPairs);
  if (!std::all_of(differences.begin(), differences.end(),
                   [](double x) { return std::isfinite(x); })) {
    return test_failure(kNonFinite);
  }
  std::vector<double> nonzero;
  double sum = 0.0, abs_sum = 0.0;
  for (const double x : differences) {
    sum += x;
    abs_sum += std::fabs(x);
    if (x != 0.0) nonzero.push_back(x);
  }
  TestResult r;
  r.statistic = sum / static_cast<double>(n);
  const double tolerance = 1e-12 * abs_sum;
  if (nonzero.empty()) {
    r.p_value = 1.0;
    return r;
  }
  if (nonzero.size() <= std::min(opts.exact_up_to, kExactCap)) {
    r.p_value = exact_p_value(nonzero, tolerance);
    return r;
  }
  if (opts.resamples == 0) return test_failure(kNoMonteCarloResamples);
  const double threshold = std::fabs(sum) - tolerance;
  std::vector<double> magnitudes(nonzero.size());
  std::transform(nonzero.begin(), nonzero.end(), magnitudes.begin(),
                 [](double x) { return std::fabs(x); });
  const detail::DistinctValues mags = detail::distinct_values(magnitudes, detail::kMaxDistinct);
  const std::size_t hits = mags.found ? count_by_binomials(mags, threshold, opts)
                                      : count_by_bits(nonzero, threshold, opts);
  r.p_value = static_cast<double>(hits + 1) / static_cast<double>(opts.resamples + 1);
  return r;
}

TestResult sign_flip_test(std::span<const double> a, std::span<const double> b,
                          const SignFlipOptions& opts) {
  if (a.size() != b.size()) return test_failure(kLengthMismatch);
  std::vector<double> d(a.size());
  for (std::size_t i = 0; i < d.size(); ++i) d[i] = a[i] - b[i];
  return sign_flip_test(d, opts);
}

}  // namespace qb::stats
