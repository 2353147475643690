#pragma once
// The cases that changed between two runs (Comparison::changed_cases) in compare's terminal,
// JSON and Markdown outputs; the HTML page has its own (compare/compare_html.cpp). Internal.

#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

#include "qualbar/compare/compare.hpp"

namespace qb::cli {

// "CASES THAT CHANGED": per dimension the counts and the listed cases, each with its input,
// reference and both outputs with their evidence, on lines of at most `width` columns (0: no
// limit). Every text from data is made one_line (no control character reaches the terminal).
std::string changed_cases_terminal(const Comparison& cmp, std::size_t width);

// The `changed_cases` object of the comparison's JSON (docs/compare.md).
nlohmann::ordered_json changed_cases_json(const Comparison& cmp);

// A collapsible <details> section per dimension that changed, every text from data escaped.
std::string changed_cases_markdown(const Comparison& cmp);

}  // namespace qb::cli
