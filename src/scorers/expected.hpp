#pragma once
// The expected text of a comparison scorer: its `value` argument, else the case's reference.
// Internal to src/scorers.

#include <optional>
#include <string>

#include "qualbar/core/case.hpp"

namespace qb::detail {

inline const std::string* expected_text(const std::optional<std::string>& configured,
                                        const Case& c) {
  if (configured) return &*configured;
  if (c.reference) return &*c.reference;
  return nullptr;
}

}  // namespace qb::detail
