#pragma once
// Input errors gathered instead of thrown, so that `qualbar validate` reports every problem at
// once: a reader given a Problems records a bad line and goes on with the next.

#include <cstddef>
#include <vector>

#include "qualbar/core/error.hpp"

namespace qb {

struct Problems {
  std::vector<InputError> found;
  std::size_t limit = 50;  // kept; the rest are only counted
  std::size_t more = 0;    // found beyond the limit

  void add(const InputError& e) {
    if (found.size() < limit)
      found.push_back(e);
    else
      ++more;
  }
  [[nodiscard]] std::size_t count() const { return found.size() + more; }
};

}  // namespace qb
