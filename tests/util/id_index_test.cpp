// repeated_ids (util/id_index.hpp): every record whose id an earlier one has, with the first
// that has it, in order, checked against a plain map, also when every hash collides.
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "qualbar/util/id_index.hpp"

namespace qb {
namespace QB_UNITY_ID {

using Repeats = std::vector<std::pair<std::uint32_t, std::uint32_t>>;

Repeats expected_repeats(const std::vector<std::string>& ids) {
  std::map<std::string, std::uint32_t> first;
  Repeats out;
  for (std::uint32_t i = 0; i < ids.size(); ++i) {
    const auto [it, inserted] = first.emplace(ids[i], i);
    if (!inserted) out.emplace_back(i, it->second);
  }
  return out;
}

std::vector<std::string> random_ids(std::size_t n, std::size_t distinct, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<std::size_t> pick(0, distinct - 1);
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < n; ++i) ids.push_back(fmt::format("case-{}", pick(rng)));
  return ids;
}

struct Collide {  // every id the same hash: the check must tell them apart by their text
  std::size_t operator()(std::string_view) const { return 42; }
};

TEST(RepeatedIds, EachRepeatNamesTheFirstRecordWithItsIdInOrder) {
  const std::vector<std::string> ids = {"a", "b", "a", "c", "b", "a", "d"};
  const auto id_of = [&](std::size_t i) -> std::string_view { return ids[i]; };
  EXPECT_EQ(repeated_ids(ids.size(), id_of), (Repeats{{2, 0}, {4, 1}, {5, 0}}));
  EXPECT_EQ(repeated_ids(ids.size(), id_of, Collide{}), (Repeats{{2, 0}, {4, 1}, {5, 0}}));
  EXPECT_TRUE(repeated_ids(0, id_of).empty());
  const std::vector<std::string> unique = {"x", "y", "xy", ""};
  EXPECT_TRUE(
      repeated_ids(unique.size(), [&](std::size_t i) -> std::string_view { return unique[i]; })
          .empty());
}

TEST(RepeatedIds, AgreesWithAMapOnRandomIdsAndWhenEveryHashCollides) {
  // Small inputs are sorted by std::sort, 65,536 records or more by the radix sort.
  for (const auto [n, distinct] : {std::pair<std::size_t, std::size_t>{2000, 1500},
                                   {2000, 50},
                                   {5000, 5000},
                                   {3000, 1},
                                   {70000, 60000},
                                   {70000, 70000}}) {
    const std::vector<std::string> ids = random_ids(n, distinct, static_cast<unsigned>(n + distinct));
    const auto id_of = [&](std::size_t i) -> std::string_view { return ids[i]; };
    const Repeats want = expected_repeats(ids);
    EXPECT_EQ(repeated_ids(ids.size(), id_of), want) << n << " ids, " << distinct << " values";
    EXPECT_EQ(repeated_ids(ids.size(), id_of, Collide{}), want)
        << n << " ids, " << distinct << " values, every hash the same";
  }
}

}  // namespace QB_UNITY_ID
}  // namespace qb
