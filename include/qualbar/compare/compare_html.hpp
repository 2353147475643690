#pragma once
// A comparison as one self-contained HTML page (`qualbar compare --format html`): the verdict,
// the warnings, every dimension's A, B and difference with its interval and adjusted p-value, and
// per dimension a chart of the slices' differences with their intervals, coloured by verdict;
// then the cases that changed, A's and B's outputs side by side with a word diff.
// Inline SVG and CSS only, no script, a strict Content-Security-Policy; every string from a
// dataset, a model or a suite is escaped.

#include <string>

#include "qualbar/compare/compare.hpp"

namespace qb {

std::string comparison_html(const Comparison& cmp, const std::string& suite_name);

}  // namespace qb
