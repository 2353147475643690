#include "qualbar/stats/agreement.hpp"

#include <algorithm>
#include <cmath>

#include "qualbar/stats/intervals.hpp"

namespace qb::stats {
namespace {

// Disagreement weight of categories i and j (see KappaWeights).
double disagreement(std::size_t i, std::size_t j, std::size_t k, KappaWeights weights) {
  if (i == j) return 0.0;  // also keeps K = 1 clear of 0/0
  const double d = i > j ? static_cast<double>(i - j) : static_cast<double>(j - i);
  switch (weights) {
    case KappaWeights::none:
      return 1.0;
    case KappaWeights::linear:
      return d / static_cast<double>(k - 1);
    case KappaWeights::quadratic:
      return d * d / (static_cast<double>(k - 1) * static_cast<double>(k - 1));
  }
  return kNaN;
}

// Σ (v − mean)² of the values, two passes.
double sum_squares(std::span<const double> values) {
  double sum = 0.0;
  for (const double v : values) sum += v;
  const double mean = sum / static_cast<double>(values.size());
  double ss = 0.0;
  for (const double v : values) ss += (v - mean) * (v - mean);
  return ss;
}

}  // namespace

KappaResult cohen_kappa_table(std::span<const std::uint64_t> table, std::size_t n_categories,
                              KappaWeights weights, double confidence) {
  KappaResult out;
  const std::size_t k = n_categories;
  if (k == 0) {
    out.reason = kAgreementNoCategories;
    return out;
  }
  if (table.size() != k * k) {
    out.reason = kAgreementBadTable;
    return out;
  }
  if (!(confidence > 0.0 && confidence < 1.0)) {
    out.reason = kAgreementBadConfidence;
    return out;
  }
  std::vector<double> row(k, 0.0);
  std::vector<double> col(k, 0.0);
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < k; ++i) {
    for (std::size_t j = 0; j < k; ++j) {
      total += table[i * k + j];
      row[i] += static_cast<double>(table[i * k + j]);
      col[j] += static_cast<double>(table[i * k + j]);
    }
  }
  if (total == 0) {
    out.reason = kAgreementEmpty;
    return out;
  }
  const double n = static_cast<double>(total);
  for (std::size_t i = 0; i < k; ++i) {
    row[i] /= n;
    col[i] /= n;
  }

  // Observed and chance disagreement; kappa = 1 − D_o / D_e (sklearn's form).
  double observed = 0.0;
  double expected = 0.0;
  for (std::size_t i = 0; i < k; ++i) {
    for (std::size_t j = 0; j < k; ++j) {
      const double d = disagreement(i, j, k, weights);
      observed += d * static_cast<double>(table[i * k + j]);
      expected += d * row[i] * col[j];
    }
  }
  observed /= n;
  if (expected == 0.0) {
    out.reason = kAgreementNoVariation;
    return out;
  }
  const auto one_category = [&](const std::vector<double>& shares) {
    return std::count_if(shares.begin(), shares.end(), [](double p) { return p > 0.0; }) == 1;
  };
  if (one_category(row) || one_category(col)) {
    out.reason = kAgreementConstantRater;
    return out;
  }
  const double kappa = 1.0 - observed / expected;
  out.kappa = kappa;

