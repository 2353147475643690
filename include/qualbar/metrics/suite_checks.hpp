#pragma once
// What `qualbar validate` checks beyond each file's own format: that the suite and the data fit
// each other, so that a run measures what the suite says (a slice key no case has, a critical
// slice no case is in, a dimension no case can be scored on, answers matching no case).

#include <span>
#include <vector>

#include "qualbar/core/case.hpp"
#include "qualbar/core/problems.hpp"
#include "qualbar/core/response.hpp"
#include "qualbar/suite/suite.hpp"

namespace qb {

struct CheckedData {
  std::span<const Case> cases;
  // The recorded answers in case order (a replayed suite), or empty: then only what the cases
  // alone decide is checked.
  std::span<const Response> responses;
};

// Adds each mismatch to `problems`, at the place in the suite (or a file) that names it.
void check_suite_fits_data(const Suite& suite, const CheckedData& data, Problems& problems);

}  // namespace qb
