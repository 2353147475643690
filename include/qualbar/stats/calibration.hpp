#pragma once
// Calibration of confidences against correctness: expected and maximum calibration error with
// equal-width or equal-mass bins, the reliability diagram, the Brier score with its Murphy
// decomposition, AUROC, and the risk–coverage curve of selective prediction. Pure functions.
//
// Inputs, everywhere in this header: `confidence[i]` is the confidence p_i ∈ [0, 1] that item i is
// correct, and `outcome[i]` is 1 when it is correct and 0 when it is not (y_i ∈ {0, 1}); the two
// spans have the same length n.
//
// Degenerate inputs give NaN and a `reason` (the exact texts are the k* constants below):
//   n = 0                                  → kCalibrationEmpty
//   confidence and outcome of other length → kCalibrationLengthMismatch
//   a confidence NaN or outside [0, 1]     → kCalibrationBadConfidence
//   an outcome other than 0 or 1           → kCalibrationBadOutcome
//   bins = 0                               → kCalibrationNoBins
// Function-specific cases are documented with each function.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "qualbar/stats/common.hpp"

namespace qb::stats {

inline constexpr std::size_t kDefaultCalibrationBins = 15;

inline constexpr std::string_view kCalibrationEmpty = "no items";
inline constexpr std::string_view kCalibrationLengthMismatch =
    "confidence and outcome have different lengths";
inline constexpr std::string_view kCalibrationBadConfidence =
    "a confidence is NaN or outside [0, 1]";
inline constexpr std::string_view kCalibrationBadOutcome = "an outcome is not 0 or 1";
inline constexpr std::string_view kCalibrationNoBins = "the number of bins must be at least 1";
inline constexpr std::string_view kCalibrationOneClass =
    "only one class: AUROC needs both correct and incorrect items";
inline constexpr std::string_view kCalibrationBadCoverage = "coverage must be in (0, 1]";

// How items are assigned to B bins.
//
// equal_width: the edges are e_i = the double nearest to i/B (i = 0..B; e_0 = 0, e_B = 1). Bin i
//   holds e_i <= p < e_{i+1}; the last bin also holds p = 1. So p = 0 is in bin 0, p = 1 in bin
//   B − 1, and a confidence typed as i/B (0.3 with B = 10) is in bin i, never in bin i − 1.
//   Bin bounds are [e_i, e_{i+1}]. Bins may be empty.
// equal_mass: sort the confidences ascending (positions 0..n−1) and put the cut points at the
//   positions c_b = ⌊b·n/B⌋. Tied confidences are kept together: a block of equal confidences
//   goes whole to the bin whose range [c_b, c_{b+1}) holds the block's first position. So bin
//   membership depends only on the values (not on the input order), a large tie block can leave
//   later bins empty, and with n < B some bins are always empty. Bin bounds are the smallest and
//   largest confidence in the bin (NaN when empty).
enum class Binning { equal_width, equal_mass };

// One bin of the reliability diagram.
struct ReliabilityBin {
  double lo = kNaN;  // bounds (see Binning)
  double hi = kNaN;
  std::size_t count = 0;          // n_b, the items in the bin
  double mean_confidence = kNaN;  // p̄_b = mean confidence of the bin; NaN when empty
  double accuracy = kNaN;         // ȳ_b = share of correct items in the bin; NaN when empty
};

// Reliability diagram data with the calibration errors it gives:
//   ECE = Σ_b (n_b / n) · |ȳ_b − p̄_b|      (empty bins contribute nothing)
//   MCE = max over non-empty bins of |ȳ_b − p̄_b|
// On a degenerate input `bins` is empty and ece, mce are NaN with the reason.
struct Reliability {
  std::vector<ReliabilityBin> bins;  // B bins in ascending order of confidence
  double ece = kNaN;
  double mce = kNaN;
  std::string_view reason;
};

Reliability reliability(std::span<const double> confidence, std::span<const std::uint8_t> outcome,
                        std::size_t bins = kDefaultCalibrationBins,
                        Binning binning = Binning::equal_width);

// The Brier score BS = (1/n) Σ (p_i − y_i)² (sklearn's brier_score_loss with pos_label = 1) and
// its Murphy (1973) decomposition over the bins of `reliability` (same `bins`, `binning`), with
// ȳ the overall share of correct items:
//   reliability = (1/n) Σ_b n_b (p̄_b − ȳ_b)²      (lower is better)
//   resolution  = (1/n) Σ_b n_b (ȳ_b − ȳ)²         (higher is better)
//   uncertainty = ȳ (1 − ȳ)
//   within_bin  = (1/n) Σ_b Σ_{i∈b} [(p_i − p̄_b)² − 2 (p_i − p̄_b)(y_i − ȳ_b)]
// and BS = reliability − resolution + uncertainty + within_bin holds exactly (up to rounding) for
// every input (Stephenson et al. 2008). The classic three-term identity
// BS = reliability − resolution + uncertainty holds exactly only when the confidence is constant
// within each bin (then within_bin = 0); with binned continuous confidences it is approximate.
struct BrierScore {
  double brier = kNaN;
  double reliability = kNaN;
  double resolution = kNaN;
  double uncertainty = kNaN;
  double within_bin = kNaN;
  std::string_view reason;
};

BrierScore brier_score(std::span<const double> confidence, std::span<const std::uint8_t> outcome,
                       std::size_t bins = kDefaultCalibrationBins,
                       Binning binning = Binning::equal_width);

// A single value with the reason it is NaN (empty when it is not).
struct CalibrationValue {
  double value = kNaN;
  std::string_view reason;
};

// Area under the ROC curve of confidence as a score for correctness, by the Mann–Whitney
// formulation with average ranks for ties:
//   AUROC = (R₁ − n₁(n₁ + 1)/2) / (n₁ n₀)
// where R₁ is the sum of the (1-based, tie-averaged) ranks of the correct items among all items,
// n₁ the number of correct items and n₀ of incorrect ones. Equivalently the probability that a
// random correct item has a higher confidence than a random incorrect one, ties counting ½; equal
// to sklearn's roc_auc_score (the trapezoidal ROC area). Only one class present → NaN with
// kCalibrationOneClass.
CalibrationValue auroc(std::span<const double> confidence, std::span<const std::uint8_t> outcome);

// One achievable operating point of selective prediction: accept every item with confidence
// >= threshold (ties are accepted or rejected together).
struct RiskCoveragePoint {
  double threshold = kNaN;  // the confidence of the last accepted tie block
  double coverage = kNaN;   // k / n, k the accepted items
  double risk = kNaN;       // selective risk: share of incorrect items among the k accepted
};

// The risk–coverage curve and its area (AURC).
//
// Sort by confidence descending and group equal confidences into blocks t_1 > t_2 > … > t_m.
// Point j accepts the blocks 1..j: coverage c_j = k_j / n, risk r_j = (errors among them) / k_j.
// The curve is the step function taking r_j on (c_{j−1}, c_j] (c_0 = 0), and
//   AURC = Σ_j (c_j − c_{j−1}) · r_j = (1/n) Σ_i r_{block(i)}
// so each item contributes the risk at the smallest threshold that accepts it. Without ties this
// is the usual (1/n) Σ_{k=1..n} risk(k) of Geifman et al. (2019); with ties it does not depend on
// the order of tied items. Lower is better; a perfect ranking of e errors gives
// (1/n) Σ_{k>n−e} (k − n + e)/k, not 0.
struct RiskCoverage {
  std::vector<RiskCoveragePoint> points;  // one per tie block, coverage ascending
  double aurc = kNaN;
  std::string_view reason;
};

RiskCoverage risk_coverage(std::span<const double> confidence,
                           std::span<const std::uint8_t> outcome);

// Selective risk at a requested coverage c ∈ (0, 1]: the first point of the risk–coverage curve
// whose k reaches ⌈c·n⌉ (c·n within a relative 1e-9 of an integer counts as that integer, so
// that 0.07·100 asks for 7 although it rounds to 7.000000000000001). When a tie block straddles
// the requested coverage, the achieved coverage (in the result) is larger. c outside (0, 1] or
// NaN → kCalibrationBadCoverage.
struct SelectiveRisk {
  double risk = kNaN;
  double coverage = kNaN;   // achieved coverage k / n
  double threshold = kNaN;  // accept items with confidence >= threshold
  std::string_view reason;
};

SelectiveRisk selective_risk(std::span<const double> confidence,
                             std::span<const std::uint8_t> outcome, double coverage);

}  // namespace qb::stats
