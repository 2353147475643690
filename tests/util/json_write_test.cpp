#include "qualbar/util/json_write.hpp"

#include <limits>
#include <random>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace qb {
namespace QB_UNITY_ID {

std::string json_quoted(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

TEST(JsonWrite, EachCharacterJsonReservesIsEscapedAndNoOtherIs) {
  EXPECT_EQ(json_quoted(""), "\"\"");
  EXPECT_EQ(json_quoted("plain text, no escapes"), "\"plain text, no escapes\"");
  EXPECT_EQ(json_quoted("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(json_quoted("\n\r\t\b\f"), R"("\n\r\t\b\f")");
  EXPECT_EQ(json_quoted(std::string("\x01\x1f\x00", 3)), R"("\u0001\u001f\u0000")");
  EXPECT_EQ(json_quoted("\x20\x7f"), "\"\x20\x7f\"") << "space and DEL are not control characters here";
  EXPECT_EQ(json_quoted("caf\xc3\xa9 \xe2\x9c\x93"), "\"caf\xc3\xa9 \xe2\x9c\x93\"") << "UTF-8 as it is";
  EXPECT_EQ(json_quoted("\xff\xfe"), "\"\xff\xfe\"") << "bytes are copied, never judged";
}

// Eight bytes are checked at a time: a character to escape is found at every position of the
// word, at the ends of the text, and in runs, and the text reads back the same.
TEST(JsonWrite, TextReadsBackTheSameWhereverTheEscapesFall) {
  const std::string reserved[] = {"\"", "\\", "\n", "\x01", "\x1f", std::string(1, '\0')};
  for (const std::string& r : reserved) {
    for (std::size_t len = 1; len <= 24; ++len) {
      for (std::size_t at = 0; at < len; ++at) {
        std::string text(len, 'x');
        text.replace(at, 1, r);
        SCOPED_TRACE(testing::Message() << "length " << len << ", escape at " << at);
        EXPECT_EQ(nlohmann::json::parse(json_quoted(text)).get<std::string>(), text);
      }
    }
  }
  std::mt19937 rng(7);
  const std::string alphabet[] = {"a", "Z", " ", "\"", "\\", "\n", "\t", "\x02", "\x7f", "\xc3\xa9",
                                  "\xe2\x9c\x93", "~", "]", "\x1b"};
  for (int n = 0; n < 2000; ++n) {
    std::string text;
    const std::size_t parts = rng() % 40;
    for (std::size_t k = 0; k < parts; ++k) text += alphabet[rng() % std::size(alphabet)];
    ASSERT_EQ(nlohmann::json::parse(json_quoted(text)).get<std::string>(), text) << json_quoted(text);
  }
}

TEST(JsonWrite, TextIsAppendedToWhatTheStringHolds) {
  std::string out = "{\"k\":";
  append_json_string(out, "v\"");
  EXPECT_EQ(out, R"({"k":"v\"")");
}

TEST(JsonWrite, NumbersAreTheShortestTextThatReadsBackTheSameDouble) {
  const auto number = [](double v) {
    std::string out;
    append_json_number(out, v);
    return out;
  };
  EXPECT_EQ(number(0.1), "0.1");
  EXPECT_EQ(number(12.0), "12.0") << "a whole number still reads as a double";
  EXPECT_EQ(number(-0.0), "-0.0");
  EXPECT_EQ(number(1e21), "1e+21");
  EXPECT_EQ(number(std::numeric_limits<double>::quiet_NaN()), "null");
  EXPECT_EQ(number(-std::numeric_limits<double>::infinity()), "null");
  // The longest texts a double has (17 digits, a sign, an exponent) are whole.
  for (const double v : {-2.2250738585072014e-308, -1.7976931348623157e308, 4.9406564584124654e-324,
                         0.30000000000000004, -123456.78901234567}) {
    const std::string text = number(v);
    EXPECT_EQ(nlohmann::json::parse(text).get<double>(), v) << text;
  }
}

}  // namespace QB_UNITY_ID
}  // namespace qb
