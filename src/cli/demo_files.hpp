#pragma once
// The demo suite (examples/demo), compiled into the binary so `qualbar demo` works anywhere.

#include <string_view>
#include <vector>

namespace qb::cli {

struct EmbeddedFile {
  std::string_view path;  // relative to the demo folder
  std::string_view content;
};

const std::vector<EmbeddedFile>& demo_files();

}  // namespace qb::cli
