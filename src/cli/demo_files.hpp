#pragma once
// The demo suite (examples/demo), compiled into the binary so `qualbar demo` works anywhere.

#include <vector>

#include "qualbar/util/embedded.hpp"

namespace qb::cli {

const std::vector<EmbeddedFile>& demo_files();

}  // namespace qb::cli
