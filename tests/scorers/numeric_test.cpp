// numeric (src/scorers/numeric.cpp), built through the registry.
#include "qualbar/scorers/scorer.hpp"

#include <string>

#include <gtest/gtest.h>

namespace qb {
namespace QB_UNITY_ID {

Score score_with(const std::string& args, const Case& c, const std::string& output) {
  Response r;
  r.output = output;
  return make_scorer("numeric", args)->score(c, r);
}

void expect_arg_error(const std::string& args, const std::string& field,
                      const std::string& message) {
  try {
    (void)make_scorer("numeric", args);
    ADD_FAILURE() << "no ArgError for " << args;
  } catch (const ArgError& e) {
    EXPECT_EQ(e.field(), field) << args;
    EXPECT_EQ(std::string(e.what()), message) << args;
  }
}

TEST(NumericScorer, ExactNumberPasses) {
  for (const char* output : {"42", "The answer is 42.", "42.0", "It is 42!", "4.2e1"}) {
    const Score s = score_with(R"({"value":42})", Case{}, output);
    EXPECT_EQ(s.status, ScoreStatus::scored) << output;
    EXPECT_EQ(s.value, 1.0) << output;
    EXPECT_EQ(s.evidence, "") << output;
  }
}

TEST(NumericScorer, TheLastNumberCounts) {
  EXPECT_EQ(score_with(R"({"value":7})", Case{}, "Step 1: 3 apples; step 2: 7").value, 1.0);
  EXPECT_EQ(score_with(R"({"value":3})", Case{}, "Step 1: 3 apples; step 2: 7").value, 0.0);
}

TEST(NumericScorer, SignsDecimalsThousandsAndExponents) {
  EXPECT_EQ(score_with(R"({"value":-3.5})", Case{}, "it fell to -3.5 degrees").value, 1.0);
  EXPECT_EQ(score_with(R"({"value":1234567.5})", Case{}, "total: 1,234,567.5").value, 1.0);
  EXPECT_EQ(score_with(R"({"value":6.02e23})", Case{}, "about 6.02e23 atoms").value, 1.0);
  EXPECT_EQ(score_with(R"({"value":0.001})", Case{}, "1E-3").value, 1.0);
}

TEST(NumericScorer, FailureEvidenceNamesGotExpectedAndTolerance) {
  const Score s = score_with(R"({"value":0.1,"abs_tol":0.01})", Case{}, "I think 0.5");
  EXPECT_EQ(s.status, ScoreStatus::scored);
  EXPECT_EQ(s.value, 0.0);
  EXPECT_EQ(s.evidence, "got 0.5, expected 0.1 (tolerance 0.01)");
}

TEST(NumericScorer, NoNumberInOutputFails) {
  const Score s = score_with(R"({"value":42})", Case{}, "I don't know");
  EXPECT_EQ(s.status, ScoreStatus::scored);
  EXPECT_EQ(s.value, 0.0);
  EXPECT_EQ(s.evidence, "no number in the output; expected 42");
  EXPECT_EQ(score_with(R"({"value":42})", Case{}, "").evidence,
            "no number in the output; expected 42");
}

TEST(NumericScorer, AbsoluteTolerance) {
  EXPECT_EQ(score_with(R"({"value":10,"abs_tol":0.5})", Case{}, "10.5").value, 1.0);
  EXPECT_EQ(score_with(R"({"value":10,"abs_tol":0.5})", Case{}, "9.5").value, 1.0);
  EXPECT_EQ(score_with(R"({"value":10,"abs_tol":0.5})", Case{}, "10.6").value, 0.0);
}

TEST(NumericScorer, RelativeTolerance) {
  EXPECT_EQ(score_with(R"({"value":100,"rel_tol":0.01})", Case{}, "100.9").value, 1.0);
  EXPECT_EQ(score_with(R"({"value":100,"rel_tol":0.01})", Case{}, "101.5").value, 0.0);
  // The default relative tolerance (1e-9) absorbs float noise but not a real difference.
  EXPECT_EQ(score_with(R"({"value":0.3})", Case{}, "0.30000000000000004").value, 1.0);
  EXPECT_EQ(score_with(R"({"value":0.3})", Case{}, "0.3001").value, 0.0);
}

TEST(NumericScorer, ExpectedNumberFromTheReference) {
  Case c;
  c.reference = "The total is 1,500 dollars";
  EXPECT_EQ(score_with("", c, "1500").value, 1.0);
  const Score s = score_with("", c, "1400");
  EXPECT_EQ(s.value, 0.0);
  EXPECT_EQ(s.evidence, "got 1400, expected 1500 (tolerance 1.5e-06)");
}

TEST(NumericScorer, ValueArgumentOverridesReference) {
  Case c;
  c.reference = "12";
  EXPECT_EQ(score_with(R"({"value":13})", c, "13").value, 1.0);
}

TEST(NumericScorer, NotApplicableWithoutExpectedNumber) {
  const Score none = score_with("", Case{}, "42");
  EXPECT_EQ(none.status, ScoreStatus::not_applicable);
  EXPECT_EQ(none.evidence, "no number in the reference and no value");
  Case words;
  words.reference = "about a dozen";
  EXPECT_EQ(score_with("", words, "12").status, ScoreStatus::not_applicable);
}

TEST(NumericScorer, NumbersInsideUnicodeText) {
  EXPECT_EQ(score_with(R"({"value":42})", Case{}, "La réponse est 42 €").value, 1.0);
  EXPECT_EQ(score_with(R"({"value":42})", Case{}, "答案是42。").value, 1.0);
  EXPECT_EQ(score_with(R"({"value":42})", Case{}, "الجواب هو 42").value, 1.0);
  EXPECT_EQ(score_with(R"({"value":3.5})", Case{}, "התשובה: 3.5 ק\"ג").value, 1.0);
}

// A decimal without its leading zero is 0.5, not 5.
TEST(NumericScorer, LeadingDotDecimalIsAFraction) {
  const Score s = score_with(R"({"value":0.5})", Case{}, "The probability is .5");
  EXPECT_EQ(s.value, 1.0);
  EXPECT_EQ(s.evidence, "");
}

// A hyphen right after a digit joins a range or a date; it is not a minus sign.
TEST(NumericScorer, HyphenAfterADigitIsNotAMinusSign) {
  const Score s = score_with(R"({"value":20})", Case{}, "pages 10-20");
  EXPECT_EQ(s.value, 1.0);
  EXPECT_EQ(s.evidence, "");
}

TEST(NumericScorer, NegativeToleranceRejected) {
  expect_arg_error(R"({"value":1,"abs_tol":-0.1})", "abs_tol", "must be 0 or more");
  expect_arg_error(R"({"value":1,"rel_tol":-1})", "rel_tol", "must be 0 or more");
}

TEST(NumericScorer, ValueMustBeANumber) {
  expect_arg_error(R"({"value":"42"})", "value", "expected a number, got a string");
}

}  // namespace QB_UNITY_ID
}  // namespace qb
