// Which slice cells a case falls in (src/metrics/slices.cpp): case fields, tags, metadata keys,
// and the language detected from the input when the case names none.
#include "metrics/slices.hpp"

#include <map>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "qualbar/io/dataset.hpp"

namespace qb::detail {
namespace QB_UNITY_ID {

std::vector<Case> cases_of(const std::string& text) {
  Dataset d;
  parse_cases(text, "cases.jsonl", d);
  return d.cases;
}

TEST(Slices, ACaseWithoutALanguageIsSlicedByTheLanguageOfItsInput) {
  const auto cases = cases_of(
      R"({"id":"a","input":"How long does a refund take after I return an item?","language":"en-GB"})"
      "\n"
      R"({"id":"b","input":"¿Cuánto tarda el reembolso después de devolver un artículo?"})"
      "\n"
      R"({"id":"c","input":"Wie lange dauert die Rückerstattung, nachdem ich den Artikel zurückgeschickt habe?"})"
      "\n"
      R"({"id":"d","input":"ok"})"
      "\n");
  // The case's own language is kept as written; a detected one is its primary subtag.
  EXPECT_EQ(slice_key_values(cases[0], "language"), std::vector<std::string>{"en-GB"});
  EXPECT_EQ(slice_key_values(cases[1], "language"), std::vector<std::string>{"es"});
  EXPECT_EQ(slice_key_values(cases[2], "language"), std::vector<std::string>{"de"});
  EXPECT_EQ(slice_key_values(cases[3], "language"), std::vector<std::string>{"(none)"})
      << "too short to tell";
  // The fast path for a single key agrees with the general one.
  const SliceCells cells = index_slice(SliceSpec{{"language"}}, cases);
  ASSERT_EQ(cells.values.size(), 4U);
  for (std::size_t i = 0; i < cases.size(); ++i) {
    EXPECT_EQ(cells.values[cells.ids[cells.offsets[i]]], slice_key_values(cases[i], "language")[0])
        << i;
  }
  // Crossed with category, through the general path.
  const SliceCells crossed = index_slice(SliceSpec{{"language", "category"}}, cases);
  EXPECT_EQ(crossed.values[crossed.ids[crossed.offsets[1]]], "es × (none)");
}

TEST(Slices, TagsAreMultiValuedAndMetadataKeysAreSlices) {
  const auto cases = cases_of(
      R"({"id":"a","input":"x","tags":["pricing","known-failure-17"],"metadata":{"tier":"pro","n":3}})"
      "\n");
  EXPECT_EQ(slice_key_values(cases[0], "tags"),
            (std::vector<std::string>{"pricing", "known-failure-17"}));
  EXPECT_EQ(slice_key_values(cases[0], "tier"), std::vector<std::string>{"pro"});
  EXPECT_EQ(slice_key_values(cases[0], "metadata.n"), std::vector<std::string>{"3"});
  EXPECT_EQ(slice_key_values(cases[0], "segment"), std::vector<std::string>{"(none)"});
}

TEST(Slices, TheLongTailOfAKeyIsFoldedIntoOtherButCriticalValuesNeverAre) {
  // 50 frequent categories of 20 cases and 4,000 with one case each: 4,050 values, 100 allowed.
  std::string text;
  int id = 0;
  for (int c = 0; c < 50; ++c)
    for (int k = 0; k < 20; ++k)
      text += fmt::format(R"({{"id":"c{}","input":"x","category":"top-{:02}"}})"
                          "\n",
                          id++, c);
  for (int r = 0; r < 4000; ++r)
    text += fmt::format(R"({{"id":"c{}","input":"x","category":"rare-{:04}"}})"
                        "\n",
                        id++, r);
  const auto cases = cases_of(text);
  SliceFold fold;
  fold.max_values = 100;
  fold.kept["category"] = {"rare-3999"};  // a critical slice names it
  const SliceCells cells = index_slice(SliceSpec{{"category"}}, cases, fold);
  std::map<std::string, std::size_t> n;
  for (std::size_t i = 0; i < cases.size(); ++i) ++n[cells.values[cells.ids[cells.offsets[i]]]];
  // The 100 most frequent (ties by name: the 50 tops, then rare-0000 … rare-0049), the critical
  // value, and "(other)".
  EXPECT_EQ(cells.values.size(), 102U);
  EXPECT_EQ(n["top-07"], 20U);
  EXPECT_EQ(n["rare-0049"], 1U);
  EXPECT_EQ(n.count("rare-0050"), 0U);
  EXPECT_EQ(n["rare-3999"], 1U) << "named by a critical slice: never folded";
  EXPECT_EQ(n["(other)"], 3949U);
  ASSERT_EQ(cells.warnings.size(), 1U);
  EXPECT_EQ(cells.warnings[0],
            "slice key 'category' has 4050 distinct values: the 100 most frequent keep a slice of "
            "their own, and the other 3949 values (3949 cases) are counted together as '(other)' "
            "(limits.max_slice_values; values a critical slice names are never folded)");
  // Crossed with another key, the general path folds the same values, and numbers the cells in
  // the same order (the order first seen).
  const SliceCells crossed = index_slice(SliceSpec{{"category", "segment"}}, cases, fold);
  ASSERT_EQ(crossed.values.size(), 102U);
  for (std::size_t v = 0; v < cells.values.size(); ++v)
    EXPECT_EQ(crossed.values[v], cells.values[v] + " × (none)") << v;
  for (std::size_t i = 0; i < cases.size(); ++i)
    EXPECT_EQ(crossed.ids[crossed.offsets[i]], cells.ids[cells.offsets[i]]) << i;
  // Within the limit nothing is folded and nothing is said.
  fold.max_values = 5000;
  const SliceCells all = index_slice(SliceSpec{{"category"}}, cases, fold);
  EXPECT_EQ(all.values.size(), 4050U);
  EXPECT_TRUE(all.warnings.empty());
}

}  // namespace QB_UNITY_ID
}  // namespace qb::detail
