// contains-reference: the output contains the case's reference as whole words, compared after
// NFKC, case folding and white-space collapsing; with `tolerance`, the reference's numbers match
// numbers of the output within that relative tolerance.
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <utf8proc.h>

#include "qualbar/scorers/scorer.hpp"
#include "qualbar/util/text.hpp"
#include "scorers/number_scan.hpp"

namespace qb {
namespace {

// Text is valid UTF-8 here: datasets and responses are checked when read.
char32_t reference_code_point_at(std::string_view text, std::size_t i) {
  utf8proc_int32_t cp = 0;
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data()) + i;
  if (utf8proc_iterate(p, static_cast<utf8proc_ssize_t>(text.size() - i), &cp) <= 0) return 0xFFFD;
  return static_cast<char32_t>(cp);
}

char32_t reference_code_point_before(std::string_view text, std::size_t i) {
  std::size_t start = i - 1;
  while (start > 0 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) --start;
  return reference_code_point_at(text, start);
}

// A letter, mark or digit of a script that puts spaces between words: a match must not start or
// end inside such a word ("5" is not in "15", "cat" not in "category"). In Chinese, Japanese or
// Thai any character may start a word.
bool spaced_word_char(char32_t cp) {
  if (cp < 0x80) return is_ascii_alnum(static_cast<char>(cp));
  const auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
  const bool word = (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
                    (cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME) ||
                    (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO);
  return word && !is_unspaced_script(cp);
}

bool is_digit(char ch) { return ch >= '0' && ch <= '9'; }

// `needle` may start at text[at]: not inside a word, nor inside a number when it starts with a
// digit or a decimal point ("5" is not in "-5" or "1.5", ".5" not in "1.5").
bool starts_cleanly(std::string_view text, std::size_t at, std::string_view needle) {
  if (at == 0) return true;
  const char32_t before = reference_code_point_before(text, at);
  if (spaced_word_char(before) && spaced_word_char(reference_code_point_at(needle, 0)))
    return false;
  if (needle.front() == '.' && before >= '0' && before <= '9') return false;
  if (!is_digit(needle.front())) return true;
  if ((before == '.' || before == ',') && at >= 2 && is_digit(text[at - 2])) return false;
  if (before == '-') {
    const bool minus = at == 1 || !(is_ascii_alnum(text[at - 2]) || text[at - 2] == '.' ||
                                    static_cast<unsigned char>(text[at - 2]) >= 0x80);
    if (minus) return false;
  }
  return true;
}

// `needle` may end at text[at]: not inside a word, nor before the decimals of a number ("20" is
// not in "20.5").
bool ends_cleanly(std::string_view text, std::size_t at, std::string_view needle) {
  if (at >= text.size()) return true;
  const char32_t next = reference_code_point_at(text, at);
  if (spaced_word_char(next) &&
      spaced_word_char(reference_code_point_before(needle, needle.size())))
    return false;
  return !(is_digit(needle.back()) && (next == '.' || next == ',') && at + 1 < text.size() &&
           is_digit(text[at + 1]));
}

// Punctuation that ends a sentence or encloses a phrase: quotes, brackets, . , ; : ! ? and the
// like. Signs that carry meaning (% # & * / @ -) are kept.
bool is_enclosing_punctuation(char32_t cp) {
  const auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
  if (cat == UTF8PROC_CATEGORY_PS || cat == UTF8PROC_CATEGORY_PE || cat == UTF8PROC_CATEGORY_PI ||
      cat == UTF8PROC_CATEGORY_PF)
    return true;
  return std::u32string_view(U".,;:!?\u2026\u00BF\u00A1\u3002\u3001\"'").find(cp) !=
         std::u32string_view::npos;
}

// The reference as compared: normalised, without enclosing punctuation or space at either end
// ("Paris." is found in "Paris, of course"; "(30 days)" in "within 30 days").
std::string prepare_reference(std::string_view reference) {
  const std::string n = normalize_text(reference, {.casefold = true, .strip_punctuation = false});
  std::size_t begin = 0;
  std::size_t end = n.size();
  while (begin < end) {
    const char32_t cp = reference_code_point_at(n, begin);
    if (cp != ' ' && !is_enclosing_punctuation(cp)) break;
    if (cp == '.' && begin + 1 < end && is_digit(n[begin + 1])) break;  // ".5"
    ++begin;
    while (begin < end && (static_cast<unsigned char>(n[begin]) & 0xC0) == 0x80) ++begin;
  }
  while (end > begin) {
    const char32_t cp = reference_code_point_before(n, end);
    if (cp != ' ' && !is_enclosing_punctuation(cp)) break;
    --end;
    while (end > begin && (static_cast<unsigned char>(n[end]) & 0xC0) == 0x80) --end;
  }
  return n.substr(begin, end - begin);
}

// The run of non-space text around text[at, at + size), for "it appears only inside '15'".
std::string_view enclosing_word(std::string_view text, std::size_t at, std::size_t size) {
  std::size_t begin = at;
  std::size_t end = at + size;
  while (begin > 0 && text[begin - 1] != ' ') --begin;
  while (end < text.size() && text[end] != ' ') ++end;
  return text.substr(begin, end - begin);
}

std::string in_quotes(std::string_view text) { return "\"" + excerpt(text, 80) + "\""; }

// The reference split at its numbers: literals[0] number[0] literals[1] ... literals[n].
struct ReferenceParts {
  std::vector<std::string_view> literals;
  std::vector<detail::NumberToken> numbers;
};

ReferenceParts split_at_numbers(std::string_view ref) {
  ReferenceParts parts;
  parts.numbers = detail::numbers_in(ref);
  std::size_t at = 0;
  for (const auto& n : parts.numbers) {
    parts.literals.push_back(ref.substr(at, n.begin - at));
    at = n.end;
  }
  parts.literals.push_back(ref.substr(at));
  return parts;
}

// A place where the reference's words all match but a number is further off than the tolerance.
struct NearMiss {
  std::string_view text;  // the output's words there
  double got = 0.0;       // its number furthest off
  double expected = 0.0;
  double off = 0.0;  // how far, as a share of the expected number (infinite from 0)
};

double relative_gap(double got, double expected) {
  if (got == expected) return 0.0;
  if (expected == 0.0) return std::numeric_limits<double>::infinity();
  return std::fabs(got - expected) / std::fabs(expected);
}

class ContainsReference final : public Scorer {
 public:
  explicit ContainsReference(Args& a) : tolerance_(a.number("tolerance")) {
    if (tolerance_ && (*tolerance_ < 0 || !std::isfinite(*tolerance_)))
      throw ArgError("tolerance", "must be a number of 0 or more (0.01: numbers within 1%)");
  }

  Score score(const Case& c, const Response& r) const override {
    if (!c.reference) return Score::not_applicable("the case has no reference");
    const std::string ref = prepare_reference(*c.reference);
    if (ref.empty()) return Score::not_applicable("the reference is empty");
    const std::string out =
        normalize_text(r.output, {.casefold = true, .strip_punctuation = false});
    if (tolerance_) {
      const ReferenceParts parts = split_at_numbers(ref);
      if (!parts.numbers.empty()) return score_with_tolerance(*c.reference, ref, parts, out);
    }
    std::optional<std::size_t> inside;  // where it appears only as part of a longer word
    for (std::size_t at = out.find(ref); at != std::string::npos; at = out.find(ref, at + 1)) {
      if (starts_cleanly(out, at, ref) && ends_cleanly(out, at + ref.size(), ref))
        return Score::pass("found " + in_quotes(ref));
      if (!inside) inside = at;
    }
    if (inside) {
      return Score::fail(fmt::format(
          "missing: {} (it appears only inside a longer word or number: {})",
          in_quotes(*c.reference), in_quotes(enclosing_word(out, *inside, ref.size()))));
    }
    return Score::fail("missing: " + in_quotes(*c.reference));
  }

 private:
  [[nodiscard]] bool within(double got, double expected) const {
    return std::fabs(got - expected) <= *tolerance_ * std::fabs(expected);
  }

  // The reference's words in place and each of its numbers matched by the output's number at the
  // same place, within the tolerance.
  Score score_with_tolerance(const std::string& written, const std::string& ref,
                             const ReferenceParts& parts, const std::string& out) const {
    const std::vector<detail::NumberToken> found = detail::numbers_in(out);
    const std::size_t k = parts.numbers.size();
    std::optional<NearMiss> near;
    for (std::size_t i = 0; i + k <= found.size(); ++i) {
      const std::string_view first = parts.literals.front();
      if (found[i].begin < first.size() ||
          out.compare(found[i].begin - first.size(), first.size(), first) != 0)
        continue;
      bool words_match = true;
      bool numbers_match = true;
      NearMiss worst;
      for (std::size_t j = 0; j < k && words_match; ++j) {
        const detail::NumberToken& n = found[i + j];
        const std::string_view after = parts.literals[j + 1];
        if (j + 1 < k && found[i + j + 1].begin != n.end + after.size()) words_match = false;
        if (out.compare(n.end, after.size(), after) != 0) words_match = false;
        const double expected = parts.numbers[j].value;
        numbers_match = numbers_match && within(n.value, expected);
        if (const double gap = relative_gap(n.value, expected); j == 0 || gap > worst.off)
          worst = NearMiss{{}, n.value, expected, gap};
      }
      const std::size_t begin = found[i].begin - first.size();
      const std::size_t end = found[i + k - 1].end + parts.literals.back().size();
      if (!words_match || !starts_cleanly(out, begin, ref) || !ends_cleanly(out, end, ref))
        continue;
      const std::string_view text = std::string_view(out).substr(begin, end - begin);
      if (numbers_match) {
        return Score::pass(fmt::format("found {} for {} (numbers within {})", in_quotes(text),
                                       in_quotes(written), percent_text(*tolerance_)));
      }
      worst.text = text;
      if (!near || worst.off < near->off) near = worst;
    }
    if (!near) return Score::fail("missing: " + in_quotes(written));
    const std::string gap =
        near->expected == 0.0
            ? fmt::format("{} is not 0, and a tolerance relative to 0 allows no difference",
                          near->got)
            : fmt::format("{} is {} away from {}, more than the tolerance of {}", near->got,
                          percent_text(near->off), near->expected, percent_text(*tolerance_));
    return Score::fail(fmt::format("missing: {}; nearest: {}: {}", in_quotes(written),
                                   in_quotes(near->text), gap));
  }

  static std::string percent_text(double fraction) {
    return fmt::format("{:.3g}%", 100.0 * fraction);
  }

  std::optional<double> tolerance_;  // relative; unset: numbers are compared as text
};

}  // namespace

QB_REGISTER_SCORER("contains-reference",
                   (ScorerInfo{.summary = "The output contains the case's reference as whole "
                                          "words, ignoring case, Unicode forms and spacing; "
                                          "`tolerance` (0.01 = 1%) lets its numbers differ."}),
                   [](Args& a) { return std::make_unique<ContainsReference>(a); });

}  // namespace qb