  // Fleiss, Cohen and Everitt (1969) with agreement weights w = 1 − d, as statsmodels.
  const double pe = 1.0 - expected;
  std::vector<double> w_row(k, 0.0);  // w̄_i· = Σ_j c_j w_ij
  std::vector<double> w_col(k, 0.0);  // w̄_·j = Σ_i r_i w_ij
  for (std::size_t i = 0; i < k; ++i) {
    for (std::size_t j = 0; j < k; ++j) {
      const double w = 1.0 - disagreement(i, j, k, weights);
      w_row[i] += col[j] * w;
      w_col[j] += row[i] * w;
    }
  }
  double term = 0.0;
  double term_null = 0.0;
  for (std::size_t i = 0; i < k; ++i) {
    for (std::size_t j = 0; j < k; ++j) {
      const double w = 1.0 - disagreement(i, j, k, weights);
      const double a = w - (w_row[i] + w_col[j]) * (1.0 - kappa);
      term += static_cast<double>(table[i * k + j]) / n * a * a;
      const double b = w - (w_row[i] + w_col[j]);
      term_null += row[i] * col[j] * b * b;
    }
  }
  const double scale = n * (1.0 - pe) * (1.0 - pe);
  const double c = kappa - pe * (1.0 - kappa);
  const double var = std::max(0.0, (term - c * c) / scale);
  const double var_null = std::max(0.0, (term_null - pe * pe) / scale);
  out.se = std::sqrt(var);
  out.se_null = std::sqrt(var_null);
  const double z = z_two_sided(confidence);
  out.interval = {std::max(-1.0, kappa - z * out.se), std::min(1.0, kappa + z * out.se)};
  return out;
}

KappaResult cohen_kappa(std::span<const std::int32_t> rater_a,
                        std::span<const std::int32_t> rater_b, std::size_t n_categories,
                        KappaWeights weights, double confidence) {
  KappaResult out;
  if (rater_a.size() != rater_b.size()) {
    out.reason = kAgreementLengthMismatch;
    return out;
  }
  if (n_categories == 0) {
    out.reason = kAgreementNoCategories;
    return out;
  }
  const auto k = static_cast<std::uint32_t>(std::min<std::size_t>(n_categories, UINT32_MAX));
  bool bad = false;
  for (const std::int32_t a : rater_a) bad |= static_cast<std::uint32_t>(a) >= k;
  for (const std::int32_t b : rater_b) bad |= static_cast<std::uint32_t>(b) >= k;
  if (bad) {
    out.reason = kAgreementBadLabel;
    return out;
  }
  std::vector<std::uint64_t> table(n_categories * n_categories, 0);
  for (std::size_t i = 0; i < rater_a.size(); ++i) {
    ++table[static_cast<std::size_t>(rater_a[i]) * n_categories +
            static_cast<std::size_t>(rater_b[i])];
  }
  return cohen_kappa_table(table, n_categories, weights, confidence);
}

AgreementValue fleiss_kappa(std::span<const std::uint64_t> counts, std::size_t n_categories) {
  AgreementValue out;
  const std::size_t k = n_categories;
  if (k == 0) {
    out.reason = kAgreementNoCategories;
    return out;
  }
  if (counts.size() % k != 0) {
    out.reason = kAgreementBadCountTable;
    return out;
  }
  const std::size_t subjects = counts.size() / k;
  if (subjects == 0) {
    out.reason = kAgreementEmpty;
    return out;
  }
  std::uint64_t m = 0;
  std::uint64_t squares = 0;  // Σ_s Σ_k counts_sk²
  std::vector<std::uint64_t> per_category(k, 0);
  for (std::size_t s = 0; s < subjects; ++s) {
    std::uint64_t ratings = 0;
    for (std::size_t c = 0; c < k; ++c) {
      const std::uint64_t x = counts[s * k + c];
      ratings += x;
      squares += x * x;
      per_category[c] += x;
    }
    if (s == 0) m = ratings;
    if (ratings != m) {
      out.reason = kAgreementUnequalRaters;
      return out;
    }
  }
  if (m < 2) {
    out.reason = kAgreementTooFewRaters;
    return out;
  }
  const std::size_t used = static_cast<std::size_t>(std::count_if(
      per_category.begin(), per_category.end(), [](std::uint64_t x) { return x > 0; }));
  if (used < 2) {
    out.reason = kAgreementNoVariation;
    return out;
  }
  const double ns = static_cast<double>(subjects);
  const double mm = static_cast<double>(m);
  const double p_bar = (static_cast<double>(squares) - ns * mm) / (ns * mm * (mm - 1.0));
  double p_e = 0.0;
  for (const std::uint64_t x : per_category) {
    const double p = static_cast<double>(x) / (ns * mm);
    p_e += p * p;
  }
  out.value = (p_bar - p_e) / (1.0 - p_e);
  return out;
}

