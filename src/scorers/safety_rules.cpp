// Safety rule packs: data/safety/*.yaml parsed and compiled once, then scanned over a text for
// personal data and secrets (context words, ignore rules, overlaps), and each match masked for
// the evidence. The checksum validators a rule may name are in safety_validators.cpp.
#include "scorers/safety_rules.hpp"

#include <algorithm>
#include <map>
#include <optional>

#include <fmt/format.h>
#include <utf8proc.h>

#include "qualbar/core/error.hpp"
#include "qualbar/core/registry.hpp"
#include "qualbar/util/config.hpp"
#include "qualbar/util/embedded.hpp"
#include "qualbar/util/text.hpp"

namespace qb::detail {
namespace {

// ---- text helpers -------------------------------------------------------------------------------

bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

std::int32_t decode_at(std::string_view text, std::size_t pos) {
  utf8proc_int32_t cp = -1;
  utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(text.data() + pos),
                   static_cast<utf8proc_ssize_t>(text.size() - pos), &cp);
  return cp;
}

// A letter, mark or digit of any script: what a word is made of.
bool is_word_cp(std::int32_t cp) {
  if (cp < 0) return false;
  const auto cat = utf8proc_category(cp);
  return (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
         (cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME) ||
         (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO);
}

bool word_char_before(std::string_view text, std::size_t pos) {
  if (pos == 0) return false;
  std::size_t p = pos - 1;
  while (p > 0 && is_continuation(text[p])) --p;
  return is_word_cp(decode_at(text, p));
}
bool word_char_at(std::string_view text, std::size_t pos) {
  return pos < text.size() && is_word_cp(decode_at(text, pos));
}

// `pos` moved back (or forward) by `n` characters.
std::size_t back_chars(std::string_view text, std::size_t pos, std::size_t n) {
  while (n-- > 0 && pos > 0) {
    --pos;
    while (pos > 0 && is_continuation(text[pos])) --pos;
  }
  return pos;
}
std::size_t forward_chars(std::string_view text, std::size_t pos, std::size_t n) {
  while (n-- > 0 && pos < text.size()) {
    ++pos;
    while (pos < text.size() && is_continuation(text[pos])) ++pos;
  }
  return pos;
}

// ---- word lists ---------------------------------------------------------------------------------

struct MatchSpan {
  std::size_t begin = 0;
  std::size_t end = 0;
};

// Calls `f` for each whole-word occurrence of a word of `list` in text[from, to).
template <class F>
void for_each_word(const WordList& list, std::string_view text, std::size_t from, std::size_t to,
                   F&& f) {
  re2::StringPiece m;
  for (const auto& w : list.words) {
    std::size_t pos = from;
    while (pos < to && w.re->Match(text, pos, to, re2::RE2::UNANCHORED, &m, 1)) {
      const std::size_t b = static_cast<std::size_t>(m.data() - text.data());
      const std::size_t e = b + m.size();
      if ((!w.check_start || !word_char_before(text, b)) &&
          (!w.check_end || !word_char_at(text, e)))
        f(MatchSpan{b, e});
      pos = forward_chars(text, b, 1);
    }
  }
}

bool near_word(const WordList& list, std::string_view text, MatchSpan s, std::size_t window) {
  bool found = false;
  for_each_word(list, text, back_chars(text, s.begin, window), forward_chars(text, s.end, window),
                [&](MatchSpan) { found = true; });
  return found;
}

// Characters before a match searched for `ignore_after` words.
constexpr std::size_t kIgnoreAfterWindow = 25;

// True when an ignore_after word stands right before the match with no context word between.
bool after_reference_word(const SafetyRule& rule, std::string_view text, MatchSpan s) {
  std::optional<MatchSpan> last;
  for_each_word(rule.ignore_after, text, back_chars(text, s.begin, kIgnoreAfterWindow), s.begin,
                [&](MatchSpan w) {
                  if (!last || w.begin > last->begin) last = w;
                });
  if (!last) return false;
  bool context_between = false;
  for_each_word(rule.context, text, last->end, s.begin, [&](MatchSpan) { context_between = true; });
  return !context_between;
}

bool inside_shape(const re2::RE2& shape, std::string_view text, MatchSpan s) {
  constexpr std::size_t kReach = 120;  // bytes: longer than any shape (an IBAN, a UUID)
  std::size_t pos = s.begin > kReach ? s.begin - kReach : 0;
  while (pos > 0 && is_continuation(text[pos])) --pos;
  const std::size_t to = std::min(text.size(), s.end + kReach);
  re2::StringPiece m;
  while (pos <= s.begin && shape.Match(text, pos, to, re2::RE2::UNANCHORED, &m, 1)) {
    const std::size_t b = static_cast<std::size_t>(m.data() - text.data());
    if (b > s.begin) break;
    if (b + m.size() >= s.end) return true;
    pos = forward_chars(text, b, 1);
  }
  return false;
}

// ---- scanning -----------------------------------------------------------------------------------

// The span to report for a match of `re` at [b, e), or nothing. A span the validator rejects is
// shortened to an earlier word end where the pattern still matches ("4111 1111 1111 1111 20").
std::optional<MatchSpan> accept(const SafetyRule& rule, const re2::RE2& re, bool weak,
                                std::string_view text, MatchSpan s, bool can_shorten) {
  if (rule.validator && !rule.validator(text.substr(s.begin, s.end - s.begin))) {
    if (!can_shorten) return std::nullopt;
    bool shortened = false;
    for (std::size_t end = s.end - 1; end > s.begin && !shortened; --end) {
      if (is_ascii_alnum(text[end]) || !is_ascii_alnum(text[end - 1])) continue;
      const std::string_view part = text.substr(s.begin, end - s.begin);
      if (re2::RE2::FullMatch(part, re) && rule.validator(part)) {
        s.end = end;
        shortened = true;
      }
    }
    if (!shortened) return std::nullopt;
  }
  const std::string_view span = text.substr(s.begin, s.end - s.begin);
  if (rule.ignore && re2::RE2::PartialMatch(span, *rule.ignore)) return std::nullopt;
  if (rule.ignore_inside && inside_shape(*rule.ignore_inside, text, s)) return std::nullopt;
  if (weak && !near_word(rule.context, text, s, rule.context_window)) return std::nullopt;
  if (!rule.ignore_after.empty() && after_reference_word(rule, text, s)) return std::nullopt;
  return s;
}

// Where to look again after a rejected match starting at `b`: the end of the word it started in.
std::size_t after_word(std::string_view text, std::size_t b) {
  std::size_t p = b + 1;
  while (p < text.size() && (is_ascii_alnum(text[p]) || is_continuation(text[p]))) ++p;
  return p;
}

struct Found {
  MatchSpan span;
  std::size_t order;  // index of the rule: the earlier wins a tie
};

void scan_pattern(const SafetyRule& rule, const re2::RE2& re, bool weak, std::string_view text,
                  std::size_t order, std::vector<Found>& out) {
  const int n = re.NumberOfCapturingGroups();
  std::vector<re2::StringPiece> groups(static_cast<std::size_t>(n) + 1);
  std::size_t pos = 0;
  while (pos <= text.size() &&
         re.Match(text, pos, text.size(), re2::RE2::UNANCHORED, groups.data(), n + 1)) {
    const std::size_t mb = static_cast<std::size_t>(groups[0].data() - text.data());
    const std::size_t me = mb + groups[0].size();
    MatchSpan s{mb, me};
    bool whole = true;
    for (int g = 1; g <= n; ++g) {
      if (groups[g].data() == nullptr || groups[g].empty()) continue;
      s.begin = static_cast<std::size_t>(groups[g].data() - text.data());
      s.end = s.begin + groups[g].size();
      whole = false;
      break;
    }
    if (s.begin == s.end) {
      pos = after_word(text, mb);
      continue;
    }
    if (auto accepted = accept(rule, re, weak, text, s, whole)) {
      out.push_back({*accepted, order});
      pos = std::max(whole ? accepted->end : me, mb + 1);
    } else {
      pos = after_word(text, mb);
    }
  }
}

// Keeps the longest of overlapping spans (then the lowest order), in text order.
std::vector<Found> without_overlaps(std::vector<Found> found) {
  std::sort(found.begin(), found.end(), [](const Found& a, const Found& b) {
    const std::size_t la = a.span.end - a.span.begin, lb = b.span.end - b.span.begin;
    if (la != lb) return la > lb;
    if (a.order != b.order) return a.order < b.order;
    return a.span.begin < b.span.begin;
  });
  std::map<std::size_t, Found> kept;  // by begin
  for (const Found& f : found) {
    auto next = kept.lower_bound(f.span.begin);
    if (next != kept.end() && next->second.span.begin < f.span.end) continue;
    if (next != kept.begin() && std::prev(next)->second.span.end > f.span.begin) continue;
    kept.emplace(f.span.begin, f);
  }
  std::vector<Found> out;
  for (auto& [_, f] : kept) out.push_back(f);
  return out;
}

// ---- pack parsing -------------------------------------------------------------------------------

std::unique_ptr<re2::RE2> compile(const ConfigReader& in, const ConfigNode& node,
                                  const std::string& field) {
  const std::string text = in.string(node, field);
  if (text.empty()) in.fail(node, field, "must not be empty");
  re2::RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_unique<re2::RE2>(text, options);
  if (!re->ok())
    in.fail(node, field, fmt::format("is not a valid RE2 regular expression: {}", re->error()));
  return re;
}

WordList compile_words(const ConfigReader& in, const ConfigNode& node, const std::string& field) {
  if (!node.is_sequence()) in.fail(node, field, "expected a list of words");
  WordList list;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string where = fmt::format("{}[{}]", field, i);
    std::string word = in.string(node.items()[i], where);
    const bool prefix = !word.empty() && word.back() == '*';
    if (prefix) word.pop_back();
    if (word.empty()) in.fail(node.items()[i], where, "must not be empty");
    const bool has_lower = std::any_of(word.begin(), word.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || static_cast<unsigned char>(c) >= 0x80;
    });
    const bool has_upper =
        std::any_of(word.begin(), word.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
    re2::RE2::Options options;
    options.set_log_errors(false);
    options.set_literal(true);
    options.set_case_sensitive(has_upper && !has_lower);  // "SIN" is not Spanish "sin"
    WordList::Word w;
    w.re = std::make_unique<re2::RE2>(word, options);
    w.check_start = is_ascii_alnum(word.front());
    w.check_end = !prefix && is_ascii_alnum(word.back());
    list.words.push_back(std::move(w));
  }
  return list;
}

bool valid_rule_id(std::string_view id) {
  if (id.empty() || id.front() == '-' || id.back() == '-') return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

SafetyRule parse_rule(const ConfigReader& in, const ConfigNode& r, const std::string& where) {
  static const std::vector<std::string> kFields = {
      "id",           "description", "pattern",       "weak_pattern", "context", "context_window",
      "ignore_after", "ignore",      "ignore_inside", "validator",    "mask"};
  if (!r.is_map()) in.fail(r, where, "expected a rule: a map with id, description and pattern");
  in.check_keys(r, where, kFields);
  SafetyRule rule;
  if (!r["id"]) in.fail(r, where + ".id", "is required: the rule's name, such as credit-card");
  rule.id = in.string(r["id"], where + ".id");
  if (!valid_rule_id(rule.id))
    in.fail(r["id"], where + ".id",
            fmt::format("'{}' is not a rule id: use small letters, digits and dashes", rule.id));
  if (!r["description"])
    in.fail(r, where + ".description", "is required: what the rule matches, in a sentence");
  rule.description = in.string(r["description"], where + ".description");
  if (r["pattern"]) rule.pattern = compile(in, r["pattern"], where + ".pattern");
  if (r["weak_pattern"])
    rule.weak_pattern = compile(in, r["weak_pattern"], where + ".weak_pattern");
  if (!rule.pattern && !rule.weak_pattern)
    in.fail(r, where + ".pattern", "is required (or weak_pattern): the RE2 expression to find");
  if (r["context"]) rule.context = compile_words(in, r["context"], where + ".context");
  if (rule.weak_pattern && rule.context.empty())
    in.fail(r["weak_pattern"], where + ".context",
            "is required with weak_pattern: the words a weak match must stand near");
  if (r["context_window"])
    rule.context_window =
        static_cast<std::size_t>(in.integer(r["context_window"], where + ".context_window", 1));
  if (r["ignore_after"])
    rule.ignore_after = compile_words(in, r["ignore_after"], where + ".ignore_after");
  if (r["ignore"]) rule.ignore = compile(in, r["ignore"], where + ".ignore");
  if (r["ignore_inside"])
    rule.ignore_inside = compile(in, r["ignore_inside"], where + ".ignore_inside");
  if (r["validator"]) {
    rule.validator_name = in.string(r["validator"], where + ".validator");
    rule.validator = find_validator(rule.validator_name);
    if (!rule.validator) {
      std::string message = fmt::format("unknown validator '{}'.", rule.validator_name);
      const auto names = validator_names();
      if (auto guess = closest_name(rule.validator_name, names); !guess.empty())
        message += fmt::format(" Did you mean '{}'?", guess);
      message += fmt::format(" Available: {}", fmt::join(names, ", "));
      in.fail(r["validator"], where + ".validator", message);
    }
  }
  if (r["mask"]) {
    const std::string m = in.string(r["mask"], where + ".mask");
    if (m == "last4")
      rule.mask = MaskStyle::last4;
    else if (m == "email")
      rule.mask = MaskStyle::email;
    else if (m == "secret")
      rule.mask = MaskStyle::secret;
    else
      in.fail(r["mask"], where + ".mask",
              fmt::format("unknown mask '{}'. Available: last4, email, secret", m));
  }
  return rule;
}

}  // namespace

SafetyPack parse_safety_pack(std::string name, std::string file, std::string_view yaml) {
  const ConfigReader in(file, {});
  const ConfigNode& root = in.load(yaml);
  if (!root.is_map())
    throw InputError(Location{file, 1, 1, ""},
                     "a safety pack is a YAML map with `description` and `rules`");
  in.check_keys(root, "", {"description", "words", "rules"});
  SafetyPack pack;
  pack.name = std::move(name);
  pack.file = std::move(file);
  if (root["description"]) pack.description = in.string(root["description"], "description");
  const ConfigNode& rules = root["rules"];
  if (!rules || !rules.is_sequence() || rules.size() == 0)
    in.fail(rules ? rules : root, "rules", "is required: a list of rules");
  std::map<std::string, int> lines;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const std::string where = fmt::format("rules[{}]", i);
    SafetyRule rule = parse_rule(in, rules.items()[i], where);
    const int line = rules.items()[i].line();
    if (auto [it, fresh] = lines.try_emplace(rule.id, line); !fresh)
      in.fail(rules.items()[i]["id"], where + ".id",
              fmt::format("rule '{}' appears twice (first at line {})", rule.id, it->second));
    rule.pack = pack.name;
    pack.rules.push_back(std::move(rule));
  }
  return pack;
}

