#pragma once
// The cases that changed between two runs (Comparison::changed_cases) in compare's terminal and
// Markdown outputs; the JSON and HTML have their own (compare/compare_json.cpp,
// compare/compare_html.cpp). Internal.

#include <cstddef>
#include <string>

#include "qualbar/compare/compare.hpp"

namespace qb::cli {

// "CASES THAT CHANGED": per dimension the counts and the listed cases, each with its input,
// reference and both outputs with their evidence, on lines of at most `width` columns (0: no
// limit). Every text from data is made one_line (no control character reaches the terminal).
std::string changed_cases_terminal(const Comparison& cmp, std::size_t width);

// A collapsible <details> section per dimension that changed, every text from data escaped.
std::string changed_cases_markdown(const Comparison& cmp);

}  // namespace qb::cli
