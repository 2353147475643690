#include "qualbar/util/text.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <span>

#include <fmt/format.h>
#include <utf8proc.h>

namespace qb {

std::string p_value_text(double p) {
  return std::isnan(p) ? std::string("—") : fmt::format("{:.3g}", p);
}

std::string percent(double fraction) {
  return std::isfinite(fraction) ? fixed_text(100.0 * fraction, 1) + "%" : std::string("—");
}

namespace {

// "-0.00" → "0.00" (and "+0.00" stays): a value that rounds to zero has no sign.
std::string unsigned_zero(std::string s) {
  if (s.empty() || s[0] != '-') return s;
  const bool zero = s.find_first_not_of("0.", 1) == std::string::npos;
  if (zero) s.erase(0, 1);
  return s;
}

}  // namespace

std::vector<std::string> comma_list(std::string_view s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    const std::size_t end = std::min(s.find(',', start), s.size());
    std::string_view part = s.substr(start, end - start);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    if (!part.empty()) out.emplace_back(part);
    start = end + 1;
  }
  return out;
}

std::string fixed_text(double value, int decimals) {
  if (!std::isfinite(value)) return "—";
  return unsigned_zero(fmt::format("{:.{}f}", value, decimals));
}

int decimals_for_parts(std::size_t parts) {
  int d = 1;
  for (std::size_t scale = 10; scale < parts && d < 9; scale *= 10) ++d;
  return d;
}

std::string signed_text(double value, int decimals) {
  if (!std::isfinite(value)) return "—";
  std::string s = fixed_text(value, decimals);  // "-1.5", "0.0" (never "-0.0"), "1.5"
  return s[0] == '-' ? s : fmt::format("+{}", s);
}

bool is_unspaced_script(char32_t cp) {
  return (cp >= 0x3040 && cp <= 0x30FF) ||    // Hiragana, Katakana
         (cp >= 0x3400 && cp <= 0x4DBF) ||    // CJK Extension A
         (cp >= 0x4E00 && cp <= 0x9FFF) ||    // CJK Unified Ideographs
         (cp >= 0xF900 && cp <= 0xFAFF) ||    // CJK Compatibility Ideographs
         (cp >= 0x20000 && cp <= 0x3134F) ||  // CJK Extensions B–G
         (cp >= 0x0E00 && cp <= 0x0EFF) ||    // Thai, Lao
         (cp >= 0x1000 && cp <= 0x109F) ||    // Myanmar
         (cp >= 0x1780 && cp <= 0x17FF);      // Khmer
}

namespace {

// The length of the all-ASCII start of `s`, read eight bytes at a time: most text is ASCII.
std::size_t ascii_prefix(std::string_view s) {
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, s.data() + i, 8);
    if ((word & 0x8080808080808080ULL) != 0) break;
  }
  while (i < s.size() && static_cast<unsigned char>(s[i]) < 0x80) ++i;
  return i;
}

bool is_ascii(std::string_view s) { return ascii_prefix(s) == s.size(); }

bool is_punctuation(utf8proc_category_t cat) {
  switch (cat) {
    case UTF8PROC_CATEGORY_PC:
    case UTF8PROC_CATEGORY_PD:
    case UTF8PROC_CATEGORY_PS:
    case UTF8PROC_CATEGORY_PE:
    case UTF8PROC_CATEGORY_PI:
    case UTF8PROC_CATEGORY_PF:
    case UTF8PROC_CATEGORY_PO:
      return true;
    default:
      return false;
  }
}

bool is_space(utf8proc_int32_t cp, utf8proc_category_t cat) {
  return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL ||
         cat == UTF8PROC_CATEGORY_ZP || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\v' ||
         cp == '\f';
}

