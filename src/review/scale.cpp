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
  if (!d.args_json.empty()) {
    const auto args = nlohmann::json::parse(d.args_json, nullptr, false);
    if (args.is_object()) {
      if (args.contains("min") && args["min"].is_number()) s.lo = args["min"].get<int>();
      if (args.contains("max") && args["max"].is_number()) s.hi = args["max"].get<int>();
    }
  }
  const double span = s.hi - s.lo;
  s.pass_at = d.threshold ? std::ceil(s.lo + *d.threshold * span - 1e-9)
                          : std::ceil(s.hi - span / 4 - 1e-9);
  return s;
}

bool uses_judge(const DimensionSpec& d) {
  if (d.builtin) return false;
  try {
    return make_scorer(d.scorer, d.args_json)->uses_judge();
  } catch (const std::exception&) {
    return false;  // the suite was checked when it was stored; a scorer since removed judges nothing
  }
}

std::optional<double> score_as_grade(const ScoreView& s, const GradeScale& scale,
                                     const DimensionSpec& d) {
  if (s.status != ScoreStatus::scored) return std::nullopt;
  if (scale.ordinal) return std::round(scale.lo + s.value * (scale.hi - scale.lo));
  return s.value >= d.threshold.value_or(1.0) - 1e-12 ? 1.0 : 0.0;
}

}  // namespace qb::review
