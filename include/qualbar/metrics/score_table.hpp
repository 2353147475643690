#pragma once
// Every case × every dimension, and how it is computed from scorers.

#include <cstddef>
#include <memory>
#include <span>
#include <vector>

#include "qualbar/core/case.hpp"
#include "qualbar/core/response.hpp"
#include "qualbar/core/score.hpp"
#include "qualbar/scorers/scorer.hpp"
#include "qualbar/suite/suite.hpp"

namespace qb {

class ScoreTable {
 public:
  ScoreTable() = default;
  ScoreTable(std::size_t n_cases, std::size_t n_dimensions)
      : n_cases_(n_cases), n_dimensions_(n_dimensions), scores_(n_cases * n_dimensions) {}

  [[nodiscard]] Score& at(std::size_t c, std::size_t d) { return scores_[c * n_dimensions_ + d]; }
  [[nodiscard]] const Score& at(std::size_t c, std::size_t d) const {
    return scores_[c * n_dimensions_ + d];
  }
  [[nodiscard]] std::size_t n_cases() const { return n_cases_; }
  [[nodiscard]] std::size_t n_dimensions() const { return n_dimensions_; }

 private:
  std::size_t n_cases_ = 0;
  std::size_t n_dimensions_ = 0;
  std::vector<Score> scores_;
};

// A suite's dimensions, each with its configured scorer, in the suite's dimension order.
struct DimensionScorer {
  const DimensionSpec* spec = nullptr;
  const ScorerInfo* info = nullptr;
  std::unique_ptr<Scorer> scorer;
};

// Builds every dimension's scorer. Bad arguments are InputErrors at the suite's line and field.
std::vector<DimensionScorer> build_scorers(const Suite& suite);

// Scores every case on every dimension. responses[i] answers cases[i]. Error cases get
// Score::failed_call on every dimension whose scorer does not handle failed calls.
ScoreTable score_cases(std::span<const DimensionScorer> scorers, std::span<const Case> cases,
                       std::span<const Response> responses);

}  // namespace qb
