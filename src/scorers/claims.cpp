// Claims and their support (see claims.hpp and docs/faithfulness.md). One file for the whole
// method, because its parts are tuned together: the splitter must leave the anchors intact,
// the anchors must be masked before content words are counted, and passages must be read
// exactly as claims are.
#include "scorers/claims.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <map>
#include <memory>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>
#include <re2/re2.h>
#include <utf8proc.h>

#include "qualbar/core/error.hpp"
#include "qualbar/scorers/scorer.hpp"
#include "qualbar/util/embedded.hpp"
#include "qualbar/util/text.hpp"

namespace qb::detail {
namespace {

using re2::RE2;
using Piece = re2::StringPiece;

constexpr char kMask = '\x1f';  // fills an anchor once read, so no later pattern reads it again
constexpr std::size_t kMinStem = 3;
constexpr std::size_t kMinSemicolonWords = 3;
constexpr std::size_t kMinConjunctionWords = 4;

// ---- characters ----------------------------------------------------------------------------

struct Cp {
  std::int32_t cp = -1;
  std::size_t len = 0;
};

Cp cp_at(std::string_view s, std::size_t i) {
  if (i >= s.size()) return {};
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return {c, 1};
  utf8proc_int32_t cp = 0;
  const auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i),
                                  static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
  if (n <= 0) return {0xFFFD, 1};
  return {cp, static_cast<std::size_t>(n)};
}

Cp cp_before(std::string_view s, std::size_t i) {
  if (i == 0 || i > s.size()) return {};
  std::size_t j = i - 1;
  while (j > 0 && (static_cast<unsigned char>(s[j]) & 0xC0) == 0x80) --j;
  return {cp_at(s, j).cp, i - j};
}

utf8proc_category_t category(std::int32_t cp) {
  return cp < 0 ? UTF8PROC_CATEGORY_CN : utf8proc_category(cp);
}
bool is_letter(std::int32_t cp) {
  const auto c = category(cp);
  return c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO;
}
bool is_upper(std::int32_t cp) {
  const auto c = category(cp);
  return c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LT;
}
bool is_lower(std::int32_t cp) { return category(cp) == UTF8PROC_CATEGORY_LL; }
bool is_digit(std::int32_t cp) { return category(cp) == UTF8PROC_CATEGORY_ND; }
bool is_mark(std::int32_t cp) {
  const auto c = category(cp);
  return c >= UTF8PROC_CATEGORY_MN && c <= UTF8PROC_CATEGORY_ME;
}
bool is_space(std::int32_t cp) {
  return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' ||
         category(cp) == UTF8PROC_CATEGORY_ZS;
}
// Scripts written without spaces, where every character is a word of its own (as word_tokens).
bool is_unspaced(std::int32_t cp) {
  return (cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
         (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0x20000 && cp <= 0x3134F) || (cp >= 0x0E00 && cp <= 0x0EFF) ||
         (cp >= 0x1000 && cp <= 0x109F) || (cp >= 0x1780 && cp <= 0x17FF);
}
bool is_word_cp(std::int32_t cp) {
  return (is_letter(cp) || is_digit(cp) || is_mark(cp)) && !is_unspaced(cp);
}
bool is_latin(std::int32_t cp) { return cp < 0x250 || (cp >= 0x1E00 && cp <= 0x1EFF); }

std::size_t cp_count(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

bool has_digit(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string_view trim(std::string_view s) {
  std::size_t b = 0;
  std::size_t e = s.size();
  while (b < e && is_space(cp_at(s, b).cp)) b += cp_at(s, b).len;
  while (e > b && is_space(cp_before(s, e).cp)) e -= cp_before(s, e).len;
  return s.substr(b, e - b);
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return out;
}

// Lower case with single spaces, for looking up a matched phrase ("Business  Days").
std::string phrase_key(std::string_view s) {
  return normalize_text(s, {.casefold = true, .strip_punctuation = false});
}

// ---- words ---------------------------------------------------------------------------------

// The word tokens that claims and passages are compared on: apostrophes, slashes and dashes
// separate words, then NFKC, case folding and punctuation removal (normalize_text), then accents
// are removed from Latin-script words ("días" = "dias").
std::vector<std::string> tokens_of(std::string_view text) {
  std::string prepared;
  prepared.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const Cp c = cp_at(text, i);
    const bool separator = c.cp == '\'' || c.cp == '/' || c.cp == kMask || c.cp == 0x2018 ||
                           c.cp == 0x2019 || c.cp == 0x02BC || c.cp == 0x2013 || c.cp == 0x2014 ||
                           c.cp == 0x2026;
    if (separator) {
      prepared.push_back(' ');
    } else {
      prepared.append(text.substr(i, c.len));
    }
    i += c.len;
  }
  const std::string normalized = normalize_text(prepared);
  std::vector<std::string> out;
  for (std::string_view token : word_tokens(normalized)) {
    const Cp first = cp_at(token, 0);
    const bool ascii = std::all_of(token.begin(), token.end(),
                                   [](char ch) { return static_cast<unsigned char>(ch) < 0x80; });
    if (!ascii && is_latin(first.cp)) {
      out.push_back(normalize_text(
          token, {.casefold = false, .strip_punctuation = false, .strip_accents = true}));
    } else {
      out.emplace_back(token);
    }
  }
  return out;
}

// ---- data files ----------------------------------------------------------------------------

struct DataLine {
  int number = 0;
  std::string text;
};

std::optional<std::string_view> find_data(std::string_view path) {
  for (const auto& f : data_files()) {
    if (f.path == path) return f.content;
  }
  return std::nullopt;
}

// Non-blank lines that are not comments ("#" first), trimmed.
std::vector<DataLine> data_lines(std::string_view content) {
  std::vector<DataLine> out;
  int number = 0;
  std::size_t pos = 0;
  while (pos <= content.size()) {
    std::size_t end = content.find('\n', pos);
    if (end == std::string_view::npos) end = content.size();
    ++number;
    const std::string_view line = trim(content.substr(pos, end - pos));
    if (!line.empty() && line[0] != '#') out.push_back({number, std::string(line)});
    pos = end + 1;
  }
  return out;
}

[[noreturn]] void bad_data(std::string_view path, int line, std::string_view what) {
  throw RunError(fmt::format("data/{}:{}: {}", path, line, what));
}

std::vector<std::string> split_words(std::string_view s) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    std::size_t j = i;
    while (j < s.size() && s[j] != ' ' && s[j] != '\t') ++j;
    if (j > i) out.emplace_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

std::vector<std::string> split_bars(std::string_view s) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (true) {
    const std::size_t bar = s.find('|', pos);
    out.emplace_back(trim(s.substr(pos, bar == std::string_view::npos ? bar : bar - pos)));
    if (bar == std::string_view::npos) break;
    pos = bar + 1;
  }
  return out;
}

// An RE2 alternation of literal phrases, longest first; a space matches any white space.
std::string alternation(std::vector<std::string> phrases) {
  std::sort(phrases.begin(), phrases.end(), [](const std::string& a, const std::string& b) {
    return a.size() != b.size() ? a.size() > b.size() : a < b;
  });
  phrases.erase(std::unique(phrases.begin(), phrases.end()), phrases.end());
  if (phrases.empty()) return R"([^\x00-\x{10FFFF}])";  // matches nothing
  std::string out;
  for (const auto& p : phrases) {
    if (!out.empty()) out += '|';
    const auto words = split_words(p);
    for (std::size_t i = 0; i < words.size(); ++i) {
      if (i) out += R"(\s+)";
      out += RE2::QuoteMeta(words[i]);
    }
  }
  return out;
}

std::unique_ptr<RE2> compile(const std::string& pattern, std::string_view where, int line = 0) {
  RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_unique<RE2>(pattern, options);
  if (!re->ok()) bad_data(where, line, fmt::format("not a valid RE2 pattern: {}", re->error()));
  return re;
}

// ---- tables --------------------------------------------------------------------------------

struct SuffixRule {
  std::string suffix;
  std::string not_after;  // letters the remaining stem must not end with
  bool undouble = false;  // halve a doubled final consonant after removing it
};

struct NumberWord {
  std::string value;
  bool unit_only = false;  // a number only right before a unit ("one week")
};

struct Unit {
  std::string kind;  // "time" (seconds), "month" (months), "business" (business days)
  double factor = 1;
};

struct Pack {
  std::unordered_set<std::string> stopwords;
  std::vector<SuffixRule> suffixes;  // longest first
  std::unordered_map<std::string, NumberWord> number_words;
  std::unordered_map<std::string, int> scales;  // power of ten
  std::unordered_set<std::string> conj_comma;
  std::unordered_set<std::string> conj_any;
  std::unique_ptr<RE2> money_pre, money_post, percent, duration, number;
};

struct Tables {
  std::map<std::string, Pack, std::less<>> packs;  // "" = a language without word lists
  std::unordered_map<std::string, int> months;
  std::unordered_set<std::string> capital_months;  // "may": a month only as "May"
  std::unordered_map<std::string, Unit> units;
  std::unordered_map<std::string, std::string> currencies;
  std::unordered_set<std::string> abbrev_never;
  std::unordered_set<std::string> abbrev_capital;
  std::vector<std::unique_ptr<RE2>> drop;
  std::vector<std::unique_ptr<RE2>> strip;
  std::unique_ptr<RE2> iso_date, num_date, cjk_date, dmy, mdy, month_year;
  std::unique_ptr<RE2> time_colon, time_ampm, time_h, time_uhr;
  std::unique_ptr<RE2> marker, bullet, bold_line, source_colon, see_prefix, bracket_prefix,
      id_chars;

  [[nodiscard]] const Pack& pack(std::string_view language) const {
    const auto it = packs.find(language);
    return it == packs.end() ? packs.at("") : it->second;
  }
};

// Languages with word lists, in the order a tie in language detection is broken.
constexpr std::array<std::string_view, 7> kLanguages = {"en", "es", "fr", "de", "pt", "zh", "ja"};

// Digits with thousands groups (comma, point or space) and a decimal part; canonical_number
// decides which separator is which.
const char* const kNumeric =
    R"((?:\d{1,3}(?:[,.\x{00A0}\x{202F}\x{2009} ]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?))";

void load_pack(Tables& t, std::string_view language, const std::string& units,
               const std::string& currencies, const std::string& percent) {
  Pack& p = t.packs[std::string(language)];
  const std::string stop_path = fmt::format("claims/stopwords/{}.txt", language);
  if (const auto content = find_data(stop_path)) {
    for (const auto& line : data_lines(*content)) {
      for (const auto& word : split_words(line.text)) {
        for (auto& token : tokens_of(word)) p.stopwords.insert(std::move(token));
      }
    }
  }
  const std::string suffix_path = fmt::format("claims/suffixes/{}.txt", language);
  if (const auto content = find_data(suffix_path)) {
    std::unordered_set<std::string> undouble;
    for (const auto& line : data_lines(*content)) {
      const auto words = split_words(line.text);
      if (words[0] == "%undouble") {
        undouble.insert(words.begin() + 1, words.end());
        continue;
      }
      SuffixRule rule{words[0], "", false};
      if (words.size() == 2 && words[1].size() > 1 && words[1][0] == '!') {
        rule.not_after = words[1].substr(1);
      } else if (words.size() != 1) {
        bad_data(suffix_path, line.number, "expected an ending, optionally followed by !letters");
      }
      p.suffixes.push_back(std::move(rule));
    }
    for (auto& rule : p.suffixes) rule.undouble = undouble.count(rule.suffix) > 0;
    std::stable_sort(
        p.suffixes.begin(), p.suffixes.end(),
        [](const SuffixRule& a, const SuffixRule& b) { return a.suffix.size() > b.suffix.size(); });
  }
  std::vector<std::string> words, unit_words, scale_words;
  const std::string number_path = fmt::format("claims/numbers/{}.txt", language);
  if (const auto content = find_data(number_path)) {
    for (const auto& line : data_lines(*content)) {
      const auto f = split_words(line.text);
      if (f.size() < 2 || f.size() > 3 || (f.size() == 3 && f[2] != "unit"))
        bad_data(number_path, line.number, "expected 'word value', 'word value unit' or 'word xN'");
      const std::string key = casefold(f[0]);
      if (f[1][0] == 'x') {
        p.scales[key] = std::atoi(f[1].c_str() + 1);
        scale_words.push_back(f[0]);
      } else if (f.size() == 3) {
        p.number_words[key] = {f[1], true};
        unit_words.push_back(f[0]);
      } else {
        p.number_words[key] = {f[1], false};
        words.push_back(f[0]);
      }
    }
  }
  const std::string conj_path = "claims/conjunctions.txt";
  for (const auto& line : data_lines(data_file(conj_path))) {
    const auto f = split_words(line.text);
    if (f.size() < 3 || (f[1] != "comma" && f[1] != "any"))
      bad_data(conj_path, line.number, "expected '<language> comma|any <words>'");
    if (f[0] != language) continue;
    for (std::size_t i = 2; i < f.size(); ++i) {
      (f[1] == "comma" ? p.conj_comma : p.conj_any).insert(casefold(f[i]));
    }
  }
  const std::string num = fmt::format("(?:{}|{})", kNumeric, alternation(words));
  const std::string scale = fmt::format(R"((?:\s+({}))?)", alternation(scale_words));
  const std::string where = fmt::format("claims/numbers/{}.txt", language);
  p.money_pre = compile(fmt::format(R"((?i)({})\s?({}){})", currencies, num, scale), where);
  p.money_post = compile(fmt::format(R"((?i)({}){}\s?({}))", num, scale, currencies), where);
  p.percent = compile(fmt::format(R"((?i)({})\s?({}))", num, percent), where);
  p.duration = compile(fmt::format(R"((?i)({}|{}){}[\s\-\x{{2010}}\x{{2011}}]?({}))", num,
                                   alternation(unit_words), scale, units),
                       where);
  p.number = compile(fmt::format(R"((?i)({}){})", num, scale), where);
}

Tables build_tables() {
  Tables t;
  std::vector<std::string> month_names;
  for (const auto& line : data_lines(data_file("claims/months.txt"))) {
    const auto f = split_words(line.text);
    const int month = std::atoi(f[0].c_str());
    if (month < 1 || month > 12 || f.size() < 2)
      bad_data("claims/months.txt", line.number, "expected '<1-12> <names>'");
    for (std::size_t i = 1; i < f.size(); ++i) {
      std::string name = f[i];
      if (name.back() == '*') {
        name.pop_back();
        t.capital_months.insert(casefold(name));
      }
      t.months[casefold(name)] = month;
      month_names.push_back(name);
    }
  }
  std::vector<std::string> unit_names;
  for (const auto& line : data_lines(data_file("claims/units.txt"))) {
    const auto f = split_bars(line.text);
    if (f.size() < 3) bad_data("claims/units.txt", line.number, "expected kind|size|spellings");
    for (std::size_t i = 2; i < f.size(); ++i) {
      t.units[phrase_key(f[i])] = {f[0], std::strtod(f[1].c_str(), nullptr)};
      unit_names.push_back(f[i]);
    }
  }
  std::vector<std::string> currency_names;
  for (const auto& line : data_lines(data_file("claims/currencies.txt"))) {
    const auto f = split_bars(line.text);
    if (f.size() < 2) bad_data("claims/currencies.txt", line.number, "expected CODE|spellings");
    for (std::size_t i = 1; i < f.size(); ++i) {
      t.currencies[phrase_key(f[i])] = f[0];
      currency_names.push_back(f[i]);
    }
  }
  std::vector<std::string> percent_names;
  for (const auto& line : data_lines(data_file("claims/percent.txt")))
    percent_names.push_back(line.text);
  for (const auto& line : data_lines(data_file("claims/abbreviations.txt"))) {
    if (line.text[0] == '~') {
      t.abbrev_capital.insert(casefold(line.text.substr(1)));
    } else {
      t.abbrev_never.insert(casefold(line.text));
    }
  }
  const std::string nc_path = "claims/non_claims.txt";
  for (const auto& line : data_lines(data_file(nc_path))) {
    const std::size_t space = line.text.find(' ');
    const std::string kind = line.text.substr(0, space);
    if (space == std::string::npos || (kind != "drop" && kind != "strip"))
      bad_data(nc_path, line.number, "expected 'drop <pattern>' or 'strip <pattern>'");
    const std::string pattern(trim(std::string_view(line.text).substr(space + 1)));
    (kind == "drop" ? t.drop : t.strip).push_back(compile(pattern, nc_path, line.number));
  }

  const std::string units = alternation(unit_names);
  const std::string currencies = alternation(currency_names);
  const std::string percent = alternation(percent_names);
  for (std::string_view language : kLanguages) load_pack(t, language, units, currencies, percent);
  load_pack(t, "", units, currencies, percent);

  const std::string months = alternation(month_names);
  const std::string_view where = "claims/months.txt";
  t.iso_date = compile(R"((\d{4})[-/.](\d{1,2})[-/.](\d{1,2}))", where);
  t.num_date = compile(R"((\d{1,2})([/.\-])(\d{1,2})([/.\-])(\d{4}|\d{2}))", where);
  t.cjk_date =
      compile(R"((\d{4})年(?:(\d{1,2})月(?:(\d{1,2})[日号])?)?|(\d{1,2})月(\d{1,2})[日号])", where);
  t.dmy = compile(fmt::format(R"((?i)(\d{{1,2}})(?:st|nd|rd|th|er|re|º|ª|\.)?(?:\s+(?:de|of))?)"
                              R"(\s+({})\.?(?:,?\s+(?:de\s+)?(\d{{4}}))?)",
                              months),
                  where);
  t.mdy = compile(
      fmt::format(R"((?i)({})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?)", months),
      where);
  t.month_year = compile(fmt::format(R"((?i)({})\.?(?:\s+(?:de|of))?\s+(\d{{4}}))", months), where);
  t.time_colon =
      compile(R"((?i)(\d{1,2}):(\d{2})(?::\d{2})?(?:\s?([ap])\.?\s?m\b\.?)?(?:\s?uhr\b)?)", where);
  t.time_ampm = compile(R"((?i)(\d{1,2})\s?([ap])\.?\s?m\b\.?)", where);
  t.time_h = compile(R"((?i)(\d{1,2})\s?h\s?(\d{2}))", where);
  t.time_uhr = compile(R"((?i)(\d{1,2})\s?uhr\b)", where);

  const std::string_view split = "claims (splitter)";
  t.marker = compile(
      R"(([\[【])\s*\^?([^\[\]【】\n]{1,100}?)\s*[\]】]|\(\s*([^()\n]{1,200}?)\s*\))", split);
  t.bullet = compile(R"(\s*(?:[-*+•·‣◦▪●–]|\d{1,3}[.)]|[a-z][.)])\s+)", split);
  t.bold_line = compile(R"((?:\*\*[^*]+\*\*|__[^_]+__):?)", split);
  t.source_colon = compile(
      R"((?i)(?:sources?|fuentes?|quellen?|fontes?|refs?|references?|referencias|referências|références?)\s*:\s*(.+))",
      split);
  t.see_prefix = compile(R"((?i)(?:see|cf\.?|voir|ver|siehe|vgl\.?)\s*:?\s+(.+))", split);
  t.bracket_prefix = compile(
      R"((?i)(?:sources?|fuentes?|quellen?|fontes?|refs?|references?|docs?|documents?)(?:\s*:\s*|\s+)(.+))",
      split);
  t.id_chars = compile(R"([\p{L}\p{N}_.#:/\-]+)", split);
  return t;
}

const Tables& tables() {
  static const Tables t = build_tables();
  return t;
}

// ---- stems ---------------------------------------------------------------------------------

bool is_vowel(char c) {
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

// Light stemming: the longest listed ending is removed when at least kMinStem letters remain.
std::string stem(const std::string& token, const Pack& p) {
  const std::size_t letters = cp_count(token);
  for (const auto& rule : p.suffixes) {
    const std::size_t n = rule.suffix.size();
    if (token.size() <= n || token.compare(token.size() - n, n, rule.suffix) != 0) continue;
    if (letters - cp_count(rule.suffix) < kMinStem) continue;
    std::string s = token.substr(0, token.size() - n);
    if (!rule.not_after.empty() && rule.not_after.find(s.back()) != std::string::npos) continue;
    if (rule.undouble && s.size() >= 2 && s[s.size() - 1] == s[s.size() - 2] &&
        !is_vowel(s.back()) && s.back() != 'l' && s.back() != 's' && s.back() != 'z' &&
        s.back() >= 'a' && s.back() <= 'z') {
      s.pop_back();
    }
    return s;
  }
  return token;
}

bool is_content(const std::string& token, const Pack& p) {
  if (has_digit(token)) return false;  // numbers are anchors, compared exactly
  const Cp first = cp_at(token, 0);
  if (first.len == token.size() && is_latin(first.cp)) return false;  // "s" of "Acme's"
  return p.stopwords.count(token) == 0;
}

// ---- numbers -------------------------------------------------------------------------------

// "1,234.5", "1.234,5", "1 234,5" → "1234.5". A single separator followed by exactly three
// digits is a thousands separator unless it is the locale's decimal separator.
std::optional<std::string> canonical_number(std::string_view raw, bool decimal_comma) {
  std::string s;
  for (std::size_t i = 0; i < raw.size();) {
    const Cp c = cp_at(raw, i);
    if ((c.cp >= '0' && c.cp <= '9') || c.cp == ',' || c.cp == '.') {
      s.push_back(static_cast<char>(c.cp));
    } else if (!is_space(c.cp)) {
      return std::nullopt;
    }
    i += c.len;
  }
  if (s.empty() || !(s[0] >= '0' && s[0] <= '9')) return std::nullopt;
  const auto commas = std::count(s.begin(), s.end(), ',');
  const auto points = std::count(s.begin(), s.end(), '.');
  char decimal = 0;
  if (commas && points) {
    decimal = s.rfind(',') > s.rfind('.') ? ',' : '.';
  } else if (commas + points == 1) {
    const char sep = commas ? ',' : '.';
    const std::size_t after = s.size() - s.find(sep) - 1;
    decimal = (after == 3 && sep != (decimal_comma ? ',' : '.')) ? 0 : sep;
  }
  std::string whole, fraction;
  const std::size_t dot = decimal ? s.rfind(decimal) : std::string::npos;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') continue;
    (dot != std::string::npos && i > dot ? fraction : whole).push_back(s[i]);
  }
  whole.erase(0, std::min(whole.find_first_not_of('0'), whole.size()));
  if (whole.empty()) whole = "0";
  while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
  return fraction.empty() ? whole : whole + "." + fraction;
}

// canonical × 10^power, exactly.
std::string scaled(const std::string& canonical, int power) {
  if (power == 0) return canonical;
  const std::size_t dot = canonical.find('.');
  std::string digits = canonical;
  std::size_t point = canonical.size();
  if (dot != std::string::npos) {
    digits.erase(dot, 1);
    point = dot;
  }
  point += static_cast<std::size_t>(power);
  if (point >= digits.size()) {
    digits.append(point - digits.size(), '0');
  } else {
    digits.insert(point, ".");
  }
  return *canonical_number(digits, false);
}

// A matched number: digits, or a number word of the language.
std::optional<std::string> number_value(std::string_view raw, const Pack& p, const Locale& locale) {
  if (raw.empty()) return std::nullopt;
  if (raw[0] >= '0' && raw[0] <= '9') return canonical_number(raw, locale.decimal_comma);
  const auto it = p.number_words.find(casefold(raw));
  if (it == p.number_words.end()) return std::nullopt;
  return it->second.value;
}

std::string with_scale(const std::string& value, Piece scale_word, const Pack& p) {
  if (!scale_word.data()) return value;
  const auto it = p.scales.find(casefold(std::string_view(scale_word.data(), scale_word.size())));
  return it == p.scales.end() ? value : scaled(value, it->second);
}

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

std::string_view view(Piece p) { return {p.data(), p.size()}; }
bool matched(Piece p) { return p.data() != nullptr; }

// A match must not start or end inside a word: "H100" holds no number and "5 tags" no "5 Tag".
bool at_word_edges(std::string_view s, std::size_t b, std::size_t e, bool check_end) {
  const Cp before = cp_before(s, b);
  if (is_word_cp(before.cp)) return false;
  // "GPT-4", "COVID-19": a number joined to a word by a hyphen belongs to a name.
  if (before.cp == '-' && is_letter(cp_before(s, b - before.len).cp)) return false;
  if ((before.cp == '.' || before.cp == ',') && is_digit(cp_before(s, b - 1).cp)) return false;
  if (!check_end) return true;
  const Cp last = cp_before(s, e);
  return !(is_word_cp(last.cp) && is_word_cp(cp_at(s, e).cp));
}

// Runs `accept` on every match of `re` in `work` that is not inside a word; accepted matches are
// masked so later patterns skip them.
template <class F>
void scan(const RE2& re, std::string& work, bool check_end, F&& accept) {
  const int n = 1 + re.NumberOfCapturingGroups();
  std::vector<Piece> g(static_cast<std::size_t>(n));
  std::size_t pos = 0;
  while (pos < work.size() && re.Match(work, pos, work.size(), RE2::UNANCHORED, g.data(), n)) {
    const auto b = static_cast<std::size_t>(g[0].data() - work.data());
    const std::size_t e = b + g[0].size();
    if (e > b && at_word_edges(work, b, e, check_end) && accept(g, b, e)) {
      std::fill(work.begin() + static_cast<std::ptrdiff_t>(b),
                work.begin() + static_cast<std::ptrdiff_t>(e), kMask);
      pos = e;
    } else {
      pos = b + std::max<std::size_t>(1, cp_at(work, b).len);
    }
  }
}

int to_int(Piece p) { return matched(p) ? std::atoi(std::string(view(p)).c_str()) : -1; }

bool valid_date(const DateParts& d) {
  return d.m >= 1 && d.m <= 12 && (d.d == -1 || (d.d >= 1 && d.d <= 31)) &&
         (d.y == -1 || (d.y >= 1000 && d.y <= 2999));
}

std::string date_key(const DateParts& d) {
  return fmt::format("date:{}-{:02d}-{}", d.y < 0 ? "*" : std::to_string(d.y), d.m,
                     d.d < 0 ? "*" : fmt::format("{:02d}", d.d));
}

DateParts parse_date_key(std::string_view key) {
  DateParts d;
  const std::string s(key.substr(5));  // "date:"
  d.y = s[0] == '*' ? -1 : std::atoi(s.c_str());
  const std::size_t a = s.find('-');
  d.m = std::atoi(s.c_str() + a + 1);
  const std::size_t b = s.find('-', a + 1);
  d.d = s[b + 1] == '*' ? -1 : std::atoi(s.c_str() + b + 1);
  return d;
}

int month_of(Piece name) {
  std::string key = casefold(view(name));
  if (!key.empty() && key.back() == '.') key.pop_back();
  const auto& months = tables().months;
  const auto it = months.find(key);
  if (it == months.end()) return -1;
  if (tables().capital_months.count(key) && !is_upper(cp_at(view(name), 0).cp)) return -1;
  return it->second;
}

void extract_names(Extraction& x, const Locale& locale, const Pack& p);

Extraction extract(std::string_view text, const Locale& locale, bool claim) {
  const Tables& t = tables();
  const Pack& p = t.pack(locale.language);
  Extraction x;
  x.rest = normalize_text(text, {.casefold = false, .strip_punctuation = false});
  std::string& w = x.rest;
  auto anchor = [&](AnchorKind kind, std::string key, std::size_t b, std::size_t e) {
    x.anchors.push_back({kind, std::move(key), std::string(w.substr(b, e - b))});
  };
  auto number = [&](const std::string& value) { x.numbers.insert(value); };
  auto date = [&](DateParts d, std::size_t b, std::size_t e) {
    if (!valid_date(d)) return false;
    anchor(AnchorKind::date, date_key(d), b, e);
    x.dates.push_back(d);
    for (int part : {d.y, d.m, d.d}) {
      if (part >= 0) number(std::to_string(part));
    }
    return true;
  };

  scan(*t.iso_date, w, true, [&](const std::vector<Piece>& g, std::size_t b, std::size_t e) {
    return date({to_int(g[1]), to_int(g[2]), to_int(g[3])}, b, e);
  });
  scan(*t.num_date, w, true, [&](const std::vector<Piece>& g, std::size_t b, std::size_t e) {
    if (view(g[2]) != view(g[4])) return false;
    const int a = to_int(g[1]);
    const int c = to_int(g[3]);
    int y = to_int(g[5]);
    if (g[5].size() == 2) y += 2000;
    const bool month_first = a > 12 ? false : c > 12 ? true : locale.month_first;
    return date({y, month_first ? a : c, month_first ? c : a}, b, e);
  });
  scan(*t.cjk_date, w, false, [&](const std::vector<Piece>& g, std::size_t b, std::size_t e) {
    if (matched(g[4])) return date({-1, to_int(g[4]), to_int(g[5])}, b, e);
    if (!matched(g[2])) {  // "2026年": a year, compared as the number
      number(std::to_string(to_int(g[1])));
      if (claim) anchor(AnchorKind::number, "num:" + std::to_string(to_int(g[1])), b, e);
      return true;
    }
    return date({to_int(g[1]), to_int(g[2]), to_int(g[3])}, b, e);
  });
  scan(*t.dmy, w, true, [&](const std::vector<Piece>& g, std::size_t b, std::size_t e) {
    return date({to_int(g[3]), month_of(g[2]), to_int(g[1])}, b, e);
  });
  scan(*t.mdy, w, true, [&](const std::vector<Piece>& g, std::size_t b, std::size_t e) {
    return date({to_int(g[3]), month_of(g[1]), to_int(g[2])}, b, e);
  });
  scan(*t.month_year, w, true, [&](const std::vector<Piece>& g, std::size_t b, std::size_t e) {
    return date({to_int(g[2]), month_of(g[1]), -1}, b, e);
  });

  auto time = [&](int h, int m, Piece ampm, std::size_t b, std::size_t e) {
    if (matched(ampm)) {
      if (h < 1 || h > 12) return false;
      const bool pm = ampm.data()[0] == 'p' || ampm.data()[0] == 'P';
      h = h % 12 + (pm ? 12 : 0);
    }
    if (h > 24 || m < 0 || m > 59) return false;
    anchor(AnchorKind::time, fmt::format("time:{:02d}:{:02d}", h, m), b, e);
    number(std::to_string(h));
    number(std::to_string(m));
    return true;
  };
  scan(*t.time_colon, w, true, [&](const std::vector<Piece>& g, std::size_t b, std::size_t e) {
    return time(to_int(g[1]), to_int(g[2]), g[3], b, e);
  });
  scan(*t.time_ampm, w, true, [&](const std::vector<Piece>& g, std::size_t b, std::size_t e) {
    return time(to_int(g[1]), 0, g[2], b, e);
  });
  scan(*t.time_h, w, true, [&](const std::vector<Piece>& g, std::size_t b, std::size_t e) {
    return time(to_int(g[1]), to_int(g[2]), Piece(), b, e);
  });
  scan(*t.time_uhr, w, true, [&](const std::vector<Piece>& g, std::size_t b, std::size_t e) {
    return time(to_int(g[1]), 0, Piece(), b, e);
  });

  auto money = [&](Piece amount, Piece scale, Piece currency, std::size_t b, std::size_t e) {
    const auto value = number_value(view(amount), p, locale);
    const auto code = t.currencies.find(phrase_key(view(currency)));
    if (!value || code == t.currencies.end()) return false;
    const std::string v = with_scale(*value, scale, p);
    anchor(AnchorKind::money, fmt::format("money:{}:{}", code->second, v), b, e);
    number(*value);
    number(v);
    return true;
  };
  scan(*p.money_pre, w, true, [&](const std::vector<Piece>& g, std::size_t b, std::size_t e) {
    return money(g[2], g[3], g[1], b, e);
  });
  scan(*p.money_post, w, true, [&](const std::vector<Piece>& g, std::size_t b, std::size_t e) {
    return money(g[1], g[2], g[3], b, e);
  });
  scan(*p.percent, w, true, [&](const std::vector<Piece>& g, std::size_t b, std::size_t e) {
    const auto value = number_value(view(g[1]), p, locale);
    if (!value) return false;
    anchor(AnchorKind::percent, "pct:" + *value, b, e);
    number(*value);
    return true;
  });
  scan(*p.duration, w, true, [&](const std::vector<Piece>& g, std::size_t b, std::size_t e) {
    const auto value = number_value(view(g[1]), p, locale);
    const auto unit = t.units.find(phrase_key(view(g[3])));
    if (!value || unit == t.units.end()) return false;
    const std::string v = with_scale(*value, g[2], p);
    const double amount = std::strtod(v.c_str(), nullptr) * unit->second.factor;
    anchor(AnchorKind::duration, fmt::format("dur:{}:{:.9g}", unit->second.kind, amount), b, e);
    number(*value);
    number(v);
    return true;
  });
  scan(*p.number, w, false, [&](const std::vector<Piece>& g, std::size_t b, std::size_t e) {
    const auto value = number_value(view(g[1]), p, locale);
    if (!value) return false;
    if (!(g[1].data()[0] >= '0' && g[1].data()[0] <= '9')) {  // a word: whole words only
      if (p.number_words.at(casefold(view(g[1]))).unit_only) return false;
      if (is_word_cp(cp_at(w, e).cp)) return false;
    }
    const std::string v = with_scale(*value, g[2], p);
    if (claim) anchor(AnchorKind::number, "num:" + v, b, e);
    number(*value);
    number(v);
    return true;
  });
  if (claim) extract_names(x, locale, p);
  return x;
}

// ---- names ---------------------------------------------------------------------------------

struct RawWord {
  std::size_t b = 0, e = 0;
  bool start = false;        // first word of the claim, or right after a colon
  bool strong = false;       // a name wherever it stands: acronym, inner capital, digits
  bool capitalised = false;  // "Acme": a name inside a sentence (not in German)
  bool stop = false;
  bool month = false;
};

bool is_connector(std::string_view lower) {
  static const std::unordered_set<std::string_view> connectors = {
      "of", "de",  "del", "la",  "le",  "les", "du",  "des", "da",
      "do", "dos", "das", "van", "von", "der", "den", "di"};
  return connectors.count(lower) > 0;
}

// Names are anchors: acronyms (GDPR), words with an inner capital (PayPal) or with digits after a
// letter (H100, GPT-4o), and runs of capitalised words inside a sentence (Acme Corp, Bank of
// America; a run at the start of a sentence counts from two words).
void extract_names(Extraction& x, const Locale& locale, const Pack& p) {
  const std::string& w = x.rest;
  std::vector<RawWord> words;
  std::size_t letters_total = 0, upper_total = 0;
  bool start = true;
  for (std::size_t i = 0; i < w.size();) {
    const Cp c = cp_at(w, i);
    if (!is_word_cp(c.cp)) {
      if (c.cp == ':') start = true;
      i += c.len;
      continue;
    }
    RawWord word;
    word.b = i;
    while (i < w.size()) {
      const Cp d = cp_at(w, i);
      if (is_word_cp(d.cp)) {
        i += d.len;
      } else if ((d.cp == '-' || d.cp == '.' || d.cp == 0x2011) &&
                 is_word_cp(cp_at(w, i + d.len).cp)) {
        i += d.len;
      } else {
        break;
      }
    }
    word.e = i;
    std::size_t letters = 0, upper = 0, lower = 0;
    bool digit = false, inner_capital = false, previous_lower = false;
    const std::string_view text = std::string_view(w).substr(word.b, word.e - word.b);
    for (std::size_t k = 0; k < text.size();) {
      const Cp d = cp_at(text, k);
      if (is_letter(d.cp)) {
        ++letters;
        if (is_upper(d.cp)) {
          ++upper;
          if (previous_lower) inner_capital = true;
        }
        if (is_lower(d.cp)) ++lower;
        previous_lower = is_lower(d.cp);
      } else {
        digit = digit || is_digit(d.cp);
        previous_lower = false;  // "z.B" has no inner capital
      }
      k += d.len;
    }
    letters_total += letters;
    upper_total += upper;
    const Cp first = cp_at(text, 0);
    const auto tokens = tokens_of(text);
    word.stop = tokens.size() == 1 && p.stopwords.count(tokens[0]) > 0;
    word.month = tables().months.count(casefold(text)) > 0;
    word.start = start;
    word.strong = (digit && is_letter(first.cp)) || inner_capital ||
                  (letters >= 2 && lower == 0 && ascii_lower(text) != "ok");
    word.capitalised = is_upper(first.cp) && lower > 0;
    start = false;
    words.push_back(word);
  }
  // All capitals (shouting) make every word an "acronym"; title case makes every word a "name".
  const bool shouting = letters_total >= 8 && upper_total * 10 > letters_total * 6;
  std::size_t alpha = 0, capitals = 0;
  for (const auto& word : words) {
    if (word.capitalised || word.strong) ++capitals;
    ++alpha;
  }
  const bool title_case = alpha >= 3 && capitals * 10 >= alpha * 6;
  auto eligible = [&](const RawWord& word) {
    if (word.strong && !(shouting && !word.capitalised)) return true;
    return locale.capitalised_names && !title_case && word.capitalised && !word.stop && !word.month;
  };
  auto spaces_between = [&](std::size_t a, std::size_t b) {
    for (std::size_t k = a; k < b; ++k) {
      if (w[k] != ' ') return false;
    }
    return true;
  };
  auto emit = [&](std::size_t first, std::size_t last) {
    const std::string text = w.substr(words[first].b, words[last].e - words[first].b);
    const auto tokens = tokens_of(text);
    if (tokens.empty()) return;
    std::string key = "name:";
    for (std::size_t k = 0; k < tokens.size(); ++k) {
      if (k) key += ' ';
      key += tokens[k];
    }
    x.anchors.push_back({AnchorKind::name, key, text});
  };
  auto flush = [&](std::size_t first, std::size_t last) {
    const bool single_plain = first == last && !(words[first].strong && !shouting);
    if (single_plain && words[first].start) return;  // "Refunds take ..." is no name
    bool all_strong = true;
    for (std::size_t k = first; k <= last; ++k) all_strong = all_strong && words[k].strong;
    if (!all_strong) return emit(first, last);  // "Bank of America", "AWS Lambda": one name
    for (std::size_t k = first; k <= last; ++k) emit(k, k);  // "H100 GPT-4o": two names
  };
  constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  std::size_t run_first = kNone;
  std::size_t run_last = 0;
  std::size_t run_end = 0;  // end of the run's last word, or of a connector after it
  for (std::size_t k = 0; k < words.size(); ++k) {
    const bool joins = run_first != kNone && spaces_between(run_end, words[k].b);
    if (eligible(words[k])) {
      if (!joins) {
        if (run_first != kNone) flush(run_first, run_last);
        run_first = k;
      }
      run_last = k;
      run_end = words[k].e;
      continue;
    }
    const bool connector =
        joins && k + 1 < words.size() &&
        is_connector(ascii_lower(w.substr(words[k].b, words[k].e - words[k].b))) &&
        eligible(words[k + 1]) && spaces_between(words[k].e, words[k + 1].b);
    if (connector) {  // "Bank of America": the run goes on past "of"
      run_end = words[k].e;
      continue;
    }
    if (run_first != kNone) flush(run_first, run_last);
    run_first = kNone;
  }
  if (run_first != kNone) flush(run_first, run_last);
}

// ---- language ------------------------------------------------------------------------------

std::string detect_language(std::string_view text) {
  std::size_t cut = std::min<std::size_t>(text.size(), 4000);
  while (cut < text.size() && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  const auto tokens = tokens_of(text.substr(0, cut));
  const Tables& t = tables();
  std::string_view best = "en";
  std::size_t best_hits = 0;
  for (std::string_view language : kLanguages) {
    const Pack& p = t.pack(language);
    const auto hits = static_cast<std::size_t>(
        std::count_if(tokens.begin(), tokens.end(),
                      [&](const std::string& tok) { return p.stopwords.count(tok); }));
    if (hits > best_hits) {
      best = language;
      best_hits = hits;
    }
  }
  return std::string(best);
}

// ---- splitting -----------------------------------------------------------------------------

struct Marker {
  std::size_t pos = 0;
  std::vector<std::string> ids;
};

std::vector<std::string> split_ids(std::string_view s) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos <= s.size()) {
    std::size_t end = s.find_first_of(",;", pos);
    if (end == std::string_view::npos) end = s.size();
    out.emplace_back(trim(s.substr(pos, end - pos)));
    pos = end + 1;
  }
  return out;
}

// The ids of a marker's content, or nothing when it is not a citation.
std::optional<std::vector<std::string>> marker_ids(std::string_view content, bool bracket,
                                                   const std::unordered_set<std::string>& known) {
  const Tables& t = tables();
  std::string body(trim(content));
  bool need_digit_or_known = true;
  std::string rest;
  if (bracket) {
    if (RE2::FullMatch(body, *t.bracket_prefix, &rest)) body = rest;
  } else if (RE2::FullMatch(body, *t.source_colon, &rest)) {
    body = rest;
    need_digit_or_known = false;  // "(source: faq)" cites "faq"
  } else if (RE2::FullMatch(body, *t.see_prefix, &rest)) {
    body = rest;
  } else {
    // A plain parenthesis cites only when it names context ids: "(doc-12#3)".
    for (const auto& id : split_ids(body)) {
      if (!known.count(id)) return std::nullopt;
    }
  }
  std::vector<std::string> ids;
  for (const auto& piece : split_ids(body)) {
    if (piece.empty()) return std::nullopt;
    const std::size_t dash = piece.find('-');
    if (dash != std::string::npos && all_digits(piece.substr(0, dash)) &&
        all_digits(piece.substr(dash + 1)) && !known.count(piece)) {  // "[1-3]"
      const int a = std::atoi(piece.c_str());
      const int b = std::atoi(piece.c_str() + dash + 1);
      if (a > b || b - a > 20) return std::nullopt;
      for (int k = a; k <= b; ++k) ids.push_back(std::to_string(k));
      continue;
    }
    if (!RE2::FullMatch(piece, *t.id_chars)) return std::nullopt;
    if (need_digit_or_known && !has_digit(piece) && !known.count(piece)) return std::nullopt;
    ids.push_back(piece);
  }
  return ids;
}

bool ends_with(std::string_view s, std::string_view end) {
  return s.size() >= end.size() && s.substr(s.size() - end.size()) == end;
}

std::size_t terminator_before(std::string_view s) {
  for (std::string_view term : {".", "!", "?", "。", "！", "？"}) {
    if (ends_with(s, term) && s.size() > term.size() &&
        !is_space(cp_before(s, s.size() - term.size()).cp))
      return term.size();
  }
  return 0;
}

// Removes citation markers; a marker right after a sentence's final punctuation is placed before
// it, so it belongs to that sentence.
std::string strip_markers(std::string_view text, const std::unordered_set<std::string>& known,
                          std::vector<Marker>& markers) {
  const Tables& t = tables();
  std::string clean;
  clean.reserve(text.size());
  std::array<Piece, 4> g;
  std::size_t pos = 0;
  while (pos < text.size() &&
         t.marker->Match(text, pos, text.size(), RE2::UNANCHORED, g.data(), 4)) {
    const auto b = static_cast<std::size_t>(g[0].data() - text.data());
    const std::size_t e = b + g[0].size();
    std::optional<std::vector<std::string>> ids;
    if (matched(g[1])) {
      const bool link = e < text.size() && text[e] == '(';  // Markdown [text](url)
      if (!link) ids = marker_ids(view(g[2]), true, known);
    } else {
      ids = marker_ids(view(g[3]), false, known);
    }
    if (!ids) {
      clean.append(text.substr(pos, b + 1 - pos));
      pos = b + 1;
      continue;
    }
    clean.append(text.substr(pos, b - pos));
    while (!clean.empty() && (clean.back() == ' ' || clean.back() == '\t')) clean.pop_back();
    markers.push_back({clean.size() - terminator_before(clean), std::move(*ids)});
    pos = e;
  }
  clean.append(text.substr(pos));
  return clean;
}

bool is_closer(std::int32_t cp) {
  return cp == '"' || cp == '\'' || cp == ')' || cp == ']' || cp == '*' || cp == 0x201D ||
         cp == 0x2019 || cp == 0xBB || cp == 0x300D || cp == 0x300F || cp == 0xFF09;
}

bool is_opener(std::int32_t cp) {
  return cp == '"' || cp == '\'' || cp == '(' || cp == '[' || cp == '*' || cp == 0x201C ||
         cp == 0x2018 || cp == 0xAB || cp == 0xBF || cp == 0xA1 || cp == '_';
}

struct Span {
  std::size_t b = 0, e = 0;
};

// Whether the "." at i (the line is s[.., e)) ends a sentence; `after` is past the full stop
// and any closing quotes.
bool full_stop_ends(std::string_view s, std::size_t i, std::size_t after, std::size_t e,
                    bool ellipsis) {
  const Tables& t = tables();
  std::size_t k = after;
  while (k < e && is_space(cp_at(s, k).cp)) k += cp_at(s, k).len;
  while (k < e && is_opener(cp_at(s, k).cp)) k += cp_at(s, k).len;
  if (k >= e) return true;
  const Cp next = cp_at(s, k);
  const bool next_upper = is_upper(next.cp) || is_unspaced(next.cp);
  if (ellipsis) return next_upper;
  std::size_t wb = i;
  while (wb > 0 && !is_space(cp_before(s, wb).cp) && !is_opener(cp_before(s, wb).cp))
    wb -= cp_before(s, wb).len;
  const std::string_view before = s.substr(wb, i - wb);
  const std::string abbreviation = casefold(before) + ".";
  if (t.abbrev_never.count(abbreviation)) return false;
  if (cp_count(before) == 1 && is_upper(cp_at(before, 0).cp)) return false;  // "J. Smith"
  if (is_lower(next.cp)) return false;
  if (t.abbrev_capital.count(abbreviation)) return next_upper;
  if (all_digits(before) && before.size() <= 2) {  // "am 12. März"
    std::size_t ne = k;
    while (ne < e && is_letter(cp_at(s, ne).cp)) ne += cp_at(s, ne).len;
    if (tables().months.count(casefold(s.substr(k, ne - k)))) return false;
  }
  return true;
}

std::vector<Span> split_sentences(std::string_view s, std::size_t b, std::size_t e) {
  std::vector<Span> out;
  std::size_t start = b;
  std::size_t i = b;
  auto skip_closers = [&](std::size_t j) {
    while (j < e && is_closer(cp_at(s, j).cp)) j += cp_at(s, j).len;
    return j;
  };
  while (i < e) {
    const Cp c = cp_at(s, i);
    std::size_t next = i + c.len;
    bool boundary = false;
    if (c.cp == 0x3002 || c.cp == 0xFF01 || c.cp == 0xFF1F) {  // 。！？
      while (next < e && (cp_at(s, next).cp == 0x3002 || cp_at(s, next).cp == 0xFF01 ||
                          cp_at(s, next).cp == 0xFF1F))
        next += cp_at(s, next).len;
      next = skip_closers(next);
      boundary = true;
    } else if (c.cp == '!' || c.cp == '?') {
      while (next < e && (s[next] == '!' || s[next] == '?')) ++next;
      next = skip_closers(next);
      boundary = next >= e || is_space(cp_at(s, next).cp);
    } else if (c.cp == '.' || c.cp == 0x2026) {
      bool ellipsis = c.cp == 0x2026;
      while (next < e && s[next] == '.') ++next, ellipsis = true;
      next = skip_closers(next);
      if (next >= e || is_space(cp_at(s, next).cp))
        boundary = full_stop_ends(s, i, next, e, ellipsis);
    }
    if (boundary) {
      out.push_back({start, next});
      start = next;
    }
    i = next;
  }
  if (start < e && !trim(s.substr(start, e - start)).empty()) out.push_back({start, e});
  return out;
}

std::size_t word_count(std::string_view s) { return word_tokens(normalize_text(s)).size(); }

// Clauses: at ";" when both sides have kMinSemicolonWords words, and at a conjunction
// (conjunctions.txt) when both sides have kMinConjunctionWords.
std::vector<std::string> split_clauses(std::string_view sentence, const Pack& p) {
  std::vector<std::string> parts;
  std::size_t last = 0;
  for (std::size_t i = 0; i < sentence.size();) {
    const Cp c = cp_at(sentence, i);
    if ((c.cp == ';' || c.cp == 0xFF1B) &&
        word_count(sentence.substr(last, i - last)) >= kMinSemicolonWords &&
        word_count(sentence.substr(i + c.len)) >= kMinSemicolonWords) {
      parts.emplace_back(sentence.substr(last, i - last));
      last = i + c.len;
    }
    i += c.len;
  }
  parts.emplace_back(sentence.substr(last));
  if (p.conj_any.empty() && p.conj_comma.empty()) return parts;

  std::vector<std::string> out;
  for (const std::string& part : parts) {
    const std::string_view s = part;
    std::size_t from = 0;
    for (std::size_t i = 0; i < s.size();) {
      const Cp c = cp_at(s, i);
      if (!is_letter(c.cp) || is_letter(cp_before(s, i).cp)) {
        i += c.len;
        continue;
      }
      std::size_t we = i;
      while (we < s.size() && is_letter(cp_at(s, we).cp)) we += cp_at(s, we).len;
      const std::string word = casefold(s.substr(i, we - i));
      std::size_t left_end = i;
      while (left_end > from && is_space(cp_before(s, left_end).cp))
        left_end -= cp_before(s, left_end).len;
      const bool comma = left_end > from && s[left_end - 1] == ',';
      if (comma) --left_end;
      if ((p.conj_any.count(word) || (comma && p.conj_comma.count(word))) &&
          word_count(s.substr(from, left_end - from)) >= kMinConjunctionWords &&
          word_count(s.substr(we)) >= kMinConjunctionWords) {
        out.emplace_back(s.substr(from, left_end - from));
        from = we;
      }
      i = we;
    }
    out.emplace_back(s.substr(from));
  }
  return out;
}

std::string tidy_claim(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {  // Markdown emphasis
    if ((s[i] == '*' || s[i] == '_') && i + 1 < s.size() && s[i + 1] == s[i]) {
      ++i;
      continue;
    }
    out.push_back(s[i]);
  }
  std::string_view v = trim(out);
  auto trailing = [](std::int32_t cp) {
    return cp == '.' || cp == ',' || cp == ';' || cp == ':' || cp == '!' || cp == 0x3002 ||
           cp == 0xFF01 || cp == 0xFF1B || cp == 0xFF0C || cp == 0x3001 || cp == 0xFF1A ||
           is_space(cp);
  };
  while (!v.empty() && trailing(cp_before(v, v.size()).cp))
    v.remove_suffix(cp_before(v, v.size()).len);
  while (!v.empty() && (v[0] == ',' || v[0] == ';' || v[0] == ':' || is_space(cp_at(v, 0).cp)))
    v.remove_prefix(cp_at(v, 0).len);
  return std::string(v);
}

bool has_claim_content(std::string_view claim, const Pack& p) {
  for (const auto& token : tokens_of(claim)) {
    if (has_digit(token) || is_content(token, p)) return true;
  }
  return false;
}

std::string apostrophes_to_spaces(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    const Cp c = cp_at(s, i);
    if (c.cp == '\'' || c.cp == 0x2019 || c.cp == 0x02BC) {
      out.push_back(' ');
    } else {
      out.append(s.substr(i, c.len));
    }
    i += c.len;
  }
  return out;
}

}  // namespace

