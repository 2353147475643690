#pragma once
// Two texts compared word by word, to show what changed between two answers to the same case.

#include <cstddef>
#include <string_view>
#include <vector>

namespace qb {

// A piece of a text: a word (a run of characters other than space, tab, CR and LF) or the white
// space between two words.
struct DiffPiece {
  std::string_view text;
  bool changed = false;  // a word that is not in the common subsequence; white space never is
};

// Each text as its pieces, in order (joined, they are the text again).
struct WordDiff {
  std::vector<DiffPiece> a, b;
};

// The words of `a` and `b` not in a longest common subsequence of their words are marked changed:
// in `a` the words only A has, in `b` those only B has. The start and end both texts share are
// set aside first; the rest costs its words in A × its words in B, and past kMaxDiffCells of
// those every word left is marked changed rather than compared.
inline constexpr std::size_t kMaxDiffCells = std::size_t{1} << 22;
WordDiff word_diff(std::string_view a, std::string_view b);

}  // namespace qb
