// calibration: how well the response's stated confidence predicts whether it is correct, by
// another dimension of the suite (`against`). Per case the score is the confidence itself; the
// report's calibration analysis (src/metrics/calibration_analysis.cpp) pairs it with the
// `against` dimension: ECE, MCE, Brier, AUROC, selective risk, the reliability diagram.
#include <fmt/format.h>

#include "qualbar/scorers/scorer.hpp"

namespace qb {
namespace {

class Calibration final : public Scorer {
 public:
  explicit Calibration(Args& a) {
    const auto against = a.string("against");
    if (!against || against->empty()) {
      a.explain_misspelling("against");
      throw ArgError("against",
                     "is required: the dimension that says whether an answer is correct, e.g. "
                     "{against: answer_correct}");
    }
    if (const auto bins = a.number("bins"); bins && !(*bins >= 1 && *bins <= 100))
      throw ArgError("bins", "must be between 1 and 100");
    if (const auto c = a.number("coverage"); c && !(*c > 0 && *c <= 1))
      throw ArgError("coverage", "must be more than 0 and at most 1");
  }

  Score score(const Case& /*c*/, const Response& r) const override {
    if (!r.confidence) return Score::not_applicable("the response has no confidence");
    return Score::of(*r.confidence);
  }
};

}  // namespace

QB_REGISTER_SCORER(
    "calibration",
    (ScorerInfo{.summary = "The response's confidence against a correctness dimension "
                           "(`against`): the report adds ECE, MCE, Brier, AUROC, selective risk "
                           "and the reliability diagram.",
                .kind = ScoreKind::graded,
                .analysis = "calibration",
                .dimension_arg = "against",
                .not_negatable = "measures how well the stated confidence matches correctness; "
                                 "there is no pass or fail to negate"}),
    [](Args& a) { return std::make_unique<Calibration>(a); });

}  // namespace qb
