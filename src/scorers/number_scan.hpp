#pragma once
// The numbers written in a text, as `numeric` and `contains-reference` read them. Internal to
// src/scorers.

#include <cctype>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <re2/re2.h>

namespace qb::detail {

struct NumberToken {
  std::size_t begin = 0;  // byte offset, at the minus sign when there is one
  std::size_t end = 0;
  double value = 0.0;
};

// Digits with thousands separators in groups of three, decimals (".5" too) and an exponent. A '-'
// is a minus sign only when no letter, digit, '.' or non-ASCII character stands right before it,
// so "pages 10-20" and "2024-01-15" hold no negative numbers.
inline std::vector<NumberToken> numbers_in(std::string_view text) {
  static const re2::RE2 pattern(
      R"((-?)(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|\.\d+))");
  std::vector<NumberToken> out;
  re2::StringPiece m[3];
  std::size_t pos = 0;
  while (pos <= text.size() && pattern.Match(re2::StringPiece(text.data(), text.size()), pos,
                                             text.size(), re2::RE2::UNANCHORED, m, 3)) {
    auto start = static_cast<std::size_t>(m[0].data() - text.data());
    const std::size_t end = start + m[0].size();
    bool negative = !m[1].empty();
    if (negative && start > 0) {
      const auto before = static_cast<unsigned char>(text[start - 1]);
      negative = !(std::isalnum(before) != 0 || before == '.' || before >= 0x80);
    }
    if (!m[1].empty() && !negative) ++start;  // a dash between numbers, not a sign
    std::string digits;
    for (char ch : std::string_view(m[2].data(), m[2].size())) {
      if (ch != ',') digits.push_back(ch);
    }
    const double v = std::strtod(digits.c_str(), nullptr);
    out.push_back({start, end, negative ? -v : v});
    pos = end;
  }
  return out;
}

}  // namespace qb::detail
