#pragma once
// Markdown (GitHub flavour) for text that came from a dataset, a model or a suite.

#include <cstddef>
#include <string>
#include <string_view>

namespace qb {

// Escapes text for Markdown, in table cells and in running text: every character that could
// start markup is backslash-escaped, line breaks and other control characters become spaces (C1
// and bidirectional controls, which would reorder what a reader sees, U+FFFD), an
// "@" cannot mention anyone (a word joiner follows it), invalid UTF-8 is replaced, and text longer
// than `max` code points is cut with "…".
std::string markdown_escape(std::string_view raw, std::size_t max = 200);

}  // namespace qb