// ---- public --------------------------------------------------------------------------------

Locale claim_locale(std::string_view declared_language, std::string_view text) {
  std::string tag = ascii_lower(trim(declared_language));
  std::replace(tag.begin(), tag.end(), '_', '-');
  const std::size_t dash = tag.find('-');
  std::string base = tag.substr(0, dash);
  const std::string region = dash == std::string::npos ? "" : tag.substr(dash + 1);
  if (base.empty()) base = detect_language(text);
  static const std::unordered_set<std::string_view> comma_languages = {
      "es", "fr", "de", "pt", "it", "nl", "ru", "pl", "tr", "sv", "da", "nb", "nn", "no", "fi",
      "cs", "sk", "sl", "hr", "ro", "hu", "el", "uk", "bg", "id", "vi", "ca", "gl", "eu"};
  static const std::unordered_set<std::string_view> point_spanish = {"mx", "us", "pr", "gt", "do",
                                                                     "hn", "ni", "sv", "pa"};
  Locale l;
  l.language = base;
  l.decimal_comma = comma_languages.count(base) && !(base == "es" && point_spanish.count(region));
  l.month_first = base == "en" && (region.empty() || region == "us");
  l.capitalised_names = base != "de" && base != "lb";
  return l;
}

std::vector<Claim> split_claims(std::string_view text, const Locale& locale,
                                const std::vector<std::string>& known_ids) {
  const Tables& t = tables();
  const Pack& p = t.pack(locale.language);
  const std::unordered_set<std::string> known(known_ids.begin(), known_ids.end());
  std::vector<Marker> markers;
  const std::string clean = strip_markers(text, known, markers);
  const std::string_view s = clean;

  std::vector<Claim> claims;
  std::size_t sentence_index = 0;
  bool fence = false;
  std::size_t line_start = 0;
  while (line_start <= s.size()) {
    std::size_t line_end = s.find('\n', line_start);
    if (line_end == std::string_view::npos) line_end = s.size();
    const std::string_view line = trim(s.substr(line_start, line_end - line_start));
    const std::size_t lb = line_start;
    const std::size_t le = line_end;
    line_start = line_end + 1;
    if (line.substr(0, 3) == "```" || line.substr(0, 3) == "~~~") {
      fence = !fence;
      continue;
    }
    if (fence || line.empty() || line[0] == '#' || line[0] == '|' ||
        RE2::FullMatch(line, *t.bold_line))
      continue;
    std::size_t b = static_cast<std::size_t>(line.data() - s.data());
    Piece bullet;
    if (t.bullet->Match(s, b, le, RE2::ANCHOR_START, &bullet, 1)) b += bullet.size();
    const auto spans =
        split_sentences(s, b, static_cast<std::size_t>(line.data() - s.data()) + line.size());
    if (spans.empty()) continue;

    std::vector<std::vector<std::string>> cited(spans.size());
    for (const auto& m : markers) {
      if (m.pos < lb || m.pos > le) continue;
      std::size_t k = 0;
      while (k + 1 < spans.size() && m.pos > spans[k].e) ++k;
      for (const auto& id : m.ids) {
        if (std::find(cited[k].begin(), cited[k].end(), id) == cited[k].end())
          cited[k].push_back(id);
      }
    }
    for (std::size_t k = 0; k < spans.size(); ++k) {
      std::string sentence(trim(s.substr(spans[k].b, spans[k].e - spans[k].b)));
      // A question, or a lead-in ending in a colon, states nothing.
      std::string_view tail = sentence;
      while (!tail.empty() && (is_closer(cp_before(tail, tail.size()).cp) ||
                               is_space(cp_before(tail, tail.size()).cp)))
        tail.remove_suffix(cp_before(tail, tail.size()).len);
      const std::int32_t last = cp_before(tail, tail.size()).cp;
      if (tail.empty() || last == '?' || last == 0xFF1F || last == ':' || last == 0xFF1A) continue;
      for (bool stripped = true; stripped;) {
        stripped = false;
        for (const auto& re : t.strip) {
          Piece lead;
          if (re->Match(sentence, 0, sentence.size(), RE2::ANCHOR_START, &lead, 1) &&
              !lead.empty()) {
            sentence.erase(0, lead.size());
            stripped = true;
          }
        }
      }
      const std::string normalized = normalize_text(apostrophes_to_spaces(sentence));
      if (std::any_of(t.drop.begin(), t.drop.end(),
                      [&](const auto& re) { return RE2::FullMatch(normalized, *re); }))
        continue;
      bool any = false;
      for (const auto& clause : split_clauses(sentence, p)) {
        std::string claim = tidy_claim(clause);
        if (claim.empty() || !has_claim_content(claim, p)) continue;
        claims.push_back({std::move(claim), sentence_index, cited[k]});
        any = true;
      }
      if (any) ++sentence_index;
    }
  }
  return claims;
}

