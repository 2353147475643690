#pragma once
// Adjusted p values for a family of tests (for example one test per slice), so that a report
// that flags "significant" slices controls the family-wise error rate (Holm) or the false
// discovery rate (Benjamini–Hochberg). Pure functions: p values in, adjusted p values out, in the
// input order. Compare an adjusted p value with α as usual.
//
// NaN and out-of-range p values: a p value that is NaN or outside [0, 1] is not a test result;
// it comes out as NaN and is left out of the family (m counts only the valid p values). So a
// slice whose test could not be done (TestResult with a reason) does not make the others stricter.
// An empty input gives an empty output. Ties get equal adjusted values whatever their order.

#include <span>
#include <vector>

namespace qb::stats {

// Holm's step-down adjustment (controls the family-wise error rate under any dependence).
// With the m valid p values sorted, p(1) <= … <= p(m):
//   adj(i) = min(1, max over j <= i of (m − j + 1)·p(j))
// Same as statsmodels multipletests(p, method='holm')[1] on the valid p values.
std::vector<double> holm(std::span<const double> p_values);

// Benjamini–Hochberg step-up adjustment (controls the false discovery rate for independent or
// positively dependent tests). With the valid p values sorted as above:
//   adj(i) = min(1, min over j >= i of m·p(j)/j)
// Same as statsmodels multipletests(p, method='fdr_bh')[1] on the valid p values.
std::vector<double> benjamini_hochberg(std::span<const double> p_values);

}  // namespace qb::stats
