// people: a dimension graded by reviewers only (review export / import): no model and no rule
// scores it. Every answer is ungraded until people grade it; their consensus is its score.
#include "qualbar/scorers/scorer.hpp"

namespace qb {
namespace {

class People final : public Scorer {
 public:
  // `rubric` is what reviewers are asked (review export shows it); nothing here reads it.
  explicit People(Args& a) { (void)a.string("rubric"); }
  Score score(const Case& /*c*/, const Response& /*r*/) const override {
    return Score::ungraded("graded by people: export it for review (qualbar review export)");
  }
};

}  // namespace

QB_REGISTER_SCORER("people",
                   (ScorerInfo{.summary = "Graded by reviewers only (`rubric`: what they are "
                                          "asked); ungraded until `review import` brings their "
                                          "grades. No judge, no rule.",
                               .graded_by_people = true}),
                   [](Args& a) { return std::make_unique<People>(a); });

}  // namespace qb
