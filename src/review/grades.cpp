#include "qualbar/review/grades.hpp"

#include <fmt/format.h>
#include <xxhash.h>

namespace qb {

std::string review_item_id(const std::string& run_id, const std::string& case_id) {
  // The NUL keeps ("ab", "c") and ("a", "bc") apart.
  std::string key = run_id;
  key.push_back('\0');
  key += case_id;
  const auto h = XXH3_64bits(key.data(), key.size());
  return fmt::format("i-{:010x}", h & 0xFFFFFFFFFFULL);
}

std::optional<double> ItemGrades::consensus() const {
  if (adjudicated) return adjudicated;
  if (human.empty() || disagreement()) return std::nullopt;
  return human.begin()->second;
}

bool ItemGrades::disagreement() const {
  if (adjudicated || human.empty()) return false;
  const double first = human.begin()->second;
  for (const auto& [who, g] : human)
    if (g != first) return true;
  return false;
}

GradeBook fold_grades(const std::vector<Grade>& grades) {
  GradeBook book;
  for (const auto& g : grades) {
    ItemGrades& ig = book[{g.item, g.dimension}];
    switch (g.kind) {
      case GradeKind::human:
        ig.human[g.grader] = g.grade;
        break;
      case GradeKind::judge:
        ig.judge[g.grader] = g.grade;
        break;
      case GradeKind::adjudicated:
        ig.adjudicated = g.grade;
        break;
    }
    if (g.kind != GradeKind::judge && g.graded_at > ig.last_human_at) ig.last_human_at = g.graded_at;
  }
  return book;
}

}  // namespace qb