ClaimContent analyse_claim(std::string_view claim, const Locale& locale) {
  const Pack& p = tables().pack(locale.language);
  Extraction x = extract(claim, locale, true);
  ClaimContent c;
  c.anchors = std::move(x.anchors);
  for (const auto& token : tokens_of(x.rest)) {
    if (!is_content(token, p)) continue;
    std::string s = stem(token, p);
    if (std::find(c.stems.begin(), c.stems.end(), s) != c.stems.end()) continue;
    c.stems.push_back(std::move(s));
    c.words.push_back(token);
  }
  return c;
}

std::vector<std::string> content_words(std::string_view text, const Locale& locale) {
  return analyse_claim(text, locale).stems;
}

std::vector<Anchor> anchors_of(std::string_view text, const Locale& locale) {
  return extract(text, locale, true).anchors;
}

struct Grounding::Passage {
  std::unordered_set<std::string> stems;
  std::vector<std::string> tokens;
  std::unordered_set<std::string> token_set;
  std::unordered_set<std::string> numbers;
  std::unordered_set<std::string> keys;  // percent, money, time and duration anchors
  std::vector<DateParts> dates;
};

Grounding::Grounding(const std::vector<Context>& contexts, Locale locale, double min_coverage)
    : locale_(std::move(locale)), min_coverage_(min_coverage) {
  const Pack& p = tables().pack(locale_.language);
  passages_.reserve(contexts.size());
  for (const auto& context : contexts) {
    Passage passage;
    Extraction x = extract(context.text, locale_, false);
    passage.numbers = std::move(x.numbers);
    passage.dates = std::move(x.dates);
    for (const auto& a : x.anchors) {
      if (a.kind != AnchorKind::date && a.kind != AnchorKind::number) passage.keys.insert(a.key);
    }
    passage.tokens = tokens_of(context.text);
    for (const auto& token : passage.tokens) {
      passage.token_set.insert(token);
      passage.stems.insert(stem(token, p));
    }
    passages_.push_back(std::move(passage));
    ids_.push_back(context.id);
  }
}

