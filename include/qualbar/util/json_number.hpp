#pragma once
// A double as a JSON value: the number, or null when it is NaN or infinite (JSON has neither).

#include <cmath>

#include <nlohmann/json.hpp>

namespace qb {

template <class Json = nlohmann::json>
Json json_number(double v) {
  return std::isfinite(v) ? Json(v) : Json(nullptr);
}

}  // namespace qb
