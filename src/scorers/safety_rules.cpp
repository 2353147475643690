#include "scorers/safety_rules.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <optional>

#include <fmt/format.h>
#include <utf8proc.h>
#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

#include "qualbar/core/error.hpp"
#include "qualbar/core/registry.hpp"
#include "qualbar/suite/yaml_reader.hpp"
#include "qualbar/util/embedded.hpp"

namespace qb::detail {
namespace {

// ---- text helpers -------------------------------------------------------------------------------

bool is_ascii_alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
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

std::string digits_of(std::string_view text) {
  std::string out;
  for (char c : text)
    if (c >= '0' && c <= '9') out += c;
  return out;
}

std::string upper_alnum_of(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c >= 'a' && c <= 'z')
      out += static_cast<char>(c - 'a' + 'A');
    else if (is_ascii_alnum(c))
      out += c;
  }
  return out;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}
bool all_same(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [&](char c) { return c == s.front(); });
}
int number_of(std::string_view digits) {
  int n = 0;
  for (char c : digits) n = n * 10 + (c - '0');
  return n;
}

// ---- word lists ---------------------------------------------------------------------------------

struct Span {
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
        f(Span{b, e});
      pos = forward_chars(text, b, 1);
    }
  }
}

bool near_word(const WordList& list, std::string_view text, Span s, std::size_t window) {
  bool found = false;
  for_each_word(list, text, back_chars(text, s.begin, window), forward_chars(text, s.end, window),
                [&](Span) { found = true; });
  return found;
}

// Characters before a match searched for `ignore_after` words.
constexpr std::size_t kIgnoreAfterWindow = 25;

// True when an ignore_after word stands right before the match with no context word between.
bool after_reference_word(const SafetyRule& rule, std::string_view text, Span s) {
  std::optional<Span> last;
  for_each_word(rule.ignore_after, text, back_chars(text, s.begin, kIgnoreAfterWindow), s.begin,
                [&](Span w) {
                  if (!last || w.begin > last->begin) last = w;
                });
  if (!last) return false;
  bool context_between = false;
  for_each_word(rule.context, text, last->end, s.begin, [&](Span) { context_between = true; });
  return !context_between;
}

