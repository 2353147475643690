// contains, contains-any and contains-all (src/scorers/contains.cpp), built through the registry.
#include "qualbar/scorers/scorer.hpp"

#include <string>

#include <gtest/gtest.h>

namespace qb {
namespace QB_UNITY_ID {

Score score_with(const std::string& name, const std::string& args, const std::string& output) {
  Response r;
  r.output = output;
  return make_scorer(name, args)->score(Case{}, r);
}

void expect_arg_error(const std::string& name, const std::string& args, const std::string& field,
                      const std::string& message) {
  try {
    (void)make_scorer(name, args);
    ADD_FAILURE() << "no ArgError for " << name << " " << args;
  } catch (const ArgError& e) {
    EXPECT_EQ(e.field(), field) << name << " " << args;
    EXPECT_EQ(std::string(e.what()), message) << name << " " << args;
  }
}

// ---- contains ---------------------------------------------------------------------------------

TEST(ContainsScorer, PhrasePresentPasses) {
  const Score s = score_with("contains", R"({"value":"30 days"})", "Refunds within 30 days.");
  EXPECT_EQ(s.status, ScoreStatus::scored);
  EXPECT_EQ(s.value, 1.0);
  EXPECT_EQ(s.evidence, "");
}

TEST(ContainsScorer, PhraseMissingFailsNamingIt) {
  const Score s = score_with("contains", R"({"value":"30 days"})", "Refunds within 14 days.");
  EXPECT_EQ(s.status, ScoreStatus::scored);
  EXPECT_EQ(s.value, 0.0);
  EXPECT_EQ(s.evidence, "missing: \"30 days\"");
}

TEST(ContainsScorer, EmptyOutputFails) {
  EXPECT_EQ(score_with("contains", R"({"value":"x"})", "").evidence, "missing: \"x\"");
}

TEST(ContainsScorer, CaseSensitiveByDefault) {
  EXPECT_EQ(score_with("contains", R"({"value":"30 days"})", "30 DAYS").value, 0.0);
}

TEST(ContainsScorer, CaseInsensitiveFoldsUnicodeCase) {
  const std::string args = R"({"value":"30 Days","case_insensitive":true})";
  EXPECT_EQ(score_with("contains", args, "within 30 DAYS").value, 1.0);
  EXPECT_EQ(score_with("contains", R"({"value":"café","case_insensitive":true})", "UN CAFÉ").value,
            1.0);
  EXPECT_EQ(
      score_with("contains", R"({"value":"Straße","case_insensitive":true})", "HAUPTSTRASSE 5")
          .value,
      1.0);
  EXPECT_EQ(
      score_with("contains", R"({"value":"ПРИВЕТ","case_insensitive":true})", "привет, мир").value,
      1.0);
}

// case_insensitive should change case only: the phrase keeps its spaces (" cat " is not in
// "Concatenate") and the evidence shows the phrase as the user wrote it.
TEST(ContainsScorer, CaseInsensitiveOnlyFoldsCase) {
  const std::string args = R"({"value":" Cat ","case_insensitive":true})";
  EXPECT_EQ(score_with("contains", R"({"value":" Cat "})", "Concatenate").value, 0.0);
  const Score s = score_with("contains", args, "Concatenate");
  EXPECT_EQ(s.value, 0.0);
  EXPECT_EQ(s.evidence, "missing: \" Cat \"");
}

TEST(ContainsScorer, UnicodePhrases) {
  EXPECT_EQ(score_with("contains", R"({"value":"北京"})", "我爱北京天安门").value, 1.0);
  EXPECT_EQ(score_with("contains", R"({"value":"עולם"})", "שלום עולם").value, 1.0);
  EXPECT_EQ(score_with("contains", R"({"value":"30 días"})", "Reembolsos en 30 días.").value, 1.0);
  const Score s = score_with("contains", R"({"value":"上海"})", "我爱北京");
  EXPECT_EQ(s.value, 0.0);
  EXPECT_EQ(s.evidence, "missing: \"上海\"");
}

TEST(ContainsScorer, ValueRequired) {
  expect_arg_error("contains", "", "value", "is required: the text the output must contain");
  expect_arg_error("contains", R"({"value":[]})", "value",
                   "is required: the text the output must contain");
}

TEST(ContainsScorer, OneValueOnly) {
  expect_arg_error("contains", R"({"value":["a","b"]})", "value",
                   "expected one string; use contains-any or contains-all for a list");
  EXPECT_EQ(score_with("contains", R"({"value":["a"]})", "a").value, 1.0);  // a list of one is fine
}

TEST(ContainsScorer, ValueMustBeText) {
  expect_arg_error("contains", R"({"value":30})", "value",
                   "expected a string or a list of strings, got a number");
}

// ---- contains-any -----------------------------------------------------------------------------

TEST(ContainsAnyScorer, OnePhraseIsEnough) {
  EXPECT_EQ(score_with("contains-any", R"({"values":["refund","return"]})", "a full return").value,
            1.0);
  EXPECT_EQ(score_with("contains-any", R"({"values":["東京","大阪"]})", "大阪に行く").value, 1.0);
}

TEST(ContainsAnyScorer, NoneFoundFailsListingAll) {
  const Score s = score_with("contains-any", R"({"values":["refund","return"]})", "no money back");
  EXPECT_EQ(s.status, ScoreStatus::scored);
  EXPECT_EQ(s.value, 0.0);
  EXPECT_EQ(s.evidence, "none of: \"refund\", \"return\"");
}

TEST(ContainsAnyScorer, ValuesRequired) {
  expect_arg_error("contains-any", "", "values", "is required: a list of phrases");
  expect_arg_error("contains-any", R"({"values":[]})", "values", "is required: a list of phrases");
  expect_arg_error("contains-any", R"({"values":["a",1]})", "values",
                   "expected a list of strings, found a number");
}

// ---- contains-all -----------------------------------------------------------------------------

TEST(ContainsAllScorer, EveryPhraseNeeded) {
  const std::string args = R"({"values":["a","b","c"]})";
  EXPECT_EQ(score_with("contains-all", args, "c b a").value, 1.0);
  const Score s = score_with("contains-all", args, "only a here");
  EXPECT_EQ(s.status, ScoreStatus::scored);
  EXPECT_EQ(s.value, 0.0);
  EXPECT_EQ(s.evidence, "missing: \"b\", \"c\"");
}

TEST(ContainsAllScorer, UnicodeAndEmptyOutput) {
  const std::string args = R"({"values":["مرحبا","שלום","你好"]})";
  EXPECT_EQ(score_with("contains-all", args, "你好 / שלום / مرحبا").value, 1.0);
  EXPECT_EQ(score_with("contains-all", args, "").evidence,
            "missing: \"مرحبا\", \"שלום\", \"你好\"");
}

TEST(ContainsAllScorer, ValuesRequired) {
  expect_arg_error("contains-all", "", "values", "is required: a list of phrases");
}

TEST(ContainsAllScorer, TypoInOptionalArgumentSuggestsCloseName) {
  expect_arg_error("contains-all", R"({"values":["a"],"case_insensitve":true})", "case_insensitve",
                   "unknown argument 'case_insensitve'. Did you mean 'case_insensitive'?");
}

}  // namespace QB_UNITY_ID
}  // namespace qb
