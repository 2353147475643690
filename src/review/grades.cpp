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

std::string review_pair_id(const std::string& run_a, const std::string& run_b,
                           const std::string& case_id) {
  std::string key = "pair";
  for (const std::string* part : {&run_a, &run_b, &case_id}) {
    key.push_back('\0');
    key += *part;
  }
  const auto h = XXH3_64bits(key.data(), key.size());
  return fmt::format("i-{:010x}", h & 0xFFFFFFFFFFULL);
}

std::optional<std::string> pair_choice_name(double grade) {
  if (grade == kPairA) return "A";
  if (grade == kPairB) return "B";
  if (grade == kPairTie) return "tie";
  return std::nullopt;
}

std::optional<double> parse_pair_choice(std::string_view name) {
  if (name == "A") return kPairA;
  if (name == "B") return kPairB;
  if (name == "tie") return kPairTie;
  return std::nullopt;
}

std::optional<bool> first_shown_won(double grade, std::string_view shown_first) {
  if ((grade != kPairA && grade != kPairB) || (shown_first != "A" && shown_first != "B"))
    return std::nullopt;
  return (grade == kPairA) == (shown_first == "A");
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
