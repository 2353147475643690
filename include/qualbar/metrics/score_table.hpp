#pragma once
// Every case × every dimension, and how it is computed from scorers.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "qualbar/core/case.hpp"
#include "qualbar/core/response.hpp"
#include "qualbar/core/score.hpp"
#include "qualbar/scorers/scorer.hpp"
#include "qualbar/suite/suite.hpp"

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

// A suite's dimensions, each with its configured scorer, in the suite's dimension order.
class JudgeContext;

struct DimensionScorer {
  const DimensionSpec* spec = nullptr;
  const ScorerInfo* info = nullptr;
  std::unique_ptr<Scorer> scorer;
};

// Builds every dimension's scorer. Bad arguments are InputErrors at the suite's line and field.
std::vector<DimensionScorer> build_scorers(const Suite& suite);

// Scores every case on every dimension. responses[i] answers cases[i]. Error cases get
// Score::failed_call on every dimension whose scorer does not handle failed calls. Judged
// dimensions ask `judge` first (the scorers are prepared, hence not const).
ScoreTable score_cases(std::span<const DimensionScorer> scorers, std::span<const Case> cases,
                       std::span<const Response> responses, JudgeContext* judge = nullptr);

}  // namespace qb
