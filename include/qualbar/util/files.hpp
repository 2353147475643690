#pragma once
// Small file-system and environment helpers.

#include <string>
#include <string_view>

namespace qb {

// Writes through a temporary file in the same folder and renames it into place, so a reader never
// sees half a file. Throws RunError naming the path when it cannot.
void write_file_atomic(const std::string& path, std::string_view content);

// 64-bit xxHash3 of the bytes, as 16 lower-case hex digits.
std::string content_hash(std::string_view bytes);

// Now, as RFC 3339 UTC with milliseconds: 2026-11-27T09:14:03.120Z.
std::string now_rfc3339();

std::string host_name();
std::string user_name();

// Whether stdout is a terminal and colour is wanted (NO_COLOR unset, TERM not "dumb").
bool stdout_wants_color();

}  // namespace qb
