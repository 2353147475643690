// citation-accuracy and citation-recall: whether the response's citations name its contexts and
// whether the cited passages support what cites them (claims.hpp, docs/faithfulness.md).
// Citations are the inline markers of a sentence ([doc-12#3], [1], (source: kb-4)), which cite
// for that sentence, and the response's `citations` field, which cites for the whole response.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "qualbar/scorers/scorer.hpp"
#include "qualbar/util/text.hpp"
#include "scorers/claims.hpp"

namespace qb {
namespace {

struct Citation {
  std::string id;                       // as written
  std::optional<std::size_t> passage;   // the context it names, if any
  std::optional<std::size_t> sentence;  // the citing sentence; none for the `citations` field
};

struct Cited {
  std::vector<detail::Claim> claims;
  std::vector<detail::ClaimContent> contents;
  std::vector<Citation> citations;
};

Cited gather(const Case& c, const Response& r, const detail::Locale& locale) {
  Cited out;
  out.claims = detail::split_claims(r.output, locale, detail::context_ids(c.details().contexts));
  for (const auto& claim : out.claims)
    out.contents.push_back(detail::analyse_claim(claim.text, locale));
  std::optional<std::size_t> last_sentence;
  for (const auto& claim : out.claims) {
    if (last_sentence == claim.sentence) continue;  // the clauses of a sentence share its markers
    last_sentence = claim.sentence;
    for (const auto& id : claim.citations)
      out.citations.push_back(
          {id, detail::resolve_citation(id, c.details().contexts), claim.sentence});
  }
  for (const auto& id : r.details().citations) {
    const auto passage = detail::resolve_citation(id, c.details().contexts);
    const bool repeated =
        std::any_of(out.citations.begin(), out.citations.end(), [&](const Citation& other) {
          return other.id == id || (passage && other.passage == passage);
        });
    if (repeated) continue;  // the field often repeats the inline markers: counted once
    out.citations.push_back({id, passage, std::nullopt});
  }
  return out;
}

// 'doc-7', or [2] (doc-7) when "2" was read as the second context.
std::string name_of(const Citation& cite, const Case& c) {
  const std::vector<Context>& contexts = c.details().contexts;
  if (cite.passage && contexts[*cite.passage].id != cite.id)
    return fmt::format("[{}] ({})", cite.id, excerpt(contexts[*cite.passage].id, 40));
  return fmt::format("'{}'", excerpt(cite.id, 40));
}

bool in_scope(const Citation& cite, const detail::Claim& claim) {
  return !cite.sentence || *cite.sentence == claim.sentence;
}

std::string claim_count(std::size_t n, std::string_view what) {
  return fmt::format("{} {}{}", n, what, n == 1 ? "" : "s");
}

class CitationAccuracy final : public Scorer {
 public:
  explicit CitationAccuracy(Args& a) : coverage_(detail::coverage_arg(a)) {}

