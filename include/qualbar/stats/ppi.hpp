#pragma once
// Prediction-powered inference (PPI, Angelopoulos et al., Science 2023) for a mean, and its
// power-tuned form PPI++ (Angelopoulos, Duchi and Zrnic 2023). Pure functions.
//
// Setting: a quantity Y (a human label, e.g. 1 if the answer is correct) is known only on n
// labeled items; an automatic judge's prediction f is known on those n items and on N more,
// unlabeled, items. The judge may be biased; PPI corrects it with the labeled items:
//
//   θ̂ = λ · mean_N(f̃) + mean_n(Y − λ·f)                  f̃: predictions on the unlabeled items
//   se² = λ² · var_N(f̃)/N + var_n(Y − λ·f)/n             var with divisor N (resp. n)
//   interval = θ̂ ± z · se,   z = Φ⁻¹(½ + confidence/2)
//
// PPI has λ = 1: θ̂ = mean_N(f̃) − mean_n(f − Y), the judge's mean minus its average error (the
// "rectifier"). PPI++ picks the variance-minimising λ from the data and clips it to [0, 1]:
//
//   λ̂ = cov_n(Y, f) / ((1 + n/N) · var_{n+N}(f))
//
// cov_n with divisor n, var_{n+N} the variance (divisor n + N − 1) of the predictions on all
// n + N items. λ = 0 is the classical mean of the labels; λ̂ is never worse than either, up to
// estimation error. These are the definitions of the ppi_py package (ppi_mean_ci with lam=1, and
// with lam=None), including its divisors.
//
// Degenerate cases: n < 2 or N < 2 → NaN with reason (a variance needs two items); labels and
// labeled predictions of different lengths → NaN with reason; NaN or ±infinity in any input →
// NaN with reason; confidence outside (0, 1) → NaN with reason. PPI++ with constant predictions
// (var_{n+N}(f) = 0) uses λ = 0 (the judge carries no information), where ppi_py divides by 0.
// Zero variance in both terms gives a zero-width interval at θ̂ (ppi_rate, for a rate, does not).

#include <span>
#include <string_view>

#include "qualbar/stats/common.hpp"

namespace qb::stats {

enum class PpiVariant { ppi, ppi_plus_plus };

struct PpiOptions {
  double confidence = 0.95;
  PpiVariant variant = PpiVariant::ppi_plus_plus;
};

// One model's data. labels[i] and labeled_predictions[i] belong to the same item.
struct PpiSample {
  std::span<const double> labels;                 // Y on the n labeled items
  std::span<const double> labeled_predictions;    // f on the same n items
  std::span<const double> unlabeled_predictions;  // f̃ on the N unlabeled items
};

struct PpiResult {
  double estimate = kNaN;        // θ̂
  double standard_error = kNaN;  // se
  Interval interval;             // θ̂ ± z·se (ppi_rate: the bounded interval below)
  double lambda = kNaN;          // λ used: 1 for PPI, λ̂ for PPI++
  double effective_n = kNaN;     // ppi_rate only: the sample size the interval is taken at
  std::string_view reason;       // empty when the estimate could be computed
};

PpiResult ppi_mean(const PpiSample& sample, const PpiOptions& opts);

// PPI (or PPI++) for a rate, such as a pass rate: labels and predictions in [0, 1] (0/1 grades).
// The interval θ̂ ± z·se above can leave [0, 1] and, on a small labeled sample where the judge and
// the labels never vary, has zero width (se = 0): "100% [100, 100]" from 11 items. For a rate the
// estimate is clipped to [0, 1] and the interval is the Wilson score interval at the effective
// sample size (stats::wilson_score with q = z):
//   n_eff = θ̂(1 − θ̂) / se²,  at most n + N (as if every item had been labeled)
// and n_eff = n (the labeled items alone) when θ̂ is 0 or 1 or se = 0, where the sample shows no
// variation to measure. PPI++ with λ = 0 gives exactly the Wilson interval of the labels. For large
// samples away from 0 and 1 it is θ̂ ± z·se. Degenerate cases as ppi_mean, and a label or
// prediction outside [0, 1] → NaN with reason.
PpiResult ppi_rate(const PpiSample& sample, const PpiOptions& opts);

// θ̂_A − θ̂_B for two models with independent data (each its own labeled and unlabeled items, and
// for PPI++ its own λ̂): se = √(se_A² + se_B²), interval θ̂_A − θ̂_B ± z·se.
struct PpiDifference {
  double estimate = kNaN;
  double standard_error = kNaN;
  Interval interval;
  PpiResult a, b;           // the two means (their reasons say which side failed)
  std::string_view reason;  // a's reason if a failed, else b's; empty when both succeeded
};

PpiDifference ppi_mean_difference(const PpiSample& a, const PpiSample& b, const PpiOptions& opts);

}  // namespace qb::stats
