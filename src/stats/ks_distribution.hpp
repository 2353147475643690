#pragma once
// Internals of the Kolmogorov–Smirnov test (drift.cpp ↔ ks_distribution.cpp): the exact
// two-sample null distribution. kstwo_sf and smirnov_sf are public (stats/drift.hpp).

#include <cstdint>

namespace qb::stats::detail {

// P(D_{n,n} >= h / n) for two samples of equal size n (0 < h <= n): Hodges' reflection sum,
// evaluated as SciPy's _compute_prob_outside_square (Horner-like, no cancellation).
double ks_prob_outside_square(std::int64_t n, std::int64_t h);

// P(D_{m,n} >= h / lcm(m, n)) for m != n, g = gcd(m, n): the lattice-path recursion of SciPy's
// _compute_outer_prob_inside_method (Viehmann's form, computing 1 − P(inside) directly).
double ks_prob_outside_inside_method(std::int64_t m, std::int64_t n, std::int64_t g,
                                     std::int64_t h);

}  // namespace qb::stats::detail