bool is_word_char(utf8proc_category_t cat) {
  return (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
         (cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME) ||
         (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO);
}

// Per-ASCII-byte class, so ASCII text skips utf8proc: 0 keep, 1 punctuation, 2 space.
// What the ASCII path does with each byte, for one pair of options: the byte it writes, or one of
// the markers below. Built once per pair from utf8proc's categories, so both paths agree.
constexpr std::int16_t kDrop = -1;     // punctuation being stripped
constexpr std::int16_t kSpace = -2;    // white space: one space between words
constexpr std::int16_t kUnicode = -3;  // not ASCII: the text takes the Unicode path
using AsciiTable = std::array<std::int16_t, 256>;

const AsciiTable& ascii_table(bool casefold, bool strip_punctuation) {
  static const std::array<AsciiTable, 4> tables = [] {
    std::array<AsciiTable, 4> all{};
    for (int t = 0; t < 4; ++t) {
      const bool fold = (t & 1) != 0;
      const bool strip = (t & 2) != 0;
      for (int c = 0; c < 256; ++c) {
        if (c >= 0x80) {
          all[t][c] = kUnicode;
          continue;
        }
        const auto cat = utf8proc_category(c);
        if (is_space(c, cat)) {
          all[t][c] = kSpace;
        } else if (strip && is_punctuation(cat)) {
          all[t][c] = kDrop;
        } else {
          all[t][c] = static_cast<std::int16_t>(fold && c >= 'A' && c <= 'Z' ? c + 32 : c);
        }
      }
    }
    return all;
  }();
  return tables[(casefold ? 1 : 0) | (strip_punctuation ? 2 : 0)];
}

// The ASCII fast path into `out`; false (and `out` unspecified) when the text is not all ASCII.
bool normalize_ascii(std::string_view text, const NormalizeOptions& options, std::string& out) {
  const AsciiTable& table = ascii_table(options.casefold, options.strip_punctuation);
  out.resize(text.size());
  char* const begin = out.data();
  char* w = begin;
  bool space = false;
  for (const char ch : text) {
    const std::int16_t m = table[static_cast<unsigned char>(ch)];
    if (m >= 0) {
      if (space && w != begin) *w++ = ' ';
      space = false;
      *w++ = static_cast<char>(m);
    } else if (m == kSpace) {
      space = true;
    } else if (m == kUnicode) {
      return false;
    }
  }
  out.resize(static_cast<std::size_t>(w - begin));
  return true;
}

void push_space(std::string& out) {
  if (!out.empty() && out.back() != ' ') out.push_back(' ');
}

}  // namespace

std::optional<std::size_t> find_invalid_utf8(std::string_view text) {
  std::size_t i = ascii_prefix(text);
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  while (i < text.size()) {
    if (p[i] < 0x80) {
      ++i;
      continue;
    }
    utf8proc_int32_t cp = 0;
    const auto n = utf8proc_iterate(p + i, static_cast<utf8proc_ssize_t>(text.size() - i), &cp);
    if (n < 0) return i;
    i += static_cast<std::size_t>(n);
  }
  return std::nullopt;
}

std::string to_valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const auto rest = text.substr(i);
    const auto bad = find_invalid_utf8(rest);
    if (!bad) {
      out.append(rest);
      break;
    }
    out.append(rest.substr(0, *bad));
    out.append("\xEF\xBF\xBD");  // U+FFFD REPLACEMENT CHARACTER
    i += *bad + 1;
  }
  return out;
}

namespace {

void normalize_into(std::string_view text, const NormalizeOptions& options, std::string& out) {
  if (normalize_ascii(text, options, out)) return;
  out.clear();
  int flags = UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT;
  if (options.casefold) flags |= UTF8PROC_CASEFOLD;
  if (options.strip_accents) flags |= UTF8PROC_STRIPMARK;
  utf8proc_uint8_t* mapped = nullptr;
  const auto len = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                                static_cast<utf8proc_ssize_t>(text.size()), &mapped,
                                static_cast<utf8proc_option_t>(flags));
  if (len < 0) {  // invalid UTF-8 was rejected at load; keep as is
    out.assign(text);
    return;
  }
  std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owned(mapped, &std::free);
  out.reserve(static_cast<std::size_t>(len));
  std::size_t i = 0;
  const auto n = static_cast<std::size_t>(len);
  while (i < n) {
    utf8proc_int32_t cp = 0;
    const auto step = utf8proc_iterate(mapped + i, static_cast<utf8proc_ssize_t>(n - i), &cp);
    if (step <= 0) break;
    const auto cat = utf8proc_category(cp);
    if (is_space(cp, cat)) {
      push_space(out);
    } else if (!(options.strip_punctuation && is_punctuation(cat))) {
      out.append(reinterpret_cast<const char*>(mapped + i), static_cast<std::size_t>(step));
    }
    i += static_cast<std::size_t>(step);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (!out.empty() && out.front() == ' ') out.erase(0, 1);
}

}  // namespace

