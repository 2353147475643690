// Splitting a text into claims: Markdown lines, sentences (abbreviations and initials do not end
// one), clauses at semicolons and conjunctions, citation markers and the sentences that state
// nothing. Word lists: data/claims/abbreviations.txt, conjunctions.txt and non_claims.txt.
#include "scorers/claims_internal.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <unordered_set>

#include <re2/re2.h>

#include "qualbar/util/embedded.hpp"
#include "qualbar/util/text.hpp"

namespace qb::detail {

using namespace claims_internal;

namespace {

using re2::RE2;

constexpr std::size_t kMinSemicolonWords = 3;
constexpr std::size_t kMinConjunctionWords = 4;

// ---- tables --------------------------------------------------------------------------------

// A language's conjunctions that start a clause: after a comma only, or anywhere.
struct Conjunctions {
  std::unordered_set<std::string> comma;
  std::unordered_set<std::string> any;
};

struct SplitTables {
  std::map<std::string, Conjunctions, std::less<>> conjunctions;  // "" = any other language
  std::unordered_set<std::string> abbrev_never;
  std::unordered_set<std::string> abbrev_capital;
  std::vector<std::unique_ptr<RE2>> drop;
  std::vector<std::unique_ptr<RE2>> strip;
  std::unique_ptr<RE2> marker, bullet, bold_line, source_colon, see_prefix, bracket_prefix,
      id_chars;

  [[nodiscard]] const Conjunctions& conjunctions_of(std::string_view language) const {
    const auto it = conjunctions.find(language);
    return it == conjunctions.end() ? conjunctions.at("") : it->second;
  }
};

void load_conjunctions(SplitTables& t, std::string_view language) {
  Conjunctions& c = t.conjunctions[std::string(language)];
  const std::string conj_path = "claims/conjunctions.txt";
  for (const auto& line : data_lines(data_file(conj_path))) {
    const auto f = split_words(line.text);
    if (f.size() < 3 || (f[1] != "comma" && f[1] != "any"))
      bad_data(conj_path, line.number, "expected '<language> comma|any <words>'");
    if (f[0] != language) continue;
    for (std::size_t i = 2; i < f.size(); ++i) {
      (f[1] == "comma" ? c.comma : c.any).insert(casefold(f[i]));
    }
  }
}

SplitTables build_split_tables() {
  SplitTables t;
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
  for (std::string_view language : kLanguages) load_conjunctions(t, language);
  load_conjunctions(t, "");

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

const SplitTables& split_tables() {
  static const SplitTables t = build_split_tables();
  return t;
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
  const SplitTables& t = split_tables();
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
  const SplitTables& t = split_tables();
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

struct ClauseSpan {
  std::size_t b = 0, e = 0;
};

// Whether the "." at i (the line is s[.., e)) ends a sentence; `after` is past the full stop
// and any closing quotes.
bool full_stop_ends(std::string_view s, std::size_t i, std::size_t after, std::size_t e,
                    bool ellipsis) {
  const SplitTables& t = split_tables();
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
    if (is_month_name(casefold(s.substr(k, ne - k)))) return false;
  }
  return true;
}

std::vector<ClauseSpan> split_sentences(std::string_view s, std::size_t b, std::size_t e) {
  std::vector<ClauseSpan> out;
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
std::vector<std::string> split_clauses(std::string_view sentence, const Conjunctions& conj) {
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
  if (conj.any.empty() && conj.comma.empty()) return parts;

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
      if ((conj.any.count(word) || (comma && conj.comma.count(word))) &&
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

bool has_claim_content(std::string_view claim, const std::unordered_set<std::string>& stop_words) {
  for (const auto& token : tokens_of(claim)) {
    if (has_digit(token) || is_content(token, stop_words)) return true;
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

std::vector<Claim> split_claims(std::string_view text, const Locale& locale,
                                const std::vector<std::string>& known_ids) {
  const SplitTables& t = split_tables();
  const Conjunctions& conj = t.conjunctions_of(locale.language);
  const auto& stop_words = stopwords(locale.language);
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
      for (const auto& clause : split_clauses(sentence, conj)) {
        std::string claim = tidy_claim(clause);
        if (claim.empty() || !has_claim_content(claim, stop_words)) continue;
        claims.push_back({std::move(claim), sentence_index, cited[k]});
        any = true;
      }
      if (any) ++sentence_index;
    }
  }
  return claims;
}

}  // namespace qb::detail
