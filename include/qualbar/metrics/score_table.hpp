#pragma once
// Every case × every dimension: the scores of a run (computed by metrics/scoring.hpp).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "qualbar/core/score.hpp"

namespace qb {

// A read-only view of one stored score.
struct ScoreView {
  double value = 0.0;
  ScoreStatus status = ScoreStatus::scored;
  std::string_view evidence;
};

// Scores are kept compact (24 bytes each, evidence text in arenas) so a run of a million cases on
// several dimensions fits in memory comfortably. A table made for several writers is filled by as
// many threads at once, each setting its own cases with its own writer number (its own arena).
class ScoreTable {
 public:
  static constexpr std::size_t kMaxEvidenceBytes =
      400;  // longer evidence is cut on a UTF-8 boundary

  static constexpr std::size_t kMaxWriters = 256;

  // Says the maker sets every cell before reading any: the cells are not cleared first, and
  // their memory is first touched by the writers, on their own threads.
  struct EveryCellSet {};
  static constexpr EveryCellSet every_cell_set{};

  ScoreTable() = default;
  // Every cell starts as a score of 0 with no evidence.
  ScoreTable(std::size_t n_cases, std::size_t n_dimensions, std::size_t writers = 1);
  ScoreTable(std::size_t n_cases, std::size_t n_dimensions, std::size_t writers, EveryCellSet);

  void set(std::size_t c, std::size_t d, const Score& s, std::size_t writer = 0);
  [[nodiscard]] ScoreView at(std::size_t c, std::size_t d) const {
    const Slot& slot = scores_[c * n_dimensions_ + d];
    return {slot.value, slot.status,
            std::string_view(evidence_[slot.arena]).substr(slot.offset, slot.length)};
  }
  [[nodiscard]] std::size_t n_cases() const { return n_cases_; }
  [[nodiscard]] std::size_t n_dimensions() const { return n_dimensions_; }

 private:
  // Trivial, so a table made for writers that set every cell leaves its slots uncleared; a
  // cleared slot (Slot{}) is a score of 0, scored, with no evidence.
  struct Slot {
    double value;
    std::uint64_t offset;
    std::uint32_t length;
    ScoreStatus status;
    std::uint8_t arena;  // the writer's
  };
  static_assert(sizeof(Slot) == 24 && std::is_trivial_v<Slot>);
  static_assert(static_cast<int>(ScoreStatus::scored) == 0);
  // A vector whose new elements are not cleared (default-initialized, not value-initialized).
  struct LeaveUnset : std::allocator<Slot> {
    template <class U>
    struct rebind {
      using other = LeaveUnset;
    };
    void construct(Slot* p) noexcept { ::new (static_cast<void*>(p)) Slot; }
    void construct(Slot* p, const Slot& s) noexcept { ::new (static_cast<void*>(p)) Slot(s); }
  };
  std::size_t n_cases_ = 0;
  std::size_t n_dimensions_ = 0;
  std::vector<Slot, LeaveUnset> scores_;
  std::vector<std::string> evidence_ = std::vector<std::string>(1);
};

}  // namespace qb
