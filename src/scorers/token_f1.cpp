// token-f1: SQuAD-style token overlap between the output and the reference, Unicode-aware.
#include <fmt/format.h>

#include "qualbar/scorers/scorer.hpp"
#include "qualbar/util/text.hpp"
#include "scorers/expected.hpp"

namespace qb {
namespace {

class TokenF1 final : public Scorer {
 public:
  explicit TokenF1(Args& a) : value_(a.string("value")) {}
  Score score(const Case& c, const Response& r) const override {
    const std::string* expected = detail::expected_text(value_, c);
    if (!expected) return Score::not_applicable("no reference and no value to compare with");
    const double f1 = token_f1(r.output, *expected);
    return Score::of(f1, f1 < 1.0 ? fmt::format("token F1 {:.2f} against the {}", f1,
                                                value_ ? "value" : "reference")
                                  : "");
  }

 private:
  std::optional<std::string> value_;
};

}  // namespace

QB_REGISTER_SCORER("token-f1",
                   (ScorerInfo{
                       .summary = "Token F1 between output and reference (0–1); words in spaced "
                                  "scripts, single characters in Chinese, Japanese and Thai.",
                       .kind = ScoreKind::graded,
                       .primary_arg = "value"}),
                   [](Args& a) { return std::make_unique<TokenF1>(a); });

}  // namespace qb
