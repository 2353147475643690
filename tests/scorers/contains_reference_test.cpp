// contains-reference (src/scorers/contains_reference.cpp), built through the registry.
#include "qualbar/scorers/scorer.hpp"

#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "qualbar/bind/bind.hpp"
#include "qualbar/core/error.hpp"
#include "qualbar/io/dataset.hpp"
#include "qualbar/util/text.hpp"

namespace qb {
namespace QB_UNITY_ID {

Score score_with(const std::optional<std::string>& reference, const std::string& output,
                 const std::string& args = "") {
  Case c;
  c.reference = reference;
  Response r;
  r.output = output;
  return make_scorer("contains-reference", args)->score(c, r);
}

bool passes(const std::string& reference, const std::string& output, const std::string& args = "") {
  const Score s = score_with(reference, output, args);
  EXPECT_EQ(s.status, ScoreStatus::scored) << reference << " in " << output;
  return s.value == 1.0;
}

const std::string kOnePercent = R"({"tolerance":0.01})";

// ---- pass, fail, not applicable ---------------------------------------------------------------

TEST(ContainsReferenceScorer, ReferenceInsideALongerAnswerPasses) {
  const Score s = score_with("30 days", "You can return it within 30 days of delivery.");
  EXPECT_EQ(s.status, ScoreStatus::scored);
  EXPECT_EQ(s.value, 1.0);
  EXPECT_EQ(s.evidence, "found \"30 days\"");
}

TEST(ContainsReferenceScorer, MissingReferenceFailsNamingIt) {
  const Score s = score_with("30 days", "You can return it within two weeks.");
  EXPECT_EQ(s.status, ScoreStatus::scored);
  EXPECT_EQ(s.value, 0.0);
  EXPECT_EQ(s.evidence, "missing: \"30 days\"");
}

// A short reference scores 0 on token F1 against a long answer; here it passes.
TEST(ContainsReferenceScorer, ShortReferenceInALongAnswer) {
  EXPECT_TRUE(passes("Paris", "The capital of France is Paris, on the Seine."));
  EXPECT_TRUE(passes("42", "After checking the ledger the total comes to 42 items."));
  EXPECT_LT(token_f1("The capital of France is Paris, on the Seine.", "Paris"), 0.5);
}

TEST(ContainsReferenceScorer, NoReferenceIsNotApplicable) {
  const Score s = score_with(std::nullopt, "anything");
  EXPECT_EQ(s.status, ScoreStatus::not_applicable);
  EXPECT_EQ(s.evidence, "the case has no reference");
}

TEST(ContainsReferenceScorer, EmptyReferenceIsNotApplicable) {
  for (const char* empty : {"", "   ", " .\t"}) {
    const Score s = score_with(std::string(empty), "anything");
    EXPECT_EQ(s.status, ScoreStatus::not_applicable) << "'" << empty << "'";
    EXPECT_EQ(s.evidence, "the reference is empty");
  }
}

TEST(ContainsReferenceScorer, EmptyOutputFails) {
  EXPECT_EQ(score_with("yes", "").evidence, "missing: \"yes\"");
}

// ---- normalisation ------------------------------------------------------------------------------

TEST(ContainsReferenceScorer, CaseIsFoldedTheUnicodeWay) {
  EXPECT_TRUE(passes("30 Days", "within 30 DAYS"));
  EXPECT_TRUE(passes("Straße", "Bitte an die HAUPT STRASSE 5 schicken"));  // ß folds to ss
  EXPECT_TRUE(passes("STRASSE", "die Straße ist gesperrt"));
  EXPECT_TRUE(passes("ΟΔΟΣ", "η οδος είναι κλειστή"));  // final sigma folds like Σ
  EXPECT_TRUE(passes("café", "UN CAFÉ, S'IL VOUS PLAÎT"));
}

TEST(ContainsReferenceScorer, UnicodeCompatibilityFormsCompareEqual) {
  EXPECT_TRUE(passes("ABC-123", "your code is ＡＢＣ－１２３."));             // full width
  EXPECT_TRUE(passes("file", "the ﬁle was saved"));                           // ligature ﬁ
  EXPECT_TRUE(passes("crème brûlée", "une cre\u0300me bru\u0302le\u0301e"));  // decomposed
  EXPECT_FALSE(passes("creme", "une crème"));                                 // accents are kept
}

TEST(ContainsReferenceScorer, WhiteSpaceIsCollapsed) {
  EXPECT_TRUE(passes("30  days", "within 30\tdays"));
  EXPECT_TRUE(passes("30 days", "within 30\n\ndays"));
  EXPECT_TRUE(passes("30 days", "within 30\u00A0days"));  // no-break space
  EXPECT_TRUE(passes("  30 days\n", "within 30 days"));
  EXPECT_FALSE(passes("30 days", "within 30days"));
}

TEST(ContainsReferenceScorer, PunctuationAtTheEndsOfTheReferenceIsIgnored) {
  EXPECT_TRUE(passes("Paris.", "It is Paris, of course"));
  EXPECT_TRUE(passes("«Oui»", "La réponse est oui !"));
  EXPECT_TRUE(passes("(30 days)", "within 30 days"));
  EXPECT_FALSE(passes("U.S. only", "US only"));  // inside the reference it counts
  // Signs that mean something are kept.
  EXPECT_TRUE(passes("30%", "a 30% discount"));
  EXPECT_FALSE(passes("30%", "within 30 days"));
  EXPECT_TRUE(passes(".5 mg", "take .5 mg"));
  EXPECT_FALSE(passes(".5 mg", "take 5 mg"));
}

// ---- whole words
// ---------------------------------------------------------------------------------

TEST(ContainsReferenceScorer, MatchesWholeWordsOnly) {
  EXPECT_FALSE(passes("cat", "a category of its own"));
  EXPECT_FALSE(passes("yes", "my eyes hurt"));
  EXPECT_TRUE(passes("yes", "Yes, it is."));
  EXPECT_TRUE(passes("yes", "the answer is \"yes\""));
  const Score s = score_with("5", "It takes 15 days");
  EXPECT_EQ(s.value, 0.0);
  EXPECT_EQ(s.evidence, "missing: \"5\" (it appears only inside a longer word or number: \"15\")");
}

TEST(ContainsReferenceScorer, NumbersAreNotSplit) {
  EXPECT_FALSE(passes("20", "it costs 20.50 euros"));
  EXPECT_FALSE(passes("5", "about 1.5 hours"));
  EXPECT_FALSE(passes("500", "1,500 users"));
  EXPECT_FALSE(passes("5 °C", "it is -5 °C outside"));
  EXPECT_TRUE(passes("20", "it costs 20. That is all"));
  EXPECT_TRUE(passes("20", "pages 10-20"));  // a range, not a minus sign
  EXPECT_TRUE(passes("-5 °C", "it is -5 °C outside"));
}

// Chinese and Japanese put no spaces between words: any position counts.
TEST(ContainsReferenceScorer, UnspacedScriptsMatchAnywhere) {
  EXPECT_TRUE(passes("东京", "日本的首都是东京。"));
  EXPECT_TRUE(passes("5000円", "価格は5000円です"));
  EXPECT_FALSE(passes("大阪", "日本的首都是东京。"));
}

// ---- numeric tolerance
// ----------------------------------------------------------------------------

TEST(ContainsReferenceScorer, WithoutToleranceNumbersAreText) {
  EXPECT_FALSE(passes("3.14 km", "about 3.1416 km away"));
  EXPECT_FALSE(passes("1,000 users", "1000 users"));
  EXPECT_FALSE(passes(".5 mg", "take 0.5 mg"));
  EXPECT_FALSE(passes(".5 mg", "take 1.5 mg"));
}

TEST(ContainsReferenceScorer, ToleranceIsRelativeToTheReferenceNumber) {
  const Score s = score_with("3.14 km", "It is about 3.1416 KM away.", kOnePercent);
  EXPECT_EQ(s.value, 1.0);
  EXPECT_EQ(s.evidence, "found \"3.1416 km\" for \"3.14 km\" (numbers within 1%)");
  // 1% of 200 is 2: 198 and 202 pass, 197.9 does not.
  EXPECT_TRUE(passes("200 ms", "about 198 ms", kOnePercent));
  EXPECT_TRUE(passes("200 ms", "about 202 ms", kOnePercent));
  EXPECT_FALSE(passes("200 ms", "about 197.9 ms", kOnePercent));
  // Relative, not absolute: 0.5 vs 0.504 is 0.8% off, 0.5 vs 0.51 is 2%.
  EXPECT_TRUE(passes("0.5", "p = 0.504", kOnePercent));
  EXPECT_FALSE(passes("0.5", "p = 0.51", kOnePercent));
}

TEST(ContainsReferenceScorer, NumberOutsideTheToleranceIsNamed) {
  const Score s = score_with("3.14 km", "It is 3.5 km away.", kOnePercent);
  EXPECT_EQ(s.value, 0.0);
  EXPECT_EQ(s.evidence,
            "missing: \"3.14 km\"; nearest: \"3.5 km\": 3.5 is 11.5% away from 3.14, more than "
            "the tolerance of 1%");
  // The nearest of several places, by its number furthest off.
  const Score nearest = score_with("3.14 km", "Either 4 km or 3.3 km, not 2 km.", kOnePercent);
  EXPECT_EQ(nearest.evidence,
            "missing: \"3.14 km\"; nearest: \"3.3 km\": 3.3 is 5.1% away from 3.14, more than "
            "the tolerance of 1%");
  const Score none = score_with("3.14 km", "It is far away.", kOnePercent);
  EXPECT_EQ(none.evidence, "missing: \"3.14 km\"");
}

TEST(ContainsReferenceScorer, ZeroToleranceComparesNumbersByValue) {
  const std::string exact = R"({"tolerance":0})";
  EXPECT_TRUE(passes("1,000 users", "we have 1000 users", exact));
  EXPECT_TRUE(passes("3 days", "3.0 days", exact));
  EXPECT_FALSE(passes("3 days", "3.1 days", exact));
  EXPECT_TRUE(passes(".5 mg", "take 0.5 mg", exact));
  const Score zero = score_with("0 errors", "2 errors", kOnePercent);
  EXPECT_EQ(zero.evidence,
            "missing: \"0 errors\"; nearest: \"2 errors\": 2 is not 0, and a tolerance relative "
            "to 0 allows no difference");
}

TEST(ContainsReferenceScorer, EveryNumberOfTheReferenceMustMatchInPlace) {
  const std::string ref = "between 5 and 10 days";
  EXPECT_TRUE(passes(ref, "Delivery takes between 5.02 and 9.95 days.", kOnePercent));
  EXPECT_FALSE(passes(ref, "Delivery takes between 5 and 12 days.", kOnePercent));
  EXPECT_FALSE(passes(ref, "Delivery takes between 5 or 10 days.", kOnePercent));
  EXPECT_FALSE(passes("-5 °C", "it is 5 °C", kOnePercent));  // the sign counts
  EXPECT_TRUE(passes("-5 °C", "it is -5.02 °C", kOnePercent));
}

TEST(ContainsReferenceScorer, ToleranceKeepsWholeWords) {
  EXPECT_FALSE(passes("5 days", "15 days", kOnePercent));
  EXPECT_FALSE(passes("v2", "v2x", R"({"tolerance":0.1})"));
  // A reference without numbers is compared as text.
  EXPECT_TRUE(passes("Paris", "It is Paris.", kOnePercent));
}

TEST(ContainsReferenceScorer, BadToleranceIsAnArgError) {
  for (const char* args : {R"({"tolerance":-0.1})", R"({"tolerance":"1%"})"}) {
    try {
      (void)make_scorer("contains-reference", args);
      ADD_FAILURE() << "no ArgError for " << args;
    } catch (const ArgError& e) {
      EXPECT_EQ(e.field(), "tolerance");
    }
  }
  try {
    (void)make_scorer("contains-reference", R"({"tolerance":-1})");
  } catch (const ArgError& e) {
    EXPECT_STREQ(e.what(), "must be a number of 0 or more (0.01: numbers within 1%)");
  }
  try {
    (void)make_scorer("contains-reference", R"({"value":"x"})");
    ADD_FAILURE() << "no ArgError for value";
  } catch (const ArgError& e) {
    EXPECT_STREQ(e.what(), "unknown argument 'value'. This scorer takes: tolerance");
  }
}

// ---- in an assert list ------------------------------------------------------------------------

TEST(ContainsReferenceScorer, UsableInAnAssertListNegatedToo) {
  Dataset d;
  parse_cases(
      R"({"id":"a","input":"q","reference":"3.14 km","assert":[)"
      R"({"type":"contains-reference","tolerance":0.01},{"type":"not-contains-reference"}]})"
      "\n"
      R"({"id":"b","input":"q","assert":[{"type":"contains-reference"}]})"
      "\n",
      "cases.jsonl", d);
  bind_cases(d);
  const auto assertions = make_scorer("assertions", "");
  Response r;
  r.output = "It is 3.1416 km away.";  // within 1%, and not the reference's text
  EXPECT_EQ(assertions->score(d.cases[0], r).value, 1.0);
  r.output = "It is 3.14 km away.";
  const Score s = assertions->score(d.cases[0], r);
  EXPECT_EQ(s.value, 0.0);
  EXPECT_EQ(s.evidence, "assert[1] not-contains-reference: found \"3.14 km\"");
  // Without a reference the check does not apply, so neither does the list.
  EXPECT_EQ(assertions->score(d.cases[1], r).status, ScoreStatus::not_applicable);
}

}  // namespace QB_UNITY_ID
}  // namespace qb
