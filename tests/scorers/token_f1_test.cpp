// token-f1 (src/scorers/token_f1.cpp), built through the registry.
#include "qualbar/scorers/scorer.hpp"

#include <string>

#include <gtest/gtest.h>

namespace qb {
namespace QB_UNITY_ID {

Score score_with(const std::string& args, const Case& c, const std::string& output) {
  Response r;
  r.output = output;
  return make_scorer("token-f1", args)->score(c, r);
}

Case with_reference(std::string reference) {
  Case c;
  c.reference = std::move(reference);
  return c;
}

TEST(TokenF1Scorer, IsGraded) {
  EXPECT_EQ(scorer_registry().get("token-f1").info.kind, ScoreKind::graded);
}

TEST(TokenF1Scorer, PerfectOverlapScoresOneWithoutEvidence) {
  const Score s = score_with("", with_reference("The cat sat."), "the CAT sat");
  EXPECT_EQ(s.status, ScoreStatus::scored);
  EXPECT_DOUBLE_EQ(s.value, 1.0);
  EXPECT_EQ(s.evidence, "");
}

TEST(TokenF1Scorer, PartialOverlapHandComputed) {
  // precision 2/3, recall 2/4 → F1 4/7.
  const Score s = score_with("", with_reference("the cat sat down"), "a cat sat");
  EXPECT_EQ(s.status, ScoreStatus::scored);
  EXPECT_NEAR(s.value, 4.0 / 7.0, 1e-15);
  EXPECT_EQ(s.evidence, "token F1 0.57 against the reference");
}

TEST(TokenF1Scorer, ValueArgumentOverridesReference) {
  const Score s =
      score_with(R"({"value":"red apple"})", with_reference("green pear"), "a red apple");
  EXPECT_NEAR(s.value, 0.8, 1e-15);  // precision 2/3, recall 1
  EXPECT_EQ(s.evidence, "token F1 0.80 against the value");
}

TEST(TokenF1Scorer, EmptyOutputScoresZero) {
  const Score s = score_with("", with_reference("Paris"), "");
  EXPECT_EQ(s.status, ScoreStatus::scored);
  EXPECT_EQ(s.value, 0.0);
  EXPECT_EQ(s.evidence, "token F1 0.00 against the reference");
}

TEST(TokenF1Scorer, EmptyOutputAndEmptyReferenceScoreOne) {
  const Score s = score_with("", with_reference(""), "");
  EXPECT_EQ(s.value, 1.0);
  EXPECT_EQ(s.evidence, "");
}

TEST(TokenF1Scorer, ChineseComparesCharacters) {
  const Score s = score_with("", with_reference("我爱北京"), "我爱上海");
  EXPECT_NEAR(s.value, 0.5, 1e-15);
  EXPECT_EQ(s.evidence, "token F1 0.50 against the reference");
}

TEST(TokenF1Scorer, AccentsAndRightToLeft) {
  EXPECT_DOUBLE_EQ(score_with("", with_reference("Café crème"), "café CRÈME").value, 1.0);
  EXPECT_DOUBLE_EQ(score_with("", with_reference("Café crème"), "cafe creme").value, 0.0);
  EXPECT_NEAR(score_with("", with_reference("שלום"), "שלום עולם").value, 2.0 / 3.0, 1e-15);
}

TEST(TokenF1Scorer, NotApplicableWithoutReferenceOrValue) {
  const Score s = score_with("", Case{}, "words");
  EXPECT_EQ(s.status, ScoreStatus::not_applicable);
  EXPECT_EQ(s.evidence, "no reference and no value to compare with");
}

}  // namespace QB_UNITY_ID
}  // namespace qb
