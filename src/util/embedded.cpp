#include "qualbar/util/embedded.hpp"

#include <string>

#include "qualbar/core/error.hpp"

namespace qb {

std::string_view data_file(std::string_view path) {
  for (const auto& f : data_files()) {
    if (f.path == path) return f.content;
  }
  throw RunError("the data file '" + std::string(path) + "' is not built into this qualbar");
}

}  // namespace qb
