#pragma once
// Agreement between raters (human annotators, LLM judges): Cohen's kappa, plain and weighted, with
// its asymptotic standard error; Fleiss' kappa; Krippendorff's alpha for nominal, ordinal and
// interval data with missing values. Pure functions.
//
// Every function returns NaN with a `reason` (the k* constants below) instead of a value it
// cannot compute; each documents its cases.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "qualbar/stats/common.hpp"

namespace qb::stats {

inline constexpr std::string_view kAgreementEmpty = "no items";
inline constexpr std::string_view kAgreementLengthMismatch =
    "the two raters have different numbers of labels";
inline constexpr std::string_view kAgreementNoCategories =
    "the number of categories must be at least 1";
inline constexpr std::string_view kAgreementBadLabel = "a label is outside 0..K-1";
inline constexpr std::string_view kAgreementBadTable = "the table is not K x K";
inline constexpr std::string_view kAgreementBadConfidence = "confidence must be in (0, 1)";
inline constexpr std::string_view kAgreementNoVariation =
    "all ratings are the same value: chance agreement is perfect and the coefficient is undefined";
inline constexpr std::string_view kAgreementConstantRater =
    "one rater gave every item the same rating: kappa is then 0 whatever the other rater does, "
    "so agreement beyond chance cannot be measured";
inline constexpr std::string_view kAgreementBadCountTable =
    "the count table size is not a multiple of the number of categories";
inline constexpr std::string_view kAgreementUnequalRaters =
    "subjects have different numbers of ratings: Fleiss' kappa needs the same number for each";
inline constexpr std::string_view kAgreementTooFewRaters =
    "Fleiss' kappa needs at least 2 ratings per subject";
inline constexpr std::string_view kAgreementBadShape =
    "the data size is not a multiple of the number of coders";
inline constexpr std::string_view kAgreementBadValue = "a value is infinite (use NaN for missing)";
inline constexpr std::string_view kAgreementNoPairs = "no unit has two or more values";

// Cohen's kappa weights. With K categories and d = |i − j|, the disagreement weights are
//   none: 1 for i ≠ j, 0 for i = j;  linear: d / (K − 1);  quadratic: d² / (K − 1)²
// (any scaling gives the same kappa; this one is statsmodels'; sklearn's unscaled |i − j| and
// (i − j)² give the same values).
enum class KappaWeights { none, linear, quadratic };

struct KappaResult {
  double kappa = kNaN;
  double se = kNaN;       // asymptotic standard error (Fleiss, Cohen and Everitt 1969)
  double se_null = kNaN;  // the same under H0: kappa = 0
  Interval interval;      // kappa ± z·se, z = Φ⁻¹(½ + confidence/2), clipped to [−1, 1]
  std::string_view reason;
};

// Cohen's kappa of two raters from a K×K table of counts (row = rater A's category, column =
// rater B's), n = Σ counts, p_ij = count_ij / n, r_i = Σ_j p_ij, c_j = Σ_i p_ij, and agreement
// weights w_ij = 1 − (disagreement weight):
//   p_o = Σ w_ij p_ij,  p_e = Σ w_ij r_i c_j,  kappa = (p_o − p_e) / (1 − p_e)
// The variance is statsmodels.stats.inter_rater.cohens_kappa's:
//   var = [Σ_ij p_ij (w_ij − (w̄_i· + w̄_·j)(1 − κ))² − (κ − p_e (1 − κ))²] / (n (1 − p_e)²)
//   with w̄_i· = Σ_j c_j w_ij and w̄_·j = Σ_i r_i w_ij (for unweighted kappa this is the familiar
//   form with Σ_i p_ii (1 − (r_i + c_i)(1 − κ))² + (1 − κ)² Σ_{i≠j} p_ij (c_i + r_j)²), and
//   var_null = [Σ_ij r_i c_j (w_ij − (w̄_i· + w̄_·j))² − p_e²] / (n (1 − p_e)²).
// A variance below 0 by rounding (perfect agreement gives exactly 0 in exact arithmetic) is 0.
// The interval kappa ± z·se is clipped to [−1, 1], the range of the coefficient (statsmodels
// does not clip: its upper end passes 1 for a high kappa on few items).
// Degenerate: table not K×K → kAgreementBadTable; n = 0 → kAgreementEmpty; p_e = 1 (both raters
// used one and the same category only) → kAgreementNoVariation; one rater used one category only
// (one row or one column of the table holds every item) → kAgreementConstantRater: kappa is 0
// by construction there with a standard error of 0, an interval of no width that says nothing
// (statsmodels and scikit-learn give that 0; SPSS computes no kappa when a rater is constant);
// confidence outside (0, 1) → kAgreementBadConfidence. K = 0 → kAgreementNoCategories.
KappaResult cohen_kappa_table(std::span<const std::uint64_t> table, std::size_t n_categories,
                              KappaWeights weights = KappaWeights::none, double confidence = 0.95);

// The same from two raters' labels in 0..K−1 (item i: rater_a[i] and rater_b[i]); also
// kAgreementLengthMismatch and kAgreementBadLabel.
KappaResult cohen_kappa(std::span<const std::int32_t> rater_a,
                        std::span<const std::int32_t> rater_b, std::size_t n_categories,
                        KappaWeights weights = KappaWeights::none, double confidence = 0.95);

// A coefficient without a standard error.
struct AgreementValue {
  double value = kNaN;
  std::string_view reason;
};

// Fleiss' kappa from a subjects × K table of counts, row-major: counts[s·K + k] = raters who put
// subject s in category k. Every subject needs the same number m >= 2 of ratings. With N
// subjects, P_s = (Σ_k counts_sk² − m) / (m (m − 1)), P̄ = mean of P_s, p_k = share of all
// ratings in k, P_e = Σ_k p_k²:  kappa = (P̄ − P_e) / (1 − P_e)  (statsmodels fleiss_kappa,
// method "fleiss"). Degenerate: size not a multiple of K → kAgreementBadCountTable; no subjects →
// kAgreementEmpty; unequal m → kAgreementUnequalRaters; m < 2 → kAgreementTooFewRaters; all
// ratings in one category (P_e = 1) → kAgreementNoVariation; K = 0 → kAgreementNoCategories.
AgreementValue fleiss_kappa(std::span<const std::uint64_t> counts, std::size_t n_categories);

// Krippendorff's alpha levels of measurement (the difference function δ²(c, k) between values).
//   nominal:  0 when c = k, else 1
//   ordinal:  (Σ_{g=c..k} n_g − (n_c + n_k)/2)², n_g the number of pairable values equal to g
//   interval: (c − k)²
enum class AlphaLevel { nominal, ordinal, interval };

// Krippendorff's alpha (Krippendorff 2011, "Computing Krippendorff's alpha-reliability") of a
// reliability data matrix: `data` is coders × units, row-major (data[c·U + u] is coder c's value
// for unit u), NaN for a missing value. Only units with m_u >= 2 values are pairable; n = Σ m_u
// over them. With the coincidence matrix o_ck = Σ_u (pairs of values c, k from different coders
// in u) / (m_u − 1) and n_c = Σ_k o_ck:
//   alpha = 1 − (n − 1) Σ_{c,k} o_ck δ²(c, k) / Σ_{c,k} n_c n_k δ²(c, k)
// Values are compared as doubles (nominal categories are any numbers). Degenerate: size not a
// multiple of n_coders (or n_coders = 0) → kAgreementBadShape; an infinite value →
// kAgreementBadValue; no unit with two values → kAgreementNoPairs; every pairable value equal
// (expected disagreement 0) → kAgreementNoVariation.
AgreementValue krippendorff_alpha(std::span<const double> data, std::size_t n_coders,
                                  AlphaLevel level);

}  // namespace qb::stats
