// label-match: the predicted label equals the case's expected_label.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "qualbar/scorers/scorer.hpp"
#include "qualbar/util/text.hpp"

namespace qb {
namespace {

// costs: {expected label: {predicted label: cost of that mistake}}; "*" on either side stands for
// any label. Costs are numbers >= 0.
void check_costs(const std::string& json) {
  const auto costs = nlohmann::json::parse(json);
  const auto bad = [](const std::string& why) {
    throw ArgError("costs", why + ", e.g. {refund-dispute: {billing: 40, \"*\": 25}}");
  };
  if (!costs.is_object() || costs.empty())
    bad("expected a map of expected label to {predicted label: cost}");
  for (const auto& [expected, row] : costs.items()) {
    if (!row.is_object() || row.empty())
      bad("'" + expected + "' needs a map of predicted label to cost");
    for (const auto& [predicted, cost] : row.items()) {
      if (!cost.is_number() || cost.get<double>() < 0)
        bad("the cost of '" + expected + "' predicted as '" + predicted + "' must be a number >= 0");
    }
  }
}

class LabelMatch final : public Scorer {
 public:
  explicit LabelMatch(Args& a) : from_output_(a.boolean("from_output").value_or(false)) {
    // `costs` is read by the report's classification analysis; it is checked here.
    if (const auto costs = a.json("costs")) check_costs(*costs);
  }
  Score score(const Case& c, const Response& r) const override {
    if (!c.expected_label) return Score::not_applicable("the case has no expected_label");
    // The response's `label` field; the whole output when there is none (or from_output is set).
    const std::string& predicted = (!from_output_ && r.label) ? *r.label : r.output;
    const NormalizeOptions opts{.casefold = true, .strip_punctuation = false};
    if (predicted == *c.expected_label ||
        normalized_equal(predicted, *c.expected_label, opts)) {
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
