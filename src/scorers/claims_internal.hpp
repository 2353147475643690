#pragma once
// What the parts of the claims method share: reading UTF-8 text one code point at a time, the
// word tokens claims and passages are compared on, reading the lists of data/claims/, each
// language's stop words, and the anchors a text states. claims.cpp holds the words and the
// support, claim_split.cpp the splitting and claim_anchors.cpp the anchors. Internal to them;
// the scorers include claims.hpp.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include <re2/re2.h>
#include <utf8proc.h>

#include "scorers/claims.hpp"

namespace qb::detail::claims_internal {

using Piece = re2::StringPiece;

// Fills an anchor once read, so no later pattern reads it again.
inline constexpr char kMask = '\x1f';

// Languages with word lists, in the order a tie in language detection is broken.
inline constexpr std::array<std::string_view, 7> kLanguages = {"en", "es", "fr", "de",
                                                               "pt", "zh", "ja"};

// ---- characters ----------------------------------------------------------------------------

struct Cp {
  std::int32_t cp = -1;
  std::size_t len = 0;
};

inline Cp cp_at(std::string_view s, std::size_t i) {
  if (i >= s.size()) return {};
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return {c, 1};
  utf8proc_int32_t cp = 0;
  const auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i),
                                  static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
  if (n <= 0) return {0xFFFD, 1};
  return {cp, static_cast<std::size_t>(n)};
}

inline Cp cp_before(std::string_view s, std::size_t i) {
  if (i == 0 || i > s.size()) return {};
  std::size_t j = i - 1;
  while (j > 0 && (static_cast<unsigned char>(s[j]) & 0xC0) == 0x80) --j;
  return {cp_at(s, j).cp, i - j};
}

inline utf8proc_category_t category(std::int32_t cp) {
  return cp < 0 ? UTF8PROC_CATEGORY_CN : utf8proc_category(cp);
}
inline bool is_letter(std::int32_t cp) {
  const auto c = category(cp);
  return c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO;
}
inline bool is_upper(std::int32_t cp) {
  const auto c = category(cp);
  return c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LT;
}
inline bool is_lower(std::int32_t cp) { return category(cp) == UTF8PROC_CATEGORY_LL; }
inline bool is_digit(std::int32_t cp) { return category(cp) == UTF8PROC_CATEGORY_ND; }
inline bool is_mark(std::int32_t cp) {
  const auto c = category(cp);
  return c >= UTF8PROC_CATEGORY_MN && c <= UTF8PROC_CATEGORY_ME;
}
inline bool is_space(std::int32_t cp) {
  return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' ||
         category(cp) == UTF8PROC_CATEGORY_ZS;
}
// Scripts written without spaces, where every character is a word of its own (as word_tokens).
inline bool is_unspaced(std::int32_t cp) {
  return (cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
         (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0x20000 && cp <= 0x3134F) || (cp >= 0x0E00 && cp <= 0x0EFF) ||
         (cp >= 0x1000 && cp <= 0x109F) || (cp >= 0x1780 && cp <= 0x17FF);
}
inline bool is_word_cp(std::int32_t cp) {
  return (is_letter(cp) || is_digit(cp) || is_mark(cp)) && !is_unspaced(cp);
}
inline bool is_latin(std::int32_t cp) { return cp < 0x250 || (cp >= 0x1E00 && cp <= 0x1EFF); }

inline std::size_t cp_count(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

inline bool has_digit(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

inline bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

inline std::string_view view(Piece p) { return {p.data(), p.size()}; }
inline bool matched(Piece p) { return p.data() != nullptr; }

std::string_view trim(std::string_view s);
std::string ascii_lower(std::string_view s);

// ---- words ---------------------------------------------------------------------------------

// The word tokens that claims and passages are compared on: apostrophes, slashes and dashes
// separate words, then NFKC, case folding and punctuation removal (normalize_text), then accents
// are removed from Latin-script words ("días" = "dias").
std::vector<std::string> tokens_of(std::string_view text);

// The stop words of a language (data/claims/stopwords/), as tokens; none for a language without
// a list.
const std::unordered_set<std::string>& stopwords(std::string_view language);

// Whether a token counts as a content word: not a stop word, a number or a single Latin letter.
bool is_content(const std::string& token, const std::unordered_set<std::string>& stop_words);

// ---- data files ----------------------------------------------------------------------------

struct DataLine {
  int number = 0;
  std::string text;
};

std::optional<std::string_view> find_data(std::string_view path);

// Non-blank lines that are not comments ("#" first), trimmed.
std::vector<DataLine> data_lines(std::string_view content);

[[noreturn]] void bad_data(std::string_view path, int line, std::string_view what);

std::vector<std::string> split_words(std::string_view s);
std::vector<std::string> split_bars(std::string_view s);

// An RE2 alternation of literal phrases, longest first; a space matches any white space.
std::string alternation(std::vector<std::string> phrases);

std::unique_ptr<re2::RE2> compile(const std::string& pattern, std::string_view where, int line = 0);

// ---- anchors -------------------------------------------------------------------------------

struct DateParts {
  int y = -1, m = -1, d = -1;  // -1: not stated
};

struct Extraction {
  std::vector<Anchor> anchors;
  std::unordered_set<std::string> numbers;  // every number the text states, canonical
  std::vector<DateParts> dates;
  std::string rest;  // the text (NFKC) with every anchor masked
};

// The anchors of a text. A passage (`claim` false) gets no name or plain-number anchors: a
// claim's are looked up in the passage's tokens and `numbers` instead.
Extraction extract(std::string_view text, const Locale& locale, bool claim);

// "date:2026-03-*" → {2026, 3, -1}.
DateParts parse_date_key(std::string_view key);

// Whether a case-folded word is a month name (data/claims/months.txt).
bool is_month_name(const std::string& folded);

}  // namespace qb::detail::claims_internal