  Score score(const Case& c, const Response& r) const override {
    if (!detail::has_passages(c.details().contexts))
      return Score::not_applicable("the case has no contexts to check the citations against");
    const detail::Locale locale = detail::claim_locale(c.language, r.output);
    const Cited cited = gather(c, r, locale);
    if (cited.citations.empty()) return Score::not_applicable("the response cites nothing");
    if (cited.claims.empty()) return Score::not_applicable("the response makes no claim");
    const detail::Grounding grounding(c.details().contexts, locale, coverage_);
    std::size_t invalid = 0;
    std::string details;
    for (const auto& cite : cited.citations) {
      std::string problem;
      if (!cite.passage) {
        problem = fmt::format("{} is not among the contexts", name_of(cite, c));
      } else {
        std::optional<detail::Support> closest;
        std::size_t closest_claim = 0;
        bool supports = false;
        for (std::size_t k = 0; k < cited.claims.size() && !supports; ++k) {
          if (!in_scope(cite, cited.claims[k])) continue;
          detail::Support s = grounding.check_in(cited.contents[k], *cite.passage);
          supports = s.supported;
          if (!closest || s.coverage > closest->coverage) {
            closest = std::move(s);
            closest_claim = k;
          }
        }
        if (supports) continue;
        if (!cite.sentence || !closest) {
          problem = fmt::format("{} (citations field) supports no claim", name_of(cite, c));
        } else {
          const std::string reason =
              closest->missing_anchors.empty()
                  ? fmt::format("content {:.2f} < {:.2f}",
                                std::floor(closest->coverage * 100.0) / 100.0, coverage_)
                  : fmt::format("lacks '{}'", excerpt(closest->missing_anchors[0], 40));
          problem = fmt::format("{} does not support {} ({})", name_of(cite, c),
                                detail::quote(cited.claims[closest_claim].text), reason);
        }
      }
      ++invalid;
      details += (details.empty() ? "" : "; ") + problem;
    }
    const std::size_t n = cited.citations.size();
    const double value = static_cast<double>(n - invalid) / static_cast<double>(n);
    if (invalid == 0)
      return Score::of(value,
                       n == 1 ? "the citation is valid" : fmt::format("all {} citations valid", n));
    return Score::of(value, excerpt(fmt::format("{} of {} invalid: {}", invalid,
                                                claim_count(n, "citation"), details),
                                    detail::kEvidenceBytes - 3));
  }

 private:
  double coverage_;
};

class CitationRecall final : public Scorer {
 public:
  explicit CitationRecall(Args& a) : coverage_(detail::coverage_arg(a)) {}

  Score score(const Case& c, const Response& r) const override {
    if (!detail::has_passages(c.details().contexts))
      return Score::not_applicable("the case has no contexts to check the citations against");
    const detail::Locale locale = detail::claim_locale(c.language, r.output);
    const Cited cited = gather(c, r, locale);
    if (cited.claims.empty()) return Score::not_applicable("the response makes no claim");
    const detail::Grounding grounding(c.details().contexts, locale, coverage_);
    std::size_t lacking = 0;
    std::string details;
    for (std::size_t k = 0; k < cited.claims.size(); ++k) {
      std::vector<std::string> names;
      bool backed = false;
      for (const auto& cite : cited.citations) {
        if (!in_scope(cite, cited.claims[k])) continue;
        names.push_back(name_of(cite, c));
        if (cite.passage && grounding.check_in(cited.contents[k], *cite.passage).supported) {
          backed = true;
          break;
        }
      }
      if (backed) continue;
      ++lacking;
      std::string why = "no citation";
      if (!names.empty()) {
        why = "not supported by " + names[0];
        if (names.size() > 1)
          why += fmt::format(" or {} other{}", names.size() - 1, names.size() == 2 ? "" : "s");
      }
      details += fmt::format("{}{} ({})", details.empty() ? "" : "; ",
                             detail::quote(cited.claims[k].text), why);
    }
    const std::size_t n = cited.claims.size();
    const double value = static_cast<double>(n - lacking) / static_cast<double>(n);
    if (lacking == 0) {
      return Score::of(value, n == 1 ? "the claim carries a supporting citation"
                                     : fmt::format("all {} claims carry a supporting citation", n));
    }
    return Score::of(value, excerpt(fmt::format("{} of {} lack a supporting citation: {}", lacking,
                                                claim_count(n, "claim"), details),
                                    detail::kEvidenceBytes - 3));
  }

 private:
  double coverage_;
};

}  // namespace

QB_REGISTER_SCORER("citation-accuracy",
                   (ScorerInfo{.summary = "Share of the response's citations that name one of "
                                          "the case's contexts whose passage supports the "
                                          "citing sentence; evidence names the invalid ones.",
                               .kind = ScoreKind::graded}),
                   [](Args& a) { return std::make_unique<CitationAccuracy>(a); });

QB_REGISTER_SCORER("citation-recall",
                   (ScorerInfo{.summary = "Share of the response's claims that carry a citation "
                                          "to a passage supporting them; evidence lists the "
                                          "claims without one.",
                               .kind = ScoreKind::graded}),
                   [](Args& a) { return std::make_unique<CitationRecall>(a); });

}  // namespace qb
