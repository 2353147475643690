#include "scorers/refusal_detector.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>

#include <fmt/format.h>
#include <re2/re2.h>
#include <utf8proc.h>

#include "qualbar/core/error.hpp"
#include "qualbar/core/registry.hpp"
#include "qualbar/scorers/scorer.hpp"
#include "qualbar/util/config.hpp"
#include "qualbar/util/embedded.hpp"
#include "qualbar/util/text.hpp"

namespace qb {
namespace {

// ---- the pack ---------------------------------------------------------------------------------

const std::vector<std::string> kPackFields = {"languages"};
const std::vector<std::string> kLanguageFields = {"name", "words", "refusal", "not_refusal",
                                                  "answer_follows"};

RE2::Options pattern_options() {
  RE2::Options o;
  o.set_log_errors(false);
  o.set_case_sensitive(false);
  // Leftmost-longest, so the evidence quotes the whole phrase ("I'm sorry, but I can't help
  // with that"), not the first alternative that happens to match.
  o.set_longest_match(true);
  o.set_max_mem(std::int64_t{32} << 20);  // a language's alternation of bounded repeats is large
  return o;
}

bool matches_empty(const re2::RE2& re) { return re2::RE2::FullMatch("", re); }

bool is_language_code(const std::string& code) {
  if (code.size() < 2) return false;
  std::size_t letters = 0;
  while (letters < code.size() && code[letters] >= 'a' && code[letters] <= 'z') ++letters;
  if (letters < 2 || letters > 3) return false;
  if (letters == code.size()) return true;
  if (code[letters] != '-' || letters + 1 == code.size()) return false;
  return std::all_of(code.begin() + static_cast<std::ptrdiff_t>(letters) + 1, code.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); });
}

// "{name}" → "(?:piece)". Names are lower-case letters and '_', so RE2's {2,5} is left alone.
std::string expand_words(const std::string& pattern,
                         const std::map<std::string, std::string>& words, const ConfigReader& r,
                         const ConfigNode& node, const std::string& field) {
  std::string out;
  std::size_t i = 0;
  while (i < pattern.size()) {
    if (pattern[i] == '{') {
      std::size_t j = i + 1;
      while (j < pattern.size() && ((pattern[j] >= 'a' && pattern[j] <= 'z') || pattern[j] == '_'))
        ++j;
      if (j > i + 1 && j < pattern.size() && pattern[j] == '}') {
        const std::string name = pattern.substr(i + 1, j - i - 1);
        auto it = words.find(name);
        if (it == words.end()) {
          std::vector<std::string> known;
          for (const auto& [k, _] : words) known.push_back(k);
          r.fail(node, field,
                 known.empty()
                     ? fmt::format("uses {{{}}}, but this language has no words", name)
                     : fmt::format("uses {{{}}}, which is not among this language's words: {}",
                                   name, fmt::join(known, ", ")));
        }
        out += "(?:" + it->second + ")";
        i = j + 1;
        continue;
      }
    }
    out.push_back(pattern[i++]);
  }
  return out;
}

std::shared_ptr<const re2::RE2> compile_kind(const ConfigReader& r, const ConfigNode& lang,
                                             const std::string& kind, const std::string& where,
                                             const std::map<std::string, std::string>& words,
                                             bool required) {
  const ConfigNode& list = lang[kind];
  const std::string field = where + "." + kind;
  if (!list || list.is_null()) {
    if (required) r.fail(lang, field, "is required: the list of refusal patterns of this language");
    return nullptr;
  }
  if (!list.is_sequence() || list.size() == 0)
    r.fail(list, field, "expected a list of patterns (RE2 regular expressions)");
  std::string combined;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const ConfigNode& item = list.items()[i];
    const std::string item_field = fmt::format("{}[{}]", field, i);
    const std::string expanded =
        expand_words(r.string(item, item_field), words, r, item, item_field);
    const re2::RE2 re(expanded, pattern_options());
    if (!re.ok())
      r.fail(item, item_field,
             fmt::format("is not a valid RE2 regular expression: {}", re.error()));
    if (matches_empty(re))
      r.fail(item, item_field, "matches the empty text; every output would match it");
    if (!combined.empty()) combined += '|';
    combined += "(?:" + expanded + ")";
  }
  auto re = std::make_shared<const re2::RE2>(combined, pattern_options());
  if (!re->ok())
    r.fail(list, field, fmt::format("the patterns together do not compile: {}", re->error()));
  return re;
}

