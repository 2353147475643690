#pragma once
// Limits on what qualbar reads, each with the suite setting that overrides it
// (docs/data-formats.md, "Limits"). Hostile or broken input hits a limit and becomes a clear error
// on its line or case — never a crash, a stack overflow or memory without bound.

#include <cstddef>

namespace qb {

struct Limits {
  // A JSONL line longer than this is an error naming its line; reading goes on after it.
  std::size_t max_line_bytes = std::size_t{64} << 20;  // limits.max_line_bytes
  // Objects and lists nested deeper than this make the line an error (no recursion can
  // overflow the stack on it).
  std::size_t max_json_depth = 256;  // limits.max_json_depth
  // Distinct values of one slice key kept as slices of their own; the rest are folded into
  // "(other)" with a warning. Values named in bars or critical slices are never folded.
  std::size_t max_slice_values = 1000;  // limits.max_slice_values
  // An answer larger than this is an error case, not scored (system.max_output_bytes).
  std::size_t max_output_bytes = std::size_t{1} << 20;
};

}  // namespace qb
