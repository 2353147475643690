// context-recall: the share of the reference's claims that the retrieved contexts support, read
// with the same machinery as faithfulness (claims.hpp, docs/faithfulness.md).
#include <fmt/format.h>

#include "qualbar/scorers/scorer.hpp"
#include "qualbar/util/text.hpp"
#include "scorers/claims.hpp"

namespace qb {
namespace {

class ContextRecall final : public Scorer {
 public:
  explicit ContextRecall(Args& a) : coverage_(detail::coverage_arg(a)) {}

  Score score(const Case& c, const Response&) const override {
    if (!c.reference || c.reference->find_first_not_of(" \t\r\n") == std::string::npos)
      return Score::not_applicable("the case has no reference");
    if (!detail::has_passages(c.details().contexts))
      return Score::not_applicable("the case has no contexts");
    const detail::Locale locale = detail::claim_locale(c.language, *c.reference);
    const auto claims = detail::split_claims(*c.reference, locale);
    if (claims.empty()) return Score::not_applicable("the reference makes no claim");
    const detail::Grounding grounding(c.details().contexts, locale, coverage_);
    std::size_t missing = 0;
    std::string details;
    for (const auto& claim : claims) {
      const detail::Support s = grounding.check(detail::analyse_claim(claim.text, locale));
      if (s.supported) continue;
      ++missing;
      details += fmt::format("{}{} ({})", details.empty() ? "" : "; ", detail::quote(claim.text),
                             grounding.why(s));
    }
    const std::size_t n = claims.size();
    const double value = static_cast<double>(n - missing) / static_cast<double>(n);
    if (missing == 0) {
      return Score::of(value, n == 1
                                  ? "the reference's claim is in the contexts"
                                  : fmt::format("all {} reference claims are in the contexts", n));
    }
    return Score::of(
        value, excerpt(fmt::format("{} of {} reference claim{} not in the contexts: {}", missing, n,
                                   n == 1 ? "" : "s", details),
                       detail::kEvidenceBytes - 3));
  }

 private:
  double coverage_;
};

}  // namespace

QB_REGISTER_SCORER("context-recall",
                   (ScorerInfo{.summary = "Share of the reference's claims that the retrieved "
                                          "contexts support (same method as faithfulness); "
                                          "evidence lists the claims no passage supports.",
                               .kind = ScoreKind::graded}),
                   [](Args& a) { return std::make_unique<ContextRecall>(a); });

}  // namespace qb
