// The two-sample Kolmogorov–Smirnov test (stats/drift.hpp): the statistic by a radix sort and one
// merge pass, with scipy.stats.ks_2samp's arithmetic and tie-breaking; the p-value from
// ks_distribution.cpp, chosen as SciPy 1.10 chooses it.

#include <algorithm>
#include <bit>
#include <climits>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <span>
#include <utility>
#include <vector>

#include "finite.hpp"
#include "ks_distribution.hpp"
#include "qualbar/stats/drift.hpp"
#include "qualbar/util/parallel.hpp"
#include "radix_sort.hpp"

namespace qb::stats {
namespace {

using detail::has_nan;
using detail::kInf;

// ---- sorting: LSD radix sort on the doubles' bit patterns ---------------------------------------

// Keys: detail::sort_key (radix_sort.hpp) of x + 0.0, so that −0.0 and +0.0 have one key.

// The sort keys of `v`, ascending: LSD radix sort, 8-bit digits, eight passes, a pass skipped when
// every key shares its digit (256 buckets keep the scatter cache-friendly: faster here than fewer,
// wider passes). Sorting the keys themselves saves converting back (the KS merge
// compares keys).
std::vector<std::uint64_t> sorted_keys(std::span<const double> v) {
  const std::size_t n = v.size();
  constexpr int kBits = 8, kPasses = 8;
  constexpr std::size_t kBuckets = std::size_t{1} << kBits;
  std::vector<std::uint64_t> keys(n);
  if (n < 512) {
    for (std::size_t i = 0; i < n; ++i) keys[i] = detail::sort_key(v[i] + 0.0);
    std::sort(keys.begin(), keys.end());
    return keys;
  }
  std::vector<std::uint32_t> hist(kBuckets * kPasses, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t k = detail::sort_key(v[i] + 0.0);
    keys[i] = k;
    for (int p = 0; p < kPasses; ++p) ++hist[p * kBuckets + ((k >> (p * kBits)) & (kBuckets - 1))];
  }
  std::vector<std::uint64_t> tmp(n);
  for (int p = 0; p < kPasses; ++p) {
    std::uint32_t* h = &hist[p * kBuckets];
    const std::uint64_t first_digit = (keys[0] >> (p * kBits)) & (kBuckets - 1);
    if (h[first_digit] == n)
      continue;  // every key has this digit: the pass would not move anything
    std::uint32_t offset = 0;
    for (std::size_t b = 0; b < kBuckets; ++b) {
      const std::uint32_t c = h[b];
      h[b] = offset;
      offset += c;
    }
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint64_t k = keys[i];
      tmp[h[(k >> (p * kBits)) & (kBuckets - 1)]++] = k;
    }
    keys.swap(tmp);
  }
  return keys;
}

// Runs fa() and fb() (two independent sorts), on two threads when both samples are large; the
// result does not depend on it.
template <class A, class B>
void both(std::size_t na, std::size_t nb, A&& fa, B&& fb) {
  constexpr std::size_t kParallelFrom = 1 << 16;
  parallel_for(
      2, [&](std::size_t i) { i == 0 ? fa() : fb(); }, std::min(na, nb) >= kParallelFrom);
}

// The largest positive and negative differences F_a − F_b of the empirical CDFs and the values
// where they are reached, exactly as scipy.stats.ks_2samp computes them: at every observed value
// v, diff = i/n1 − j/n2 (i, j the counts <= v, each division rounded as NumPy does), then
// np.argmax / np.argmin over concat(sorted a, sorted b), i.e. the first position reaching the
// extreme: a value of `a` wins a tie over any value of `b`, and a smaller value a larger one.
struct KsExtremes {
  double max_stat = 0.0, max_at = kNaN;  // max diff (>= 0 once any value is seen)
  double min_stat = 0.0, min_at = kNaN;  // −min diff, clipped to [0, 1]
};

// One sample's running extremes of diff over the values it contains. With the exact integer
// k = i·n2 − j·n1 ∝ diff, a float can only tie or beat the best when its k does, so the
// divisions are done only then (when n1·n2 <= 2^50 the rounding cannot invert two different k).
struct Tracker {
  std::int64_t max_k = INT64_MIN, min_k = INT64_MAX;
  double max_f = -kInf, max_at = kNaN, min_f = kInf, min_at = kNaN;
  void see(std::int64_t k, double v, std::size_t i, std::size_t j, double d1, double d2) {
    if (k >= max_k) {
      const double f = static_cast<double>(i) / d1 - static_cast<double>(j) / d2;
      if (k > max_k || f > max_f) {
        max_k = k;
        max_f = f;
        max_at = v;
      }
    }
    if (k <= min_k) {
      const double f = static_cast<double>(i) / d1 - static_cast<double>(j) / d2;
      if (k < min_k || f < min_f) {
        min_k = k;
        min_f = f;
        min_at = v;
      }
    }
  }
  // Without the integer key (very large samples): compare the floats themselves.
  void see_float(double f, double v) {
    if (f > max_f) {
      max_f = f;
      max_at = v;
    }
    if (f < min_f) {
      min_f = f;
      min_at = v;
    }
  }
};

// T is double (sorted values) or std::uint64_t (sorted keys); value(x) gives the double.
template <class T, class Value>
KsExtremes ks_extremes(std::span<const T> a, std::span<const T> b, Value value) {
  const std::size_t n1 = a.size(), n2 = b.size();
  const double d1 = static_cast<double>(n1), d2 = static_cast<double>(n2);
  const bool exact_key = static_cast<double>(n1) * static_cast<double>(n2) <= 0x1p50;
  const auto in1 = static_cast<std::int64_t>(n1), in2 = static_cast<std::int64_t>(n2);
  Tracker ta, tb;
  std::size_t i = 0, j = 0;
  bool seen_a = false, seen_b = false;
  // A branch-free merge: one element per step from whichever head is smaller; the differences
  // are evaluated once the last copy of a value has been consumed.
  for (std::size_t step = 0, steps = n1 + n2; step < steps; ++step) {
    const T va = a[std::min(i, n1 - 1)], vb = b[std::min(j, n2 - 1)];
    const bool take_a = (i < n1) & ((j >= n2) | (va <= vb));
    const T v = take_a ? va : vb;
    i += take_a;
    j += !take_a;
    seen_a |= take_a;
    seen_b |= !take_a;
    const bool more = (i < n1 && a[i] == v) || (j < n2 && b[j] == v);
    if (more) continue;
    if (exact_key) {
      const std::int64_t k =
          static_cast<std::int64_t>(i) * in2 - static_cast<std::int64_t>(j) * in1;
      // Rarely true: the running extremes change O(√n) times on random data.
      const bool a_better = seen_a & ((k >= ta.max_k) | (k <= ta.min_k));
      const bool b_better = seen_b & ((k >= tb.max_k) | (k <= tb.min_k));
      if (a_better) ta.see(k, value(v), i, j, d1, d2);
      if (b_better) tb.see(k, value(v), i, j, d1, d2);
    } else {
      const double f = static_cast<double>(i) / d1 - static_cast<double>(j) / d2;
      if (seen_a) ta.see_float(f, value(v));
      if (seen_b) tb.see_float(f, value(v));
    }
    seen_a = seen_b = false;
  }
  KsExtremes out;
  const bool max_from_a = ta.max_f >= tb.max_f;
  out.max_stat = max_from_a ? ta.max_f : tb.max_f;
  out.max_at = max_from_a ? ta.max_at : tb.max_at;
  const bool min_from_a = ta.min_f <= tb.min_f;
  out.min_stat = std::clamp(-(min_from_a ? ta.min_f : tb.min_f), 0.0, 1.0);
  out.min_at = min_from_a ? ta.min_at : tb.min_at;
  return out;
}

// The statistic and p-value from the extremes, as the rest of scipy.stats.ks_2samp.
KsResult ks_result(std::size_t n1, std::size_t n2, const KsExtremes& ext, KsMethod method) {
  KsResult out;
  double d;
  if (ext.min_stat > ext.max_stat) {
    d = ext.min_stat;
    out.location = ext.min_at;
    out.sign = -1;
  } else {
    d = ext.max_stat;
    out.location = ext.max_at;
    out.sign = 1;
  }
  const double d1 = static_cast<double>(n1), d2 = static_cast<double>(n2);

  const std::uint64_t g = std::gcd(static_cast<std::uint64_t>(n1), static_cast<std::uint64_t>(n2));
  const std::uint64_t n1g = n1 / g, n2g = n2 / g;
  KsMethod use = method;
  if (use == KsMethod::automatic) {
    use = std::max(n1, n2) <= 10000 ? KsMethod::exact : KsMethod::asymptotic;
  } else if (use == KsMethod::exact) {
    // SciPy: exact only while lcm(n1, n2) fits in an int32.
    if (static_cast<double>(n1g) >= static_cast<double>(INT32_MAX) / static_cast<double>(n2g))
      use = KsMethod::asymptotic;
  }
  double prob = kNaN;
  if (use == KsMethod::exact) {
    const auto lcm = static_cast<double>(n1g * n2);
    const double h = std::nearbyint(d * lcm);  // np.round: half to even
    d = h / lcm;
    if (h == 0) {
      prob = 1.0;
    } else if (n1 == n2) {
      prob = detail::ks_prob_outside_square(static_cast<std::int64_t>(n1),
                                            static_cast<std::int64_t>(h));
    } else {
      prob = detail::ks_prob_outside_inside_method(
          static_cast<std::int64_t>(n1), static_cast<std::int64_t>(n2),
          static_cast<std::int64_t>(g), static_cast<std::int64_t>(h));
    }
    if (!(prob >= 0.0 && prob <= 1.0)) use = KsMethod::asymptotic;  // rounding broke the count
  }
  if (use == KsMethod::asymptotic) {
    const double m = std::max(d1, d2), n = std::min(d1, d2);
    const double en = std::nearbyint(m * n / (m + n));
    if (en < 1.0) {
      out.reason = "too few values for the asymptotic p-value (round(n·m/(n+m)) = 0)";
      out.method = use;
      return out;
    }
    prob = kstwo_sf(static_cast<std::size_t>(en), d);
  }
  out.method = use;
  out.statistic = d;
  out.p_value = std::clamp(prob, 0.0, 1.0);
  return out;
}

std::string_view ks_check(std::span<const double> a, std::span<const double> b) {
  if (a.empty() || b.empty()) return "an empty sample";
  if (has_nan(a) || has_nan(b)) return "NaN in the input";
  return {};
}

}  // namespace

KsResult ks_two_sample_sorted(std::span<const double> a, std::span<const double> b,
                              KsMethod method) {
  if (auto r = ks_check(a, b); !r.empty()) {
    KsResult out;
    out.reason = r;
    return out;
  }
  const KsExtremes ext = ks_extremes(a, b, [](double x) { return x; });
  return ks_result(a.size(), b.size(), ext, method);
}

KsResult ks_two_sample(std::span<const double> a, std::span<const double> b, KsMethod method) {
  if (auto r = ks_check(a, b); !r.empty()) {
    KsResult out;
    out.reason = r;
    return out;
  }
  // Both samples radix-sorted as keys (on two threads when large), then merged as keys.
  std::vector<std::uint64_t> ka, kb;
  both(
      a.size(), b.size(), [&] { ka = sorted_keys(a); }, [&] { kb = sorted_keys(b); });
  const KsExtremes ext = ks_extremes(std::span<const std::uint64_t>(ka),
                                     std::span<const std::uint64_t>(kb), detail::from_sort_key);
  return ks_result(a.size(), b.size(), ext, method);
}

}  // namespace qb::stats
