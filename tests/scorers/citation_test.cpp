// citation-accuracy and citation-recall (src/scorers/citation.cpp), built through the registry.
#include "qualbar/scorers/scorer.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace qb {
namespace QB_UNITY_ID {

const std::vector<Context> kContexts = {
    {"doc-1", "Refunds are processed within 5 business days of receiving the return."},
    {"doc-2", "Shipping is free on orders over $50."},
    {"doc-3", "Gift cards cannot be refunded or exchanged."},
};

Score score_with(const std::string& scorer, const std::string& output,
                 std::vector<std::string> citations = {},
                 std::vector<Context> contexts = kContexts) {
  Case c;
  c.id = "q-003";
  c.edit_details().contexts = std::move(contexts);
  Response r;
  r.output = output;
  r.edit_details().citations = std::move(citations);
  return make_scorer(scorer, "")->score(c, r);
}

TEST(CitationScorers, AreGraded) {
  EXPECT_EQ(scorer_registry().get("citation-accuracy").info.kind, ScoreKind::graded);
  EXPECT_EQ(scorer_registry().get("citation-recall").info.kind, ScoreKind::graded);
}

TEST(CitationAccuracy, ValidInlineCitations) {
  const Score s = score_with("citation-accuracy",
                             "Refunds are processed within 5 business days [doc-1]. Shipping is "
                             "free on orders over $50 [doc-2].");
  EXPECT_EQ(s.status, ScoreStatus::scored);
  EXPECT_DOUBLE_EQ(s.value, 1.0);
  EXPECT_EQ(s.evidence, "all 2 citations valid");
}

TEST(CitationAccuracy, ACitationToAnIdThatDoesNotExist) {
  const Score s = score_with("citation-accuracy",
                             "Refunds are processed within 5 business days [doc-1]. Shipping is "
                             "free on orders over $50 [doc-9].");
  EXPECT_DOUBLE_EQ(s.value, 0.5);
  EXPECT_EQ(s.evidence, "1 of 2 citations invalid: 'doc-9' is not among the contexts");
}

TEST(CitationAccuracy, ACitationToTheWrongPassage) {
  const Score s = score_with("citation-accuracy",
                             "Refunds are processed within 5 business days [doc-2]. Shipping is "
                             "free on orders over $50 [doc-2].");
  EXPECT_DOUBLE_EQ(s.value, 0.5);
  EXPECT_EQ(s.evidence,
            "1 of 2 citations invalid: 'doc-2' does not support 'Refunds are "
            "processed within 5 business days' (lacks '5 business days')");
}

TEST(CitationAccuracy, ACitedPassageThatDoesNotSupportTheWords) {
  const Score s = score_with("citation-accuracy", "Gift cards never expire [doc-1].");
  EXPECT_DOUBLE_EQ(s.value, 0.0);
  EXPECT_EQ(s.evidence,
            "1 of 1 citation invalid: 'doc-1' does not support 'Gift cards never "
            "expire' (content 0.00 < 0.60)");
}

TEST(CitationAccuracy, NumberedMarkersMeanTheNthContext) {
  const Score s = score_with("citation-accuracy",
                             "Refunds are processed within 5 business days [1]. Gift cards "
                             "cannot be refunded [2].");
  EXPECT_DOUBLE_EQ(s.value, 0.5);
  EXPECT_EQ(s.evidence,
            "1 of 2 citations invalid: [2] (doc-2) does not support 'Gift cards "
            "cannot be refunded' (content 0.00 < 0.60)");
  EXPECT_DOUBLE_EQ(score_with("citation-accuracy", "Gift cards cannot be refunded [4].").value,
                   0.0);
}

TEST(CitationAccuracy, TheCitationsField) {
  // Field citations cite for the whole response; ones repeating an inline marker count once.
  const Score s = score_with("citation-accuracy",
                             "Refunds are processed within 5 business days [doc-1]. Shipping "
                             "is free on orders over $50.",
                             {"doc-1", "doc-2", "doc-3", "kb-77"});
  EXPECT_DOUBLE_EQ(s.value, 0.5);
  EXPECT_EQ(s.evidence,
            "2 of 4 citations invalid: 'doc-3' (citations field) supports no claim; "
            "'kb-77' is not among the contexts");
}

TEST(CitationAccuracy, NotApplicable) {
  const Score none = score_with("citation-accuracy", "Refunds take 5 business days.");
  EXPECT_EQ(none.status, ScoreStatus::not_applicable);
  EXPECT_EQ(none.evidence, "the response cites nothing");
  const Score link = score_with("citation-accuracy",
                                "See [the refund policy](https://shop.test/refunds) for details.");
  EXPECT_EQ(link.evidence, "the response cites nothing");
  const Score no_contexts = score_with("citation-accuracy", "Refunds take 5 days [1].", {}, {});
  EXPECT_EQ(no_contexts.status, ScoreStatus::not_applicable);
  EXPECT_EQ(no_contexts.evidence, "the case has no contexts to check the citations against");
}

TEST(CitationRecall, ShareOfClaimsWithASupportingCitation) {
  const Score s = score_with("citation-recall",
                             "Refunds are processed within 5 business days [doc-1]. Shipping is "
                             "free on orders over $50 [doc-3]. Gift cards cannot be exchanged.");
  EXPECT_NEAR(s.value, 1.0 / 3.0, 1e-12);
  EXPECT_EQ(s.evidence,
            "2 of 3 claims lack a supporting citation: 'Shipping is free on orders "
            "over $50' (not supported by 'doc-3'); 'Gift cards cannot be exchanged' "
            "(no citation)");
}

TEST(CitationRecall, ClausesOfACitedSentenceShareItsCitations) {
  const Score s = score_with("citation-recall",
                             "Refunds are processed within 5 business days, and shipping is free "
                             "on orders over $50 [doc-1][doc-2].");
  EXPECT_DOUBLE_EQ(s.value, 1.0);
  EXPECT_EQ(s.evidence, "all 2 claims carry a supporting citation");
}

TEST(CitationRecall, FieldCitationsCoverTheWholeResponse) {
  const Score s = score_with("citation-recall",
                             "Refunds are processed within 5 business days. Shipping is free on "
                             "orders over $50.",
                             {"doc-1"});
  EXPECT_DOUBLE_EQ(s.value, 0.5);
  EXPECT_EQ(s.evidence,
            "1 of 2 claims lack a supporting citation: 'Shipping is free on orders "
            "over $50' (not supported by 'doc-1')");
}

TEST(CitationRecall, NotApplicable) {
  EXPECT_EQ(score_with("citation-recall", "Anything else?").evidence,
            "the response makes no claim");
  EXPECT_EQ(score_with("citation-recall", "Refunds take 5 days.", {}, {}).evidence,
            "the case has no contexts to check the citations against");
  const Score uncited = score_with("citation-recall", "Refunds take 5 business days.");
  EXPECT_EQ(uncited.status, ScoreStatus::scored);
  EXPECT_DOUBLE_EQ(uncited.value, 0.0);
}

}  // namespace QB_UNITY_ID
}  // namespace qb
