#pragma once
// Claims and their support, shared by faithfulness, citation-accuracy, citation-recall and
// context-recall: a text split into claims, each claim's content words and anchors (numbers,
// amounts, dates, durations, names), and whether a context passage supports it. Every rule and
// threshold is described in docs/faithfulness.md; the word lists are in data/claims/.
// Internal to src/scorers.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "qualbar/core/case.hpp"

namespace qb {
class Args;
}

namespace qb::detail {

// How a text is read: which word lists apply and how numbers and dates are written.
struct Locale {
  std::string language;           // "en", "es", "fr", "de", "pt", "zh", "ja", or another code
  bool decimal_comma = false;     // "3,5" is three and a half, "1.000" a thousand
  bool month_first = false;       // "03/12/2026" is March 12 (English without a region, en-US)
  bool capitalised_names = true;  // a capitalised word inside a sentence is a name (not German)
};

// The locale of a case: its declared language ("pt-BR", "en_GB"), else the language whose stop
// words the text uses most (English when none is found).
Locale claim_locale(std::string_view declared_language, std::string_view text);

// One claim: a sentence, or a clause of one. Its text is as written, with citation markers,
// list bullets and Markdown emphasis removed, so a judge can be given the same list.
struct Claim {
  std::string text;
  std::size_t sentence = 0;            // claims of one sentence share this index
  std::vector<std::string> citations;  // ids of the sentence's inline markers, as written
};

// Splits text into claims. `known_ids` are the case's context ids: a bracketed marker is a
// citation when it has a digit or names a known id, a parenthesised one when it names known ids
// or says "source:".
std::vector<Claim> split_claims(std::string_view text, const Locale& locale,
                                const std::vector<std::string>& known_ids = {});

enum class AnchorKind { number, percent, money, date, time, duration, name };

// Something a supporting passage must contain exactly (after normalisation).
struct Anchor {
  AnchorKind kind = AnchorKind::number;
  std::string key;   // normalised: "num:1000", "pct:15", "money:USD:20", "date:2026-03-*",
                     // "time:17:00", "dur:time:2592000", "name:acme corp"
  std::string text;  // as written, for evidence
};

struct ClaimContent {
  std::vector<std::string> stems;  // content words after light stemming, each once
  std::vector<std::string> words;  // the word each stem came from, for evidence
  std::vector<Anchor> anchors;
};

ClaimContent analyse_claim(std::string_view claim, const Locale& locale);

// Content words of a text (stop words, numbers and one-letter words removed), stemmed.
std::vector<std::string> content_words(std::string_view text, const Locale& locale);

// Every anchor of a text, as analyse_claim finds them.
std::vector<Anchor> anchors_of(std::string_view text, const Locale& locale);

// A claim against the passages.
struct Support {
  bool supported = false;
  std::optional<std::size_t> passage;        // the supporting passage, else the closest one
  double coverage = 0.0;                     // of the claim's content words by that passage
  std::vector<std::string> missing_words;    // content words that passage lacks
  std::vector<std::string> missing_anchors;  // anchors that passage lacks (as written)
  std::vector<std::string> absent_anchors;   // anchors no passage has (check() only)
};

class Grounding {
 public:
  // `min_coverage`: the share of a claim's content words one passage must contain.
  Grounding(const std::vector<Context>& contexts, Locale locale, double min_coverage);
  ~Grounding();
  Grounding(const Grounding&) = delete;
  Grounding& operator=(const Grounding&) = delete;

  // Supported when one passage covers the content words and has every anchor.
  [[nodiscard]] Support check(const ClaimContent& claim) const;
  [[nodiscard]] Support check_in(const ClaimContent& claim, std::size_t passage) const;
  // Why a claim is unsupported, for evidence: "no passage has '24 hours'",
  // "content 0.20 < 0.60", "'doc-2' has the words but not '14 days'".
  [[nodiscard]] std::string why(const Support& s) const;
  [[nodiscard]] const Locale& locale() const { return locale_; }
  [[nodiscard]] std::size_t size() const;

  struct Passage;  // a context, read once

 private:
  std::vector<Passage> passages_;
  std::vector<std::string> ids_;
  Locale locale_;
  double min_coverage_;
};

// The context a citation names: the one with that id, else "N" meaning the N-th (from 1) when no
// context has the id N.
std::optional<std::size_t> resolve_citation(std::string_view id,
                                            const std::vector<Context>& contexts);

// True when at least one context has text.
bool has_passages(const std::vector<Context>& contexts);

// The context ids, for split_claims.
std::vector<std::string> context_ids(const std::vector<Context>& contexts);

// A claim quoted for evidence: 'Refunds take 30 days', shortened to about 100 bytes.
std::string quote(std::string_view text);

// The `coverage` argument of the claim scorers: a share above 0 and at most 1, default 0.6.
double coverage_arg(Args& args);

inline constexpr double kDefaultCoverage = 0.6;
inline constexpr std::size_t kEvidenceBytes = 400;

}  // namespace qb::detail
