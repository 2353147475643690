#pragma once
// The refusal detector: does an output decline the request? The phrases come from the pattern
// pack data/refusal/patterns.yaml, per language; the rule is in docs/scorers.md ("refused").
// Internal to src/scorers (the refused and refusal-correctness scorers).

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "scorers/pattern_prefilter.hpp"

namespace re2 {
class RE2;
}

namespace qb {

// One language of a pack: each kind of pattern compiled into one alternation.
struct RefusalLanguage {
  std::string code;                                // "en"
  std::string name;                                // "English"
  std::shared_ptr<const re2::RE2> refusal;         // never null
  std::shared_ptr<const re2::RE2> not_refusal;     // null when the language lists none
  std::shared_ptr<const re2::RE2> answer_follows;  // null when the language lists none
};

struct RefusalPack {
  std::vector<RefusalLanguage> languages;  // in the pack's order
  // Every language's refusal patterns in one pass, built once with the pack: a detector of every
  // language without extra patterns (the default) shares it.
  std::shared_ptr<const detail::PatternPrefilter> every_language;
};

// Parses and compiles a pack. A mistake (YAML syntax, unknown field, a pattern RE2 rejects, an
// unknown {word}) is a RunError naming `file`, the line, the column and the field.
RefusalPack parse_refusal_pack(std::string_view yaml, const std::string& file);

// data/refusal/patterns.yaml, parsed and compiled once.
const RefusalPack& builtin_refusal_pack();

namespace detail {

// The start of an output as the patterns see it (the preparation the pack's header describes),
// up to `limit` characters, with the output byte each byte came from so the evidence can quote
// the output as written.
struct RefusalHead {
  std::string text;
  std::vector<std::size_t> origin;  // one per byte of text, plus where the head ends; empty
                                    // unless asked for
  std::size_t window_end = 0;       // a phrase starting before this byte is within the window
  bool complete = false;            // the head is the whole output
};
// `plain_runs` false prepares every character on its own, as the general path does; true copies
// runs of plain ASCII at once, with the same result (the tests check one against the other).
RefusalHead refusal_head(std::string_view output, double window, double limit, bool with_origin,
                         bool plain_runs = true);

}  // namespace detail

struct RefusalSettings {
  std::vector<std::string> languages;       // pack languages to use; empty = all of them
  std::vector<std::string> extra_patterns;  // more refusal patterns (RE2), whatever the language
  double window = 200;         // a refusal phrase must start within this many characters
  double answer_length = 600;  // more characters than this after the phrase: it goes on to answer
};

enum class RefusalFinding {
  refusal,         // a refusal phrase, not overruled
  no_phrase,       // no refusal phrase in the window
  not_refusal,     // the only phrases found are look-alikes ("I can't help but notice")
  quoted,          // the only phrases found are inside quotation marks
  answer_follows,  // a refusal phrase, then an answer ("..., but in general ...")
  long_answer,     // a refusal phrase, then more than answer_length characters
};

struct RefusalDetection {
  bool refused = false;
  RefusalFinding finding = RefusalFinding::no_phrase;
  std::string phrase;             // as written in the output (for not_refusal: the look-alike)
  std::string language;           // "en", or "extra_patterns"
  std::size_t position = 0;       // byte offset of `phrase` in the output
  std::string follow;             // answer_follows: the phrase that starts the answer
  std::size_t answer_length = 0;  // long_answer: characters after the phrase
};

class RefusalDetector {
 public:
  // Throws ArgError (field "languages" or "extra_patterns") for an unknown language or a bad
  // pattern, and for a window or answer_length that is not more than 0.
  RefusalDetector(const RefusalPack& pack, RefusalSettings settings);

  [[nodiscard]] RefusalDetection detect(std::string_view output) const;

  // The evidence for a PM: "refused: matched 'I can't help with that' (en)",
  // "answered: no refusal phrase in the first 200 characters", ...
  [[nodiscard]] std::string describe(const RefusalDetection& d) const;
  // The same without the verdict: "matched 'I can't help with that' (en)".
  [[nodiscard]] std::string finding(const RefusalDetection& d) const;

  struct Matcher {
    std::string language;
    std::shared_ptr<const re2::RE2> re;
  };

 private:
  std::vector<Matcher> refusal_, not_refusal_, answer_follows_;
  // Every language's refusal patterns in one pass: it tells an output with no refusal phrase at
  // all (most answers) from one worth the per-language work.
  std::shared_ptr<const detail::PatternPrefilter> any_refusal_;
  RefusalSettings settings_;
  std::string no_phrase_;  // the finding when no phrase is in the window (most outputs)
};

}  // namespace qb
