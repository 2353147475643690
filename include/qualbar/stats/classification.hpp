#pragma once
// Classification metrics over integer labels 0..K−1: the confusion matrix, per-class precision,
// recall, F1, false-positive and false-negative rates and support, and their macro, micro and
// weighted averages. Pure functions; the definitions are scikit-learn's (confusion_matrix,
// precision_recall_fscore_support with labels = 0..K−1).
//
// Per class k, with tp, fp, fn, tn counted one-vs-rest over the n items:
//   precision = tp / (tp + fp)         undefined when the class is never predicted
//   recall    = tp / (tp + fn)         undefined when the class has no true items (support 0)
//   f1        = 2 tp / (2 tp + fp + fn) undefined when the class is neither true nor predicted
//   fpr       = fp / (fp + tn)         undefined when every item is of this class
//   fnr       = fn / (tp + fn) = 1 − recall, undefined as recall
//   support   = tp + fn
// f1 is the harmonic mean of precision and recall where both are defined, and 0 when tp = 0 but
// the class is true or predicted somewhere (scikit-learn ≥ 1.3's definition; 1.2 agrees with it
// under zero_division = 0).
//
// An undefined ratio ("zero division") is, by the ZeroDivision switch:
//   nan  (qualbar's default): NaN. A metric that cannot be computed is not reported as a score of
//        0, which would read as "the classifier is bad at this class". Averages skip NaN classes.
//   zero (scikit-learn's default value, zero_division="warn" or 0): 0, included in averages.
//
// Averages over the K classes (all of 0..K−1, whether they occur or not):
//   macro    = unweighted mean of the per-class values (nan: of the defined ones; NaN when none)
//   weighted = mean weighted by support (nan: over the defined ones; NaN when their support is 0)
//   micro    = from the summed counts: Σtp / Σ(tp + fp) etc. With one label per item every item
//              is one tp or one fp+fn pair, so micro precision = recall = F1 = accuracy.
//
// Degenerate inputs: n = 0, truth and predicted of different lengths, K = 0, or a label outside
// 0..K−1 give `reason` (the k* constants), an empty confusion matrix, no classes and NaN averages.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "qualbar/stats/common.hpp"

namespace qb::stats {

inline constexpr std::string_view kClassificationEmpty = "no items";
inline constexpr std::string_view kClassificationLengthMismatch =
    "truth and predicted have different lengths";
inline constexpr std::string_view kClassificationNoClasses =
    "the number of classes must be at least 1";
inline constexpr std::string_view kClassificationBadLabel = "a label is outside 0..K-1";
inline constexpr std::string_view kClassificationBadMatrix = "the confusion matrix is not K x K";

enum class ZeroDivision { nan, zero };

struct ClassMetrics {
  std::uint64_t tp = 0;
  std::uint64_t fp = 0;
  std::uint64_t fn = 0;
  std::uint64_t tn = 0;
  std::uint64_t support = 0;  // tp + fn: items whose true label is this class
  double precision = kNaN;
  double recall = kNaN;
  double f1 = kNaN;
  double fpr = kNaN;
  double fnr = kNaN;
};

struct AveragedMetrics {
  double precision = kNaN;
  double recall = kNaN;
  double f1 = kNaN;
};

struct ClassificationReport {
  std::size_t n_classes = 0;
  // K×K counts, row-major: confusion[t·K + p] = items with true label t predicted as p.
  std::vector<std::uint64_t> confusion;
  std::vector<ClassMetrics> classes;  // index = label
  AveragedMetrics macro;
  AveragedMetrics micro;
  AveragedMetrics weighted;
  double accuracy = kNaN;  // Σ tp / n
  std::string_view reason;
};

// The K×K confusion matrix of the labels (row = truth, column = prediction), as in
// sklearn.metrics.confusion_matrix(truth, predicted, labels=range(K)). Empty on a degenerate input
// (see the header comment), with the reason in `reason` when it is not null.
std::vector<std::uint64_t> confusion_matrix(std::span<const std::int32_t> truth,
                                            std::span<const std::int32_t> predicted,
                                            std::size_t n_classes,
                                            std::string_view* reason = nullptr);

// Every metric above from the labels.
ClassificationReport classification_report(std::span<const std::int32_t> truth,
                                           std::span<const std::int32_t> predicted,
                                           std::size_t n_classes,
                                           ZeroDivision zero_division = ZeroDivision::nan);

// The same metrics from a K×K confusion matrix of counts (row = truth, column = prediction).
// A span whose size is not K·K → kClassificationBadMatrix; all counts 0 → kClassificationEmpty.
ClassificationReport classification_report_from_confusion(
    std::span<const std::uint64_t> confusion, std::size_t n_classes,
    ZeroDivision zero_division = ZeroDivision::nan);

}  // namespace qb::stats
