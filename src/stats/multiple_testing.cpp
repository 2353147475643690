#include "qualbar/stats/multiple_testing.hpp"

#include <algorithm>
#include <utility>

#include "qualbar/stats/common.hpp"
#include "radix_sort.hpp"

namespace qb::stats {
namespace {

// The valid p values with their positions, sorted by p value (ties by position, so the order is
// deterministic; the adjusted values of ties are equal either way).
std::vector<std::pair<double, std::size_t>> sorted_valid(std::span<const double> p_values) {
  std::vector<std::pair<double, std::size_t>> out, scratch;
  out.reserve(p_values.size());
  for (std::size_t i = 0; i < p_values.size(); ++i) {
    const double p = p_values[i];
    if (p >= 0.0 && p <= 1.0) out.emplace_back(p, i);
  }
  detail::radix_sort(out, scratch, [](const std::pair<double, std::size_t>& item) {
    return detail::sort_key(item.first);
  });
  return out;
}

}  // namespace

std::vector<double> holm(std::span<const double> p_values) {
  std::vector<double> adjusted(p_values.size(), kNaN);
  const auto sorted = sorted_valid(p_values);
  const auto m = static_cast<double>(sorted.size());
  double running_max = 0.0;
  for (std::size_t j = 0; j < sorted.size(); ++j) {
    running_max =
        std::max(running_max, std::min(1.0, (m - static_cast<double>(j)) * sorted[j].first));
    adjusted[sorted[j].second] = running_max;
  }
  return adjusted;
}

std::vector<double> benjamini_hochberg(std::span<const double> p_values) {
  std::vector<double> adjusted(p_values.size(), kNaN);
  const auto sorted = sorted_valid(p_values);
  const auto m = static_cast<double>(sorted.size());
  double running_min = 1.0;
  for (std::size_t j = sorted.size(); j-- > 0;) {
    running_min = std::min(running_min, m * sorted[j].first / static_cast<double>(j + 1));
    adjusted[sorted[j].second] = running_min;
  }
  return adjusted;
}

}  // namespace qb::stats
