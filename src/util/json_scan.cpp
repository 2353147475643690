#include "qualbar/util/json_scan.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>

namespace qb {
namespace {

// Counts bytes equal to `c` up to `stop` occurrences (memchr runs on the machine's SIMD).
std::size_t count_up_to(std::string_view text, char c, std::size_t stop) {
  std::size_t n = 0;
  const char* p = text.data();
  const char* end = p + text.size();
  while (n < stop && (p = static_cast<const char*>(
                          std::memchr(p, c, static_cast<std::size_t>(end - p)))) != nullptr) {
    ++n;
    ++p;
  }
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
  const std::size_t objects = count_up_to(text, '{', max_depth + 1);
  if (objects + count_up_to(text, '[', max_depth + 1 - objects) <= max_depth) return std::nullopt;
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