RefusalLanguage parse_language(const ConfigReader& r, const ConfigNode& key,
                               const ConfigNode& node) {
  RefusalLanguage lang;
  lang.code = key.scalar();
  const std::string where = "languages." + lang.code;
  if (!is_language_code(lang.code))
    r.fail(key, where, "is not a language code: use two or three lower-case letters (en, pt-br)");
  if (!node.is_map()) r.fail(node, where, "expected a map with name, words, refusal, not_refusal");
  r.check_keys(node, where, kLanguageFields);
  if (!node["name"]) r.fail(node, where + ".name", "is required: the language's name (English)");
  lang.name = r.string(node["name"], where + ".name");

  std::map<std::string, std::string> words;
  if (const ConfigNode& w = node["words"]; w && !w.is_null()) {
    if (!w.is_map()) r.fail(w, where + ".words", "expected a map of name: pattern piece");
    r.check_unique_keys(w, where + ".words");
    for (const auto& kv : w.members()) {
      const auto name = kv.first.scalar();
      const std::string field = where + ".words." + name;
      if (name.empty() || !std::all_of(name.begin(), name.end(),
                                       [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; }))
        r.fail(kv.first, field, "a word's name is lower-case letters and '_'");
      const std::string piece = r.string(kv.second, field);
      const re2::RE2 re(piece, pattern_options());
      if (!re.ok())
        r.fail(kv.second, field,
               fmt::format("is not a valid RE2 regular expression: {}", re.error()));
      words[name] = piece;
    }
  }
  lang.refusal = compile_kind(r, node, "refusal", where, words, true);
  lang.not_refusal = compile_kind(r, node, "not_refusal", where, words, false);
  lang.answer_follows = compile_kind(r, node, "answer_follows", where, words, false);
  return lang;
}

RefusalPack parse_pack(std::string_view yaml, const std::string& file) {
  const ConfigReader r(file, {});
  const ConfigNode& root = r.load(yaml);
  if (!root.is_map()) r.fail(root, "", "a refusal pack is a map with one field, languages");
  r.check_keys(root, "", kPackFields);
  const ConfigNode& langs = root["languages"];
  if (!langs || !langs.is_map() || langs.size() == 0)
    r.fail(langs ? langs : root, "languages",
           "expected a map of language codes (en, es, ...) to their patterns");
  r.check_unique_keys(langs, "languages");
  RefusalPack pack;
  for (const auto& kv : langs.members())
    pack.languages.push_back(parse_language(r, kv.first, kv.second));
  std::vector<const re2::RE2*> patterns;
  for (const auto& l : pack.languages) patterns.push_back(l.refusal.get());
  pack.every_language = std::make_shared<const detail::PatternPrefilter>(std::move(patterns));
  return pack;
}

// ---- preparing the output ---------------------------------------------------------------------

std::size_t decode(std::string_view s, std::size_t i, utf8proc_int32_t& cp) {
  const auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data()) + i,
                                  static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
  if (n <= 0) {
    cp = 0xFFFD;
    return 1;
  }
  return static_cast<std::size_t>(n);
}

bool is_space(utf8proc_int32_t cp) {
  if (cp < 0x80) return cp == ' ' || (cp >= '\t' && cp <= '\r');
  const auto cat = utf8proc_category(cp);
  return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL ||
         cat == UTF8PROC_CATEGORY_ZP || cp == 0x85;
}