std::string normalize_text(std::string_view text, const NormalizeOptions& options) {
  std::string out;
  normalize_into(text, options, out);
  return out;
}

namespace {

// Reads normalize_text(text) one byte at a time from ASCII text, without writing it anywhere.
class AsciiNormalized {
 public:
  static constexpr int kEnd = -1;
  static constexpr int kNotAscii = -2;
  AsciiNormalized(std::string_view text, const AsciiTable& table) : text_(text), table_(table) {}
  // The next byte of the normalised text (0–127), kEnd, or kNotAscii.
  int next() {
    bool space = false;
    while (i_ < text_.size()) {
      const std::int16_t m = table_[static_cast<unsigned char>(text_[i_])];
      if (m == kUnicode) return kNotAscii;
      if (m < 0) {
        space = space || m == kSpace;
        ++i_;
        continue;
      }
      if (space && started_) return ' ';  // the byte itself comes next time
      started_ = true;
      ++i_;
      return m;
    }
    return kEnd;  // white space at the end is trimmed
  }

 private:
  std::string_view text_;
  const AsciiTable& table_;
  std::size_t i_ = 0;
  bool started_ = false;
};

}  // namespace

bool normalized_equal(std::string_view a, std::string_view b, const NormalizeOptions& options) {
  const AsciiTable& table = ascii_table(options.casefold, options.strip_punctuation);
  AsciiNormalized x(a, table), y(b, table);
  for (;;) {
    const int p = x.next();
    const int q = y.next();
    if (p == AsciiNormalized::kNotAscii || q == AsciiNormalized::kNotAscii) break;
    if (p != q) return false;
    if (p == AsciiNormalized::kEnd) return true;
  }
  // Not all ASCII: compare the Unicode normalisations.
  thread_local std::string na;
  thread_local std::string nb;
  normalize_into(a, options, na);
  normalize_into(b, options, nb);
  return na == nb;
}

std::string casefold(std::string_view text) {
  if (is_ascii(text)) {
    std::string out(text);
    for (char& ch : out) {
      if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch + 32);
    }
    return out;
  }
  utf8proc_uint8_t* mapped = nullptr;
  const auto len = utf8proc_map(
      reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
      static_cast<utf8proc_ssize_t>(text.size()), &mapped,
      static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD));
  if (len < 0) return std::string(text);
  std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owned(mapped, &std::free);
  return std::string(reinterpret_cast<const char*>(mapped), static_cast<std::size_t>(len));
}

