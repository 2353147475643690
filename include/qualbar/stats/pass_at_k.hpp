#pragma once
// pass@k for code and other sampled answers: the chance that at least one of k samples drawn
// without replacement from n generated samples, c of them correct, is correct. The unbiased
// estimator of Chen et al. 2021 ("Evaluating Large Language Models Trained on Code", the Codex
// paper):
//   pass@k = 1 − C(n − c, k) / C(n, k)
// computed as a product, never with binomial coefficients (which overflow for n ≈ 1000):
//   C(n − c, k) / C(n, k) = ∏_{i = n−c+1}^{n} (1 − k/i) = ∏_{j = 0}^{k−1} (1 − c/(n − j))
// whichever has fewer factors, summed as logarithms, so that a tiny pass@k (c = 1, n large) keeps
// full relative precision: pass@k = −expm1(Σ log1p(−·)). Equals 1 exactly when n − c < k.

#include <cstddef>
#include <span>
#include <string_view>

#include "qualbar/stats/common.hpp"

namespace qb::stats {

struct PassAtK {
  double value = kNaN;
  std::string_view reason;  // empty when value is defined
};

// pass@k of one problem with n samples of which c are correct. NaN with a reason when k = 0
// ("k is 0: pass@k needs k >= 1"), c > n ("more correct samples than samples (c > n)"), or
// n < k ("fewer samples than k (n < k): pass@k is not defined"; this includes n = 0).
PassAtK pass_at_k(std::size_t n, std::size_t c, std::size_t k);

// The mean of pass@k over problems, problem i having n[i] samples of which c[i] are correct (the
// sample counts may differ between problems). NaN with the reason of the first problem that has
// none defined (a problem is never left out silently), or "no problems" for empty input, or
// "n and c have different lengths".
PassAtK mean_pass_at_k(std::span<const std::size_t> n, std::span<const std::size_t> c,
                       std::size_t k);

}  // namespace qb::stats