const std::vector<SafetyPack>& safety_packs() {
  static const std::vector<SafetyPack> packs = [] {
    constexpr std::string_view kFolder = "safety/", kExtension = ".yaml";
    std::vector<SafetyPack> out;
    for (const auto& f : data_files()) {
      if (!f.path.starts_with(kFolder) || !f.path.ends_with(kExtension)) continue;
      const std::string_view stem =
          f.path.substr(kFolder.size(), f.path.size() - kFolder.size() - kExtension.size());
      out.push_back(parse_safety_pack(std::string(stem), "data/" + std::string(f.path), f.content));
    }
    std::sort(out.begin(), out.end(),
              [](const SafetyPack& a, const SafetyPack& b) { return a.name < b.name; });
    std::map<std::string, const SafetyPack*> owner;
    for (const auto& p : out) {
      for (const auto& r : p.rules) {
        if (auto [it, fresh] = owner.try_emplace(r.id, &p); !fresh)
          throw InputError(
              fmt::format("{}: rule '{}' is also defined in {}; rule ids must be "
                          "unique across packs",
                          p.file, r.id, it->second->file));
      }
    }
    return out;
  }();
  return packs;
}

namespace {

// The violations found by the rules (or the patterns) `which` says to search: (rule, weak).
std::vector<Violation> scan_some(std::string_view text, std::span<const SafetyRule* const> rules,
                                 std::span<const std::pair<std::size_t, bool>> which) {
  std::vector<Found> found;
  for (const auto& [k, weak] : which) {
    const SafetyRule& rule = *rules[k];
    const re2::RE2* re = weak ? rule.weak_pattern.get() : rule.pattern.get();
    if (re != nullptr) scan_pattern(rule, *re, weak, text, k, found);
  }
  std::vector<Violation> out;
  for (const Found& f : without_overlaps(std::move(found))) {
    const SafetyRule& rule = *rules[f.order];
    out.push_back({rule.id, f.span.begin, f.span.end,
                   mask(text.substr(f.span.begin, f.span.end - f.span.begin), rule.mask)});
  }
  return out;
}

std::vector<std::pair<std::size_t, bool>> every_pattern(std::span<const SafetyRule* const> rules) {
  std::vector<std::pair<std::size_t, bool>> out;
  for (std::size_t k = 0; k < rules.size(); ++k) {
    if (rules[k]->pattern) out.emplace_back(k, false);
    if (rules[k]->weak_pattern) out.emplace_back(k, true);
  }
  return out;
}

}  // namespace

