#include "qualbar/util/word_diff.hpp"

#include <algorithm>
#include <cstdint>

namespace qb {
namespace {

bool is_diff_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The text cut into words and the white space between them.
std::vector<DiffPiece> diff_pieces(std::string_view text) {
  std::vector<DiffPiece> out;
  std::size_t i = 0;
  while (i < text.size()) {
    const bool space = is_diff_space(text[i]);
    std::size_t j = i + 1;
    while (j < text.size() && is_diff_space(text[j]) == space) ++j;
    out.push_back({text.substr(i, j - i), false});
    i = j;
  }
  return out;
}

// Where the words are among the pieces.
std::vector<std::size_t> word_positions(const std::vector<DiffPiece>& pieces) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < pieces.size(); ++i)
    if (!is_diff_space(pieces[i].text.front())) out.push_back(i);
  return out;
}

}  // namespace

WordDiff word_diff(std::string_view a, std::string_view b) {
  WordDiff d{diff_pieces(a), diff_pieces(b)};
  const std::vector<std::size_t> wa = word_positions(d.a), wb = word_positions(d.b);
  const auto same = [&](std::size_t i, std::size_t j) {
    return d.a[wa[i]].text == d.b[wb[j]].text;
  };
  // The shared start and end need no table.
  std::size_t lo = 0;
  while (lo < wa.size() && lo < wb.size() && same(lo, lo)) ++lo;
  std::size_t end_a = wa.size(), end_b = wb.size();
  while (end_a > lo && end_b > lo && same(end_a - 1, end_b - 1)) --end_a, --end_b;
  const std::size_t n = end_a - lo, m = end_b - lo;
  const auto mark_rest = [&] {
    for (std::size_t i = lo; i < end_a; ++i) d.a[wa[i]].changed = true;
    for (std::size_t j = lo; j < end_b; ++j) d.b[wb[j]].changed = true;
  };
  if (n == 0 || m == 0 || (n + 1) * (m + 1) > kMaxDiffCells) {
    mark_rest();
    return d;
  }
  // len[i][j]: the longest common subsequence of A's words from lo + i and B's from lo + j.
  std::vector<std::uint32_t> len((n + 1) * (m + 1), 0);
  const auto at = [&](std::size_t i, std::size_t j) -> std::uint32_t& {
    return len[i * (m + 1) + j];
  };
  for (std::size_t i = n; i-- > 0;)
    for (std::size_t j = m; j-- > 0;)
      at(i, j) = same(lo + i, lo + j) ? at(i + 1, j + 1) + 1 : std::max(at(i + 1, j), at(i, j + 1));
  mark_rest();
  for (std::size_t i = 0, j = 0; i < n && j < m;) {
    if (same(lo + i, lo + j)) {
      d.a[wa[lo + i++]].changed = false;
      d.b[wb[lo + j++]].changed = false;
    } else if (at(i + 1, j) >= at(i, j + 1)) {
      ++i;
    } else {
      ++j;
    }
  }
  return d;
}

}  // namespace qb
