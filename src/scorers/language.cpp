// language-match and code-switching: is the answer in the language it should be, and in one
// language only? Detection by Compact Language Detector 2 (scorers/language_detect.hpp).
#include <fmt/format.h>

#include "qualbar/scorers/scorer.hpp"
#include "qualbar/util/text.hpp"
#include "scorers/language_detect.hpp"

namespace qb {
namespace {

using detail::detect_language;
using detail::LanguageGuess;
using detail::primary_language;

std::string describe(const LanguageGuess& g) {
  return g.second != "un" && g.second_percent > 0
             ? fmt::format("{} ({}%), {} ({}%)", g.code, g.percent, g.second, g.second_percent)
             : fmt::format("{} ({}%)", g.code, g.percent);
}

// The answer is in the expected language: the `language` argument, else the case's `language`,
// else the language detected in the input. Too little text to tell is not applicable.
class LanguageMatch final : public Scorer {
 public:
  explicit LanguageMatch(Args& a)
      : language_(primary_language(a.string("language").value_or(""))),
        min_bytes_(a.number("min_chars").value_or(20)) {
    if (min_bytes_ < 0) throw ArgError("min_chars", "must not be negative");
  }

  Score score(const Case& c, const Response& r) const override {
    std::string expected = language_;
    std::string source = "the suite";
    if (expected.empty() && !c.language.empty()) {
      expected = primary_language(c.language);
      source = "the case";
    }
    if (expected.empty()) {
      const LanguageGuess in = detect_language(c.input);
      if (!in.reliable) {
        return Score::not_applicable(
            "the case has no language and its input is too short to tell its language");
      }
      expected = primary_language(in.code);
      source = "the input";
    }
    if (static_cast<double>(r.output.size()) < min_bytes_)
      return Score::not_applicable(fmt::format("the answer is under {} characters", min_bytes_));
    const LanguageGuess out = detect_language(r.output, expected);
    if (out.code == "un" || out.text_bytes == 0)
      return Score::not_applicable("the answer has no text whose language can be told");
    if (primary_language(out.code) == expected) return Score::pass();
    return Score::fail(fmt::format("answered in {}; expected {} (from {})", describe(out),
                                   expected, source));
  }

 private:
  std::string language_;
  double min_bytes_;
};

// The answer keeps to one language: it fails when a second language holds at least `min_share`
// of the text (the detector's share of letters).
class CodeSwitching final : public Scorer {
 public:
  explicit CodeSwitching(Args& a)
      : min_share_(a.number("min_share").value_or(0.2)),
        min_bytes_(a.number("min_chars").value_or(40)) {
    if (!(min_share_ > 0 && min_share_ < 1)) throw ArgError("min_share", "must be between 0 and 1");
  }

  Score score(const Case& /*c*/, const Response& r) const override {
    if (static_cast<double>(r.output.size()) < min_bytes_)
      return Score::not_applicable(fmt::format("the answer is under {} characters", min_bytes_));
    const auto shares = detail::sentence_languages(r.output);
    if (shares.empty()) return Score::not_applicable("no sentence long enough to tell its language");
    std::size_t total = 0;
    for (const auto& s : shares) total += s.bytes;
    if (shares.size() < 2) return Score::pass();
    const double second = static_cast<double>(shares[1].bytes) / static_cast<double>(total);
    if (second < min_share_) return Score::pass();
    std::string parts;
    for (std::size_t i = 0; i < shares.size() && i < 3; ++i) {
      parts += fmt::format("{}{} {:.0f}% ('{}')", i ? ", " : "", shares[i].code,
                           100.0 * static_cast<double>(shares[i].bytes) / static_cast<double>(total),
                           excerpt(shares[i].example, 60));
    }
    return Score::fail("mixes languages: " + parts);
  }

 private:
  double min_share_;
  double min_bytes_;
};

}  // namespace

QB_REGISTER_SCORER("language-match",
                   (ScorerInfo{.summary = "The answer is in the expected language (`language`, "
                                          "else the case's, else the input's), by CLD2."}),
                   [](Args& a) { return std::make_unique<LanguageMatch>(a); });

QB_REGISTER_SCORER("code-switching",
                   (ScorerInfo{.summary = "The answer keeps to one language: fails when a second "
                                          "language holds min_share (0.2) of it, by CLD2."}),
                   [](Args& a) { return std::make_unique<CodeSwitching>(a); });

}  // namespace qb
