#pragma once
// Hypothesis tests for pass rates: McNemar's exact test for two systems scored on the same cases,
// and the pooled two-proportion z test for two independent samples. Pure functions returning
// TestResult (stats/common.hpp): statistic, p value, and a reason when the test cannot be done.

#include <cstddef>

#include "qualbar/stats/common.hpp"

namespace qb::stats {

// How McNemar's exact p value treats the observed count itself.
enum class McNemarPValue {
  exact,  // P(X <= k) + P(X >= n − k): the classic exact (conditional binomial) test
  mid_p,  // the same with the observed table counted half: less conservative, closer to nominal
};

// McNemar's exact test for paired pass/fail outcomes. b = cases where system A passes and B
// fails, c = cases where A fails and B passes (the concordant cases carry no information).
// Under H0 (equal pass rates) b ~ Binomial(b + c, ½). With n = b + c and k = min(b, c):
//   exact: p = min(1, 2·P(X <= k))
//   mid_p: p = min(1, 2·P(X <= k − 1) + P(X = k))    (= 2·[P(X <= k) − ½·P(X = k)])
// statistic = k = min(b, c), as in statsmodels mcnemar(exact=True), whose p value `exact` equals.
// b + c = 0 (the systems agree on every case): NaN with reason "no discordant pairs (b + c = 0):
// the two systems agree on every case" (statsmodels returns p = 1 there).
TestResult mcnemar_exact(std::size_t b, std::size_t c,
                         McNemarPValue p_value = McNemarPValue::exact);

// Two-sided pooled z test that two independent pass rates are equal: p_a = x_a / n_a,
// p_b = x_b / n_b, pooled p = (x_a + x_b) / (n_a + n_b),
//   z = (p_a − p_b) / √(p(1 − p)·(1/n_a + 1/n_b)),   p value = 2·(1 − Φ(|z|)).
// statistic = z (negative when a's rate is lower). Same as statsmodels
// proportions_ztest([x_a, x_b], [n_a, n_b]). NaN with a reason when a group is empty ("a group
// has no cases (n = 0)"), when x > n ("more passes than cases (x > n)"), or when the pooled
// rate is 0 or 1 ("every case passes or every case fails in both groups: the pooled variance is
// 0"); statsmodels gives NaN with a division warning there.
TestResult two_proportion_z(std::size_t x_a, std::size_t n_a, std::size_t x_b, std::size_t n_b);

}  // namespace qb::stats
