// label-match: the predicted label equals the case's expected_label.
#include <fmt/format.h>

#include "qualbar/scorers/scorer.hpp"
#include "qualbar/util/text.hpp"

namespace qb {
namespace {

class LabelMatch final : public Scorer {
 public:
  explicit LabelMatch(Args& a) : from_output_(a.boolean("from_output").value_or(false)) {}
  Score score(const Case& c, const Response& r) const override {
    if (!c.expected_label) return Score::not_applicable("the case has no expected_label");
    // The response's `label` field; the whole output when there is none (or from_output is set).
    const std::string& predicted = (!from_output_ && r.label) ? *r.label : r.output;
    const NormalizeOptions opts{.casefold = true, .strip_punctuation = false};
    if (predicted == *c.expected_label ||
        normalize_text(predicted, opts) == normalize_text(*c.expected_label, opts)) {
      return Score::pass();
    }
    return Score::fail(
        fmt::format("predicted '{}', expected '{}'", excerpt(predicted, 60), *c.expected_label));
  }

 private:
  bool from_output_;
};

}  // namespace

QB_REGISTER_SCORER("label-match",
                   (ScorerInfo{
                       .summary = "The response's label (or its output) equals expected_label, "
                                  "ignoring case and surrounding space; the report adds per-class "
                                  "metrics and the confusion matrix.",
                       .analysis = "classification"}),
                   [](Args& a) { return std::make_unique<LabelMatch>(a); });

}  // namespace qb
