// exact-match and normalized-match: the output equals the expected text.
#include "qualbar/scorers/scorer.hpp"
#include "qualbar/util/text.hpp"
#include "scorers/expected.hpp"

namespace qb {
namespace {

class ExactMatch final : public Scorer {
 public:
  explicit ExactMatch(Args& a) : value_(a.string("value")) {}
  Score score(const Case& c, const Response& r) const override {
    const std::string* expected = detail::expected_text(value_, c);
    if (!expected) return Score::not_applicable("no reference and no value to compare with");
    if (r.output == *expected) return Score::pass();
    // The expected text is in the case (or the suite): evidence says how, not what, to stay small.
    return Score::fail(value_ ? "differs from the expected value" : "differs from the reference");
  }

 private:
  std::optional<std::string> value_;
};

class NormalizedMatch final : public Scorer {
 public:
  explicit NormalizedMatch(Args& a) : value_(a.string("value")) {
    options_.strip_accents = a.boolean("strip_accents").value_or(false);
    options_.strip_punctuation = a.boolean("strip_punctuation").value_or(true);
    if (value_) normalized_value_ = normalize_text(*value_, options_);
  }
  Score score(const Case& c, const Response& r) const override {
    const std::string* expected = detail::expected_text(value_, c);
    if (!expected) return Score::not_applicable("no reference and no value to compare with");
    if (r.output == *expected) return Score::pass();
    if (value_ ? normalize_text(r.output, options_) == normalized_value_
               : normalized_equal(r.output, *expected, options_))
      return Score::pass();
    return Score::fail(value_ ? "differs from the expected value after normalising"
                              : "differs from the reference after normalising");
  }

 private:
  std::optional<std::string> value_;
  std::string normalized_value_;
  NormalizeOptions options_;
};

}  // namespace

QB_REGISTER_SCORER("exact-match",
                   (ScorerInfo{.summary = "Output equals the reference (or `value`) byte for byte.",
                               .primary_arg = "value"}),
                   [](Args& a) { return std::make_unique<ExactMatch>(a); });
QB_REGISTER_SCORER(
    "normalized-match",
    (ScorerInfo{.summary = "Output equals the reference after Unicode NFKC, case folding and "
                           "removing punctuation and extra white space.",
                .primary_arg = "value"}),
    [](Args& a) { return std::make_unique<NormalizedMatch>(a); });

}  // namespace qb
