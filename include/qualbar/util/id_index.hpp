#pragma once
// Case and response ids → their position, in a flat hash table (tsl::robin_map: open addressing,
// each entry's hash kept beside it): no allocation per id, where a million-case dataset would
// otherwise make a million nodes. Keys are views: the ids must outlive the index, unmoved. And a
// dataset's duplicate-id check (repeated_ids), which sorts hashes instead of keeping a table.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include <tsl/robin_map.h>
#include <xxhash.h>

namespace qb {

// XXH3 of a string's bytes; transparent, so a table of owned strings is searched by a view.
struct IdHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view id) const noexcept {
    return static_cast<std::size_t>(XXH3_64bits(id.data(), id.size()));
  }
};

using IdIndex = tsl::robin_map<std::string_view, std::size_t, IdHash, std::equal_to<>,
                               std::allocator<std::pair<std::string_view, std::size_t>>,
                               /*StoreHash=*/true>;

namespace detail {

// Sorts 64-bit keys whose low halves ascend as given (a hash's top half, then a position) by their
// top halves, keeping the order of keys whose top halves are equal: the same as std::sort, which
// it uses on small inputs; on large ones a radix sort in two passes of 16 bits, a few times faster
// on a million keys.
inline void sort_by_top_half(std::vector<std::uint64_t>& keys) {
  if (keys.size() < (std::size_t{1} << 16)) {
    std::sort(keys.begin(), keys.end());
    return;
  }
  std::vector<std::uint64_t> other(keys.size());
  std::vector<std::size_t> at(std::size_t{1} << 16);
  for (const int shift : {32, 48}) {
    std::fill(at.begin(), at.end(), 0);
    for (const std::uint64_t k : keys) ++at[(k >> shift) & 0xFFFF];
    std::size_t sum = 0;
    for (std::size_t& a : at) sum += std::exchange(a, sum);
    for (const std::uint64_t k : keys) other[at[(k >> shift) & 0xFFFF]++] = k;
    keys.swap(other);
  }
}

}  // namespace detail

// Each record whose id an earlier record has, with the first record that has it, in order of
// position: {later, first}. `id_of(i)` is record i's id, for i < n. The ids are not copied: each
// record takes 16 bytes while they are checked (its id's hash's top half and its position, radix
// sorted through a second buffer), where a hash table takes 12-32 bytes a bucket at twice as many
// buckets. Records whose hashes agree are told apart by their ids, sorted, so even ids made to
// collide cost n log n.
template <class IdOf, class Hash = IdHash>
std::vector<std::pair<std::uint32_t, std::uint32_t>> repeated_ids(std::size_t n, IdOf id_of,
                                                                  Hash hash = {}) {
  constexpr std::uint64_t kPosition = 0xFFFFFFFFULL;
  std::vector<std::uint64_t> keys(n);
  for (std::size_t i = 0; i < n; ++i)
    keys[i] = (static_cast<std::uint64_t>(hash(id_of(i))) & ~kPosition) | i;
  detail::sort_by_top_half(keys);
  std::vector<std::pair<std::uint32_t, std::uint32_t>> out;
  std::vector<std::uint32_t> same;  // one run of equal hashes, by id then position
  for (std::size_t a = 0, b = 0; a < n; a = b) {
    for (b = a + 1; b < n && (keys[b] & ~kPosition) == (keys[a] & ~kPosition); ++b) {
    }
    if (b - a == 1) continue;
    same.clear();
    for (std::size_t k = a; k < b; ++k) same.push_back(static_cast<std::uint32_t>(keys[k]));
    std::stable_sort(same.begin(), same.end(), [&](std::uint32_t x, std::uint32_t y) {
      return std::string_view(id_of(x)) < std::string_view(id_of(y));
    });
    for (std::size_t k = 1, first = 0; k < same.size(); ++k) {
      if (std::string_view(id_of(same[k])) != std::string_view(id_of(same[first]))) {
        first = k;
      } else {
        out.emplace_back(same[k], same[first]);
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace qb
