#include "qualbar/core/registry.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "qualbar/core/error.hpp"

namespace qb::detail {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string closest_name(const std::string& name, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, name.size() / 3) + 1;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(name, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

void throw_duplicate_registration(const std::string& kind, const std::string& name) {
  // A programming error caught at start-up, not a user error.
  throw std::logic_error(fmt::format("two {}s are registered under the name '{}'", kind, name));
}

void throw_unknown_name(const std::string& kind, const std::string& name,
                        const std::vector<std::string>& available) {
  std::string message = fmt::format("unknown {} '{}'.", kind, name);
  if (const std::string guess = closest_name(name, available); !guess.empty()) {
    message += fmt::format(" Did you mean '{}'?", guess);
  }
  message += fmt::format(" Available: {}", fmt::join(available, ", "));
  throw InputError(message);
}

}  // namespace qb::detail
