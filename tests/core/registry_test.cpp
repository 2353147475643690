#include "qualbar/core/registry.hpp"

#include <gtest/gtest.h>

namespace qb::detail {
namespace QB_UNITY_ID {

TEST(EditDistance, ClassicPairs) {
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3U);
  EXPECT_EQ(edit_distance("flaw", "lawn"), 2U);
  EXPECT_EQ(edit_distance("exact-mach", "exact-match"), 1U);
  EXPECT_EQ(edit_distance("patern", "pattern"), 1U);
}

TEST(EditDistance, EmptyAndEqual) {
  EXPECT_EQ(edit_distance("", ""), 0U);
  EXPECT_EQ(edit_distance("", "abc"), 3U);
  EXPECT_EQ(edit_distance("abc", ""), 3U);
  EXPECT_EQ(edit_distance("same", "same"), 0U);
}

TEST(EditDistance, Symmetric) {
  EXPECT_EQ(edit_distance("regex", "contains"), edit_distance("contains", "regex"));
  EXPECT_EQ(edit_distance("abc", "cba"), 2U);
}

TEST(ClosestName, SuggestsANearNameAndNothingFar) {
  EXPECT_EQ(closest_name("contians", {"contains", "regex"}), "contains");
  EXPECT_EQ(closest_name("zzzzzz", {"contains", "regex"}), "");
}

}  // namespace QB_UNITY_ID
}  // namespace qb::detail