bool is_mark(utf8proc_int32_t cp) {
  if (cp < 0x300) return false;
  const auto cat = utf8proc_category(cp);
  return cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_MC || cat == UTF8PROC_CATEGORY_ME;
}

bool is_apostrophe(utf8proc_int32_t cp) {
  return cp == 0x2019 || cp == 0x2018 || cp == 0x02BC || cp == 0x00B4;
}

// Chinese, Japanese and Korean characters carry about as much as three Latin letters, so they
// count three towards `window` and `answer_length`: the defaults then suit every language.
std::size_t units_of(utf8proc_int32_t cp) {
  const bool wide = (cp >= 0x3040 && cp <= 0x30FF) ||    // Hiragana, Katakana
                    (cp >= 0x31F0 && cp <= 0x31FF) ||    // Katakana extensions
                    (cp >= 0x3400 && cp <= 0x4DBF) ||    // CJK Extension A
                    (cp >= 0x4E00 && cp <= 0x9FFF) ||    // CJK Unified Ideographs
                    (cp >= 0xF900 && cp <= 0xFAFF) ||    // CJK Compatibility Ideographs
                    (cp >= 0x20000 && cp <= 0x3134F) ||  // CJK Extensions B–G
                    (cp >= 0x1100 && cp <= 0x11FF) ||    // Hangul Jamo
                    (cp >= 0x3130 && cp <= 0x318F) ||    // Hangul Compatibility Jamo
                    (cp >= 0xAC00 && cp <= 0xD7AF);      // Hangul syllables
  return wide ? 3 : 1;
}

// The length of the plain-ASCII run at s[i] refusal_head may copy as it is: no white space
// but single spaces between two other characters, no '*', '_' or '`', at most `room` characters,
// not ending in a space, and not the character before a non-ASCII byte (which may be a combining
// mark).
enum : unsigned char { kPlain = 0, kSpace = 1, kEndsRun = 2 };
constexpr auto kAsciiRunClass = [] {
  std::array<unsigned char, 256> t{};
  for (int c = 0x80; c < 256; ++c) t[c] = kEndsRun;
  for (const char c : {'\t', '\n', '\v', '\f', '\r', '*', '_', '`'})
    t[static_cast<unsigned char>(c)] = kEndsRun;
  t[' '] = kSpace;
  return t;
}();

std::size_t ascii_run(std::string_view s, std::size_t i, double room) {
  if (!(room > 0)) return 0;
  const auto cls = [&s](std::size_t k) { return kAsciiRunClass[static_cast<unsigned char>(s[k])]; };
  const std::size_t end =
      i + static_cast<std::size_t>(std::min(static_cast<double>(s.size() - i), std::ceil(room)));
  std::size_t j = i;
  for (; j < end; ++j) {
    const unsigned char c = cls(j);
    if (c == kPlain) continue;
    // A space stays in the run between two plain characters.
    if (c == kEndsRun || j == i || j + 1 == s.size() || cls(j + 1) != kPlain) break;
  }
  if (j > i && s[j - 1] == ' ') --j;
  if (j > i && j < s.size() && static_cast<unsigned char>(s[j]) >= 0x80) --j;
  return j - i;
}

}  // namespace

