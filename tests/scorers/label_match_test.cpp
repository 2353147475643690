// label-match (src/scorers/label_match.cpp), built through the registry.
#include "qualbar/scorers/scorer.hpp"

#include <optional>
#include <string>

#include <gtest/gtest.h>

namespace qb {
namespace QB_UNITY_ID {

Case expecting(std::string label) {
  Case c;
  c.expected_label = std::move(label);
  return c;
}

Response labelled(std::optional<std::string> label, std::string output = "") {
  Response r;
  r.label = std::move(label);
  r.output = std::move(output);
  return r;
}

Score score_with(const std::string& args, const Case& c, const Response& r) {
  return make_scorer("label-match", args)->score(c, r);
}

TEST(LabelMatchScorer, EqualLabelPasses) {
  const Score s = score_with("", expecting("billing"), labelled("billing"));
  EXPECT_EQ(s.status, ScoreStatus::scored);
  EXPECT_EQ(s.value, 1.0);
  EXPECT_EQ(s.evidence, "");
}

TEST(LabelMatchScorer, IgnoresCaseAndSurroundingSpace) {
  EXPECT_EQ(score_with("", expecting("billing"), labelled("  Billing\n")).value, 1.0);
  EXPECT_EQ(score_with("", expecting("Billing"), labelled("BILLING")).value, 1.0);
}

TEST(LabelMatchScorer, OtherLabelFailsWithEvidence) {
  const Score s = score_with("", expecting("billing"), labelled("refunds"));
  EXPECT_EQ(s.status, ScoreStatus::scored);
  EXPECT_EQ(s.value, 0.0);
  EXPECT_EQ(s.evidence, "predicted 'refunds', expected 'billing'");
}

TEST(LabelMatchScorer, PunctuationIsPartOfTheLabel) {
  EXPECT_EQ(score_with("", expecting("billing"), labelled("billing.")).value, 0.0);
  EXPECT_EQ(score_with("", expecting("tier-1"), labelled("tier-1")).value, 1.0);
  EXPECT_EQ(score_with("", expecting("tier-1"), labelled("tier1")).value, 0.0);
}

TEST(LabelMatchScorer, OutputUsedWhenThereIsNoLabel) {
  EXPECT_EQ(score_with("", expecting("billing"), labelled(std::nullopt, "Billing")).value, 1.0);
  const Score s = score_with("", expecting("billing"), labelled(std::nullopt, ""));
  EXPECT_EQ(s.value, 0.0);
  EXPECT_EQ(s.evidence, "predicted '', expected 'billing'");
}

TEST(LabelMatchScorer, FromOutputIgnoresTheLabelField) {
  const Response r = labelled("billing", "refunds");
  EXPECT_EQ(score_with("", expecting("billing"), r).value, 1.0);
  const Score s = score_with(R"({"from_output":true})", expecting("billing"), r);
  EXPECT_EQ(s.value, 0.0);
  EXPECT_EQ(s.evidence, "predicted 'refunds', expected 'billing'");
}

TEST(LabelMatchScorer, UnicodeLabels) {
  EXPECT_EQ(score_with("", expecting("facturación"), labelled("FACTURACIÓN")).value, 1.0);
  EXPECT_EQ(score_with("", expecting("billing"), labelled("ＢＩＬＬＩＮＧ")).value,
            1.0);  // full-width
  EXPECT_EQ(score_with("", expecting("فواتير"), labelled("فواتير")).value, 1.0);
  EXPECT_EQ(score_with("", expecting("請求"), labelled("請求")).value, 1.0);
  const Score s = score_with("", expecting("請求"), labelled("返金"));
  EXPECT_EQ(s.evidence, "predicted '返金', expected '請求'");
}

TEST(LabelMatchScorer, LongPredictionShortenedInEvidence) {
  const std::string output = std::string(70, 'x');
  const Score s = score_with("", expecting("billing"), labelled(std::nullopt, output));
  EXPECT_EQ(s.evidence, "predicted '" + std::string(60, 'x') + "…', expected 'billing'");
}

TEST(LabelMatchScorer, NotApplicableWithoutExpectedLabel) {
  const Score s = score_with("", Case{}, labelled("billing"));
  EXPECT_EQ(s.status, ScoreStatus::not_applicable);
  EXPECT_EQ(s.evidence, "the case has no expected_label");
}

TEST(LabelMatchScorer, UnknownArgumentSuggestsCloseName) {
  try {
    (void)make_scorer("label-match", R"({"from_outputs":true})");
    FAIL() << "expected ArgError";
  } catch (const ArgError& e) {
    EXPECT_EQ(e.field(), "from_outputs");
    EXPECT_STREQ(e.what(), "unknown argument 'from_outputs'. Did you mean 'from_output'?");
  }
}

}  // namespace QB_UNITY_ID
}  // namespace qb
