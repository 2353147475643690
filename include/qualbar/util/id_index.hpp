#pragma once
// Case and response ids → their position, in a flat hash table (tsl::robin_map: open addressing,
// each entry's hash kept beside it): no allocation per id, where a million-case dataset would
// otherwise make a million nodes. Keys are views: the ids must outlive the index, unmoved.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <utility>

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

}  // namespace qb