namespace detail {

RefusalHead refusal_head(std::string_view s, double window, double limit, bool with_origin,
                         bool plain_runs) {
  RefusalHead h;
  const std::size_t expected = std::min(s.size(), static_cast<std::size_t>(4 * limit) + 8);
  h.text.reserve(expected);
  if (with_origin) h.origin.reserve(expected + 1);
  double units = 0;
  bool window_set = false;
  bool pending_space = false;
  std::size_t space_origin = 0;
  auto emit = [&h, with_origin](std::string_view bytes, std::size_t origin) {
    h.text.append(bytes);
    if (with_origin) h.origin.insert(h.origin.end(), bytes.size(), origin);
  };
  std::size_t i = 0;
  while (i < s.size()) {
    if (!window_set && units >= window) {
      h.window_end = h.text.size();
      window_set = true;
    }
    if (units >= limit) break;
    // A run of plain ASCII (single spaces, no Markdown emphasis) is copied at once, up to the
    // next boundary (window or limit).
    const double room = (window_set ? limit : window) - units;
    if (const std::size_t run = plain_runs ? ascii_run(s, i, room) : 0; run > 0) {
      if (pending_space && !h.text.empty()) emit(" ", space_origin);
      pending_space = false;
      h.text.append(s.substr(i, run));
      if (with_origin)
        for (std::size_t k = i; k < i + run; ++k) h.origin.push_back(k);
      units += static_cast<double>(run);
      i += run;
      continue;
    }
    utf8proc_int32_t cp = 0;
    std::size_t n = 1;
    std::size_t end = i + 1;
    const auto byte = static_cast<unsigned char>(s[i]);
    if (byte < 0x80 && (end == s.size() || static_cast<unsigned char>(s[end]) < 0x80)) {
      cp = byte;  // ASCII followed by ASCII: no combining mark can follow (the common case)
    } else {
      n = decode(s, i, cp);
      end = i + n;
      while (end < s.size()) {  // combining marks belong to the character before them
        utf8proc_int32_t next = 0;
        const std::size_t m = decode(s, end, next);
        if (!is_mark(next)) break;
        end += m;
      }
    }
    if (is_space(cp)) {
      if (!pending_space) {
        space_origin = i;
        units += 1;
      }
      pending_space = true;
      i = end;
      continue;
    }
    if (pending_space && !h.text.empty()) emit(" ", space_origin);
    pending_space = false;
    units += static_cast<double>(units_of(cp));
    if (end == i + 1 && cp < 0x80) {
      if (cp != '*' && cp != '_' && cp != '`') emit(s.substr(i, 1), i);  // Markdown emphasis
    } else if (end == i + n && is_apostrophe(cp)) {
      emit("'", i);
    } else {
      utf8proc_uint8_t* mapped = nullptr;
      const auto len = utf8proc_map(
          reinterpret_cast<const utf8proc_uint8_t*>(s.data()) + i,
          static_cast<utf8proc_ssize_t>(end - i), &mapped,
          static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT));
      if (len < 0) {
        emit("\xEF\xBF\xBD", i);  // invalid UTF-8: U+FFFD
      } else {
        emit(std::string_view(reinterpret_cast<const char*>(mapped), static_cast<std::size_t>(len)),
             i);
        std::free(mapped);
      }
    }
    i = end;
  }
  if (!window_set) h.window_end = h.text.size() + 1;
  h.complete = i >= s.size();
  if (with_origin) h.origin.push_back(h.complete ? s.size() : i);
  return h;
}

}  // namespace detail

