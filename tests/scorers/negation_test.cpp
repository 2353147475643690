// `not-<scorer>` (src/scorers/negation.cpp): which scorers can be negated, and negated dimensions.
#include "qualbar/scorers/scorer.hpp"

#include <string>

#include <gtest/gtest.h>

#include "qualbar/core/error.hpp"

namespace qb {
namespace QB_UNITY_ID {

Score score_with(const std::string& name, const std::string& args, const std::string& output) {
  Response r;
  r.output = output;
  return make_scorer(name, args)->score(Case{}, r);
}

std::string input_error_of(const std::string& name) {
  try {
    (void)scorer_entry(name);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST(Negation, NegatedScorerPassesWhenTheScorerFails) {
  const std::string args = R"({"pattern":"(?i)guarantee"})";
  const Score clean = score_with("not-regex", args, "Refunds take 30 days.");
  EXPECT_EQ(clean.status, ScoreStatus::scored);
  EXPECT_EQ(clean.value, 1.0);
  EXPECT_EQ(clean.evidence, "");
  const Score promised = score_with("not-regex", args, "We GUARANTEE a refund.");
  EXPECT_EQ(promised.value, 0.0);
  EXPECT_EQ(promised.evidence, "matched 'GUARANTEE'");  // the scorer's own evidence
}

TEST(Negation, EvidenceSaysWhatPassedWhenTheScorerGaveNone) {
  const Score s = score_with("not-contains", R"({"value":"30 days"})", "within 30 days");
  EXPECT_EQ(s.value, 0.0);
  EXPECT_EQ(s.evidence, "contains passed");
}

TEST(Negation, NotApplicableStaysNotApplicable) {
  const Score s = score_with("not-exact-match", "", "Paris");  // no reference, no value
  EXPECT_EQ(s.status, ScoreStatus::not_applicable);
  EXPECT_EQ(s.evidence, "no reference and no value to compare with");
}

TEST(Negation, NegatedEntryIsAPassFailDimensionWhosePassesAreWanted) {
  const ScorerEntry& e = scorer_entry("not-refused");
  EXPECT_EQ(e.name, "not-refused");
  EXPECT_EQ(e.info.kind, ScoreKind::binary);
  EXPECT_TRUE(e.info.higher_is_better);  // `refused` itself is lower-is-better
  EXPECT_FALSE(scorer_registry().get("refused").info.higher_is_better);
  EXPECT_EQ(e.info.summary, "The opposite of `refused`: passes when it fails.");
  // A classifier's per-class analysis reads label-match's own scores, not their negation.
  EXPECT_TRUE(scorer_entry("not-label-match").info.analysis.empty());
  EXPECT_EQ(find_scorer_entry("not-regex"), &scorer_entry("not-regex"));
  EXPECT_EQ(find_scorer_entry("not-latency"), nullptr);
  EXPECT_EQ(find_scorer_entry("regex"), scorer_registry().find("regex"));
  // The registry itself lists only the scorers (qualbar list scorers).
  EXPECT_EQ(scorer_registry().find("not-regex"), nullptr);
}

TEST(Negation, WhatCannotBeNegatedSaysWhy) {
  EXPECT_EQ(input_error_of("not-latency"),
            "'not-latency' cannot be used: latency is a measurement (a time or a cost), not a "
            "check that passes or fails (qualbar list scorers says which scorers not- negates)");
  EXPECT_EQ(input_error_of("not-error-rate"),
            "'not-error-rate' cannot be used: error-rate counts failed calls; it does not check "
            "the output (qualbar list scorers says which scorers not- negates)");
  EXPECT_EQ(input_error_of("not-people"),
            "'not-people' cannot be used: people is graded by reviewers, whose grades are not "
            "negated (qualbar list scorers says which scorers not- negates)");
  EXPECT_EQ(input_error_of("not-judge"),
            "'not-judge' cannot be used: judge asks the judge model; write the rubric the other "
            "way round instead (qualbar list scorers says which scorers not- negates)");
  EXPECT_EQ(input_error_of("not-token-f1"),
            "'not-token-f1' cannot be used: token-f1 gives a 0–1 score, and a dimension negates "
            "only pass/fail scorers (in a case's assert list, not-token-f1 passes below its "
            "threshold) (qualbar list scorers says which scorers not- negates)");
}

TEST(Negation, ZeroToOneScorersOnlyAsChecks) {
  const ScorerEntry& f1 = scorer_registry().get("token-f1");
  EXPECT_EQ(negation_refusal(f1, ScorerUse::check), "");
  EXPECT_NE(negation_refusal(f1, ScorerUse::dimension), "");
  const ScorerEntry& regex = scorer_registry().get("regex");
  EXPECT_EQ(negation_refusal(regex, ScorerUse::check), "");
  EXPECT_EQ(negation_refusal(regex, ScorerUse::dimension), "");
  for (const char* never : {"assertions", "calibration", "cost", "error-rate", "judge",
                            "judge-scale", "latency", "people", "ttft"}) {
    EXPECT_NE(negation_refusal(scorer_registry().get(never), ScorerUse::check), "") << never;
  }
}

TEST(Negation, UnknownNegatedNameSuggestsTheNegatedScorer) {
  const std::string message = input_error_of("not-regx");
  EXPECT_TRUE(
      message.starts_with("unknown scorer 'not-regx'. Did you mean 'not-regex'? "
                          "Available: assertions, "))
      << message;
  const ScorerName plain = resolve_scorer_name("regex");
  EXPECT_FALSE(plain.negated);
  const ScorerName negated = resolve_scorer_name("not-regex");
  EXPECT_TRUE(negated.negated);
  EXPECT_EQ(negated.entry, scorer_registry().find("regex"));
}

// A judge's verdicts are compared with people's grades of the dimension, so they are not inverted.
TEST(Negation, AScorerSetToAskTheJudgeIsNotNegated) {
  try {
    (void)make_scorer("not-refused", R"({"method":"judge"})");
    ADD_FAILURE() << "no ArgError";
  } catch (const ArgError& e) {
    EXPECT_EQ(e.field(), "method");
    EXPECT_STREQ(e.what(),
                 "not-refused cannot ask the judge, whose verdicts are not negated: use refused "
                 "with method: judge and read its rate the other way round, or leave method: "
                 "judge out");
  }
  EXPECT_NE(make_scorer("not-refused", ""), nullptr);
}

}  // namespace QB_UNITY_ID
}  // namespace qb
