#pragma once
// LSD radix sort on 64-bit keys for the statistics module (quantile sketch buffers, p values).
// Stable; a byte a pass, skipping the bytes that every key shares (most of them for data in a
// narrow range). Several times faster than std::sort from a few hundred items up.

#include <bit>
#include <cstdint>
#include <cstring>
#include <vector>

namespace qb::stats::detail {

// Order-preserving map from doubles (not NaN) to unsigned integers, and back.
inline std::uint64_t sort_key(double x) {
  const auto bits = std::bit_cast<std::uint64_t>(x);
  return (bits >> 63) != 0 ? ~bits : bits | (std::uint64_t{1} << 63);
}

inline double from_sort_key(std::uint64_t key) {
  return std::bit_cast<double>((key >> 63) != 0 ? key & ~(std::uint64_t{1} << 63) : ~key);
}

// Sorts `items` by key(item) ascending, stably; `scratch` is working space (resized as needed).
template <class T, class Key>
void radix_sort(std::vector<T>& items, std::vector<T>& scratch, Key key) {
  const std::size_t n = items.size();
  if (n < 2) return;
  std::uint32_t counts[8][256];
  std::memset(counts, 0, sizeof counts);
  for (const T& item : items) {
    const std::uint64_t k = key(item);
    for (int b = 0; b < 8; ++b) ++counts[b][(k >> (8 * b)) & 0xFF];
  }
  scratch.resize(n);
  for (int b = 0; b < 8; ++b) {
    const int shift = 8 * b;
    if (counts[b][(key(items[0]) >> shift) & 0xFF] == n) continue;
    std::uint32_t offset = 0;
    for (auto& c : counts[b]) {
      const std::uint32_t here = c;
      c = offset;
      offset += here;
    }
    for (const T& item : items) scratch[counts[b][(key(item) >> shift) & 0xFF]++] = item;
    items.swap(scratch);
  }
}

}  // namespace qb::stats::detail
