// context-recall (src/scorers/context_recall.cpp), built through the registry.
#include "qualbar/scorers/scorer.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace qb {
namespace QB_UNITY_ID {

Score recall(const std::string& reference, std::vector<Context> contexts,
             const std::string& args = "", const std::string& language = "") {
  Case c;
  c.id = "q-007";
  c.reference = reference;
  c.edit_details().contexts = std::move(contexts);
  c.language = language;
  return make_scorer("context-recall", args)->score(c, Response{});
}

TEST(ContextRecallScorer, IsGraded) {
  EXPECT_EQ(scorer_registry().get("context-recall").info.kind, ScoreKind::graded);
}

TEST(ContextRecallScorer, EveryReferenceClaimRetrieved) {
  const Score s = recall("Refunds take 5 business days. Items can be returned within 30 days.",
                         {{"doc-1", "Refunds are processed within 5 business days."},
                          {"doc-2", "You can return items within thirty days of delivery."}});
  EXPECT_EQ(s.status, ScoreStatus::scored);
  EXPECT_DOUBLE_EQ(s.value, 1.0);
  EXPECT_EQ(s.evidence, "all 2 reference claims are in the contexts");
}

TEST(ContextRecallScorer, TheSecondFactIsMissingFromTheContexts) {
  const Score s = recall("Refunds take 5 business days. Exchanges are free for 60 days.",
                         {{"doc-1", "Refunds are processed within 5 business days."},
                          {"doc-2", "Exchanges are free of charge."}});
  EXPECT_DOUBLE_EQ(s.value, 0.5);
  EXPECT_EQ(s.evidence,
            "1 of 2 reference claims not in the contexts: 'Exchanges are free for 60 "
            "days' (no passage has '60 days')");
}

TEST(ContextRecallScorer, PortugueseReference) {
  const Score s = recall("O reembolso é feito em até 10 dias úteis. A troca custa R$ 20.",
                         {{"kb-7",
                           "Os reembolsos são feitos em até 10 dias úteis após a "
                           "devolução."}},
                         "", "pt-BR");
  EXPECT_DOUBLE_EQ(s.value, 0.5);
  EXPECT_EQ(s.evidence,
            "1 of 2 reference claims not in the contexts: 'A troca custa R$ 20' (no "
            "passage has 'R$ 20')");
}

TEST(ContextRecallScorer, NotApplicable) {
  Case c;
  c.edit_details().contexts = {{"doc-1", "Refunds take 30 days."}};
  const auto scorer = make_scorer("context-recall", "");
  EXPECT_EQ(scorer->score(c, Response{}).evidence, "the case has no reference");
  c.reference = "Refunds take 30 days.";
  c.edit_details().contexts.clear();
  EXPECT_EQ(scorer->score(c, Response{}).status, ScoreStatus::not_applicable);
  EXPECT_EQ(scorer->score(c, Response{}).evidence, "the case has no contexts");
  c.edit_details().contexts = {{"doc-1", "Refunds take 30 days."}};
  c.reference = "Thank you!";
  EXPECT_EQ(scorer->score(c, Response{}).evidence, "the reference makes no claim");
}

TEST(ContextRecallScorer, CoverageArgumentIsChecked) {
  try {
    (void)make_scorer("context-recall", R"({"coverage":1.5})");
    FAIL() << "expected ArgError";
  } catch (const ArgError& e) {
    EXPECT_EQ(e.field(), "coverage");
  }
}

}  // namespace QB_UNITY_ID
}  // namespace qb
