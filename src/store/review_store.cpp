#include "qualbar/store/review_store.hpp"

namespace qb {

std::string_view to_string(GradeKind k) {
  switch (k) {
    case GradeKind::human: return "human";
    case GradeKind::judge: return "judge";
    case GradeKind::adjudicated: return "adjudicated";
  }
  return "human";
}

std::optional<GradeKind> parse_grade_kind(std::string_view s) {
  if (s == "human") return GradeKind::human;
  if (s == "judge") return GradeKind::judge;
  if (s == "adjudicated") return GradeKind::adjudicated;
  return std::nullopt;
}

std::string_view to_string(ClaimState s) {
  switch (s) {
    case ClaimState::locked: return "locked";
    case ClaimState::done: return "done";
    case ClaimState::skipped: return "skipped";
  }
  return "locked";
}

}  // namespace qb
