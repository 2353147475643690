#pragma once
// Fairness across the groups of a slice key (suite `fairness`). Internal to src/metrics.

#include <span>
#include <vector>

#include "qualbar/metrics/report.hpp"

namespace qb::detail {

// One result per `fairness` entry of the suite, its bars checked.
std::vector<FairnessResult> build_fairness(const Suite& suite, std::span<const Case> cases,
                                           std::span<const Response> responses,
                                           const ScoreTable& scores);

}  // namespace qb::detail