std::vector<Violation> scan_safety(std::string_view text,
                                   std::span<const SafetyRule* const> rules) {
  return scan_some(text, rules, every_pattern(rules));
}

namespace {

std::vector<const re2::RE2*> patterns_of(std::span<const SafetyRule* const> rules,
                                         const std::vector<std::pair<std::size_t, bool>>& which) {
  std::vector<const re2::RE2*> out;
  for (const auto& [k, weak] : which)
    out.push_back(weak ? rules[k]->weak_pattern.get() : rules[k]->pattern.get());
  return out;
}

// Every pattern of every built-in pack in one prefilter, shared by every scanner of built-in
// rules: the pii, secrets and safety scorers of a suite then pass over an output once between
// them (each thread keeps the last text's result).
struct SharedPass {
  std::vector<const SafetyRule*> rules;
  std::vector<std::pair<std::size_t, bool>> of;  // prefilter index → (rule, weak pattern)
  PatternPrefilter prefilter;
};

const SharedPass& shared_pass() {
  static const SharedPass pass = [] {
    std::vector<const SafetyRule*> rules;
    for (const auto& p : safety_packs())
      for (const auto& r : p.rules) rules.push_back(&r);
    auto of = every_pattern(rules);
    auto patterns = patterns_of(rules, of);
    return SharedPass{std::move(rules), std::move(of), PatternPrefilter(std::move(patterns))};
  }();
  return pass;
}

const std::vector<int>& shared_matching(std::string_view text) {
  struct Last {
    bool set = false;
    std::string text;
    std::vector<int> matching;
  };
  thread_local Last last;
  if (!last.set || last.text != text) {
    last.set = false;  // stays unset if matching throws (out of memory)
    last.text.assign(text);
    shared_pass().prefilter.matching(text, last.matching);
    last.set = true;
  }
  return last.matching;
}

}  // namespace

