#include "qualbar/util/word_diff.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace qb {
namespace QB_UNITY_ID {

// A side of a diff as text, each changed word in [brackets].
std::string marked(const std::vector<DiffPiece>& pieces) {
  std::string out;
  for (const DiffPiece& p : pieces)
    out += p.changed ? "[" + std::string(p.text) + "]" : std::string(p.text);
  return out;
}

TEST(WordDiff, MarksTheWordsOnlyOneSideHas) {
  const WordDiff d = word_diff("During a chargeback your account is paused for 30 to 75 days.",
                               "Sure! During a chargeback your account is paused for 30 to 75 "
                               "days. This is backed by our 100% refund guarantee.");
  EXPECT_EQ(marked(d.a), "During a chargeback your account is paused for 30 to 75 days.");
  EXPECT_EQ(marked(d.b),
            "[Sure!] During a chargeback your account is paused for 30 to 75 days. [This] [is] "
            "[backed] [by] [our] [100%] [refund] [guarantee.]");
}

TEST(WordDiff, AReplacedWordIsStruckOnOneSideAndAddedOnTheOther) {
  const WordDiff d = word_diff("the quick brown fox jumps", "the slow brown dog jumps");
  EXPECT_EQ(marked(d.a), "the [quick] brown [fox] jumps");
  EXPECT_EQ(marked(d.b), "the [slow] brown [dog] jumps");
  // A word moved: one of its two places is kept, the other is a change.
  const WordDiff moved = word_diff("refunds take five days", "five days refunds take");
  EXPECT_EQ(marked(moved.a), "[refunds] [take] five days");
  EXPECT_EQ(marked(moved.b), "five days [refunds] [take]");
}

TEST(WordDiff, KeepsTheWhiteSpaceAsItIsAndNeverMarksIt) {
  const WordDiff d = word_diff("a  b\nc", "a\tb c d");
  EXPECT_EQ(marked(d.a), "a  b\nc");
  EXPECT_EQ(marked(d.b), "a\tb c [d]");
  for (const auto& p : d.b) EXPECT_FALSE(p.changed && p.text.find(' ') != std::string_view::npos);
}

TEST(WordDiff, EmptyAndIdenticalTexts) {
  EXPECT_TRUE(word_diff("", "").a.empty());
  EXPECT_EQ(marked(word_diff("", "new text").b), "[new] [text]");
  EXPECT_EQ(marked(word_diff("old text", "").a), "[old] [text]");
  const WordDiff same = word_diff("the same answer", "the same answer");
  EXPECT_EQ(marked(same.a), "the same answer");
  EXPECT_EQ(marked(same.b), "the same answer");
}

TEST(WordDiff, TextsTooLongToCompareHaveTheirMiddleMarkedChangedNotCompared) {
  std::string a = "start", b = "start";
  for (int i = 0; i < 3000; ++i) {
    a += " a" + std::to_string(i);
    b += " b" + std::to_string(i);
  }
  a += " end";
  b += " end";
  const WordDiff d = word_diff(a, b);  // 3000 × 3000 words in the middle: over kMaxDiffCells
  EXPECT_FALSE(d.a.front().changed);
  EXPECT_FALSE(d.a.back().changed);
  EXPECT_TRUE(d.a[2].changed);
  EXPECT_TRUE(d.b[d.b.size() - 3].changed);
}

}  // namespace QB_UNITY_ID
}  // namespace qb
