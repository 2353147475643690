#pragma once
// Sign-flip permutation test for paired differences. Pure function, seeded.
//
// Data: differences dᵢ = aᵢ − bᵢ, i = 1 … n (for example model A's score minus model B's on the
// same case). Statistic: the mean difference t = (Σ dᵢ)/n. Null hypothesis: each dᵢ is as likely
// to be −dᵢ as dᵢ (no systematic difference; paired samples exchangeable within a pair).
// Two-sided p-value: the share of sign patterns s ∈ {−1, +1}ⁿ whose mean Σ sᵢdᵢ / n is at least as
// far from 0 as t:
//
//   exact        p = #{s : |Σ sᵢdᵢ| ≥ |Σ dᵢ|} / 2^m, over all 2^m patterns of the m non-zero
//                differences (flipping a zero changes nothing), when m ≤ exact_up_to
//   Monte Carlo  p = (#{r : |Σ sᵢʳdᵢ| ≥ |Σ dᵢ|} + 1) / (R + 1), R = resamples random patterns
//                (the +1 counts the observed pattern: the p-value is never 0 and is valid, i.e.
//                P(p ≤ α) ≤ α under the null, whatever R)
//
// Sums within 1e-12 · Σ|dᵢ| of |Σ dᵢ| count as ties (as far), so that rounding does not decide.
// The exact p-value equals scipy.stats.permutation_test(..., permutation_type='samples',
// n_resamples=inf) with the mean as statistic (whose 2·min(one-sided) convention gives the same
// number for this symmetric null distribution). Monte Carlo: block b of 64 patterns draws from
// Rng(seed, b), so the p-value does not depend on the number of threads. When the non-zero |dᵢ|
// take at most 16 distinct values (pass/fail, 1–5 scores), a random pattern is drawn as one
// Binomial(cₖ, ½) count of plus signs per distinct magnitude (the same distribution, O(16) work).
//
// Degenerate cases: n = 0 → NaN with reason "no pairs"; NaN or ±infinity in the input → NaN with
// reason; spans of different length → NaN with reason; every difference 0 → statistic 0,
// p-value 1; resamples = 0 when Monte Carlo is needed → NaN with reason.

#include <cstddef>
#include <cstdint>
#include <span>

#include "qualbar/stats/common.hpp"

namespace qb::stats {

struct SignFlipOptions {
  std::size_t resamples = 10'000;  // random sign patterns when the test is not exact
  std::uint64_t seed = 0;
  std::size_t exact_up_to = 20;  // exact when the non-zero differences are at most this (≤ 40)
  unsigned threads = 0;          // 0: all hardware threads. Does not change the result.
};

// statistic = mean difference, p_value = two-sided p-value (see above).
TestResult sign_flip_test(std::span<const double> differences, const SignFlipOptions& opts);

// The same on dᵢ = aᵢ − bᵢ.
TestResult sign_flip_test(std::span<const double> a, std::span<const double> b,
                          const SignFlipOptions& opts);

}  // namespace qb::stats