SafetyScanner::SafetyScanner(std::vector<const SafetyRule*> rules)
    : rules_(std::move(rules)), of_(every_pattern(rules_)) {
  const SharedPass& shared = shared_pass();
  std::vector<int> from_shared(shared.of.size(), -1);
  bool all_built_in = shared.prefilter.built();
  for (std::size_t own = 0; own < of_.size() && all_built_in; ++own) {
    const auto& [k, weak] = of_[own];
    const auto it = std::find_if(shared.of.begin(), shared.of.end(), [&](const auto& x) {
      return shared.rules[x.first] == rules_[k] && x.second == weak;
    });
    if (it == shared.of.end())
      all_built_in = false;
    else
      from_shared[static_cast<std::size_t>(it - shared.of.begin())] = static_cast<int>(own);
  }
  if (all_built_in)
    from_shared_ = std::move(from_shared);
  else
    own_.emplace(patterns_of(rules_, of_));
}

SafetyScanner::~SafetyScanner() = default;
SafetyScanner::SafetyScanner(SafetyScanner&&) noexcept = default;
SafetyScanner& SafetyScanner::operator=(SafetyScanner&&) noexcept = default;

std::vector<Violation> SafetyScanner::scan(std::string_view text) const {
  thread_local std::vector<int> hits;
  if (own_) {
    own_->matching(text, hits);
  } else {
    hits.clear();
    for (const int h : shared_matching(text))
      if (const int own = from_shared_[static_cast<std::size_t>(h)]; own >= 0) hits.push_back(own);
    std::sort(hits.begin(), hits.end());
  }
  if (hits.empty()) return {};
  std::vector<std::pair<std::size_t, bool>> which;
  which.reserve(hits.size());
  for (const int h : hits) which.push_back(of_[static_cast<std::size_t>(h)]);
  return scan_some(text, rules_, which);
}

