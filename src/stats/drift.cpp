#include "qualbar/stats/drift.hpp"

// PSI, quantile bins, Jensen–Shannon and the chi-square tests. The Kolmogorov–Smirnov test is in
// ks_two_sample.cpp and its distributions in ks_distribution.cpp.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include <boost/math/distributions/chi_squared.hpp>

#include "finite.hpp"

namespace qb::stats {
namespace {

using detail::has_nan;
using detail::kInf;

// Checks a span of non-negative finite weights: returns its total, or NaN and sets `reason`
// (`zero_total` names the case where every weight is 0).
double weights_total(std::span<const double> w, std::string_view& reason,
                     std::string_view zero_total = "a distribution has total 0 (no counts)") {
  double total = 0.0;
  for (double x : w) {
    if (std::isnan(x)) {
      reason = "NaN in the input";
      return kNaN;
    }
    if (!(x >= 0.0) || std::isinf(x)) {
      reason = "a count or proportion is negative or infinite";
      return kNaN;
    }
    total += x;
  }
  if (!(total > 0.0)) {
    reason = zero_total;
    return kNaN;
  }
  return total;
}

std::string_view check_pair(std::span<const double> a, std::span<const double> b) {
  if (a.empty() || b.empty()) return "no bins (empty input)";
  if (a.size() != b.size()) return "the two distributions have different numbers of bins";
  return {};
}

// Boost's default policy throws where a p-value has a plain answer: at X² = 0 with thousands of
// degrees of freedom (categories) its tgamma overflows. The ends are answered first; anything
// else Boost cannot evaluate is NaN, never an exception.
using QuietPolicy = boost::math::policies::policy<
    boost::math::policies::overflow_error<boost::math::policies::ignore_error>,
    boost::math::policies::evaluation_error<boost::math::policies::ignore_error>,
    boost::math::policies::domain_error<boost::math::policies::ignore_error>>;

double chi2_sf(double x, double dof) {
  if (std::isinf(x)) return 0.0;
  if (!(x > 0.0)) return 1.0;
  const double p = boost::math::cdf(
      boost::math::complement(boost::math::chi_squared_distribution<double, QuietPolicy>(dof), x));
  return std::clamp(p, 0.0, 1.0);
}

// Puts the elements of ranks [r0, r1) (ascending, absolute ranks; `first` holds rank `offset`)
// in their sorted positions, by nth_element on the middle rank and recursion on each side.
void select_ranks(double* first, double* last, std::size_t offset, const std::size_t* r0,
                  const std::size_t* r1) {
  while (r0 < r1 && first < last) {
    const std::size_t* mid = r0 + (r1 - r0) / 2;
    double* pos = first + (*mid - offset);
    std::nth_element(first, pos, last);
    select_ranks(first, pos, offset, r0, mid);
    first = pos + 1;
    offset = *mid + 1;
    r0 = mid + 1;
  }
}

// numpy's default ("linear") quantile, from `data` whose needed order statistics are in place,
// with numpy's two-sided interpolation (_lerp): the bin edges are bit for bit np.quantile's.
double numpy_quantile(const std::vector<double>& data, std::size_t n, double q) {
  const double h = static_cast<double>(n - 1) * q;
  const double lo_f = std::floor(h);
  const auto lo = static_cast<std::size_t>(lo_f);
  if (lo + 1 >= n) return data[n - 1];
  const double a = data[lo], b = data[lo + 1];
  const double t = h - lo_f, diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

// Counts of xs per bin: bin = number of edges < x (np.searchsorted(edges, x, side="left")).
// Few edges: a branch-free count over all of them; many: a branch-free binary search. Four
// interleaved histograms keep repeated increments of one bin from serialising.
std::vector<double> bin_counts(std::span<const double> xs, const std::vector<double>& edges) {
  const std::size_t k = edges.size() + 1;
  std::vector<std::uint32_t> c(4 * k, 0);
  const std::size_t ne = edges.size();
  // Edges padded with +infinity to a power of two P > ne: a search of fixed length log2(P).
  std::size_t p = 1;
  while (p < ne + 1) p *= 2;
  std::vector<double> padded(p, std::numeric_limits<double>::infinity());
  std::copy(edges.begin(), edges.end(), padded.begin());
  const double* e = padded.data();
  auto bin = [&](double x) -> std::size_t {
    if (ne <= 16) {
      std::size_t idx = 0;
      for (std::size_t q = 0; q < ne; ++q) idx += e[q] < x;
      return idx;
    }
    std::size_t count = 0;  // edges < x
    for (std::size_t h = p / 2; h >= 1; h /= 2) count += e[count + h - 1] < x ? h : 0;
    return count;
  };
  std::size_t i = 0;
  for (; i + 4 <= xs.size(); i += 4) {
    ++c[bin(xs[i])];
    ++c[k + bin(xs[i + 1])];
    ++c[2 * k + bin(xs[i + 2])];
    ++c[3 * k + bin(xs[i + 3])];
  }
  for (; i < xs.size(); ++i) ++c[bin(xs[i])];
  std::vector<double> out(k);
  for (std::size_t b = 0; b < k; ++b)
    out[b] = static_cast<double>(c[b] + c[k + b] + c[2 * k + b] + c[3 * k + b]);
  return out;
}

}  // namespace

// ---- PSI ---------------------------------------------------------------------------------------
DriftValue psi(std::span<const double> baseline, std::span<const double> current, double epsilon) {
  DriftValue out;
  if (auto r = check_pair(baseline, current); !r.empty()) {
    out.reason = r;
    return out;
  }
  if (!(epsilon >= 0.0) || std::isinf(epsilon)) {
    out.reason = "epsilon must be finite and >= 0";
    return out;
  }
  const double tb = weights_total(baseline, out.reason);
  if (!out.reason.empty()) return out;
  const double tc = weights_total(current, out.reason);
  if (!out.reason.empty()) return out;
  const double norm = 1.0 + static_cast<double>(baseline.size()) * epsilon;
  double sum = 0.0;
  for (std::size_t i = 0; i < baseline.size(); ++i) {
    const double b = (baseline[i] / tb + epsilon) / norm;
    const double c = (current[i] / tc + epsilon) / norm;
    if (b == c) continue;  // includes a bin empty on both sides when epsilon = 0
    if (b == 0.0 || c == 0.0) return {kInf, {}};
    sum += (c - b) * std::log(c / b);
  }
  out.value = sum;
  return out;
}

QuantileBins quantile_bins(std::span<const double> baseline, std::span<const double> current,
                           std::size_t bins) {
  QuantileBins out;
  if (baseline.empty() || current.empty()) {
    out.reason = "an empty sample";
    return out;
  }
  if (bins == 0) {
    out.reason = "bins must be at least 1";
    return out;
  }
  for (double x : baseline) {
    if (!std::isfinite(x)) {
      out.reason = std::isnan(x) ? std::string_view("NaN in the input")
                                 : std::string_view("an infinite value in the baseline");
      return out;
    }
  }
  if (has_nan(current)) {
    out.reason = "NaN in the input";
    return out;
  }
  // The order statistics the quantiles need, by a recursive multi-select (O(n log bins)), then
  // numpy's interpolation between them.
  const std::size_t n = baseline.size();
  std::vector<std::size_t> ranks;
  for (std::size_t j = 1; j < bins; ++j) {
    const double h =
        static_cast<double>(n - 1) * (static_cast<double>(j) / static_cast<double>(bins));
    const auto lo = static_cast<std::size_t>(std::floor(h));
    ranks.push_back(std::min(lo, n - 1));
    if (lo + 1 < n) ranks.push_back(lo + 1);
  }
  std::sort(ranks.begin(), ranks.end());
  ranks.erase(std::unique(ranks.begin(), ranks.end()), ranks.end());
  std::vector<double> work(baseline.begin(), baseline.end());
  select_ranks(work.data(), work.data() + n, 0, ranks.data(), ranks.data() + ranks.size());
  for (std::size_t j = 1; j < bins; ++j) {
    const double e = numpy_quantile(work, n, static_cast<double>(j) / static_cast<double>(bins));
    if (out.edges.empty() || e > out.edges.back()) out.edges.push_back(e);
  }
  out.baseline = bin_counts(baseline, out.edges);
  out.current = bin_counts(current, out.edges);
  return out;
}

DriftValue psi_samples(std::span<const double> baseline, std::span<const double> current,
                       std::size_t bins, double epsilon) {
  const QuantileBins b = quantile_bins(baseline, current, bins);
  if (!b.reason.empty()) return {kNaN, b.reason};
  return psi(b.baseline, b.current, epsilon);
}

// ---- Jensen–Shannon ----------------------------------------------------------------------------
DriftValue jensen_shannon(std::span<const double> p, std::span<const double> q, double base) {
  DriftValue out;
  if (auto r = check_pair(p, q); !r.empty()) {
    out.reason = r;
    return out;
  }
  if (!(base > 0.0) || base == 1.0 || std::isinf(base)) {
    out.reason = "the logarithm base must be positive, finite and not 1";
    return out;
  }
  const double tp = weights_total(p, out.reason);
  if (!out.reason.empty()) return out;
  const double tq = weights_total(q, out.reason);
  if (!out.reason.empty()) return out;
  double left = 0.0, right = 0.0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    const double pi = p[i] / tp, qi = q[i] / tq;
    const double m = (pi + qi) / 2.0;
    if (pi > 0.0) left += pi * std::log(pi / m);  // scipy.special.rel_entr
    if (qi > 0.0) right += qi * std::log(qi / m);
  }
  double js = left + right;
  js /= std::log(base);
  out.value = std::sqrt(std::max(js, 0.0) / 2.0);
  return out;
}

// ---- chi-square --------------------------------------------------------------------------------
ChiSquareResult chi_square_gof(std::span<const double> observed, std::span<const double> expected,
                               int ddof) {
  ChiSquareResult out;
  if (observed.empty()) {
    out.reason = "no cells (empty input)";
    return out;
  }
  if (!expected.empty() && expected.size() != observed.size()) {
    out.reason = "observed and expected have different numbers of cells";
    return out;
  }
  if (ddof < 0) {
    out.reason = "ddof must be >= 0";
    return out;
  }
  const double to = weights_total(observed, out.reason, "no observations (total 0)");
  if (!out.reason.empty()) return out;
  const std::size_t k_all = observed.size();
  out.expected.assign(k_all, to / static_cast<double>(k_all));
  if (!expected.empty()) {
    const double te = weights_total(expected, out.reason, "the expected counts are all 0");
    if (!out.reason.empty()) {
      out.expected.clear();
      return out;
    }
    const double scale = to / te;
    for (std::size_t i = 0; i < k_all; ++i) out.expected[i] = expected[i] * scale;
  }
  std::size_t k = 0;
  double stat = 0.0, min_e = kInf;
  for (std::size_t i = 0; i < k_all; ++i) {
    const double o = observed[i], e = out.expected[i];
    if (e == 0.0 && o == 0.0) continue;  // a category neither side has
    ++k;
    min_e = std::min(min_e, e);
    if (e < 5.0) ++out.cells_below_5;
    stat += e == 0.0 ? kInf : (o - e) * (o - e) / e;
  }
  out.min_expected = min_e;
  out.dof = static_cast<double>(k) - 1.0 - static_cast<double>(ddof);
  if (!(out.dof > 0.0)) {
    out.reason = "no degrees of freedom left (cells − 1 − ddof <= 0)";
    return out;
  }
  out.statistic = stat;
  out.p_value = chi2_sf(stat, out.dof);
  return out;
}

ChiSquareResult chi_square_independence(std::span<const double> table, std::size_t rows,
                                        std::size_t cols, bool correction) {
  ChiSquareResult out;
  if (table.empty() || rows == 0 || cols == 0) {
    out.reason = "an empty table";
    return out;
  }
  if (rows * cols != table.size()) {
    out.reason = "rows × cols does not match the number of cells";
    return out;
  }
  const double total = weights_total(table, out.reason, "an empty table (total 0)");
  if (!out.reason.empty()) return out;
  std::vector<double> row(rows, 0.0), col(cols, 0.0);
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t j = 0; j < cols; ++j) {
      row[i] += table[i * cols + j];
      col[j] += table[i * cols + j];
    }
  out.expected.assign(rows * cols, 0.0);
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t j = 0; j < cols; ++j) out.expected[i * cols + j] = row[i] * col[j] / total;
  const auto r_used = static_cast<std::size_t>(
      std::count_if(row.begin(), row.end(), [](double s) { return s > 0; }));
  const auto c_used = static_cast<std::size_t>(
      std::count_if(col.begin(), col.end(), [](double s) { return s > 0; }));
  if (r_used < 2 || c_used < 2) {
    out.reason = "fewer than two non-empty rows or columns: nothing to test";
    return out;
  }
  out.dof = static_cast<double>((r_used - 1) * (c_used - 1));
  out.yates = correction && out.dof == 1.0;
  double stat = 0.0, min_e = kInf;
  for (std::size_t i = 0; i < rows; ++i) {
    if (!(row[i] > 0)) continue;
    for (std::size_t j = 0; j < cols; ++j) {
      if (!(col[j] > 0)) continue;
      const double e = out.expected[i * cols + j];
      double o = table[i * cols + j];
      if (out.yates) {
        const double diff = e - o;
        const double magnitude = std::min(0.5, std::fabs(diff));
        o += diff > 0 ? magnitude : (diff < 0 ? -magnitude : 0.0);
      }
      min_e = std::min(min_e, e);
      if (e < 5.0) ++out.cells_below_5;
      stat += (o - e) * (o - e) / e;
    }
  }
  out.min_expected = min_e;
  out.statistic = stat;
  out.p_value = chi2_sf(stat, out.dof);
  return out;
}

}  // namespace qb::stats
