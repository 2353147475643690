#include "qualbar/core/score.hpp"

namespace qb {

std::string_view to_string(ScoreStatus s) {
  switch (s) {
    case ScoreStatus::scored:
      return "scored";
    case ScoreStatus::not_applicable:
      return "not_applicable";
    case ScoreStatus::error:
      return "error";
    case ScoreStatus::ungraded:
      return "ungraded";
  }
  return "scored";
}

}  // namespace qb
