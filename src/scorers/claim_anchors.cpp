// Anchors, what a supporting passage must state exactly: numbers (digits or number words, read
// by locale), percentages, money, dates, times, durations and names, found in a text and
// normalised to keys. Word lists: data/claims/{months,units,currencies,percent}.txt, numbers/.
#include "scorers/claims_internal.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <memory>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>
#include <re2/re2.h>

#include "qualbar/util/embedded.hpp"
#include "qualbar/util/text.hpp"

namespace qb::detail {
namespace claims_internal {
namespace {

using re2::RE2;

// Lower case with single spaces, for looking up a matched phrase ("Business  Days").
std::string phrase_key(std::string_view s) {
  return normalize_text(s, {.casefold = true, .strip_punctuation = false});
}

// ---- tables --------------------------------------------------------------------------------

struct NumberWord {
  std::string value;
  bool unit_only = false;  // a number only right before a unit ("one week")
};

struct Unit {
  std::string kind;  // "time" (seconds), "month" (months), "business" (business days)
  double factor = 1;
};

// A language's number words and the patterns that read amounts with them.
struct NumberPack {
  std::unordered_map<std::string, NumberWord> number_words;
  std::unordered_map<std::string, int> scales;  // power of ten
  std::unique_ptr<RE2> money_pre, money_post, percent, duration, number;
};

struct AnchorTables {
  std::map<std::string, NumberPack, std::less<>> packs;  // "" = a language without word lists
  std::unordered_map<std::string, int> months;
  std::unordered_set<std::string> capital_months;  // "may": a month only as "May"
  std::unordered_map<std::string, Unit> units;
  std::unordered_map<std::string, std::string> currencies;
  std::unique_ptr<RE2> iso_date, num_date, cjk_date, dmy, mdy, month_year;
  std::unique_ptr<RE2> time_colon, time_ampm, time_h, time_uhr;

  [[nodiscard]] const NumberPack& pack(std::string_view language) const {
    const auto it = packs.find(language);
    return it == packs.end() ? packs.at("") : it->second;
  }
};

// Digits with thousands groups (comma, point or space) and a decimal part; canonical_number
// decides which separator is which.
const char* const kNumeric =
    R"((?:\d{1,3}(?:[,.\x{00A0}\x{202F}\x{2009} ]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?))";

void load_numbers(AnchorTables& t, std::string_view language, const std::string& units,
                  const std::string& currencies, const std::string& percent) {
  NumberPack& p = t.packs[std::string(language)];
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

AnchorTables build_anchor_tables() {
  AnchorTables t;
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

  const std::string units = alternation(unit_names);
  const std::string currencies = alternation(currency_names);
  const std::string percent = alternation(percent_names);
  for (std::string_view language : kLanguages)
    load_numbers(t, language, units, currencies, percent);
  load_numbers(t, "", units, currencies, percent);

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
  return t;
}

const AnchorTables& anchor_tables() {
  static const AnchorTables t = build_anchor_tables();
  return t;
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
std::optional<std::string> number_value(std::string_view raw, const NumberPack& p,
                                        const Locale& locale) {
  if (raw.empty()) return std::nullopt;
  if (raw[0] >= '0' && raw[0] <= '9') return canonical_number(raw, locale.decimal_comma);
  const auto it = p.number_words.find(casefold(raw));
  if (it == p.number_words.end()) return std::nullopt;
  return it->second.value;
}

std::string with_scale(const std::string& value, Piece scale_word, const NumberPack& p) {
  if (!scale_word.data()) return value;
  const auto it = p.scales.find(casefold(std::string_view(scale_word.data(), scale_word.size())));
  return it == p.scales.end() ? value : scaled(value, it->second);
}

// ---- anchors -------------------------------------------------------------------------------

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

int month_of(Piece name) {
  std::string key = casefold(view(name));
  if (!key.empty() && key.back() == '.') key.pop_back();
  const auto& months = anchor_tables().months;
  const auto it = months.find(key);
  if (it == months.end()) return -1;
  if (anchor_tables().capital_months.count(key) && !is_upper(cp_at(view(name), 0).cp)) return -1;
  return it->second;
}

void extract_names(Extraction& x, const Locale& locale,
                   const std::unordered_set<std::string>& stop_words);

}  // namespace

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

bool is_month_name(const std::string& folded) { return anchor_tables().months.count(folded) > 0; }

Extraction extract(std::string_view text, const Locale& locale, bool claim) {
  const AnchorTables& t = anchor_tables();
  const NumberPack& p = t.pack(locale.language);
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
  if (claim) extract_names(x, locale, stopwords(locale.language));
  return x;
}

namespace {

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
void extract_names(Extraction& x, const Locale& locale,
                   const std::unordered_set<std::string>& stop_words) {
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
    word.stop = tokens.size() == 1 && stop_words.count(tokens[0]) > 0;
    word.month = anchor_tables().months.count(casefold(text)) > 0;
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

}  // namespace

}  // namespace claims_internal

std::vector<Anchor> anchors_of(std::string_view text, const Locale& locale) {
  return claims_internal::extract(text, locale, true).anchors;
}

}  // namespace qb::detail