AgreementValue krippendorff_alpha(std::span<const double> data, std::size_t n_coders,
                                  AlphaLevel level) {
  AgreementValue out;
  if (n_coders == 0 || data.size() % n_coders != 0) {
    out.reason = kAgreementBadShape;
    return out;
  }
  for (const double v : data) {
    if (std::isinf(v)) {
      out.reason = kAgreementBadValue;
      return out;
    }
  }
  const std::size_t units = data.size() / n_coders;
  // The pairable values, unit after unit: unit u is values[start[u], start[u + 1]).
  std::vector<double> values;
  std::vector<std::size_t> start{0};
  for (std::size_t u = 0; u < units; ++u) {
    const std::size_t before = values.size();
    for (std::size_t c = 0; c < n_coders; ++c) {
      const double v = data[c * units + u];
      if (!std::isnan(v)) values.push_back(v);
    }
    if (values.size() - before < 2) {
      values.resize(before);  // fewer than two values: not pairable
    } else {
      start.push_back(values.size());
    }
  }
  if (values.empty()) {
    out.reason = kAgreementNoPairs;
    return out;
  }
  std::vector<double> pooled = values;
  std::sort(pooled.begin(), pooled.end());
  if (pooled.front() == pooled.back()) {
    out.reason = kAgreementNoVariation;
    return out;
  }
  const double n = static_cast<double>(values.size());

  // alpha = 1 − (n − 1) · observed / expected, with observed = Σ_ck o_ck δ²(c, k) and
  // expected = Σ_ck n_c n_k δ²(c, k), both summed over unit pairs without the coincidence matrix.
  double observed = 0.0;
  double expected = 0.0;
  if (level == AlphaLevel::nominal) {
    // Ordered pairs of different values in a unit: m² − Σ_c m_c².
    auto different_pairs = [](std::span<double> unit) {
      std::sort(unit.begin(), unit.end());
      double same = 0.0;
      for (std::size_t i = 0; i < unit.size();) {
        std::size_t j = i;
        while (j < unit.size() && unit[j] == unit[i]) ++j;
        same += static_cast<double>(j - i) * static_cast<double>(j - i);
        i = j;
      }
      const double m = static_cast<double>(unit.size());
      return m * m - same;
    };
    for (std::size_t u = 0; u + 1 < start.size(); ++u) {
      std::span<double> unit(values.data() + start[u], start[u + 1] - start[u]);
      observed += different_pairs(unit) / static_cast<double>(unit.size() - 1);
    }
    expected = different_pairs(pooled);
  } else {
    if (level == AlphaLevel::ordinal) {
      // δ²(c, k) of the ordinal metric is (mid_k − mid_c)² with mid_g = N_{<g} + n_g/2 (the ranks
      // of the pooled values, ties averaged): the interval metric on mid-ranks.
      for (double& v : values) {
        const auto lo = std::lower_bound(pooled.begin(), pooled.end(), v);
        const auto hi = std::upper_bound(lo, pooled.end(), v);
        v = static_cast<double>(lo - pooled.begin()) + 0.5 * static_cast<double>(hi - lo);
      }
      pooled = values;
    }
    // Σ over ordered pairs (i ≠ j) of (v_i − v_j)² = 2 m Σ (v − v̄)².
    for (std::size_t u = 0; u + 1 < start.size(); ++u) {
      const std::span<const double> unit(values.data() + start[u], start[u + 1] - start[u]);
      const double m = static_cast<double>(unit.size());
      observed += 2.0 * m * sum_squares(unit) / (m - 1.0);
    }
    expected = 2.0 * n * sum_squares(pooled);
  }
  out.value = 1.0 - (n - 1.0) * observed / expected;
  return out;
}

}  // namespace qb::stats
