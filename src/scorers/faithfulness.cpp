// faithfulness: the share of the response's claims that its contexts support. The deterministic
// method needs no model: one passage must hold a claim's content words and every number, date,
// amount and name in it (claims.hpp, docs/faithfulness.md).
#include <fmt/format.h>

#include "qualbar/scorers/scorer.hpp"
#include "qualbar/util/text.hpp"
#include "scorers/claims.hpp"

namespace qb {
namespace {

class Faithfulness final : public Scorer {
 public:
  explicit Faithfulness(Args& a) {
    const std::string method = a.string("method").value_or("deterministic");
    if (method == "judge") {
      throw ArgError("method",
                     "the judge method needs a judge, which this build does not have yet; use "
                     "'deterministic'");
    }
    if (method != "deterministic")
      throw ArgError("method", fmt::format("must be 'deterministic' or 'judge', got '{}'", method));
    coverage_ = detail::coverage_arg(a);
  }

  Score score(const Case& c, const Response& r) const override {
    if (!detail::has_passages(c.contexts))
      return Score::not_applicable("the case has no contexts to check the response against");
    const detail::Locale locale = detail::claim_locale(c.language, r.output);
    const auto claims = detail::split_claims(r.output, locale, detail::context_ids(c.contexts));
    if (claims.empty()) return Score::not_applicable("the response makes no claim");
    const detail::Grounding grounding(c.contexts, locale, coverage_);
    std::size_t unsupported = 0;
    std::string details;
    for (const auto& claim : claims) {
      const detail::Support s = grounding.check(detail::analyse_claim(claim.text, locale));
      if (s.supported) continue;
      ++unsupported;
      details += fmt::format("{}{} ({})", details.empty() ? "" : "; ", detail::quote(claim.text),
                             grounding.why(s));
    }
    const std::size_t n = claims.size();
    const double value = static_cast<double>(n - unsupported) / static_cast<double>(n);
    if (unsupported == 0)
      return Score::of(
          value, n == 1 ? "the claim is supported" : fmt::format("all {} claims supported", n));
    return Score::of(value, excerpt(fmt::format("{} of {} claim{} unsupported: {}", unsupported, n,
                                                n == 1 ? "" : "s", details),
                                    detail::kEvidenceBytes - 3));
  }

 private:
  double coverage_ = detail::kDefaultCoverage;
};

}  // namespace

QB_REGISTER_SCORER(
    "faithfulness",
    (ScorerInfo{.summary = "Share of the response's claims its contexts support: one passage has "
                           "the claim's content words and every number, date, amount and name "
                           "in it; evidence lists unsupported claims.",
                .kind = ScoreKind::graded}),
    [](Args& a) { return std::make_unique<Faithfulness>(a); });

}  // namespace qb
