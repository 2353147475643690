// contains, contains-any, contains-all: the output holds given phrases.
#include <algorithm>

#include <fmt/format.h>

#include "qualbar/scorers/scorer.hpp"
#include "qualbar/util/text.hpp"

namespace qb {
namespace {

enum class Mode { one, any, all };

class Contains final : public Scorer {
 public:
  Contains(Args& a, Mode mode) : mode_(mode) {
    const char* key = mode == Mode::one ? "value" : "values";
    auto values = a.strings(key);
    if (!values || values->empty())
      throw ArgError(key, mode == Mode::one ? "is required: the text the output must contain"
                                            : "is required: a list of phrases");
    if (mode == Mode::one && values->size() != 1)
      throw ArgError(key, "expected one string; use contains-any or contains-all for a list");
    for (const auto& v : *values) {
      if (v.empty()) throw ArgError(key, "an empty phrase is contained in every output; remove it");
    }
    fold_ = a.boolean("case_insensitive").value_or(false);
    phrases_ = *values;
    for (const auto& v : phrases_) folded_.push_back(fold_ ? casefold(v) : v);
  }

  Score score(const Case&, const Response& r) const override {
    const std::string folded = fold_ ? casefold(r.output) : std::string();
    const std::string& text = fold_ ? folded : r.output;
    std::vector<std::string_view> missing;
    for (std::size_t i = 0; i < phrases_.size(); ++i) {
      if (text.find(folded_[i]) == std::string::npos) missing.push_back(phrases_[i]);
    }
    const std::size_t found = phrases_.size() - missing.size();
    const bool passed = mode_ == Mode::any ? found > 0 : missing.empty();
    if (passed) return Score::pass();
    if (mode_ == Mode::any)
      return Score::fail(fmt::format("none of: \"{}\"", fmt::join(phrases_, "\", \"")));
    return Score::fail(fmt::format("missing: \"{}\"", fmt::join(missing, "\", \"")));
  }

 private:
  Mode mode_;
  bool fold_ = false;
  std::vector<std::string> phrases_;  // as written, for evidence
  std::vector<std::string> folded_;   // as compared
};

}  // namespace

QB_REGISTER_SCORER(
    "contains",
    (ScorerInfo{.summary = "The output contains `value` (case_insensitive: true to fold case).",
                .primary_arg = "value"}),
    [](Args& a) { return std::make_unique<Contains>(a, Mode::one); });
QB_REGISTER_SCORER("contains-any",
                   (ScorerInfo{.summary = "The output contains at least one of `values`.",
                               .primary_arg = "values"}),
                   [](Args& a) { return std::make_unique<Contains>(a, Mode::any); });
QB_REGISTER_SCORER(
    "contains-all",
    (ScorerInfo{.summary = "The output contains every one of `values`; evidence lists the missing.",
                .primary_arg = "values"}),
    [](Args& a) { return std::make_unique<Contains>(a, Mode::all); });

}  // namespace qb