bool inside_shape(const re2::RE2& shape, std::string_view text, Span s) {
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
std::optional<Span> accept(const SafetyRule& rule, const re2::RE2& re, bool weak,
                           std::string_view text, Span s, bool can_shorten) {
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
  Span span;
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
    Span s{mb, me};
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

std::unique_ptr<re2::RE2> compile(const YamlReader& in, const YAML::Node& node,
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

WordList compile_words(const YamlReader& in, const YAML::Node& node, const std::string& field) {
  if (!node.IsSequence()) in.fail(node, field, "expected a list of words");
  WordList list;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string where = fmt::format("{}[{}]", field, i);
    std::string word = in.string(node[i], where);
    const bool prefix = !word.empty() && word.back() == '*';
    if (prefix) word.pop_back();
    if (word.empty()) in.fail(node[i], where, "must not be empty");
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

SafetyRule parse_rule(const YamlReader& in, const YAML::Node& r, const std::string& where) {
  static const std::vector<std::string> kFields = {
      "id",           "description", "pattern",       "weak_pattern", "context", "context_window",
      "ignore_after", "ignore",      "ignore_inside", "validator",    "mask"};
  if (!r.IsMap()) in.fail(r, where, "expected a rule: a map with id, description and pattern");
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
  YamlReader in(file, {});
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::ParserException& e) {
    throw InputError(Location{file, e.mark.line + 1, e.mark.column + 1, ""},
                     fmt::format("this is not valid YAML: {}", e.msg));
  }
  if (!root.IsMap())
    throw InputError(Location{file, 1, 1, ""},
                     "a safety pack is a YAML map with `description` and `rules`");
  in.check_keys(root, "", {"description", "words", "rules"});
  SafetyPack pack;
  pack.name = std::move(name);
  pack.file = std::move(file);
  if (root["description"]) pack.description = in.string(root["description"], "description");
  const YAML::Node rules = root["rules"];
  if (!rules || !rules.IsSequence() || rules.size() == 0)
    in.fail(rules ? rules : root, "rules", "is required: a list of rules");
  std::map<std::string, int> lines;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const std::string where = fmt::format("rules[{}]", i);
    SafetyRule rule = parse_rule(in, rules[i], where);
    const int line = rules[i].Mark().line + 1;
    if (auto [it, fresh] = lines.try_emplace(rule.id, line); !fresh)
      in.fail(rules[i]["id"], where + ".id",
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

std::vector<Violation> scan_safety(std::string_view text,
                                   std::span<const SafetyRule* const> rules) {
  std::vector<Found> found;
  for (std::size_t k = 0; k < rules.size(); ++k) {
    const SafetyRule& rule = *rules[k];
    if (rule.pattern) scan_pattern(rule, *rule.pattern, false, text, k, found);
    if (rule.weak_pattern) scan_pattern(rule, *rule.weak_pattern, true, text, k, found);
  }
  std::vector<Violation> out;
  for (const Found& f : without_overlaps(std::move(found))) {
    const SafetyRule& rule = *rules[f.order];
    out.push_back({rule.id, f.span.begin, f.span.end,
                   mask(text.substr(f.span.begin, f.span.end - f.span.begin), rule.mask)});
  }
  return out;
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

// ---- validators ---------------------------------------------------------------------------------

bool luhn_valid(std::string_view text) {
  const std::string d = digits_of(text);
  if (d.size() < 2 || (all_same(d) && d.front() == '0')) return false;
  int sum = 0;
  for (std::size_t i = 0; i < d.size(); ++i) {
    int v = d[d.size() - 1 - i] - '0';
    if (i % 2 == 1) v = v * 2 > 9 ? v * 2 - 9 : v * 2;
    sum += v;
  }
  return sum % 10 == 0;
}

bool payment_card_valid(std::string_view text) {
  struct Network {
    int low, high, prefix_digits;
    std::uint32_t lengths;  // bit n set: n digits allowed
  };
  constexpr auto len = [](int from, int to) {
    std::uint32_t bits = 0;
    for (int n = from; n <= to; ++n) bits |= 1u << n;
    return bits;
  };
  // Issuer ranges (IIN) and card lengths of the networks in use; a number outside them is not a
  // card, whatever its checksum (IMEIs, order and tracking numbers are often Luhn-valid).
  static constexpr std::array<Network, 24> kNetworks = {{
      {4, 4, 1, len(13, 13) | len(16, 16) | len(19, 19)},  // Visa
      {51, 55, 2, len(16, 16)},
      {2221, 2720, 4, len(16, 16)},  // Mastercard
      {34, 34, 2, len(15, 15)},
      {37, 37, 2, len(15, 15)},  // American Express
      {6011, 6011, 4, len(16, 19)},
      {644, 649, 3, len(16, 19)},
      {65, 65, 2, len(16, 19)},      // Discover
      {3528, 3589, 4, len(16, 19)},  // JCB
      {300, 305, 3, len(14, 19)},
      {3095, 3095, 4, len(14, 19)},
      {36, 36, 2, len(14, 19)},
      {38, 39, 2, len(16, 19)},  // Diners Club
      {62, 62, 2, len(16, 19)},
      {81, 81, 2, len(16, 19)},  // UnionPay
      {50, 50, 2, len(13, 19)},
      {56, 58, 2, len(13, 19)},
      {63, 63, 2, len(16, 19)},
      {67, 67, 2, len(13, 19)},  // Maestro
      {60, 60, 2, len(16, 19)},
      {82, 82, 2, len(16, 16)},
      {508, 508, 3, len(16, 16)},    // RuPay
      {2200, 2204, 4, len(16, 19)},  // Mir
      {9792, 9792, 4, len(16, 16)},  // Troy
  }};
  const std::string d = digits_of(text);
  if (d.size() < 13 || d.size() > 19) return false;
  const bool known = std::any_of(kNetworks.begin(), kNetworks.end(), [&](const Network& n) {
    const int prefix = number_of(std::string_view(d).substr(0, n.prefix_digits));
    return prefix >= n.low && prefix <= n.high && ((n.lengths >> d.size()) & 1u) != 0;
  });
  return known && luhn_valid(d);
}

bool iban_valid(std::string_view text) {
  // Lengths from the SWIFT IBAN registry.
  static const std::map<std::string_view, std::size_t> kLengths = {
      {"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28}, {"BA", 20}, {"BE", 16},
      {"BG", 22}, {"BH", 22}, {"BI", 27}, {"BR", 29}, {"BY", 28}, {"CH", 21}, {"CR", 22},
      {"CY", 28}, {"CZ", 24}, {"DE", 22}, {"DJ", 27}, {"DK", 18}, {"DO", 28}, {"EE", 20},
      {"EG", 29}, {"ES", 24}, {"FI", 18}, {"FK", 18}, {"FO", 18}, {"FR", 27}, {"GB", 22},
      {"GE", 22}, {"GI", 23}, {"GL", 18}, {"GR", 27}, {"GT", 28}, {"HR", 21}, {"HU", 28},
      {"IE", 22}, {"IL", 23}, {"IQ", 23}, {"IS", 26}, {"IT", 27}, {"JO", 30}, {"KW", 30},
      {"KZ", 20}, {"LB", 28}, {"LC", 32}, {"LI", 21}, {"LT", 20}, {"LU", 20}, {"LV", 21},
      {"LY", 25}, {"MC", 27}, {"MD", 24}, {"ME", 22}, {"MK", 19}, {"MN", 20}, {"MR", 27},
      {"MT", 31}, {"MU", 30}, {"NI", 28}, {"NL", 18}, {"NO", 15}, {"OM", 23}, {"PK", 24},
      {"PL", 28}, {"PS", 29}, {"PT", 25}, {"QA", 29}, {"RO", 24}, {"RS", 22}, {"RU", 33},
      {"SA", 24}, {"SC", 31}, {"SD", 18}, {"SE", 24}, {"SI", 19}, {"SK", 24}, {"SM", 27},
      {"SO", 23}, {"ST", 25}, {"SV", 28}, {"TL", 23}, {"TN", 24}, {"TR", 26}, {"UA", 29},
      {"VA", 22}, {"VG", 24}, {"XK", 20}, {"YE", 30},
  };
  const std::string s = upper_alnum_of(text);
  if (s.size() < 15) return false;
  const auto it = kLengths.find(std::string_view(s).substr(0, 2));
  if (it == kLengths.end() || it->second != s.size() || !all_digits(s.substr(2, 2))) return false;
  int rest = 0;  // the number BBAN + country + check digits (A = 10 ... Z = 35), mod 97
  for (char c : s.substr(4) + s.substr(0, 4)) {
    rest = c <= '9' ? (rest * 10 + (c - '0')) % 97 : (rest * 100 + (c - 'A' + 10)) % 97;
  }
  return rest == 1;
}

bool us_ssn_valid(std::string_view text) {
  const std::string d = digits_of(text);
  if (d.size() != 9) return false;
  const int area = number_of(d.substr(0, 3)), group = number_of(d.substr(3, 2)),
            serial = number_of(d.substr(5));
  // 078-05-1120 and 219-09-9999 were printed in advertising and are void.
  return area != 0 && area != 666 && area < 900 && group != 0 && serial != 0 && d != "078051120" &&
         d != "219099999";
}

bool uk_nino_valid(std::string_view text) {
  const std::string s = upper_alnum_of(text);
  if (s.size() != 9 || !all_digits(s.substr(2, 6)) || s[8] < 'A' || s[8] > 'D') return false;
  constexpr std::string_view kNotFirst = "DFIQUV", kNotSecond = "DFIOQUV";
  if (kNotFirst.find(s[0]) != std::string_view::npos ||
      kNotSecond.find(s[1]) != std::string_view::npos)
    return false;
  const std::string prefix = s.substr(0, 2);
  for (std::string_view bad : {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})
    if (prefix == bad) return false;
  return true;
}

bool fr_nir_valid(std::string_view text) {
  std::string s = upper_alnum_of(text);
  if (s.size() != 15) return false;
  // Corsica: department 2A counts as 19 and 2B as 18 in the key.
  if (s.substr(5, 2) == "2A")
    s.replace(5, 2, "19");
  else if (s.substr(5, 2) == "2B")
    s.replace(5, 2, "18");
  if (!all_digits(s)) return false;
  long long rest = 0;
  for (char c : s.substr(0, 13)) rest = (rest * 10 + (c - '0')) % 97;
  return 97 - rest == number_of(s.substr(13));
}

bool es_dni_valid(std::string_view text) {
  std::string s = upper_alnum_of(text);
  if (s.size() != 9) return false;
  if (s[0] == 'X' || s[0] == 'Y' || s[0] == 'Z') s[0] = static_cast<char>('0' + (s[0] - 'X'));
  if (!all_digits(s.substr(0, 8))) return false;
  constexpr std::string_view kLetters = "TRWAGMYFPDXBNJZSQVHLCKE";
  return kLetters[static_cast<std::size_t>(number_of(s.substr(0, 8)) % 23)] == s[8];
}

bool it_codice_fiscale_valid(std::string_view text) {
  const std::string s = upper_alnum_of(text);
  if (s.size() != 16) return false;
  // Characters in odd positions (1st, 3rd, ...) count by this table; even ones by their value
  // (0-9 for digits, 0-25 for letters). A digit counts as the letter of its value (0 as A).
  static constexpr std::array<int, 26> kOdd = {1,  0,  5, 7, 9, 13, 15, 17, 19, 21, 2,  4,  18,
                                               20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23};
  int sum = 0;
  for (std::size_t i = 0; i < 15; ++i) {
    const int v = s[i] <= '9' ? s[i] - '0' : s[i] - 'A';
    sum += i % 2 == 0 ? kOdd[static_cast<std::size_t>(v)] : v;
  }
  return s[15] == 'A' + sum % 26;
}

bool br_cpf_valid(std::string_view text) {
  const std::string d = digits_of(text);
  if (d.size() != 11 || all_same(d)) return false;
  for (std::size_t n = 9; n <= 10; ++n) {
    int sum = 0;
    for (std::size_t i = 0; i < n; ++i) sum += (d[i] - '0') * static_cast<int>(n + 1 - i);
    if ((sum * 10) % 11 % 10 != d[n] - '0') return false;
  }
  return true;
}

bool in_aadhaar_valid(std::string_view text) {
  static constexpr int kD[10][10] = {
      {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 2, 3, 4, 0, 6, 7, 8, 9, 5},
      {2, 3, 4, 0, 1, 7, 8, 9, 5, 6}, {3, 4, 0, 1, 2, 8, 9, 5, 6, 7},
      {4, 0, 1, 2, 3, 9, 5, 6, 7, 8}, {5, 9, 8, 7, 6, 0, 4, 3, 2, 1},
      {6, 5, 9, 8, 7, 1, 0, 4, 3, 2}, {7, 6, 5, 9, 8, 2, 1, 0, 4, 3},
      {8, 7, 6, 5, 9, 3, 2, 1, 0, 4}, {9, 8, 7, 6, 5, 4, 3, 2, 1, 0}};
  static constexpr int kP[8][10] = {{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 5, 7, 6, 2, 8, 3, 0, 9, 4},
                                    {5, 8, 0, 3, 7, 9, 6, 1, 4, 2}, {8, 9, 1, 6, 0, 4, 3, 5, 2, 7},
                                    {9, 4, 5, 3, 1, 2, 8, 7, 6, 0}, {4, 2, 8, 6, 5, 7, 3, 9, 0, 1},
                                    {2, 7, 9, 3, 8, 0, 6, 4, 1, 5}, {7, 0, 4, 6, 9, 1, 3, 2, 5, 8}};
  const std::string d = digits_of(text);
  if (d.size() != 12 || d[0] < '2') return false;
  int c = 0;
  for (std::size_t i = 0; i < d.size(); ++i) c = kD[c][kP[i % 8][d[d.size() - 1 - i] - '0']];
  return c == 0;
}

bool nl_bsn_valid(std::string_view text) {
  const std::string d = digits_of(text);
  if (d.size() != 9 || all_same(d)) return false;
  int sum = -(d[8] - '0');
  for (std::size_t i = 0; i < 8; ++i) sum += (d[i] - '0') * static_cast<int>(9 - i);
  return sum % 11 == 0;
}

bool de_steuer_id_valid(std::string_view text) {
  const std::string d = digits_of(text);
  if (d.size() != 11 || d[0] == '0') return false;
  // In the first ten digits exactly one digit appears twice or three times (never three in a
  // row) and every other at most once.
  std::array<int, 10> count{};
  for (std::size_t i = 0; i < 10; ++i) ++count[static_cast<std::size_t>(d[i] - '0')];
  int repeated = 0;
  for (int c : count) {
    if (c > 3) return false;
    if (c >= 2) ++repeated;
  }
  if (repeated != 1) return false;
  for (std::size_t i = 0; i + 2 < 10; ++i)
    if (d[i] == d[i + 1] && d[i] == d[i + 2]) return false;
  int product = 10;  // ISO 7064 MOD 11,10
  for (std::size_t i = 0; i < 10; ++i) {
    int sum = (d[i] - '0' + product) % 10;
    if (sum == 0) sum = 10;
    product = sum * 2 % 11;
  }
  const int check = 11 - product == 10 ? 0 : 11 - product;
  return check == d[10] - '0';
}

bool phone_valid(std::string_view text) {
  const std::string d = digits_of(text);
  if (d.empty() || all_same(d)) return false;
  const bool international = text.front() == '+';
  if (international) {
    if (d.size() < 8 || d.size() > 15) return false;  // E.164: at most 15 digits
    // +1: the North American plan, area code and exchange 2-9.
    if (d[0] == '1' && (d.size() != 11 || d[1] < '2' || d[4] < '2')) return false;
    return true;
  }
  if (d.size() < 9 || d.size() > 12) return false;
  // A date written with a 4-digit year (01/02/2024 10, 2024.01.15 12) is not a phone number.
  std::vector<std::string> groups(1);
  for (char c : text) {
    if (c >= '0' && c <= '9')
      groups.back() += c;
    else if (!groups.back().empty())
      groups.emplace_back();
  }
  if (groups.back().empty()) groups.pop_back();
  auto year = [](const std::string& g) {
    return g.size() == 4 && (g.starts_with("19") || g.starts_with("20"));
  };
  auto day_or_month = [](const std::string& g) { return g.size() <= 2 && number_of(g) <= 31; };
  if (groups.size() >= 3 &&
      ((day_or_month(groups[0]) && day_or_month(groups[1]) && year(groups[2])) ||
       (year(groups[0]) && day_or_month(groups[1]) && day_or_month(groups[2]))))
    return false;
  return true;
}

bool jwt_valid(std::string_view text) {
  const std::size_t dot = text.find('.');
  if (dot == std::string_view::npos) return false;
  // base64url without padding, decoded by hand: the header is short.
  std::string header;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text.substr(0, dot)) {
    int v;
    if (c >= 'A' && c <= 'Z')
      v = c - 'A';
    else if (c >= 'a' && c <= 'z')
      v = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      v = c - '0' + 52;
    else if (c == '-')
      v = 62;
    else if (c == '_')
      v = 63;
    else
      return false;
    buffer = (buffer << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      header += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  // A header is a JSON object naming its algorithm: {"alg":"HS256","typ":"JWT"}.
  const auto json = nlohmann::json::parse(header, nullptr, /*allow_exceptions=*/false);
  return json.is_object() && json.contains("alg");
}

bool random_token_valid(std::string_view text) {
  const auto has = [&](char from, char to) {
    return std::any_of(text.begin(), text.end(), [&](char c) { return c >= from && c <= to; });
  };
  return has('A', 'Z') && has('a', 'z') && has('0', '9');
}

namespace {
struct NamedValidator {
  std::string_view name;
  Validator check;
};
constexpr std::array<NamedValidator, 15> kValidators = {{
    {"luhn", luhn_valid},
    {"card", payment_card_valid},
    {"iban", iban_valid},
    {"us-ssn", us_ssn_valid},
    {"uk-nino", uk_nino_valid},
    {"fr-nir", fr_nir_valid},
    {"es-dni", es_dni_valid},
    {"it-codice-fiscale", it_codice_fiscale_valid},
    {"br-cpf", br_cpf_valid},
    {"in-aadhaar", in_aadhaar_valid},
    {"nl-bsn", nl_bsn_valid},
    {"de-steuer-id", de_steuer_id_valid},
    {"phone", phone_valid},
    {"jwt", jwt_valid},
    {"random-token", random_token_valid},
}};
}  // namespace

Validator find_validator(std::string_view name) {
  for (const auto& v : kValidators)
    if (v.name == name) return v.check;
  return nullptr;
}

std::vector<std::string> validator_names() {
  std::vector<std::string> out;
  for (const auto& v : kValidators) out.emplace_back(v.name);
  return out;
}

}  // namespace qb::detail
