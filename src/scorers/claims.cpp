// Claims and their support (see claims.hpp and docs/faithfulness.md): the locale, content words
// and their stems, and whether a passage supports a claim; also the text and data-file reading
// the other parts share. Splitting is in claim_split.cpp, anchors in claim_anchors.cpp. The parts
// are tuned together: the splitter must leave the anchors intact, the anchors must be masked
// before content words are counted, and passages must be read exactly as claims are.
#include "scorers/claims.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <memory>
#include <tuple>
#include <unordered_set>

#include <fmt/format.h>
#include <re2/re2.h>

#include "qualbar/core/error.hpp"
#include "qualbar/scorers/scorer.hpp"
#include "qualbar/util/embedded.hpp"
#include "qualbar/util/text.hpp"
#include "scorers/claims_internal.hpp"

namespace qb::detail {
namespace claims_internal {

using re2::RE2;

// ---- characters ----------------------------------------------------------------------------

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

// ---- words ---------------------------------------------------------------------------------

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

std::optional<std::string_view> find_data(std::string_view path) {
  for (const auto& f : data_files()) {
    if (f.path == path) return f.content;
  }
  return std::nullopt;
}

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

std::unique_ptr<RE2> compile(const std::string& pattern, std::string_view where, int line) {
  RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_unique<RE2>(pattern, options);
  if (!re->ok()) bad_data(where, line, fmt::format("not a valid RE2 pattern: {}", re->error()));
  return re;
}

namespace {

// ---- word lists ----------------------------------------------------------------------------

struct SuffixRule {
  std::string suffix;
  std::string not_after;  // letters the remaining stem must not end with
  bool undouble = false;  // halve a doubled final consonant after removing it
};

// A language's stop words and the endings light stemming removes.
struct Words {
  std::unordered_set<std::string> stopwords;
  std::vector<SuffixRule> suffixes;  // longest first
};

struct WordTables {
  std::map<std::string, Words, std::less<>> packs;  // "" = a language without word lists

  [[nodiscard]] const Words& pack(std::string_view language) const {
    const auto it = packs.find(language);
    return it == packs.end() ? packs.at("") : it->second;
  }
};

void load_words(WordTables& t, std::string_view language) {
  Words& p = t.packs[std::string(language)];
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
}

WordTables build_word_tables() {
  WordTables t;
  for (std::string_view language : kLanguages) load_words(t, language);
  load_words(t, "");
  return t;
}

const WordTables& word_tables() {
  static const WordTables t = build_word_tables();
  return t;
}

// ---- stems ---------------------------------------------------------------------------------

constexpr std::size_t kMinStem = 3;

bool is_vowel(char c) {
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

// Light stemming: the longest listed ending is removed when at least kMinStem letters remain.
std::string stem(const std::string& token, const Words& p) {
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

// ---- language ------------------------------------------------------------------------------

std::string guess_claim_language(std::string_view text) {
  std::size_t cut = std::min<std::size_t>(text.size(), 4000);
  while (cut < text.size() && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  const auto tokens = tokens_of(text.substr(0, cut));
  const WordTables& t = word_tables();
  std::string_view best = "en";
  std::size_t best_hits = 0;
  for (std::string_view language : kLanguages) {
    const Words& p = t.pack(language);
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

}  // namespace

const std::unordered_set<std::string>& stopwords(std::string_view language) {
  return word_tables().pack(language).stopwords;
}

bool is_content(const std::string& token, const std::unordered_set<std::string>& stop_words) {
  if (has_digit(token)) return false;  // numbers are anchors, compared exactly
  const Cp first = cp_at(token, 0);
  if (first.len == token.size() && is_latin(first.cp)) return false;  // "s" of "Acme's"
  return stop_words.count(token) == 0;
}

}  // namespace claims_internal

using namespace claims_internal;

// ---- public --------------------------------------------------------------------------------

Locale claim_locale(std::string_view declared_language, std::string_view text) {
  std::string tag = ascii_lower(trim(declared_language));
  std::replace(tag.begin(), tag.end(), '_', '-');
  const std::size_t dash = tag.find('-');
  std::string base = tag.substr(0, dash);
  const std::string region = dash == std::string::npos ? "" : tag.substr(dash + 1);
  if (base.empty()) base = guess_claim_language(text);
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

ClaimContent analyse_claim(std::string_view claim, const Locale& locale) {
  const Words& p = word_tables().pack(locale.language);
  Extraction x = extract(claim, locale, true);
  ClaimContent c;
  c.anchors = std::move(x.anchors);
  for (const auto& token : tokens_of(x.rest)) {
    if (!is_content(token, p.stopwords)) continue;
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
  const Words& p = word_tables().pack(locale_.language);
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
