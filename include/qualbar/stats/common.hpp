#pragma once
// Shared vocabulary of the statistics module (qb::stats): pure functions over spans, no I/O, no
// JSON, no globals, randomness only from an explicit seed.
//
// Degenerate inputs (n = 0, n = 1, all values equal, one class, empty bins, NaN in the input)
// never crash and never give a silent 0: a function returns NaN (or an interval of NaNs) and,
// where it returns a struct, says why in `reason`. Each function documents its own cases.

#include <limits>
#include <string_view>

namespace qb::stats {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Interval {
  double lo = kNaN;
  double hi = kNaN;
};

// The result of a hypothesis test. `reason` is empty when the test could be carried out, and
// says why otherwise (statistic and p_value are then NaN).
struct TestResult {
  double statistic = kNaN;
  double p_value = kNaN;
  std::string_view reason;
};

}  // namespace qb::stats
