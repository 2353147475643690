#include "qualbar/stats/classification.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace qb::stats {
namespace {

std::string_view check(std::span<const std::int32_t> truth, std::span<const std::int32_t> predicted,
                       std::size_t n_classes) {
  if (truth.size() != predicted.size()) return kClassificationLengthMismatch;
  if (n_classes == 0) return kClassificationNoClasses;
  if (truth.empty()) return kClassificationEmpty;
  // One unsigned comparison catches negative labels too.
  const auto k = static_cast<std::uint32_t>(std::min<std::size_t>(n_classes, UINT32_MAX));
  bool bad = false;
  for (const std::int32_t t : truth) bad |= static_cast<std::uint32_t>(t) >= k;
  for (const std::int32_t p : predicted) bad |= static_cast<std::uint32_t>(p) >= k;
  return bad ? kClassificationBadLabel : std::string_view{};
}

// a / b, or the zero-division value when b = 0.
double ratio(std::uint64_t a, std::uint64_t b, ZeroDivision zero_division) {
  if (b == 0) return zero_division == ZeroDivision::nan ? kNaN : 0.0;
  return static_cast<double>(a) / static_cast<double>(b);
}

// Mean of values[k] weighted by weights[k] over the k where values[k] is not NaN; NaN when the
// weights of those sum to 0.
template <class Get, class Weight>
double nan_average(std::size_t k, Get get, Weight weight) {
  double sum = 0.0;
  double total = 0.0;
  for (std::size_t i = 0; i < k; ++i) {
    const double v = get(i);
    if (std::isnan(v)) continue;
    sum += weight(i) * v;
    total += weight(i);
  }
  return total > 0.0 ? sum / total : kNaN;
}

}  // namespace

std::vector<std::uint64_t> confusion_matrix(std::span<const std::int32_t> truth,
                                            std::span<const std::int32_t> predicted,
                                            std::size_t n_classes, std::string_view* reason) {
  const std::string_view why = check(truth, predicted, n_classes);
  if (reason != nullptr) *reason = why;
  if (!why.empty()) return {};
  std::vector<std::uint64_t> counts(n_classes * n_classes, 0);
  const std::size_t n = truth.size();
  for (std::size_t i = 0; i < n; ++i) {
    ++counts[static_cast<std::size_t>(truth[i]) * n_classes +
             static_cast<std::size_t>(predicted[i])];
  }
  return counts;
}

ClassificationReport classification_report(std::span<const std::int32_t> truth,
                                           std::span<const std::int32_t> predicted,
                                           std::size_t n_classes, ZeroDivision zero_division) {
  std::string_view reason;
  const std::vector<std::uint64_t> counts = confusion_matrix(truth, predicted, n_classes, &reason);
  if (!reason.empty()) {
    ClassificationReport out;
    out.reason = reason;
    return out;
  }
  return classification_report_from_confusion(counts, n_classes, zero_division);
}

ClassificationReport classification_report_from_confusion(std::span<const std::uint64_t> confusion,
                                                          std::size_t n_classes,
                                                          ZeroDivision zero_division) {
  ClassificationReport out;
  if (n_classes == 0) {
    out.reason = kClassificationNoClasses;
    return out;
  }
  if (confusion.size() != n_classes * n_classes) {
    out.reason = kClassificationBadMatrix;
    return out;
  }
  const std::size_t k = n_classes;
  std::vector<std::uint64_t> predicted(k, 0);
  std::uint64_t n = 0;
  for (std::size_t t = 0; t < k; ++t) {
    for (std::size_t p = 0; p < k; ++p) {
      predicted[p] += confusion[t * k + p];
      n += confusion[t * k + p];
    }
  }
  if (n == 0) {
    out.reason = kClassificationEmpty;
    return out;
  }

  out.n_classes = k;
  out.confusion.assign(confusion.begin(), confusion.end());
  out.classes.resize(k);
  std::uint64_t tp_sum = 0;
  for (std::size_t c = 0; c < k; ++c) {
    ClassMetrics& m = out.classes[c];
    std::uint64_t support = 0;
    for (std::size_t p = 0; p < k; ++p) support += confusion[c * k + p];
    m.tp = confusion[c * k + c];
    m.fn = support - m.tp;
    m.fp = predicted[c] - m.tp;
    m.tn = n - m.tp - m.fn - m.fp;
    m.support = support;
    m.precision = ratio(m.tp, m.tp + m.fp, zero_division);
    m.recall = ratio(m.tp, support, zero_division);
    m.f1 = ratio(2 * m.tp, 2 * m.tp + m.fp + m.fn, zero_division);
    m.fpr = ratio(m.fp, m.fp + m.tn, zero_division);
    m.fnr = ratio(m.fn, support, zero_division);
    tp_sum += m.tp;
  }

  const auto& cls = out.classes;
  const auto one = [](std::size_t) { return 1.0; };
  const auto support = [&](std::size_t c) { return static_cast<double>(cls[c].support); };
  out.macro.precision = nan_average(
      k, [&](std::size_t c) { return cls[c].precision; }, one);
  out.macro.recall = nan_average(
      k, [&](std::size_t c) { return cls[c].recall; }, one);
  out.macro.f1 = nan_average(
      k, [&](std::size_t c) { return cls[c].f1; }, one);
  out.weighted.precision = nan_average(
      k, [&](std::size_t c) { return cls[c].precision; }, support);
  out.weighted.recall = nan_average(
      k, [&](std::size_t c) { return cls[c].recall; }, support);
  out.weighted.f1 = nan_average(
      k, [&](std::size_t c) { return cls[c].f1; }, support);
  // Every item is one tp, or one fp (for its prediction) and one fn (for its truth).
  out.accuracy = static_cast<double>(tp_sum) / static_cast<double>(n);
  out.micro = {out.accuracy, out.accuracy, out.accuracy};
  return out;
}

}  // namespace qb::stats
