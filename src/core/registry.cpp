#include "qualbar/core/registry.hpp"

#include <fmt/format.h>

#include "qualbar/core/error.hpp"
#include "qualbar/util/text.hpp"

namespace qb::detail {

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