namespace {

// Characters of the output from `from` to its end (a run of white space between two characters
// counts one).
std::size_t units_after(std::string_view s, std::size_t from) {
  std::size_t units = 0;
  bool in_space = false;
  for (std::size_t i = from; i < s.size();) {
    utf8proc_int32_t cp = 0;
    i += decode(s, i, cp);
    if (is_space(cp)) {
      in_space = true;
    } else if (!is_mark(cp)) {
      units += units_of(cp) + (in_space ? 1 : 0);
      in_space = false;
    }
  }
  return units;
}

// ---- quotation marks --------------------------------------------------------------------------

struct Span {
  std::size_t begin = 0;  // the opening mark
  std::size_t end = 0;    // just after the closing mark
};

bool is_letter_or_digit(utf8proc_int32_t cp) {
  const auto cat = utf8proc_category(cp);
  return (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
         (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO);
}

// Opening quotation marks and their closing ones: " ' “” „“ „” «» »« ‹› 「」 『』.
struct QuotePair {
  utf8proc_int32_t open;
  utf8proc_int32_t close;
};
constexpr QuotePair kQuotePairs[] = {
    {'"', '"'},       {'\'', '\''},     {0x201C, 0x201D}, {0x201E, 0x201C}, {0x201E, 0x201D},
    {0x00AB, 0x00BB}, {0x00BB, 0x00AB}, {0x2039, 0x203A}, {0x300C, 0x300D}, {0x300E, 0x300F}};

bool opens_quote(utf8proc_int32_t cp) {
  return std::any_of(std::begin(kQuotePairs), std::end(kQuotePairs),
                     [cp](const QuotePair& q) { return q.open == cp; });
}

bool closes_quote(utf8proc_int32_t open, utf8proc_int32_t cp) {
  return std::any_of(std::begin(kQuotePairs), std::end(kQuotePairs),
                     [&](const QuotePair& q) { return q.open == open && q.close == cp; });
}

// Quoted passages of the head. A straight quote opens only after a non-letter and before a
// non-space, and a straight apostrophe closes only before a non-letter, so "can't" is no quote.
// A quotation that is the whole output is the model quoting itself, not reporting speech.
std::vector<Span> quoted_spans(std::string_view t, bool complete) {
  struct Char {
    std::size_t pos;
    std::size_t size;
    utf8proc_int32_t cp;
  };
  std::vector<Char> cs;
  for (std::size_t i = 0; i < t.size();) {
    utf8proc_int32_t cp = 0;
    const std::size_t n = decode(t, i, cp);
    cs.push_back({i, n, cp});
    i += n;
  }
  auto letter_at = [&cs](std::ptrdiff_t k) {
    return k >= 0 && k < static_cast<std::ptrdiff_t>(cs.size()) && is_letter_or_digit(cs[k].cp);
  };
  std::vector<Span> spans;
  std::optional<std::size_t> open;
  for (std::size_t k = 0; k < cs.size(); ++k) {
    const auto cp = cs[k].cp;
    const auto ik = static_cast<std::ptrdiff_t>(k);
    if (open) {
      if (!closes_quote(cs[*open].cp, cp)) continue;
      if (cp == '\'' && (letter_at(ik + 1) || (k > 0 && is_space(cs[k - 1].cp)))) continue;
      spans.push_back({cs[*open].pos, cs[k].pos + cs[k].size});
      open.reset();
      continue;
    }
    if (!opens_quote(cp)) continue;
    if ((cp == '"' || cp == '\'') &&
        (letter_at(ik - 1) || k + 1 == cs.size() || is_space(cs[k + 1].cp)))
      continue;
    open = k;
  }
  if (complete && !spans.empty() && spans.front().begin == 0) {
    std::string_view rest = t.substr(spans.front().end);
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == '.' || rest.front() == '!'))
      rest.remove_prefix(1);
    if (rest.empty() || rest == "\u3002") spans.erase(spans.begin());  // 。
  }
  return spans;
}

// ---- matching ---------------------------------------------------------------------------------

struct Hit {
  std::size_t begin = 0;
  std::size_t end = 0;
  const std::string* language = nullptr;
};

std::optional<Hit> first_hit(const std::vector<RefusalDetector::Matcher>& matchers,
                             std::string_view t, std::size_t from) {
  std::optional<Hit> best;
  if (from > t.size()) return best;
  for (const auto& m : matchers) {
    re2::StringPiece sp;
    if (!m.re->Match(t, from, t.size(), re2::RE2::UNANCHORED, &sp, 1)) continue;
    const auto b = static_cast<std::size_t>(sp.data() - t.data());
    const Hit hit{b, b + sp.size(), &m.language};
    if (!best || hit.begin < best->begin || (hit.begin == best->begin && hit.end > best->end))
      best = hit;
  }
  return best;
}

