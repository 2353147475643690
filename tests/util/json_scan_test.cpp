#include "qualbar/util/json_scan.hpp"

#include <string>

#include <gtest/gtest.h>

namespace qb {
namespace QB_UNITY_ID {

TEST(JsonScan, NestingWithinTheLimitIsFineAndOneLevelMoreIsFoundAtItsBracket) {
  EXPECT_FALSE(json_too_deep(R"({"a":[1,2,{"b":[]}]})", 4));
  EXPECT_EQ(json_too_deep(R"({"a":[1,2,{"b":[]}]})", 3), 15U) << "the fourth level opens at 15";
  const std::string deep = "{\"t\":" + std::string(300, '[') + std::string(300, ']') + "}";
  EXPECT_FALSE(json_too_deep(deep, 301));
  EXPECT_EQ(json_too_deep(deep, 300), 5U + 299U);
  EXPECT_EQ(json_too_deep(deep, 256), 5U + 255U);
}

TEST(JsonScan, BracketsInsideStringsDoNotCount) {
  const std::string text = "{\"s\":\"" + std::string(1000, '[') + "\\\"{{{\",\"n\":[1]}";
  EXPECT_FALSE(json_too_deep(text, 2)) << "more brackets than the limit, all inside a string";
  EXPECT_EQ(json_too_deep(text, 1), text.size() - 4);
}

TEST(JsonScan, NumbersNoDoubleHoldsAreFoundWithTheirText) {
  EXPECT_FALSE(json_number_out_of_range(R"({"a":1e308,"b":-1.5e-400,"c":18446744073709551615})"))
      << "the largest double, an underflow to 0 and the largest uint64 are numbers";
  auto bad = json_number_out_of_range(R"({"s":"1e400","a":1e400})");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->offset, 17U) << "a number inside a string is text";
  EXPECT_EQ(bad->text, "1e400");
  bad = json_number_out_of_range(R"({"a":[1,18446744073709551616]})");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->text, "18446744073709551616") << "a whole number beyond 64 bits";
  bad = json_number_out_of_range(R"({"a":-9223372036854775809})");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->text, "-9223372036854775809");
}

}  // namespace QB_UNITY_ID
}  // namespace qb
