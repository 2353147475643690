// regex (src/scorers/regex.cpp), built through the registry.
#include "qualbar/scorers/scorer.hpp"

#include <string>

#include <gtest/gtest.h>

namespace qb {
namespace QB_UNITY_ID {

Score score_with(const std::string& args, const std::string& output) {
  Response r;
  r.output = output;
  return make_scorer("regex", args)->score(Case{}, r);
}

void expect_arg_error(const std::string& args, const std::string& field,
                      const std::string& message) {
  try {
    (void)make_scorer("regex", args);
    ADD_FAILURE() << "no ArgError for " << args;
  } catch (const ArgError& e) {
    EXPECT_EQ(e.field(), field) << args;
    EXPECT_EQ(std::string(e.what()), message) << args;
  }
}

TEST(RegexScorer, MatchPassesWithTheMatchedText) {
  const Score s = score_with(R"({"pattern":"\\d{3}-\\d{4}"})", "call 555-1234 now");
  EXPECT_EQ(s.status, ScoreStatus::scored);
  EXPECT_EQ(s.value, 1.0);
  EXPECT_EQ(s.evidence, "matched '555-1234'");
}

TEST(RegexScorer, NoMatchFailsNamingThePattern) {
  const Score s = score_with(R"({"pattern":"\\d{3}-\\d{4}"})", "no number here");
  EXPECT_EQ(s.status, ScoreStatus::scored);
  EXPECT_EQ(s.value, 0.0);
  EXPECT_EQ(s.evidence, "no match for /\\d{3}-\\d{4}/");
}

TEST(RegexScorer, CaseSensitiveUnlessAsked) {
  EXPECT_EQ(score_with(R"({"pattern":"refund"})", "REFUND policy").value, 0.0);
  EXPECT_EQ(score_with(R"({"pattern":"refund","case_insensitive":true})", "REFUND policy").evidence,
            "matched 'REFUND'");
  EXPECT_EQ(score_with(R"({"pattern":"(?i)refund"})", "Refund policy").value, 1.0);
}

TEST(RegexScorer, AnchorsAndEmptyOutput) {
  EXPECT_EQ(score_with(R"({"pattern":"^yes$"})", "yes").value, 1.0);
  EXPECT_EQ(score_with(R"({"pattern":"^yes$"})", "yes, sure").value, 0.0);
  EXPECT_EQ(score_with(R"({"pattern":"^$"})", "").evidence, "matched ''");
  EXPECT_EQ(score_with(R"({"pattern":"x"})", "").evidence, "no match for /x/");
}

TEST(RegexScorer, UnicodeText) {
  EXPECT_EQ(score_with(R"({"pattern":"café"})", "Le café est chaud").evidence, "matched 'café'");
  EXPECT_EQ(score_with(R"({"pattern":"(?i)CAFÉ"})", "un café").evidence, "matched 'café'");
  EXPECT_EQ(score_with(R"({"pattern":"^caf.$"})", "café").value,
            1.0);  // '.' is a character, not a byte
  EXPECT_EQ(score_with(R"({"pattern":"\\p{Han}+"})", "答案是北京。").evidence,
            "matched '答案是北京'");
  EXPECT_EQ(score_with(R"({"pattern":"שלום"})", "אמרתי שלום לכולם").evidence, "matched 'שלום'");
  EXPECT_EQ(score_with(R"({"pattern":"\\p{Arabic}+"})", "ok مرحبا").evidence, "matched 'مرحبا'");
}

TEST(RegexScorer, LongMatchIsShortenedInEvidence) {
  const Score s = score_with(R"({"pattern":"a+"})", std::string(100, 'a'));
  EXPECT_EQ(s.evidence, "matched '" + std::string(60, 'a') + "…'");
}

TEST(RegexScorer, LinearTimeOnPathologicalPattern) {
  // Catastrophic for a backtracking engine; RE2 answers at once.
  const Score s = score_with(R"({"pattern":"^(a+)+$"})", std::string(5000, 'a') + "!");
  EXPECT_EQ(s.value, 0.0);
  EXPECT_EQ(s.evidence, "no match for /^(a+)+$/");
}

TEST(RegexScorer, InvalidPatternRejected) {
  expect_arg_error(R"({"pattern":"("})", "pattern",
                   "is not a valid RE2 regular expression: missing ): (");
}

TEST(RegexScorer, BackreferencesAreNotRE2) {
  expect_arg_error(R"({"pattern":"(a)\\1"})", "pattern",
                   "is not a valid RE2 regular expression: invalid escape sequence: \\1");
}

TEST(RegexScorer, PatternRequired) {
  expect_arg_error("", "pattern", "is required: the regular expression (RE2 syntax) to find");
  expect_arg_error(R"({"case_insensitive":true})", "pattern",
                   "is required: the regular expression (RE2 syntax) to find");
}

TEST(RegexScorer, UnknownArgumentSuggestsCloseName) {
  expect_arg_error(R"({"pattern":"a","case_insensitiv":true})", "case_insensitiv",
                   "unknown argument 'case_insensitiv'. Did you mean 'case_insensitive'?");
}

// A typo in the required argument should be reported as the typo, with the suggestion, not as
// "pattern is required" (which hides the misspelt key the user did write).
TEST(RegexScorer, TypoInRequiredArgumentSuggestsCloseName) {
  expect_arg_error(R"({"patern":"a"})", "patern",
                   "unknown argument 'patern'. Did you mean 'pattern'?");
}

TEST(RegexScorer, CaseInsensitiveMustBeABoolean) {
  expect_arg_error(R"({"pattern":"a","case_insensitive":"yes"})", "case_insensitive",
                   "expected true or false, got a string");
}

}  // namespace QB_UNITY_ID
}  // namespace qb
