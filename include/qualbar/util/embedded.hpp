#pragma once
// Files compiled into the binary, so qualbar works from any folder: the rule and pattern packs of
// data/ (data_files) and the demo suite (cli/demo_files.hpp). cmake/embed_files.cmake writes them.

#include <string_view>
#include <vector>

namespace qb {

struct EmbeddedFile {
  std::string_view path;  // relative to the embedded folder
  std::string_view content;
};

// Everything under data/ (rule packs, pattern packs), by path relative to data/.
const std::vector<EmbeddedFile>& data_files();

// One file of data/ by its path, e.g. "refusal/patterns.yaml". A missing one is a bug of the
// build, reported as a RunError naming the path.
std::string_view data_file(std::string_view path);

}  // namespace qb
