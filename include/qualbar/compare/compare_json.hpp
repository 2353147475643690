#pragma once
// A comparison as JSON: the `qualbar.comparison/1` document of `qualbar compare --format json`
// (docs/compare.md) and of the server's comparison API, which is the same document.

#include <nlohmann/json_fwd.hpp>

#include "qualbar/compare/compare.hpp"

namespace qb {

// The whole document: both runs, the warnings, every dimension × slice, the changed cases.
nlohmann::ordered_json comparison_json(const Comparison& cmp);

// Its `changed_cases` object: per pass/fail dimension the counts and the listed cases, each with
// its input, reference and both sides' output and evidence.
nlohmann::ordered_json changed_cases_json(const Comparison& cmp);

}  // namespace qb
