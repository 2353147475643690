// regex: the output matches a pattern (RE2: linear time, no catastrophic backtracking).
#include <fmt/format.h>
#include <re2/re2.h>

#include "qualbar/scorers/scorer.hpp"
#include "qualbar/util/text.hpp"

namespace qb {
namespace {

class Regex final : public Scorer {
 public:
  explicit Regex(Args& a) {
    const auto pattern = a.string("pattern");
    if (!pattern)
      throw ArgError("pattern", "is required: the regular expression (RE2 syntax) to find");
    RE2::Options options;
    options.set_log_errors(false);
    options.set_case_sensitive(!a.boolean("case_insensitive").value_or(false));
    re_ = std::make_unique<re2::RE2>(*pattern, options);
    if (!re_->ok())
      throw ArgError("pattern",
                     fmt::format("is not a valid RE2 regular expression: {}", re_->error()));
  }
  Score score(const Case&, const Response& r) const override {
    re2::StringPiece match;
    if (re_->Match(r.output, 0, r.output.size(), re2::RE2::UNANCHORED, &match, 1)) {
      return Score::pass(
          fmt::format("matched '{}'", excerpt(std::string_view(match.data(), match.size()), 60)));
    }
    return Score::fail(fmt::format("no match for /{}/", re_->pattern()));
  }

 private:
  std::unique_ptr<re2::RE2> re_;
};

}  // namespace

QB_REGISTER_SCORER("regex",
                   (ScorerInfo{.summary = "The output contains a match of `pattern` (RE2 syntax, "
                                          "linear time; (?i) or case_insensitive for any case).",
                               .primary_arg = "pattern"}),
                   [](Args& a) { return std::make_unique<Regex>(a); });

}  // namespace qb