std::vector<Hit> all_hits(const std::vector<RefusalDetector::Matcher>& matchers,
                          std::string_view t) {
  std::vector<Hit> hits;
  for (const auto& m : matchers) {
    std::size_t from = 0;
    re2::StringPiece sp;
    while (from <= t.size() && m.re->Match(t, from, t.size(), re2::RE2::UNANCHORED, &sp, 1)) {
      const auto b = static_cast<std::size_t>(sp.data() - t.data());
      hits.push_back({b, b + sp.size(), &m.language});
      from = sp.empty() ? b + 1 : b + sp.size();
    }
  }
  return hits;
}

std::size_t next_char(std::string_view t, std::size_t i) {
  utf8proc_int32_t cp = 0;
  return i + decode(t, i, cp);
}

std::string quote_output(std::string_view output, const detail::RefusalHead& h, const Hit& hit) {
  const std::size_t b = h.origin[hit.begin];
  const std::size_t e = std::max(b, h.origin[hit.end]);
  std::string_view s = output.substr(b, e - b);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\n' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return std::string(s);
}

std::string short_number(double v) { return fmt::format("{:g}", v); }

}  // namespace

RefusalPack parse_refusal_pack(std::string_view yaml, const std::string& file) {
  // The pack is built into qualbar: a broken one is a broken build, not a user's input error.
  try {
    return parse_pack(yaml, file);
  } catch (const InputError& e) {
    throw RunError(e.what());
  }
}

const RefusalPack& builtin_refusal_pack() {
  static const RefusalPack pack =
      parse_refusal_pack(data_file("refusal/patterns.yaml"), "data/refusal/patterns.yaml");
  return pack;
}

RefusalDetector::RefusalDetector(const RefusalPack& pack, RefusalSettings settings)
    : settings_(std::move(settings)) {
  if (!(settings_.window > 0) || !std::isfinite(settings_.window))
    throw ArgError("window",
                   fmt::format("must be more than 0, got {}", short_number(settings_.window)));
  if (!(settings_.answer_length > 0) || !std::isfinite(settings_.answer_length))
    throw ArgError("answer_length", fmt::format("must be more than 0, got {}",
                                                short_number(settings_.answer_length)));
  std::vector<std::string> available;
  for (const auto& l : pack.languages) available.push_back(l.code);
  for (const auto& code : settings_.languages) {
    if (std::find(available.begin(), available.end(), code) != available.end()) continue;
    std::string message = fmt::format("unknown language '{}'", code);
    if (auto guess = detail::closest_name(code, available); !guess.empty())
      message += fmt::format(". Did you mean '{}'?", guess);
    message += fmt::format(" Available: {}", fmt::join(available, ", "));
    throw ArgError("languages", message);
  }
  for (const auto& l : pack.languages) {
    const auto& only = settings_.languages;
    if (!only.empty() && std::find(only.begin(), only.end(), l.code) == only.end()) continue;
    refusal_.push_back({l.code, l.refusal});
    if (l.not_refusal) not_refusal_.push_back({l.code, l.not_refusal});
    if (l.answer_follows) answer_follows_.push_back({l.code, l.answer_follows});
  }
  for (std::size_t i = 0; i < settings_.extra_patterns.size(); ++i) {
    const std::string& p = settings_.extra_patterns[i];
    if (p.empty()) throw ArgError("extra_patterns", fmt::format("pattern {} is empty", i + 1));
    auto re = std::make_shared<const re2::RE2>(p, pattern_options());
    if (!re->ok())
      throw ArgError(
          "extra_patterns",
          fmt::format("pattern {} is not a valid RE2 regular expression: {}", i + 1, re->error()));
    if (matches_empty(*re))
      throw ArgError("extra_patterns",
                     fmt::format("pattern {} matches the empty text; every output would be a "
                                 "refusal",
                                 i + 1));
    refusal_.push_back({"extra_patterns", std::move(re)});
  }
  no_phrase_ =
      fmt::format("no refusal phrase in the first {} characters", short_number(settings_.window));
  if (settings_.languages.empty() && settings_.extra_patterns.empty() && pack.every_language) {
    any_refusal_ = pack.every_language;
    return;
  }
  std::vector<const re2::RE2*> patterns;
  for (const auto& m : refusal_) patterns.push_back(m.re.get());
  any_refusal_ = std::make_shared<const detail::PatternPrefilter>(std::move(patterns));
}