Grounding::~Grounding() = default;

std::size_t Grounding::size() const { return passages_.size(); }

namespace {

bool has_anchor(const Anchor& a, const Grounding::Passage& p);

}  // namespace

Support Grounding::check_in(const ClaimContent& claim, std::size_t index) const {
  const Passage& p = passages_.at(index);
  Support s;
  s.passage = index;
  std::size_t covered = 0;
  for (std::size_t k = 0; k < claim.stems.size(); ++k) {
    if (p.stems.count(claim.stems[k])) {
      ++covered;
    } else {
      s.missing_words.push_back(claim.words[k]);
    }
  }
  s.coverage = claim.stems.empty()
                   ? 1.0
                   : static_cast<double>(covered) / static_cast<double>(claim.stems.size());
  for (const auto& a : claim.anchors) {
    if (!has_anchor(a, p)) s.missing_anchors.push_back(a.text);
  }
  s.supported = s.coverage + 1e-12 >= min_coverage_ && s.missing_anchors.empty();
  return s;
}

Support Grounding::check(const ClaimContent& claim) const {
  Support best;
  bool have = false;
  auto rank = [&](const Support& s) {
    return std::make_tuple(s.supported, s.coverage + 1e-12 >= min_coverage_,
                           -static_cast<long>(s.missing_anchors.size()), s.coverage);
  };
  for (std::size_t i = 0; i < passages_.size(); ++i) {
    Support s = check_in(claim, i);
    if (!have || rank(s) > rank(best)) {
      best = std::move(s);
      have = true;
    }
  }
  for (const auto& a : claim.anchors) {
    const bool anywhere = std::any_of(passages_.begin(), passages_.end(),
                                      [&](const Passage& p) { return has_anchor(a, p); });
    if (!anywhere) best.absent_anchors.push_back(a.text);
  }
  return best;
}