namespace {

void word_tokens_into(std::string_view text, std::vector<std::string_view>& tokens) {
  tokens.clear();
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  std::size_t i = 0;
  std::size_t start = std::string_view::npos;
  auto close = [&](std::size_t end) {
    if (start != std::string_view::npos) tokens.push_back(text.substr(start, end - start));
    start = std::string_view::npos;
  };
  while (i < text.size()) {
    utf8proc_int32_t cp = 0;
    std::size_t step = 1;
    bool word = false;
    bool alone = false;
    if (p[i] < 0x80) {
      cp = p[i];
      word = (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
    } else {
      const auto n = utf8proc_iterate(p + i, static_cast<utf8proc_ssize_t>(text.size() - i), &cp);
      if (n <= 0) break;
      step = static_cast<std::size_t>(n);
      word = is_word_char(utf8proc_category(cp));
      alone = word && is_unspaced_script(cp);
    }
    if (alone) {
      close(i);
      tokens.push_back(text.substr(i, step));
    } else if (word) {
      if (start == std::string_view::npos) start = i;
    } else {
      close(i);
    }
    i += step;
  }
  close(text.size());
}

// A token as a key: its first 16 bytes as two integers (zero past its end) and its length.
// Tokens of up to 16 bytes, nearly every word, hash and compare as integers alone; longer ones
// compare the rest of their bytes when their first 16 tie. Equal keys are exactly equal texts.
struct TokenKey {
  std::uint64_t head;
  std::uint64_t next;
  std::size_t size;
  const char* data;

  friend bool operator==(const TokenKey& a, const TokenKey& b) {
    return a.head == b.head && a.next == b.next && a.size == b.size &&
           (a.size <= 16 || std::memcmp(a.data + 16, b.data + 16, a.size - 16) == 0);
  }
};

// How many bytes a buffer must hold past its last token for token_key to read.
constexpr std::size_t kKeySlack = 16;

// The key of the `size` bytes at `data`; reads 16 bytes from `data` whatever `size` is.
TokenKey token_key(const char* data, std::size_t size) {
  std::uint64_t word[2];
  std::memcpy(word, data, sizeof word);
  if (size < 8) {
    word[0] &= (std::uint64_t{1} << (8 * size)) - 1;
    word[1] = 0;
  } else if (size < 16) {
    word[1] &= (std::uint64_t{1} << (8 * (size - 8))) - 1;
  }
  return {word[0], word[1], size, data};
}

// word_tokens(normalize_text(text)) as keys, in one pass over ASCII text (the token bytes
// are written to `store`); false when the text is not all ASCII. In ASCII, words are letters and
// digits; stripped punctuation joins its neighbours ("don't" is "dont"); white space and kept
// symbols end a word.
bool ascii_tokens(std::string_view text, std::string& store, std::vector<TokenKey>& out) {
  const AsciiTable& table = ascii_table(/*casefold=*/true, /*strip_punctuation=*/true);
  out.clear();
  store.resize(text.size() + kKeySlack);  // never grows below: the tokens' bytes stay put
  char* const begin = store.data();
  char* w = begin;
  const char* start = nullptr;
  const auto close = [&] {
    if (start == nullptr) return;
    out.push_back({0, 0, static_cast<std::size_t>(w - start), start});
    start = nullptr;
  };
  for (const char ch : text) {
    const std::int16_t m = table[static_cast<unsigned char>(ch)];
    if (m == kDrop) continue;
    if (m == kUnicode) return false;
    const auto c = static_cast<unsigned char>(m);
    if (m >= 0 && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
      if (start == nullptr) start = w;
      *w++ = static_cast<char>(c);
    } else {
      close();
    }
  }
  close();
  for (TokenKey& t : out) t = token_key(t.data, t.size);
  return true;
}

// The keys of the tokens of normalize_text(text), through `store` and `words`.
void token_keys(std::string_view text, std::string& store, std::vector<std::string_view>& words,
                std::vector<TokenKey>& out) {
  if (ascii_tokens(text, store, out)) return;
  normalize_into(text, {}, store);
  const std::size_t size = store.size();
  store.append(kKeySlack, '\0');  // before the words are taken: they point into `store`
  word_tokens_into(std::string_view(store).substr(0, size), words);
  out.clear();
  for (const std::string_view t : words) out.push_back(token_key(t.data(), t.size()));
}

// The tokens two texts have in common, counted as a multiset (each token as often as it is in
// both), through a small hash table of the first text's tokens. The table is kept between calls
// and never cleared: a slot belongs to the call whose number it holds.
class CommonTokens {
 public:
  std::size_t count(const std::vector<TokenKey>& a, const std::vector<TokenKey>& b) {
    std::size_t size = 16;
    while (size < 2 * a.size()) size *= 2;
    if (slots_.size() < size) slots_.assign(size, Slot{});
    mask_ = size - 1;
    if (++call_ == 0) {  // wrapped: every slot could look current
      slots_.assign(slots_.size(), Slot{});
      call_ = 1;
    }
    for (const TokenKey& t : a) ++add(t).left;
    std::size_t common = 0;
    for (const TokenKey& t : b) {
      Slot* s = find(t);
      if (s != nullptr && s->left > 0) {
        --s->left;
        ++common;
      }
    }
    return common;
  }

 private:
  struct Slot {
    TokenKey key{};
    std::uint32_t left = 0;  // copies of the token not yet matched
    std::uint32_t call = 0;
  };

  static std::size_t hash(const TokenKey& t) {
    std::uint64_t h = (t.head * 0x9E3779B97F4A7C15ULL) ^ (t.next * 0xC2B2AE3D27D4EB4FULL) ^ t.size;
    return static_cast<std::size_t>(h ^ (h >> 29));
  }

  // The token's slot, made for this call when it has none yet (the table has room: it is sized
  // for the first text).
  Slot& add(const TokenKey& t) {
    for (std::size_t i = hash(t);; ++i) {
      Slot& s = slots_[i & mask_];
      if (s.call != call_) {
        s = Slot{t, 0, call_};
        return s;
      }
      if (s.key == t) return s;
    }
  }

  // The token's slot, or null when the first text does not have it.
  Slot* find(const TokenKey& t) {
    for (std::size_t i = hash(t);; ++i) {
      Slot& s = slots_[i & mask_];
      if (s.call != call_) return nullptr;
      if (s.key == t) return &s;
    }
  }

  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  std::uint32_t call_ = 0;
};

}  // namespace

std::vector<std::string_view> word_tokens(std::string_view text) {
  std::vector<std::string_view> tokens;
  word_tokens_into(text, tokens);
  return tokens;
}

double token_f1(std::string_view prediction, std::string_view reference) {
  if (prediction == reference) return 1.0;  // same tokens, or both empty
  // Buffers kept per thread: scoring a million cases allocates nothing per case.
  struct Buffers {
    std::string a, b;
    std::vector<std::string_view> words;
    std::vector<TokenKey> ta, tb;
    CommonTokens common;
  };
  thread_local Buffers buf;
  token_keys(prediction, buf.a, buf.words, buf.ta);
  token_keys(reference, buf.b, buf.words, buf.tb);
  const auto& ta = buf.ta;
  const auto& tb = buf.tb;
  if (ta.empty() && tb.empty()) return 1.0;
  if (ta.empty() || tb.empty()) return 0.0;
  const std::size_t common = buf.common.count(ta, tb);
  if (common == 0) return 0.0;
  const double precision = static_cast<double>(common) / static_cast<double>(ta.size());
  const double recall = static_cast<double>(common) / static_cast<double>(tb.size());
  return 2.0 * precision * recall / (precision + recall);
}

std::string excerpt(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  std::size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + "…";
}

std::size_t code_points(std::string_view text) {
  std::size_t n = 0;
  for (const unsigned char c : text) n += (c & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

namespace {
// The length of an SGR escape sequence ("\033[1;31m") starting at text[i], 0 when none does.
std::size_t sgr_at(std::string_view text, std::size_t i) {
  if (text[i] != '\033' || i + 1 >= text.size() || text[i + 1] != '[') return 0;
  std::size_t k = i + 2;
  while (k < text.size() && (std::isdigit(static_cast<unsigned char>(text[k])) || text[k] == ';'))
    ++k;
  return k < text.size() && text[k] == 'm' ? k + 1 - i : 0;
}
}  // namespace

std::size_t visible_width(std::string_view text) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < text.size();) {
    if (const std::size_t esc = sgr_at(text, i)) {
      i += esc;
      continue;
    }
    n += (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 ? 1 : 0;
    ++i;
  }
  return n;
}

bool breaks_after(char c) {
  return c == '=' || c == '/' || c == '-' || c == ',' || c == ':';
}

std::vector<std::string_view> cut_word(std::string_view word, std::size_t width) {
  std::vector<std::string_view> out;
  while (visible_width(word) > width) {
    std::size_t cols = 0, at = 0, cut = 0, natural = 0;
    while (at < word.size() && cols < width) {
      std::size_t len = 1;
      while (at + len < word.size() && (static_cast<unsigned char>(word[at + len]) & 0xC0) == 0x80)
        ++len;
      const char c = word[at];
      at += len;
      ++cols;
      if (breaks_after(c) && 3 * cols >= width)
        natural = at;
      cut = at;
    }
    if (natural > 0 && natural < word.size()) cut = natural;
    out.push_back(word.substr(0, cut));
    word.remove_prefix(cut);
  }
  out.push_back(word);
  return out;
}

std::vector<std::string> wrap_words(std::string_view text, std::size_t width) {
  std::vector<std::string> lines(1);
  std::size_t used = 0;          // columns on the current line
  std::string active;            // the SGR sequence in force ("" when none)
  const auto new_line = [&] {
    while (!lines.back().empty() && lines.back().back() == ' ') lines.back().pop_back();
    if (!active.empty()) lines.back() += "\033[0m";
    lines.emplace_back(active);
    used = 0;
  };
  std::size_t i = 0;
  std::size_t gap = 0;  // the spaces before the word: kept within a line (aligned columns)
  while (i < text.size()) {
    // A word: up to the next space, escapes included.
    std::size_t end = i, cols = 0;
    while (end < text.size() && text[end] != ' ') {
      if (const std::size_t esc = sgr_at(text, end)) {
        end += esc;
        continue;
      }
      cols += (static_cast<unsigned char>(text[end]) & 0xC0) != 0x80 ? 1 : 0;
      ++end;
    }
    if (width > 0 && used > 0 && used + gap + cols > width) new_line();
    if (width > 0 && cols > width && text.substr(i, end - i).find('\033') == std::string_view::npos) {
      // Longer than a line: cut where the word itself breaks (category=, a/b, refund-), if it can.
      const auto pieces = cut_word(text.substr(i, end - i), width);
      for (std::size_t k = 0; k < pieces.size(); ++k) {
        if (k > 0) new_line();
        lines.back() += pieces[k];
        used = visible_width(pieces[k]);
      }
      i = end;
      for (gap = 0; i < text.size() && text[i] == ' '; ++i) ++gap;
      continue;
    }
    if (used > 0) {
      lines.back().append(gap, ' ');
      used += gap;
    }
    for (std::size_t k = i; k < end;) {
      if (const std::size_t esc = sgr_at(text, k)) {
        const std::string_view seq = text.substr(k, esc);
        active = seq == "\033[0m" ? "" : std::string(seq);
        lines.back() += seq;
        k += esc;
        continue;
      }
      std::size_t len = 1;
      while (k + len < end && (static_cast<unsigned char>(text[k + len]) & 0xC0) == 0x80) ++len;
      if (width > 0 && used >= width) new_line();  // a word longer than the line
      lines.back() += text.substr(k, len);
      ++used;
      k += len;
    }
    i = end;
    for (gap = 0; i < text.size() && text[i] == ' '; ++i) ++gap;
  }
  return lines;
}

std::size_t hidden_control_at(std::string_view text, std::size_t i) {
  const auto at = [&](std::size_t k) {
    return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0;
  };
  const unsigned char c = at(0);
  if (c == 0xC2 && at(1) >= 0x80 && at(1) <= 0x9F) return 2;  // C1: U+0080–U+009F
  if (c == 0xD8 && at(1) == 0x9C) return 2;                   // U+061C arabic letter mark
  if (c == 0xE2 && at(1) == 0x80 &&
      (at(2) == 0x8E || at(2) == 0x8F || (at(2) >= 0xAA && at(2) <= 0xAE)))
    return 3;  // U+200E, U+200F, U+202A–U+202E
  if (c == 0xE2 && at(1) == 0x81 && at(2) >= 0xA6 && at(2) <= 0xA9) return 3;  // U+2066–U+2069
  return 0;
}

std::string display_text(std::string_view text) {
  const std::string valid = to_valid_utf8(text);
  std::string out;
  out.reserve(valid.size());
  for (std::size_t i = 0; i < valid.size();) {
    const auto c = static_cast<unsigned char>(valid[i]);
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else if (const std::size_t len = hidden_control_at(valid, i); len > 0) {
      out += "\xEF\xBF\xBD";
      i += len;
    } else {
      out += valid[i++];
    }
  }
  return out;
}

}  // namespace qb
