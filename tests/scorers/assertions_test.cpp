// assertions (src/scorers/assertions.cpp): a case's `assert` list, built by hand here.
#include "qualbar/scorers/scorer.hpp"

#include <memory>
#include <string>

#include <gtest/gtest.h>

namespace qb {
namespace QB_UNITY_ID {

Assertion check(std::string type, bool negated, const std::string& scorer, const std::string& args,
                double threshold = 1.0) {
  Assertion a;
  a.type = std::move(type);
  a.negated = negated;
  a.threshold = threshold;
  a.scorer = std::shared_ptr<const Scorer>(make_scorer(scorer, args));
  return a;
}

// The product contract's example: contains "30 days", not-regex "(?i)guarantee".
Case refund_case() {
  Case c;
  c.id = "q-001";
  c.edit_details().asserts.push_back(
      check("contains", false, "contains", R"({"value":"30 days"})"));
  c.edit_details().asserts.push_back(
      check("not-regex", true, "regex", R"({"pattern":"(?i)guarantee"})"));
  return c;
}

Score score_with(const Case& c, const std::string& output) {
  Response r;
  r.output = output;
  return make_scorer("assertions", "")->score(c, r);
}

TEST(AssertionsScorer, EveryCheckPassing) {
  const Score s = score_with(refund_case(), "Refunds are accepted within 30 days.");
  EXPECT_EQ(s.status, ScoreStatus::scored);
  EXPECT_EQ(s.value, 1.0);
  EXPECT_EQ(s.evidence, "");
}

TEST(AssertionsScorer, FailingContainsNamed) {
  const Score s = score_with(refund_case(), "Refunds are accepted within 14 days.");
  EXPECT_EQ(s.status, ScoreStatus::scored);
  EXPECT_EQ(s.value, 0.0);
  EXPECT_EQ(s.evidence, "assert[0] contains: missing: \"30 days\"");
}

TEST(AssertionsScorer, NegatedRegexThatMatchesFails) {
  const Score s = score_with(refund_case(), "We guarantee refunds within 30 days.");
  EXPECT_EQ(s.value, 0.0);
  EXPECT_EQ(s.evidence, "assert[1] not-regex: matched 'guarantee'");
}

TEST(AssertionsScorer, EveryFailureListed) {
  const Score s = score_with(refund_case(), "GUARANTEED refund!");
  EXPECT_EQ(s.value, 0.0);
  EXPECT_EQ(s.evidence,
            "assert[0] contains: missing: \"30 days\"; assert[1] not-regex: matched 'GUARANTEE'");
}

TEST(AssertionsScorer, EmptyOutput) {
  const Score s = score_with(refund_case(), "");
  EXPECT_EQ(s.value, 0.0);
  EXPECT_EQ(s.evidence, "assert[0] contains: missing: \"30 days\"");
}

TEST(AssertionsScorer, NegatedCheckWithoutEvidenceSaysMatched) {
  Case c;
  c.edit_details().asserts.push_back(
      check("not-contains", true, "contains", R"({"value":"保证"})"));
  EXPECT_EQ(score_with(c, "退款期限为30天").value, 1.0);
  const Score s = score_with(c, "我们保证退款");
  EXPECT_EQ(s.value, 0.0);
  EXPECT_EQ(s.evidence, "assert[0] not-contains: matched");
}

TEST(AssertionsScorer, GradedCheckPassesAtItsThreshold) {
  Case c;
  c.reference = "the cat sat down";
  c.edit_details().asserts.push_back(check("token-f1", false, "token-f1", "", 0.5));
  EXPECT_EQ(score_with(c, "a cat sat").value, 1.0);  // F1 4/7 >= 0.5
  const Score s = score_with(c, "a dog sat");        // F1 2/7 < 0.5
  EXPECT_EQ(s.value, 0.0);
  EXPECT_EQ(s.evidence, "assert[0] token-f1: token F1 0.29 against the reference");
}

TEST(AssertionsScorer, NotApplicableChecksAreSkipped) {
  Case c;  // no expected_label: label-match does not apply
  c.edit_details().asserts.push_back(check("label-match", false, "label-match", ""));
  c.edit_details().asserts.push_back(check("contains", false, "contains", R"({"value":"שלום"})"));
  EXPECT_EQ(score_with(c, "שלום עולם").value, 1.0);
  const Score s = score_with(c, "مرحبا");
  EXPECT_EQ(s.evidence, "assert[1] contains: missing: \"שלום\"");
}

TEST(AssertionsScorer, NotApplicableWithoutAssertList) {
  const Score s = score_with(Case{}, "anything");
  EXPECT_EQ(s.status, ScoreStatus::not_applicable);
  EXPECT_EQ(s.evidence, "the case has no assert list");
}

}  // namespace QB_UNITY_ID
}  // namespace qb
