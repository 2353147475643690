#pragma once
// Every case × every dimension: the scores of a run (computed by metrics/scoring.hpp).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "qualbar/core/score.hpp"

namespace qb {

// A read-only view of one stored score.
struct ScoreView {
  double value = 0.0;
  ScoreStatus status = ScoreStatus::scored;
  std::string_view evidence;
};

// Scores are kept compact (24 bytes each, evidence text in one arena) so a run of a million cases
// on several dimensions fits in memory comfortably.
class ScoreTable {
 public:
  static constexpr std::size_t kMaxEvidenceBytes =
      400;  // longer evidence is cut on a UTF-8 boundary

  ScoreTable() = default;
  ScoreTable(std::size_t n_cases, std::size_t n_dimensions)
      : n_cases_(n_cases), n_dimensions_(n_dimensions), scores_(n_cases * n_dimensions) {}

  void set(std::size_t c, std::size_t d, const Score& s);
  // Appends `more`'s cases after this table's (the same dimensions): a table scored in parts.
  void append(const ScoreTable& more);
  [[nodiscard]] ScoreView at(std::size_t c, std::size_t d) const {
    const Slot& slot = scores_[c * n_dimensions_ + d];
    return {slot.value, slot.status, std::string_view(evidence_).substr(slot.offset, slot.length)};
  }
  [[nodiscard]] std::size_t n_cases() const { return n_cases_; }
  [[nodiscard]] std::size_t n_dimensions() const { return n_dimensions_; }

 private:
  struct Slot {
    double value = 0.0;
    std::uint64_t offset = 0;
    std::uint32_t length = 0;
    ScoreStatus status = ScoreStatus::scored;
  };
  std::size_t n_cases_ = 0;
  std::size_t n_dimensions_ = 0;
  std::vector<Slot> scores_;
  std::string evidence_;
};

}  // namespace qb
