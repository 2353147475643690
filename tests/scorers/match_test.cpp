// exact-match and normalized-match (src/scorers/match.cpp), built through the registry.
#include "qualbar/scorers/scorer.hpp"

#include <string>

#include <gtest/gtest.h>

namespace qb {
namespace QB_UNITY_ID {

Score score_with(const std::string& name, const std::string& args, const Case& c,
                 const std::string& output) {
  Response r;
  r.output = output;
  return make_scorer(name, args)->score(c, r);
}

Case with_reference(std::string reference) {
  Case c;
  c.id = "q-1";
  c.reference = std::move(reference);
  return c;
}

// ---- exact-match ------------------------------------------------------------------------------

TEST(ExactMatch, EqualToReferencePasses) {
  const Score s = score_with("exact-match", "", with_reference("Paris"), "Paris");
  EXPECT_EQ(s.status, ScoreStatus::scored);
  EXPECT_EQ(s.value, 1.0);
  EXPECT_EQ(s.evidence, "");
}

TEST(ExactMatch, AnyDifferenceFailsWithEvidence) {
  const Case c = with_reference("Paris");
  for (const char* output : {"paris", "Paris.", " Paris", "Paris\n", ""}) {
    const Score s = score_with("exact-match", "", c, output);
    EXPECT_EQ(s.status, ScoreStatus::scored) << output;
    EXPECT_EQ(s.value, 0.0) << output;
    EXPECT_EQ(s.evidence, "differs from the reference") << output;
  }
}

TEST(ExactMatch, ValueArgumentOverridesReference) {
  const Case c = with_reference("Paris");
  EXPECT_EQ(score_with("exact-match", R"({"value":"Lyon"})", c, "Lyon").value, 1.0);
  const Score s = score_with("exact-match", R"({"value":"Lyon"})", c, "Paris");
  EXPECT_EQ(s.value, 0.0);
  EXPECT_EQ(s.evidence, "differs from the expected value");
}

TEST(ExactMatch, NotApplicableWithoutReferenceOrValue) {
  const Score s = score_with("exact-match", "", Case{}, "anything");
  EXPECT_EQ(s.status, ScoreStatus::not_applicable);
  EXPECT_EQ(s.evidence, "no reference and no value to compare with");
}

TEST(ExactMatch, EmptyReferenceMatchesEmptyOutput) {
  EXPECT_EQ(score_with("exact-match", "", with_reference(""), "").value, 1.0);
  EXPECT_EQ(score_with("exact-match", "", with_reference(""), " ").value, 0.0);
}

TEST(ExactMatch, UnicodeIsComparedByteForByte) {
  EXPECT_EQ(score_with("exact-match", "", with_reference("北京"), "北京").value, 1.0);
  EXPECT_EQ(score_with("exact-match", "", with_reference("שלום עולם"), "שלום עולם").value, 1.0);
  // NFC "é" against NFD "e + ◌́": equal to a reader, not byte for byte.
  const Score s = score_with("exact-match", "", with_reference("caf\u00e9"), "cafe\u0301");
  EXPECT_EQ(s.value, 0.0);
  EXPECT_EQ(s.evidence, "differs from the reference");
}

// ---- normalized-match -------------------------------------------------------------------------

TEST(NormalizedMatch, IgnoresCasePunctuationAndSpace) {
  const Case c = with_reference("Paris");
  for (const char* output : {"Paris", "paris", "  PARIS!! ", "Paris.", "ＰＡＲＩＳ"}) {
    const Score s = score_with("normalized-match", "", c, output);
    EXPECT_EQ(s.status, ScoreStatus::scored) << output;
    EXPECT_EQ(s.value, 1.0) << output;
    EXPECT_EQ(s.evidence, "") << output;
  }
}

TEST(NormalizedMatch, FailureSaysItDiffersAfterNormalising) {
  const Score s = score_with("normalized-match", "", with_reference("New York, NY!"), "Boston");
  EXPECT_EQ(s.status, ScoreStatus::scored);
  EXPECT_EQ(s.value, 0.0);
  EXPECT_EQ(s.evidence, "differs from the reference after normalising");
}

TEST(NormalizedMatch, ValueArgumentIsNormalisedToo) {
  const Score pass =
      score_with("normalized-match", R"({"value":"  Bonjour,  Monde! "})", Case{}, "bonjour monde");
  EXPECT_EQ(pass.value, 1.0);
  const Score fail =
      score_with("normalized-match", R"({"value":"Bonjour, Monde!"})", Case{}, "hello");
  EXPECT_EQ(fail.evidence, "differs from the expected value after normalising");
}

TEST(NormalizedMatch, UnicodeCaseAndCompositionFolded) {
  EXPECT_EQ(score_with("normalized-match", "", with_reference("CAFÉ"), "café").value, 1.0);
  EXPECT_EQ(score_with("normalized-match", "", with_reference("caf\u00e9"), "CAFE\u0301").value,
            1.0);
  EXPECT_EQ(score_with("normalized-match", "", with_reference("Straße"), "STRASSE").value, 1.0);
  EXPECT_EQ(score_with("normalized-match", "", with_reference("我爱北京"), "我爱北京。").value,
            1.0);
  EXPECT_EQ(score_with("normalized-match", "", with_reference("¿Dónde está?"), "dónde está").value,
            1.0);
  EXPECT_EQ(
      score_with("normalized-match", "", with_reference("مرحبا بالعالم"), "مرحبا، بالعالم").value,
      1.0);
}

TEST(NormalizedMatch, AccentsMatterUnlessStripped) {
  const Case c = with_reference("Café crème");
  const Score kept = score_with("normalized-match", "", c, "cafe creme");
  EXPECT_EQ(kept.value, 0.0);
  EXPECT_EQ(kept.evidence, "differs from the reference after normalising");
  EXPECT_EQ(score_with("normalized-match", R"({"strip_accents":true})", c, "cafe creme").value,
            1.0);
  EXPECT_EQ(score_with("normalized-match", R"({"strip_accents":true})", c, "CAFÉ CRÈME").value,
            1.0);
}

TEST(NormalizedMatch, PunctuationMattersWhenKept) {
  const Case c = with_reference("Yes!");
  const Score s = score_with("normalized-match", R"({"strip_punctuation":false})", c, "yes");
  EXPECT_EQ(s.value, 0.0);
  EXPECT_EQ(s.evidence, "differs from the reference after normalising");
  EXPECT_EQ(score_with("normalized-match", R"({"strip_punctuation":false})", c, " YES! ").value,
            1.0);
}

TEST(NormalizedMatch, EmptyOutput) {
  const Score s = score_with("normalized-match", "", with_reference("Paris"), "");
  EXPECT_EQ(s.value, 0.0);
  EXPECT_EQ(s.evidence, "differs from the reference after normalising");
  EXPECT_EQ(score_with("normalized-match", "", with_reference("?!"), "").value, 1.0);  // both empty
}

TEST(NormalizedMatch, NotApplicableWithoutReferenceOrValue) {
  const Score s = score_with("normalized-match", "", Case{}, "x");
  EXPECT_EQ(s.status, ScoreStatus::not_applicable);
  EXPECT_EQ(s.evidence, "no reference and no value to compare with");
}

TEST(NormalizedMatch, OptionMustBeABoolean) {
  try {
    (void)make_scorer("normalized-match", R"({"strip_accents":"yes"})");
    FAIL() << "expected ArgError";
  } catch (const ArgError& e) {
    EXPECT_EQ(e.field(), "strip_accents");
    EXPECT_STREQ(e.what(), "expected true or false, got a string");
  }
}

}  // namespace QB_UNITY_ID
}  // namespace qb
