// OptionalNumber and BoxedOptional (core/compact_optional.hpp) read and write as the
// std::optional they replace in Response, in eight bytes each.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <optional>
#include <string>

#include "qualbar/core/compact_optional.hpp"
#include "qualbar/core/response.hpp"
#include "qualbar/io/dataset.hpp"

namespace qb {
namespace QB_UNITY_ID {

TEST(OptionalNumber, ReadsAndWritesAsAnOptionalDoubleInEightBytes) {
  static_assert(sizeof(OptionalNumber) == 8);
  OptionalNumber n;
  EXPECT_FALSE(n.has_value());
  EXPECT_FALSE(n);
  EXPECT_EQ(n, std::nullopt);
  EXPECT_EQ(n.value_or(-1.0), -1.0);
  EXPECT_THROW((void)n.value(), std::bad_optional_access);
  EXPECT_EQ(n.optional(), std::nullopt);

  n = 0.0;  // zero is a value, not absence
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 0.0);
  n = -2.5;
  EXPECT_EQ(n.value(), -2.5);
  EXPECT_EQ(n.optional(), std::optional<double>(-2.5));
  EXPECT_EQ(n, OptionalNumber(-2.5));
  EXPECT_FALSE(n == OptionalNumber(2.5));
  EXPECT_FALSE(n == std::nullopt);
  n = std::numeric_limits<double>::infinity();
  EXPECT_TRUE(n.has_value());

  n = std::optional<double>();
  EXPECT_FALSE(n);
  n = std::optional<double>(7.0);
  EXPECT_EQ(*n, 7.0);
  n.reset();
  EXPECT_FALSE(n);
  n = std::nan("");  // JSON has no NaN: a NaN given is absent
  EXPECT_FALSE(n);
  EXPECT_EQ(OptionalNumber(), OptionalNumber(std::nullopt));
}

TEST(BoxedOptional, ReadsAndWritesAsAnOptionalStringAndACopyOwnsItsOwn) {
  static_assert(sizeof(BoxedOptional<std::string>) == 8);
  BoxedOptional<std::string> e;
  EXPECT_FALSE(e.has_value());
  EXPECT_EQ(e, std::nullopt);
  EXPECT_EQ(e.value_or("none"), "none");
  EXPECT_THROW((void)e.value(), std::bad_optional_access);

  e = "timeout";
  ASSERT_TRUE(e);
  EXPECT_EQ(*e, "timeout");
  EXPECT_EQ(e->size(), 7U);
  const std::string* held = &*e;
  e = std::string("refused");  // assigning to a set one reuses its string
  EXPECT_EQ(&*e, held);
  EXPECT_EQ(e.value(), "refused");

  BoxedOptional<std::string> copy = e;
  EXPECT_EQ(copy, e);
  *copy += "!";
  EXPECT_EQ(*e, "refused");
  EXPECT_FALSE(copy == e);
  BoxedOptional<std::string> assigned;
  assigned = copy;
  EXPECT_EQ(*assigned, "refused!");
  assigned = BoxedOptional<std::string>();
  EXPECT_FALSE(assigned);
  BoxedOptional<std::string> moved = std::move(copy);
  EXPECT_EQ(*moved, "refused!");

  e = std::nullopt;
  EXPECT_FALSE(e);
  EXPECT_EQ(e.optional(), std::nullopt);
  e = std::optional<std::string>("x");
  EXPECT_EQ(e.optional(), std::optional<std::string>("x"));
  e.reset();
  EXPECT_EQ(e, BoxedOptional<std::string>());
}

TEST(ResponseFields, AnAnswerKeepsItsErrorConfidenceAndLatencyAsWritten) {
  const std::vector<Response> rs = parse_responses(
      R"({"id":"a","output":"x","confidence":0,"latency_ms":0})"
      "\n"
      R"({"id":"b","output":"","error":"HTTP 500: server error","latency_ms":1500.5})"
      "\n"
      R"({"id":"c","output":"y"})",
      "responses.jsonl");
  ASSERT_EQ(rs.size(), 3U);
  ASSERT_TRUE(rs[0].confidence);
  EXPECT_EQ(*rs[0].confidence, 0.0);
  EXPECT_EQ(rs[0].latency_ms, 0.0);
  EXPECT_FALSE(rs[0].is_error());
  EXPECT_TRUE(rs[1].is_error());
  EXPECT_EQ(*rs[1].error, "HTTP 500: server error");
  EXPECT_EQ(*rs[1].latency_ms, 1500.5);
  EXPECT_FALSE(rs[1].confidence);
  EXPECT_FALSE(rs[2].latency_ms);
  EXPECT_FALSE(rs[2].is_error());
  const Response copy = rs[1];
  EXPECT_EQ(copy.error, rs[1].error);
  EXPECT_NE(&*copy.error, &*rs[1].error);
}

}  // namespace QB_UNITY_ID
}  // namespace qb
