// How people grade a dimension, and a run's score read on that scale.
#include <cmath>

#include <nlohmann/json.hpp>

#include "qualbar/review/review.hpp"
#include "qualbar/scorers/scorer.hpp"

namespace qb::review {

GradeScale scale_of(const DimensionSpec& d) {
  GradeScale s;
  if (d.scorer != "judge-scale") return s;  // pass (1) / fail (0)
  s.ordinal = true;
  s.lo = 1;
  s.hi = 5;
  if (const auto lo = number_of(d.args["min"])) s.lo = static_cast<int>(*lo);
  if (const auto hi = number_of(d.args["max"])) s.hi = static_cast<int>(*hi);
  const double span = s.hi - s.lo;
  s.pass_at = d.threshold ? std::ceil(s.lo + *d.threshold * span - 1e-9)
                          : std::ceil(s.hi - span / 4 - 1e-9);
  return s;
}

bool uses_judge(const DimensionSpec& d) { return !d.builtin && d.judged; }

std::optional<double> score_as_grade(const ScoreView& s, const GradeScale& scale,
                                     const DimensionSpec& d) {
  if (s.status != ScoreStatus::scored) return std::nullopt;
  if (scale.ordinal) return std::round(scale.lo + s.value * (scale.hi - scale.lo));
  return s.value >= d.threshold.value_or(1.0) - 1e-12 ? 1.0 : 0.0;
}

}  // namespace qb::review
