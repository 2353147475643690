#pragma once
// Input checks and reasons shared by the statistics: NaN and infinities, the confidence level.

#include <algorithm>
#include <cmath>
#include <limits>
#include <span>
#include <string_view>

namespace qb::stats::detail {

inline constexpr double kInf = std::numeric_limits<double>::infinity();

inline constexpr std::string_view kNonFinite = "NaN or infinite value in the input";
inline constexpr std::string_view kBadConfidence = "confidence must be between 0 and 1 (exclusive)";

inline bool all_finite(std::span<const double> xs) {
  return std::all_of(xs.begin(), xs.end(), [](double x) { return std::isfinite(x); });
}

// Branch-free: the loop vectorises (a NaN anywhere is rare; the whole input is read anyway).
inline bool has_nan(std::span<const double> xs) {
  bool nan = false;
  for (const double v : xs) nan |= std::isnan(v);
  return nan;
}

}  // namespace qb::stats::detail
