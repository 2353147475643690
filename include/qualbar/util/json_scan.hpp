#pragma once
// Byte scans of JSON text that find what a parser would choke on, and where, without parsing:
// nesting deeper than a limit (before any recursive code sees it) and numbers no double holds.
// Text inside strings is skipped. Offsets are 0-based bytes into the text.

#include <cstddef>
#include <optional>
#include <string_view>

namespace qb {

// The offset of the first '[' or '{' that opens level max_depth + 1; nullopt when the text stays
// within max_depth. Fast when the text has few brackets (the common case): they are counted
// first, and only a text with more than max_depth of them is walked.
std::optional<std::size_t> json_too_deep(std::string_view text, std::size_t max_depth);

// The first number token that no double holds (1e400) or that is a whole number beyond 64 bits
// (what simdjson rejects): its offset and its text.
struct BadNumber {
  std::size_t offset = 0;
  std::string_view text;
};
std::optional<BadNumber> json_number_out_of_range(std::string_view text);

}  // namespace qb
