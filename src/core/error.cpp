#include "qualbar/core/error.hpp"

#include <fmt/format.h>

namespace qb {

std::string Location::to_string() const {
  std::string out = file;
  if (line > 0) out += fmt::format(":{}", line);
  if (line > 0 && column > 0) out += fmt::format(":{}", column);
  if (!field.empty())
    out += out.empty() ? fmt::format("field '{}'", field) : fmt::format(": field '{}'", field);
  return out;
}

Location Location::with_field(std::string f) const {
  Location l = *this;
  l.field = std::move(f);
  return l;
}

std::string InputError::format(const Location& where, const std::string& message) {
  const std::string place = where.to_string();
  return place.empty() ? message : place + ": " + message;
}

}  // namespace qb