namespace {

std::string quoted_list(const std::vector<std::string>& items, std::size_t max) {
  std::string out;
  for (std::size_t i = 0; i < items.size() && i < max; ++i) {
    if (i) out += " or ";
    out += fmt::format("'{}'", excerpt(items[i], 40));
  }
  if (items.size() > max) out += fmt::format(" (+{} more)", items.size() - max);
  return out;
}

}  // namespace

std::string Grounding::why(const Support& s) const {
  if (!s.absent_anchors.empty()) return "no passage has " + quoted_list(s.absent_anchors, 2);
  if (s.coverage + 1e-12 < min_coverage_) {
    return fmt::format("content {:.2f} < {:.2f}", std::floor(s.coverage * 100.0) / 100.0,
                       min_coverage_);
  }
  if (s.passage && !s.missing_anchors.empty()) {
    return fmt::format("'{}' has the words but not {}", excerpt(ids_[*s.passage], 40),
                       quoted_list(s.missing_anchors, 2));
  }
  return "unsupported";
}

namespace {

bool has_anchor(const Anchor& a, const Grounding::Passage& p) {
  switch (a.kind) {
    case AnchorKind::number:
      return p.numbers.count(a.key.substr(4)) > 0;  // "num:"
    case AnchorKind::date: {
      const DateParts d = parse_date_key(a.key);
      return std::any_of(p.dates.begin(), p.dates.end(), [&](const DateParts& q) {
        return q.m == d.m && (d.y < 0 || q.y == d.y) && (d.d < 0 || q.d == d.d);
      });
    }
    case AnchorKind::name: {
      std::vector<std::string> words = split_words(std::string_view(a.key).substr(5));
      if (words.size() == 1) return p.token_set.count(words[0]) > 0;
      if (p.tokens.size() < words.size()) return false;
      for (std::size_t i = 0; i + words.size() <= p.tokens.size(); ++i) {
        if (std::equal(words.begin(), words.end(), p.tokens.begin() + static_cast<long>(i)))
          return true;
      }
      return false;
    }
    default:
      return p.keys.count(a.key) > 0;
  }
}

}  // namespace

