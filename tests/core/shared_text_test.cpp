// SharedText, OptionalSharedText and TextInterner (core/shared_text.hpp): the texts a million
// cases repeat, one copy each, read and written as the strings they replace.
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "qualbar/core/case.hpp"
#include "qualbar/core/response.hpp"
#include "qualbar/core/shared_text.hpp"
#include "qualbar/io/dataset.hpp"

namespace qb {
namespace QB_UNITY_ID {

void takes_string(const std::string& s, std::string* out) { *out = s; }

TEST(SharedText, ReadsAsTheStringItWasGivenInEightBytes) {
  static_assert(sizeof(SharedText) == 8);
  SharedText t;
  EXPECT_TRUE(t.empty());
  EXPECT_EQ(t, "");
  EXPECT_EQ(t.str(), std::string());
  t = "billing";
  EXPECT_EQ(t, "billing");
  EXPECT_EQ("billing", t);
  EXPECT_EQ(t, std::string("billing"));
  EXPECT_FALSE(t == "bill");
  EXPECT_EQ(t.size(), 7U);
  EXPECT_EQ(std::string_view(t), "billing");
  std::string got;
  takes_string(t, &got);
  EXPECT_EQ(got, "billing");
  const std::string copied = t;
  EXPECT_EQ(copied, "billing");
  EXPECT_EQ(std::string(t.begin(), t.end()), "billing");
  EXPECT_LT(SharedText("a"), SharedText("b"));
  // Equal texts are equal whether or not they share a copy.
  EXPECT_EQ(SharedText("x"), SharedText(std::string("x")));
  EXPECT_FALSE(SharedText("x") == SharedText("y"));
}

TEST(SharedText, ACopySharesTheTextAndOutlivesTheOriginal) {
  SharedText copy;
  {
    const SharedText original("refund-dispute");
    copy = original;
    EXPECT_EQ(copy.data(), original.data());  // one copy of the bytes
    SharedText moved = original;
    const SharedText taken = std::move(moved);
    EXPECT_EQ(taken.data(), original.data());
  }
  EXPECT_EQ(copy, "refund-dispute");
  copy = copy;  // NOLINT(clang-diagnostic-self-assign-overloaded): assigning itself keeps it
  EXPECT_EQ(copy, "refund-dispute");
  copy = "";
  EXPECT_TRUE(copy.empty());
}

TEST(SharedText, CopiesMadeAndDroppedOnManyThreadsKeepTheTextIntact) {
  const SharedText shared("warranty");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20000; ++i) {
        const SharedText copy = shared;
        if (copy != "warranty") std::abort();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(shared, "warranty");
}

TEST(OptionalSharedText, ReadsAndWritesAsAnOptionalString) {
  static_assert(sizeof(OptionalSharedText) == 8);
  OptionalSharedText o;
  EXPECT_FALSE(o.has_value());
  EXPECT_EQ(o, std::nullopt);
  EXPECT_FALSE(o == "");  // absent is not the empty text
  EXPECT_EQ(o.value_or("none"), "none");
  EXPECT_THROW((void)o.value(), std::bad_optional_access);
  EXPECT_EQ(o.optional(), std::nullopt);

  o = "";
  ASSERT_TRUE(o);
  EXPECT_EQ(o, "");
  o = std::string("spam");
  EXPECT_EQ(*o, "spam");
  EXPECT_EQ(o->size(), 4U);
  EXPECT_EQ(o, "spam");
  EXPECT_EQ(o, std::optional<std::string>("spam"));
  EXPECT_FALSE(o == std::optional<std::string>());
  EXPECT_EQ(o.value(), "spam");
  const OptionalSharedText copy = o;
  EXPECT_EQ(copy, o);
  EXPECT_EQ(&*copy, &*o);
  EXPECT_FALSE(copy == OptionalSharedText());
  o = std::nullopt;
  EXPECT_FALSE(o);
  EXPECT_EQ(copy, "spam");
  o = std::optional<std::string>("ham");
  EXPECT_EQ(o.optional(), std::optional<std::string>("ham"));
  o.reset();
  EXPECT_EQ(o, OptionalSharedText());
}

TEST(TextInterner, EqualTextsShareOneCopyAndAFullTableStillGivesEachItsText) {
  TextInterner texts;
  const SharedText a = texts.text("billing");
  const SharedText b = texts.text(std::string("billing"));
  EXPECT_EQ(a.data(), b.data());
  EXPECT_NE(texts.text("shipping").data(), a.data());
  EXPECT_TRUE(texts.text("").empty());
  const OptionalSharedText label = texts.optional("billing");
  EXPECT_EQ(&*label, &a.str());
  EXPECT_TRUE(texts.optional("").has_value());  // set, and empty

  // More distinct texts than the table keeps (a free-text field): each still reads back as given,
  // the ones kept stay shared, and the ones after are copies of their own.
  std::vector<SharedText> many;
  for (std::size_t i = 0; i < TextInterner::kMaxTexts + 100; ++i)
    many.push_back(texts.text(fmt::format("value {}", i)));
  for (std::size_t i = 0; i < many.size(); ++i) EXPECT_EQ(many[i], fmt::format("value {}", i));
  EXPECT_EQ(texts.text("value 7").data(), many[7].data());
  const std::string last = fmt::format("value {}", many.size() - 1);
  EXPECT_NE(texts.text(last).data(), many.back().data());
  EXPECT_EQ(texts.text(last), many.back());
  // A text longer than kMaxBytes is not kept.
  const std::string long_text(TextInterner::kMaxBytes + 1, 'x');
  EXPECT_NE(texts.text(long_text).data(), texts.text(long_text).data());
  EXPECT_EQ(texts.text(long_text), long_text);
}

TEST(TextInterner, ADatasetAndItsAnswersKeepOneCopyOfEachRepeatedValue) {
  Dataset d;
  parse_cases(R"({"id":"1","input":"q","category":"billing","language":"en","expected_label":"a"})"
              "\n"
              R"({"id":"2","input":"q","category":"billing","language":"fr","expected_label":"a"})"
              "\n"
              R"({"id":"3","input":"q","category":"shipping","language":"en"})",
              "cases.jsonl", d);
  ASSERT_EQ(d.cases.size(), 3U);
  EXPECT_EQ(d.cases[0].category.data(), d.cases[1].category.data());
  EXPECT_EQ(d.cases[0].language.data(), d.cases[2].language.data());
  EXPECT_EQ(&*d.cases[0].expected_label, &*d.cases[1].expected_label);
  EXPECT_EQ(d.cases[2].category, "shipping");
  EXPECT_EQ(d.cases[1].language, "fr");
  EXPECT_FALSE(d.cases[2].expected_label);

  const std::vector<Response> rs = parse_responses(
      R"({"id":"1","output":"x","label":"a","model":"m-1"})"
      "\n"
      R"({"id":"2","output":"y","label":"a","model":"m-1"})"
      "\n"
      R"({"id":"3","output":"z","label":"","model":"m-2"})",
      "responses.jsonl");
  ASSERT_EQ(rs.size(), 3U);
  EXPECT_EQ(&*rs[0].label, &*rs[1].label);
  EXPECT_EQ(rs[0].model.data(), rs[1].model.data());
  EXPECT_EQ(rs[2].model, "m-2");
  ASSERT_TRUE(rs[2].label.has_value());
  EXPECT_EQ(*rs[2].label, "");
  EXPECT_EQ(rs[0].label, d.cases[0].expected_label);
}

}  // namespace QB_UNITY_ID
}  // namespace qb
