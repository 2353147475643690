// faithfulness (src/scorers/faithfulness.cpp), built through the registry.
#include "qualbar/scorers/scorer.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace qb {
namespace QB_UNITY_ID {

Case rag_case(std::vector<Context> contexts, std::string language = "") {
  Case c;
  c.id = "q-001";
  c.input = "How long do refunds take?";
  c.edit_details().contexts = std::move(contexts);
  c.language = std::move(language);
  return c;
}

Score score_with(const std::string& args, const Case& c, const std::string& output) {
  Response r;
  r.output = output;
  return make_scorer("faithfulness", args)->score(c, r);
}

void expect_arg_error(const std::string& args, const std::string& field,
                      const std::string& message) {
  try {
    (void)make_scorer("faithfulness", args);
    ADD_FAILURE() << "no ArgError for " << args;
  } catch (const ArgError& e) {
    EXPECT_EQ(e.field(), field) << args;
    EXPECT_EQ(std::string(e.what()), message) << args;
  }
}

const std::vector<Context> kPolicy = {
    {"doc-12#3",
     "Refunds are processed within 5 business days after the returned item arrives at our "
     "warehouse. The refund goes back to the original payment method."},
    {"doc-14#1",
     "Items can be returned within 30 days of delivery. Sale items are final and cannot be "
     "returned."},
    {"doc-20#2", "Standard shipping costs $4.99 and is free on orders over $50."},
};

TEST(FaithfulnessScorer, IsGraded) {
  EXPECT_EQ(scorer_registry().get("faithfulness").info.kind, ScoreKind::graded);
}

TEST(FaithfulnessScorer, EverySupportedClaimScoresOne) {
  const Score s = score_with("", rag_case(kPolicy),
                             "Thanks for asking! Refunds are processed within 5 business days "
                             "after we receive your return [doc-12#3]. You can return items "
                             "within 30 days of delivery. Shipping is free on orders over $50.");
  EXPECT_EQ(s.status, ScoreStatus::scored);
  EXPECT_DOUBLE_EQ(s.value, 1.0);
  EXPECT_EQ(s.evidence, "all 3 claims supported");
}

TEST(FaithfulnessScorer, UnsupportedClaimsAreListed) {
  const Score s = score_with(
      "", rag_case(kPolicy),
      "Refunds are processed within 24 hours. The refund goes back to your original payment "
      "method. Items can be returned within 30 days of delivery. We also offer a lifetime "
      "guarantee on every purchase. Shipping is free on orders over $50. I hope this helps!");
  EXPECT_EQ(s.status, ScoreStatus::scored);
  EXPECT_DOUBLE_EQ(s.value, 3.0 / 5.0);
  EXPECT_EQ(s.evidence,
            "2 of 5 claims unsupported: 'Refunds are processed within 24 hours' (no passage has "
            "'24 hours'); 'We also offer a lifetime guarantee on every purchase' (content 0.00 < "
            "0.60)");
}

TEST(FaithfulnessScorer, AHallucinatedNumberFailsTheClaim) {
  const Score s =
      score_with("", rag_case({{"kb-1", "Refunds take 30 days."}}), "Refunds take 14 days.");
  EXPECT_DOUBLE_EQ(s.value, 0.0);
  EXPECT_EQ(s.evidence,
            "1 of 1 claim unsupported: 'Refunds take 14 days' (no passage has '14 days')");
}

TEST(FaithfulnessScorer, AnInventedNameFailsTheClaim) {
  const Score s =
      score_with("", rag_case(kPolicy), "Refunds are processed by Stripe within 5 business days.");
  EXPECT_DOUBLE_EQ(s.value, 0.0);
  EXPECT_EQ(s.evidence,
            "1 of 1 claim unsupported: 'Refunds are processed by Stripe within 5 business days' "
            "(no passage has 'Stripe')");
}

TEST(FaithfulnessScorer, SpanishFrenchAndGermanAnswers) {
  const Case es = rag_case({{"kb-es",
                             "Los reembolsos se procesan en un plazo de 30 días. El envío "
                             "cuesta 4,99 € y es gratuito a partir de 50 €."}},
                           "es");
  EXPECT_DOUBLE_EQ(score_with("", es,
                              "¡Hola! Procesamos los reembolsos en 30 días. El envío es "
                              "gratuito a partir de 50 €.")
                       .value,
                   1.0);
  const Score wrong = score_with("", es, "Los reembolsos se procesan en 15 días.");
  EXPECT_DOUBLE_EQ(wrong.value, 0.0);
  EXPECT_EQ(wrong.evidence,
            "1 of 1 claim unsupported: 'Los reembolsos se procesan en 15 días' "
            "(no passage has '15 días')");

  const Case fr = rag_case({{"kb-fr",
                             "Votre colis sera livré le 12 mars 2026. Le retour est "
                             "gratuit pendant 14 jours."}});
  EXPECT_DOUBLE_EQ(score_with("", fr,
                              "Bonjour ! Le colis sera livré le 12 mars. Le retour est "
                              "gratuit pendant deux semaines.")
                       .value,
                   1.0);
  EXPECT_DOUBLE_EQ(score_with("", fr, "Le colis sera livré le 15 mars.").value, 0.0);

  const Case de = rag_case({{"kb-de",
                             "Die Erstattung erfolgt innerhalb von 14 Tagen. Bestellungen "
                             "über 1.000 € sind versandkostenfrei."}},
                           "de");
  const Score german = score_with("", de,
                                  "Die Erstattung erfolgt innerhalb von 14 Tagen. "
                                  "Bestellungen über 2.000 € sind versandkostenfrei.");
  EXPECT_DOUBLE_EQ(german.value, 0.5);
  EXPECT_EQ(german.evidence,
            "1 of 2 claims unsupported: 'Bestellungen über 2.000 € sind "
            "versandkostenfrei' (no passage has '2.000 €')");
}

TEST(FaithfulnessScorer, ChineseAnswer) {
  const Case zh = rag_case({{"kb-zh", "所有退款均在30天内处理完毕。运费由客户承担。"}}, "zh");
  EXPECT_DOUBLE_EQ(score_with("", zh, "您好！退款会在30天内处理。运费由客户承担。").value, 1.0);
  EXPECT_DOUBLE_EQ(score_with("", zh, "退款会在7天内处理。运费由客户承担。").value, 0.5);
}

TEST(FaithfulnessScorer, CoverageArgument) {
  const Case c = rag_case({{"kb-1", "Free shipping applies to all orders."}});
  const std::string answer = "Premium members get free shipping on every order.";  // 3 of 5 words
  EXPECT_DOUBLE_EQ(score_with("", c, answer).value, 1.0);
  EXPECT_DOUBLE_EQ(score_with(R"({"coverage":0.8})", c, answer).value, 0.0);
  EXPECT_EQ(score_with(R"({"coverage":0.8})", c, answer).evidence,
            "1 of 1 claim unsupported: 'Premium members get free shipping on every order' "
            "(content 0.60 < 0.80)");
}

TEST(FaithfulnessScorer, NotApplicableWithoutContextsOrClaims) {
  const Score none = score_with("", rag_case({}), "Refunds take 30 days.");
  EXPECT_EQ(none.status, ScoreStatus::not_applicable);
  EXPECT_EQ(none.evidence, "the case has no contexts to check the response against");
  const Score blank = score_with("", rag_case({{"kb-1", "  "}}), "Refunds take 30 days.");
  EXPECT_EQ(blank.status, ScoreStatus::not_applicable);
  const Score chat =
      score_with("", rag_case(kPolicy), "Hello! Could you tell me your order number?");
  EXPECT_EQ(chat.status, ScoreStatus::not_applicable);
  EXPECT_EQ(chat.evidence, "the response makes no claim");
}

TEST(FaithfulnessScorer, EvidenceStaysWithin400Bytes) {
  std::string answer;
  for (int i = 1; i <= 20; ++i)
    answer += "Our warehouse in Lisbon ships " + std::to_string(100 + i) + " parcels a day. ";
  const Score s = score_with("", rag_case(kPolicy), answer);
  EXPECT_DOUBLE_EQ(s.value, 0.0);
  EXPECT_LE(s.evidence.size(), 400u);
  EXPECT_EQ(s.evidence.rfind("20 of 20 claims unsupported: 'Our warehouse in Lisbon ships 101 "
                             "parcels a day' (no passage has '101' or 'Lisbon')",
                             0),
            0u);
}

TEST(FaithfulnessScorer, Arguments) {
  EXPECT_NO_THROW((void)make_scorer("faithfulness", R"({"method":"deterministic","coverage":1})"));
  EXPECT_TRUE(make_scorer("faithfulness", R"({"method":"judge"})")->uses_judge());
  EXPECT_FALSE(make_scorer("faithfulness", "")->uses_judge());
  expect_arg_error(R"({"method":"nli"})", "method",
                   "must be 'deterministic' or 'judge', got 'nli'");
  expect_arg_error(R"({"coverage":0})", "coverage",
                   "must be above 0 and at most 1 (the share of a claim's content words one "
                   "passage must contain), got 0");
  expect_arg_error(R"({"coverage":"0.6"})", "coverage", "expected a number, got a string");
  expect_arg_error(R"({"coverag":0.5})", "coverag",
                   "unknown argument 'coverag'. Did you mean 'coverage'?");
}

}  // namespace QB_UNITY_ID
}  // namespace qb