RefusalDetection RefusalDetector::detect(std::string_view output) const {
  const double limit = settings_.window + settings_.answer_length;
  // Most outputs hold no refusal phrase at all: one pass over the head says so, and only the
  // others are prepared again with each byte's place in the output, for the evidence.
  if (!any_refusal_->any(detail::refusal_head(output, settings_.window, limit, false).text))
    return RefusalDetection{};
  const detail::RefusalHead h = detail::refusal_head(output, settings_.window, limit, true);
  const std::string_view t = h.text;
  const std::vector<Hit> look_alikes = all_hits(not_refusal_, t);
  const std::vector<Span> quotes = quoted_spans(t, h.complete);

  std::optional<RefusalDetection> overruled;  // the first phrase set aside, for the evidence
  std::size_t from = 0;
  while (auto hit = first_hit(refusal_, t, from)) {
    if (hit->begin >= h.window_end) break;
    const auto look_alike = std::find_if(look_alikes.begin(), look_alikes.end(), [&](const Hit& n) {
      return n.begin < hit->end && hit->begin < n.end;
    });
    const bool quoted = std::any_of(quotes.begin(), quotes.end(), [&](const Span& q) {
      return q.begin < hit->begin && hit->begin < q.end;
    });
    if (look_alike != look_alikes.end() || quoted) {
      if (!overruled) {
        const Hit& shown = look_alike != look_alikes.end() ? *look_alike : *hit;
        overruled = RefusalDetection{.finding = look_alike != look_alikes.end()
                                                    ? RefusalFinding::not_refusal
                                                    : RefusalFinding::quoted,
                                     .phrase = quote_output(output, h, shown),
                                     .language = *shown.language,
                                     .position = h.origin[shown.begin]};
      }
      from = next_char(t, hit->begin);
      continue;
    }
    RefusalDetection d{.refused = true,
                       .finding = RefusalFinding::refusal,
                       .phrase = quote_output(output, h, *hit),
                       .language = *hit->language,
                       .position = h.origin[hit->begin]};
    if (auto follow = first_hit(answer_follows_, t, hit->end)) {
      d.refused = false;
      d.finding = RefusalFinding::answer_follows;
      d.follow = quote_output(output, h, *follow);
      return d;
    }
    const std::size_t after = units_after(output, h.origin[hit->end]);
    if (static_cast<double>(after) > settings_.answer_length) {
      d.refused = false;
      d.finding = RefusalFinding::long_answer;
      d.answer_length = after;
    }
    return d;
  }
  return overruled ? *overruled : RefusalDetection{};
}

std::string RefusalDetector::describe(const RefusalDetection& d) const {
  if (d.finding == RefusalFinding::no_phrase) return "answered: " + no_phrase_;
  return (d.refused ? "refused: " : "answered: ") + finding(d);
}

std::string RefusalDetector::finding(const RefusalDetection& d) const {
  const std::string phrase = excerpt(d.phrase, 80);
  switch (d.finding) {
    case RefusalFinding::refusal:
      return fmt::format("matched '{}' ({})", phrase, d.language);
    case RefusalFinding::no_phrase:
      return no_phrase_;
    case RefusalFinding::not_refusal:
      return fmt::format("'{}' is not a refusal ({})", phrase, d.language);
    case RefusalFinding::quoted:
      return fmt::format("'{}' ({}) is inside quotation marks", phrase, d.language);
    case RefusalFinding::answer_follows:
      return fmt::format("'{}' ({}) is followed by an answer ('{}')", phrase, d.language,
                         excerpt(d.follow, 60));
    case RefusalFinding::long_answer:
      return fmt::format("'{}' ({}) is followed by {} more characters", phrase, d.language,
                         d.answer_length);
  }
  return {};
}

}  // namespace qb
