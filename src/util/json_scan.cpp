#include "qualbar/util/json_scan.hpp"

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace qb {
namespace {

// The number of '{' and '[' bytes in `text`, counted up to a little past `stop` (it returns as
// soon as more than `stop` are seen). '{' (0x7B) and '[' (0x5B) differ only in bit 0x20, so one
// compare of (byte | 0x20) against '{' finds both. 64 bytes a step with SSE2 (every x86-64); the
// few matches of a record are counted one by one (no popcount instruction is assumed).
std::size_t count_openers(std::string_view text, std::size_t stop) {
  std::size_t n = 0, i = 0;
  const char* p = text.data();
#if defined(__SSE2__)
  const __m128i bit = _mm_set1_epi8(0x20);
  const __m128i brace = _mm_set1_epi8('{');
  const auto matches = [&](std::size_t at) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + at));
    return static_cast<std::uint64_t>(
        static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_or_si128(v, bit), brace))));
  };
  for (; i + 64 <= text.size(); i += 64) {
    std::uint64_t mask = matches(i) | matches(i + 16) << 16 | matches(i + 32) << 32 |
                         matches(i + 48) << 48;
    for (; mask != 0; mask &= mask - 1) ++n;
    if (n > stop) return n;
  }
  for (; i + 16 <= text.size(); i += 16)
    for (std::uint64_t mask = matches(i); mask != 0; mask &= mask - 1) ++n;
#endif
  for (; i < text.size(); ++i) n += (p[i] | 0x20) == '{' ? 1 : 0;
  return n;
}

// Calls on(offset, byte) for every byte outside strings.
template <typename F>
void outside_strings(std::string_view text, F on) {
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
      continue;
    }
    if (!on(i, c)) return;
  }
}

bool number_start(char c) { return c == '-' || (c >= '0' && c <= '9'); }
bool number_char(char c) {
  return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

}  // namespace

std::optional<std::size_t> json_too_deep(std::string_view text, std::size_t max_depth) {
  if (count_openers(text, max_depth) <= max_depth) return std::nullopt;
  std::optional<std::size_t> at;
  std::size_t depth = 0;
  outside_strings(text, [&](std::size_t i, char c) {
    if (c == '{' || c == '[') {
      if (++depth > max_depth) {
        at = i;
        return false;
      }
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
    return true;
  });
  return at;
}

std::optional<BadNumber> json_number_out_of_range(std::string_view text) {
  std::optional<BadNumber> bad;
  std::size_t skip_to = 0;
  outside_strings(text, [&](std::size_t i, char c) {
    if (i < skip_to || !number_start(c)) return true;
    // A number token: up to the first byte that cannot be part of one.
    std::size_t end = i;
    while (end < text.size() && number_char(text[end])) ++end;
    skip_to = end;
    const std::string token(text.substr(i, end - i));
    const bool whole = token.find_first_of(".eE") == std::string::npos;
    errno = 0;
    char* stop = nullptr;
    if (whole) {
      if (token[0] == '-') {
        (void)std::strtoll(token.c_str(), &stop, 10);
      } else {
        (void)std::strtoull(token.c_str(), &stop, 10);
      }
    } else {
      const double v = std::strtod(token.c_str(), &stop);
      if (std::isinf(v))
        errno = ERANGE;
      else
        errno = 0;  // underflow to 0 or a subnormal is a valid JSON number
    }
    if (errno == ERANGE) {
      bad = BadNumber{i, text.substr(i, end - i)};
      return false;
    }
    return true;
  });
  return bad;
}

}  // namespace qb
