#pragma once
// Which of a fixed list of RE2 patterns match a text, in one pass over it (an RE2::Set): the
// first step of the safety scanner and the refusal detector, where most texts match nothing. Only
// the patterns it names are then searched one by one for where they match.
// Internal to src/scorers.

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

#include <re2/re2.h>
#include <re2/set.h>

namespace qb::detail {

class PatternPrefilter {
 public:
  // Each pattern keeps its own options (case, literal, dot matching new lines). The patterns
  // must outlive the prefilter.
  explicit PatternPrefilter(std::vector<const re2::RE2*> patterns);

  // The indices of the patterns that match somewhere in `text`, ascending, into `out` (cleared
  // first). Every index when the set could not be built or ran out of memory on this text: a
  // pattern that matches is never left out.
  void matching(std::string_view text, std::vector<int>& out) const;
  // Whether any pattern matches somewhere in `text`.
  [[nodiscard]] bool any(std::string_view text) const;

  [[nodiscard]] std::size_t size() const { return patterns_.size(); }
  // False when the patterns did not fit in one set (every text then names every pattern).
  [[nodiscard]] bool built() const { return set_ != nullptr; }

 private:
  void every(std::vector<int>& out) const;

  std::vector<const re2::RE2*> patterns_;
  std::shared_ptr<const re2::RE2::Set> set_;  // null when the patterns do not fit in one set
};

}  // namespace qb::detail
