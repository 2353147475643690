#pragma once
// Every case × every dimension: the scores of a run (computed by metrics/scoring.hpp).

#include <cstddef>
#include <cstdint>
#include <memory>
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

// Scores are kept compact (16 bytes each, evidence text in arenas) so a run of a million cases on
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
    return {slot.value, static_cast<ScoreStatus>(slot.status),
            evidence_[slot.arena].text(slot.offset, slot.length)};
  }
  [[nodiscard]] std::size_t n_cases() const { return n_cases_; }
  [[nodiscard]] std::size_t n_dimensions() const { return n_dimensions_; }

 private:
  // Trivial, so a table made for writers that set every cell leaves its slots uncleared; a
  // cleared slot (Slot{}) is a score of 0, scored, with no evidence. The evidence is at `offset`
  // in its writer's arena: block offset / kBlockBytes, at offset % kBlockBytes.
  struct Slot {
    double value;
    std::uint64_t offset : 40;
    std::uint64_t length : 12;  // at most kMaxEvidenceBytes, three times over once made valid
    std::uint64_t status : 4;
    std::uint64_t arena : 8;  // the writer's
  };
  static_assert(sizeof(Slot) == 16 && std::is_trivial_v<Slot>);
  static_assert(static_cast<int>(ScoreStatus::scored) == 0);
  static_assert(3 * kMaxEvidenceBytes < (1U << 12) && kMaxWriters <= (1U << 8));
  // A writer's evidence, in blocks that are filled and never moved: no copy as it grows, and no
  // more than one block unused. A piece of evidence never spans two blocks. Scorers say the same
  // few things of many cases ("differs from the reference"): a text the writer kept lately is
  // pointed to again instead of kept twice (`recent`, by hash).
  static constexpr std::size_t kBlockBytes = std::size_t{1} << 21;
  static constexpr std::size_t kRecent = 256;
  struct Kept {
    std::uint64_t hash = 0;
    std::uint64_t offset = 0;
    std::size_t length = 0;  // 0: none
  };
  struct Arena {
    std::vector<std::unique_ptr<char[]>> blocks;
    std::size_t used = kBlockBytes;  // of the last block: a first piece makes one
    std::vector<Kept> recent = std::vector<Kept>(kRecent);

    Arena() = default;
    Arena(const Arena& other);  // a copy of its own
    Arena& operator=(const Arena& other);
    Arena(Arena&&) noexcept = default;
    Arena& operator=(Arena&&) noexcept = default;
    ~Arena() = default;

    [[nodiscard]] std::string_view text(std::uint64_t offset, std::size_t length) const {
      if (length == 0) return {};
      return {blocks[offset / kBlockBytes].get() + offset % kBlockBytes, length};
    }
  };
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
  std::vector<Arena> evidence_ = std::vector<Arena>(1);
};

}  // namespace qb