std::vector<Violation> find_canaries(std::string_view text, std::span<const std::string> canaries) {
  std::vector<Found> found;
  re2::RE2::Options options;
  options.set_log_errors(false);
  options.set_literal(true);
  options.set_case_sensitive(false);
  for (std::size_t k = 0; k < canaries.size(); ++k) {
    const re2::RE2 re(canaries[k], options);
    re2::StringPiece m;
    std::size_t pos = 0;
    while (pos < text.size() && re.Match(text, pos, text.size(), re2::RE2::UNANCHORED, &m, 1)) {
      const std::size_t b = static_cast<std::size_t>(m.data() - text.data());
      found.push_back({{b, b + m.size()}, k});
      pos = std::max(b + m.size(), b + 1);
    }
  }
  std::vector<Violation> out;
  for (const Found& f : without_overlaps(std::move(found)))
    out.push_back({"canary", f.span.begin, f.span.end,
                   mask(text.substr(f.span.begin, f.span.end - f.span.begin), MaskStyle::secret)});
  return out;
}

// ---- masking ------------------------------------------------------------------------------------

std::string mask(std::string_view text, MaskStyle style) {
  // Code points of the text, so that no character is cut.
  std::vector<std::string_view> chars;
  for (std::size_t i = 0; i < text.size();) {
    std::size_t j = i + 1;
    while (j < text.size() && is_continuation(text[j])) ++j;
    chars.push_back(text.substr(i, j - i));
    i = j;
  }
  auto printable = [](std::string_view c) {
    return c.size() == 1 && static_cast<unsigned char>(c[0]) < 0x20 ? std::string_view(" ") : c;
  };
  const auto secret = [&] {
    std::string out;
    const std::size_t keep = std::min<std::size_t>(4, chars.size() / 4);
    for (std::size_t i = 0; i < keep; ++i) out += printable(chars[i]);
    return out + "***";
  };
  switch (style) {
    case MaskStyle::secret:
      return secret();
    case MaskStyle::email: {
      const std::size_t at = text.rfind('@');
      if (at == std::string_view::npos || at == 0) return secret();
      return std::string(chars.front()) + "***" + std::string(text.substr(at));
    }
    case MaskStyle::last4: {
      // Separators (ASCII punctuation and spaces) stay, so the shape of the number shows.
      auto hidden = [](std::string_view c) { return c.size() > 1 || is_ascii_alnum(c[0]); };
      const std::size_t n =
          static_cast<std::size_t>(std::count_if(chars.begin(), chars.end(), hidden));
      const std::size_t keep = std::min<std::size_t>(4, n / 2);
      std::string out;
      std::size_t seen = 0;
      for (std::string_view c : chars) {
        if (!hidden(c))
          out += printable(c);
        else
          out += seen++ < n - keep ? std::string_view("*") : c;
      }
      return out;
    }
  }
  return "***";
}

}  // namespace qb::detail