std::optional<std::size_t> resolve_citation(std::string_view id,
                                            const std::vector<Context>& contexts) {
  for (std::size_t i = 0; i < contexts.size(); ++i) {
    if (contexts[i].id == id) return i;
  }
  if (all_digits(id) && id.size() <= 4) {
    const auto n = static_cast<std::size_t>(std::atoi(std::string(id).c_str()));
    if (n >= 1 && n <= contexts.size()) return n - 1;
  }
  return std::nullopt;
}

bool has_passages(const std::vector<Context>& contexts) {
  return std::any_of(contexts.begin(), contexts.end(),
                     [](const Context& c) { return !trim(c.text).empty(); });
}

std::vector<std::string> context_ids(const std::vector<Context>& contexts) {
  std::vector<std::string> ids;
  ids.reserve(contexts.size());
  for (const auto& c : contexts) ids.push_back(c.id);
  return ids;
}

std::string quote(std::string_view text) { return fmt::format("'{}'", excerpt(text, 100)); }

double coverage_arg(Args& args) {
  const double v = args.number("coverage").value_or(kDefaultCoverage);
  if (!(v > 0.0 && v <= 1.0)) {
    throw ArgError("coverage",
                   fmt::format("must be above 0 and at most 1 (the share of a claim's content "
                               "words one passage must contain), got {}",
                               v));
  }
  return v;
}

}  // namespace qb::detail
