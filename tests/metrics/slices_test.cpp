// Which slice cells a case falls in (src/metrics/slices.cpp): case fields, tags, metadata keys,
// and the language detected from the input when the case names none.
#include "metrics/slices.hpp"

#include <gtest/gtest.h>

#include "qualbar/io/dataset.hpp"

namespace qb::detail {
namespace {

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

}  // namespace
}  // namespace qb::detail
