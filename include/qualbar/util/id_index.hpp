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
#include <tsl/robin_set.h>
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

// Records' positions keyed by their ids without keeping the ids: 12 bytes a bucket (a position and
// its id's hash) instead of IdIndex's 32, for checking a million ids for duplicates. `id_of(i)`
// is record i's id (a copyable, assignable function object); the records must stay put while
// positions are added.
template <class IdOf>
class IdPositions {
 public:
  IdPositions(IdOf id_of, std::size_t n) : set_(n, Hash{id_of}, Same{id_of}) {}

  // Adds position i: the earlier position with the same id when there is one, else i.
  std::size_t add(std::uint32_t i) { return *set_.insert(i).first; }

 private:
  struct Hash {
    IdOf id_of;
    std::size_t operator()(std::uint32_t i) const { return IdHash{}(id_of(i)); }
  };
  struct Same {
    IdOf id_of;
    bool operator()(std::uint32_t a, std::uint32_t b) const { return id_of(a) == id_of(b); }
  };
  tsl::robin_set<std::uint32_t, Hash, Same, std::allocator<std::uint32_t>, /*StoreHash=*/true> set_;
};

}  // namespace qb
