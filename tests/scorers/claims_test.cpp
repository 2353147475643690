// The claim machinery (src/scorers/claims.hpp): splitting, content words, anchors and support.
#include "scorers/claims.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace qb::detail {
namespace QB_UNITY_ID {

Locale locale_of(const std::string& language, const std::string& text = "") {
  return claim_locale(language, text);
}

std::vector<std::string> texts(const std::vector<Claim>& claims) {
  std::vector<std::string> out;
  for (const auto& c : claims) out.push_back(c.text);
  return out;
}

std::vector<std::string> claim_texts(const std::string& text, const std::string& language,
                                     const std::vector<std::string>& ids = {}) {
  return texts(split_claims(text, locale_of(language, text), ids));
}

std::vector<std::string> keys(const std::string& text, const std::string& language) {
  std::vector<std::string> out;
  for (const auto& a : anchors_of(text, locale_of(language, text))) out.push_back(a.key);
  return out;
}

// Contexts p1, p2, ... holding `passages`.
std::vector<Context> contexts_of(const std::vector<std::string>& passages) {
  std::vector<Context> contexts;
  for (std::size_t i = 0; i < passages.size(); ++i) {
    Context c;
    c.id = fmt::format("p{}", i + 1);
    c.text = passages[i];
    contexts.push_back(std::move(c));
  }
  return contexts;
}

// Whether `claim` is supported by one of `passages`.
Support check(const std::string& claim, const std::vector<std::string>& passages,
              const std::string& language = "en", double coverage = kDefaultCoverage) {
  const Locale locale = locale_of(language, claim);
  const Grounding g(contexts_of(passages), locale, coverage);
  return g.check(analyse_claim(claim, locale));
}

std::string why(const std::string& claim, const std::vector<std::string>& passages,
                const std::string& language = "en") {
  const std::vector<Context> contexts = contexts_of(passages);
  const Locale locale = locale_of(language, claim);
  const Grounding g(contexts, locale, kDefaultCoverage);
  return g.why(g.check(analyse_claim(claim, locale)));
}

using Strings = std::vector<std::string>;

// ---- splitting -----------------------------------------------------------------------------

TEST(ClaimSplit, EnglishSupportAnswerWithBulletsCitationsAndPleasantries) {
  const std::string answer =
      "Hi Maria, thanks for reaching out!\n\n"
      "Our refund policy works as follows:\n"
      "- Refunds are issued within 30 days of purchase [doc-1].\n"
      "- Items must be unused, e.g. still in their original packaging.[doc-2]\n"
      "- Dr. Smith's team in the U.S. handles disputes; they reply within 2 business days.\n\n"
      "I hope this helps! Is there anything else I can help you with?";
  const auto claims = split_claims(answer, locale_of("en"), {"doc-1", "doc-2"});
  ASSERT_EQ(texts(claims), (Strings{"Refunds are issued within 30 days of purchase",
                                    "Items must be unused, e.g. still in their original packaging",
                                    "Dr. Smith's team in the U.S. handles disputes",
                                    "they reply within 2 business days"}));
  EXPECT_EQ(claims[0].citations, Strings{"doc-1"});
  EXPECT_EQ(claims[1].citations, Strings{"doc-2"});  // the marker after the full stop
  EXPECT_TRUE(claims[2].citations.empty());
  EXPECT_EQ(claims[0].sentence, 0u);
  EXPECT_EQ(claims[1].sentence, 1u);
  EXPECT_EQ(claims[2].sentence, 2u);
  EXPECT_EQ(claims[3].sentence, 2u);  // two clauses of one sentence
}

TEST(ClaimSplit, SpanishAnswer) {
  EXPECT_EQ(claim_texts("¡Hola! Los reembolsos se procesan en un plazo de 30 días [1]. El envío es "
                        "gratuito para pedidos superiores a 50 €, pero los artículos rebajados no "
                        "se pueden devolver. ¿Necesitas algo más?",
                        "es"),
            (Strings{"Los reembolsos se procesan en un plazo de 30 días",
                     "El envío es gratuito para pedidos superiores a 50 €",
                     "los artículos rebajados no se pueden devolver"}));
}

TEST(ClaimSplit, FrenchAnswer) {
  EXPECT_EQ(
      claim_texts("Bonjour ! Votre colis sera livré le 12 mars 2026. Les frais de port "
                  "s'élèvent à 4,99 €, et le retour est gratuit pendant 14 jours. "
                  "N'hésitez pas à nous contacter.",
                  "fr"),
      (Strings{"Votre colis sera livré le 12 mars 2026", "Les frais de port s'élèvent à 4,99 €",
               "le retour est gratuit pendant 14 jours"}));
}

TEST(ClaimSplit, GermanAnswerKeepsOrdinalDatesAndAbbreviations) {
  EXPECT_EQ(claim_texts("Die Erstattung erfolgt innerhalb von 14 Tagen nach Eingang der Ware. "
                        "Am 3. März 2026 tritt die neue Regelung in Kraft, z.B. für Bestellungen "
                        "über 1.000 €. Vielen Dank!",
                        "de"),
            (Strings{"Die Erstattung erfolgt innerhalb von 14 Tagen nach Eingang der Ware",
                     "Am 3. März 2026 tritt die neue Regelung in Kraft, z.B. für Bestellungen über "
                     "1.000 €"}));
}

TEST(ClaimSplit, ChineseAndJapaneseFullStops) {
  EXPECT_EQ(claim_texts("您好！退款将在30天内处理完毕。运费由客户承担；退货地址见订单页面。"
                        "希望这对您有帮助。",
                        ""),
            (Strings{"退款将在30天内处理完毕", "运费由客户承担", "退货地址见订单页面"}));
  EXPECT_EQ(claim_texts("返品は30日以内に受け付けます。送料は無料です！"
                        "ご不明な点がございましたら、お問い合わせください。",
                        ""),
            (Strings{"返品は30日以内に受け付けます", "送料は無料です"}));
}

TEST(ClaimSplit, DecimalsAbbreviationsAndInitialsDoNotEndSentences) {
  EXPECT_EQ(claim_texts("The fee is 3.5% and the Pro plan costs $1,299.99 per year. "
                        "Contact J. Smith at Acme Inc. for details, e.g. invoices. "
                        "We ship within the U.S. Returns are free.",
                        "en"),
            (Strings{"The fee is 3.5% and the Pro plan costs $1,299.99 per year",
                     "Contact J. Smith at Acme Inc. for details, e.g. invoices",
                     "We ship within the U.S", "Returns are free"}));
}

TEST(ClaimSplit, ClausesOnlyWhenBothSidesAreLongEnough) {
  // ", and" joins two full clauses: split. A list joined by "and" stays whole, and so does a
  // short tail after "but".
  EXPECT_EQ(
      claim_texts("Refunds go back to the original card, and store credit never expires.", "en"),
      (Strings{"Refunds go back to the original card", "store credit never expires"}));
  EXPECT_EQ(claim_texts("We accept Visa, Mastercard, and American Express cards.", "en"),
            (Strings{"We accept Visa, Mastercard, and American Express cards"}));
  EXPECT_EQ(claim_texts("Shipping is free, but not on weekends.", "en"),
            (Strings{"Shipping is free, but not on weekends"}));
  EXPECT_EQ(
      claim_texts("Standard shipping takes five days but express arrives the next day.", "en"),
      (Strings{"Standard shipping takes five days", "express arrives the next day"}));
  EXPECT_EQ(claim_texts("You can pay by card, or by bank transfer within 14 days.", "en"),
            (Strings{"You can pay by card, or by bank transfer within 14 days"}));
  EXPECT_EQ(claim_texts("Refunds take 30 days; exchanges take 14 days.", "en"),
            (Strings{"Refunds take 30 days", "exchanges take 14 days"}));
  EXPECT_EQ(claim_texts("Sizes: S; M; L.", "en"), (Strings{"Sizes: S; M; L"}));
}

TEST(ClaimSplit, CitationMarkersAreRecordedAndRemoved) {
  const auto claims = split_claims(
      "Refunds take 30 days [1][2]. Exchanges are free [1, 3]. Gift cards never expire "
      "(source: kb-4). Shipping is free (doc-12#3). See [our policy](https://x.test/p) for more. "
      "Returns need a receipt【2】.",
      locale_of("en"), {"doc-12#3"});
  ASSERT_EQ(texts(claims),
            (Strings{"Refunds take 30 days", "Exchanges are free", "Gift cards never expire",
                     "Shipping is free", "See [our policy](https://x.test/p) for more",
                     "Returns need a receipt"}));
  EXPECT_EQ(claims[0].citations, (Strings{"1", "2"}));
  EXPECT_EQ(claims[1].citations, (Strings{"1", "3"}));
  EXPECT_EQ(claims[2].citations, Strings{"kb-4"});
  EXPECT_EQ(claims[3].citations, Strings{"doc-12#3"});
  EXPECT_TRUE(claims[4].citations.empty());  // a Markdown link is no citation
  EXPECT_EQ(claims[5].citations, Strings{"2"});
}

TEST(ClaimSplit, BracketsWithoutDigitsOrKnownIdsAreText) {
  const auto claims =
      split_claims("The [optional] field is ignored (see below).", locale_of("en"), {"doc-1"});
  ASSERT_EQ(claims.size(), 1u);
  EXPECT_EQ(claims[0].text, "The [optional] field is ignored (see below)");
  EXPECT_TRUE(claims[0].citations.empty());
}

TEST(ClaimSplit, NonClaimsAreDropped) {
  EXPECT_EQ(claim_texts("Sure! Great question. Yes. Thank you for your patience. "
                        "Would you like me to open a ticket? Let me know if you need anything "
                        "else. Feel free to reach out.",
                        "en"),
            Strings{});
  EXPECT_EQ(claim_texts("Sure, refunds take 30 days.", "en"), Strings{"refunds take 30 days"});
  EXPECT_EQ(claim_texts("Thanks to the new system, refunds take 2 days.", "en"),
            Strings{"Thanks to the new system, refunds take 2 days"});
  EXPECT_EQ(claim_texts("Qualquer dúvida, estou à disposição!", "pt"), Strings{});
  EXPECT_EQ(claim_texts("Note: refunds take 30 days.", "en"), Strings{"refunds take 30 days"});
  EXPECT_EQ(claim_texts("1. **Processing time**: refunds take 5–7 business days.", "en"),
            Strings{"refunds take 5–7 business days"});
  EXPECT_EQ(
      claim_texts("## Refund policy\n**Summary**\nRefunds take 30 days.\n```\ncode 42\n```", "en"),
      Strings{"Refunds take 30 days"});
  EXPECT_EQ(claim_texts("Espero que esto te ayude. Muchas gracias.", "es"), Strings{});
  EXPECT_EQ(claim_texts("Ich hoffe, das hilft. Vielen Dank für Ihre Geduld.", "de"), Strings{});
}

// ---- language ------------------------------------------------------------------------------

TEST(ClaimLocale, DeclaredLanguageAndRegion) {
  EXPECT_EQ(locale_of("pt-BR").language, "pt");
  EXPECT_TRUE(locale_of("pt-BR").decimal_comma);
  EXPECT_TRUE(locale_of("de").decimal_comma);
  EXPECT_FALSE(locale_of("es-MX").decimal_comma);
  EXPECT_TRUE(locale_of("en").month_first);
  EXPECT_TRUE(locale_of("en-US").month_first);
  EXPECT_FALSE(locale_of("en_GB").month_first);
  EXPECT_FALSE(locale_of("de").capitalised_names);
  EXPECT_TRUE(locale_of("fr").capitalised_names);
}

TEST(ClaimLocale, GuessedFromStopWords) {
  EXPECT_EQ(locale_of("", "The refund is on its way to you.").language, "en");
  EXPECT_EQ(locale_of("", "El reembolso está en camino y llegará pronto.").language, "es");
  EXPECT_EQ(locale_of("", "Le remboursement est en cours pour votre commande.").language, "fr");
  EXPECT_EQ(locale_of("", "Die Erstattung ist unterwegs und kommt bald.").language, "de");
  EXPECT_EQ(locale_of("", "O reembolso está a caminho e não demora.").language, "pt");
  EXPECT_EQ(locale_of("", "退款已经在处理中了。").language, "zh");
  EXPECT_EQ(locale_of("", "返金は処理中です。").language, "ja");
  EXPECT_EQ(locale_of("", "12345").language, "en");
}

// ---- content words -------------------------------------------------------------------------

TEST(ClaimContent, StopWordsNumbersAndAnchorsAreNotContent) {
  EXPECT_EQ(
      content_words("The refunds are processed within 30 days of the return.", locale_of("en")),
      (Strings{"refund", "process", "return"}));
  EXPECT_EQ(content_words("Los reembolsos se procesan en un plazo de 30 días.", locale_of("es")),
            (Strings{"reembols", "proces", "plaz"}));
  EXPECT_EQ(content_words("Die Erstattungen erfolgen innerhalb von 14 Tagen.", locale_of("de")),
            (Strings{"erstattung", "erfolg"}));
  EXPECT_EQ(content_words("退款将在30天内处理。", locale_of("zh")),
            (Strings{"退", "款", "处", "理"}));
}

TEST(ClaimContent, LightStemmingMatchesInflections) {
  const Locale en = locale_of("en");
  EXPECT_EQ(content_words("refund refunds refunded refunding", en), Strings{"refund"});
  EXPECT_EQ(content_words("price prices priced pricing", en), Strings{"pric"});
  EXPECT_EQ(content_words("ship shipped shipping", en), Strings{"ship"});
  EXPECT_EQ(content_words("policy policies", en), Strings{"polic"});
  EXPECT_EQ(content_words("process processes processed", en), Strings{"process"});
  EXPECT_EQ(content_words("status", en), Strings{"status"});
  EXPECT_EQ(content_words("reply replies", en), Strings{"repl"});
  EXPECT_EQ(content_words("días día", locale_of("es")), Strings{"dia"});
  EXPECT_EQ(content_words("informações informação", locale_of("pt")), Strings{"informac"});
  EXPECT_EQ(content_words("livrée livrés livrer", locale_of("fr")), Strings{"livr"});
}

// ---- anchors -------------------------------------------------------------------------------

TEST(ClaimAnchors, NumbersInEveryNotation) {
  EXPECT_EQ(keys("We have 1,000 users.", "en"), Strings{"num:1000"});
  EXPECT_EQ(keys("We have 1000 users.", "en"), Strings{"num:1000"});
  EXPECT_EQ(keys("Nous avons 1 000 clients.", "fr"), Strings{"num:1000"});
  EXPECT_EQ(keys("Wir haben 1.000 Kunden.", "de"), Strings{"num:1000"});
  EXPECT_EQ(keys("Tenemos 1.000 clientes.", "es"), Strings{"num:1000"});
  EXPECT_EQ(keys("Temos 1.000 clientes.", "pt"), Strings{"num:1000"});
  EXPECT_EQ(keys("The ratio is 1.000 exactly.", "en"), Strings{"num:1"});
  EXPECT_EQ(keys("Der Wert ist 3,5.", "de"), Strings{"num:3.5"});
  EXPECT_EQ(keys("The value is 3.50.", "en"), Strings{"num:3.5"});
  EXPECT_EQ(keys("We serve 2 million users.", "en"), Strings{"num:2000000"});
  EXPECT_EQ(keys("We have five stores and one manager.", "en"), Strings{"num:5"});
  EXPECT_EQ(keys("Tenemos cinco tiendas.", "es"), Strings{"num:5"});
  EXPECT_EQ(keys("Wir haben fünf Filialen.", "de"), Strings{"num:5"});
}

TEST(ClaimAnchors, PercentagesMoneyAndTimes) {
  EXPECT_EQ(keys("A 15% discount.", "en"), Strings{"pct:15"});
  EXPECT_EQ(keys("A 15 percent discount.", "en"), Strings{"pct:15"});
  EXPECT_EQ(keys("3,5 Prozent Rabatt.", "de"), Strings{"pct:3.5"});
  EXPECT_EQ(keys("It costs $20.", "en"), Strings{"money:USD:20"});
  EXPECT_EQ(keys("It costs 20 USD.", "en"), Strings{"money:USD:20"});
  EXPECT_EQ(keys("It costs 20 dollars.", "en"), Strings{"money:USD:20"});
  EXPECT_EQ(keys("It costs $1,299.99.", "en"), Strings{"money:USD:1299.99"});
  EXPECT_EQ(keys("Es kostet 1.299,99 €.", "de"), Strings{"money:EUR:1299.99"});
  EXPECT_EQ(keys("Cela coûte 4,99 €.", "fr"), Strings{"money:EUR:4.99"});
  EXPECT_EQ(keys("We raised $1.5 million.", "en"), Strings{"money:USD:1500000"});
  EXPECT_EQ(keys("Custa R$ 50.", "pt"), Strings{"money:BRL:50"});
  EXPECT_EQ(keys("Open until 5 pm.", "en"), Strings{"time:17:00"});
  EXPECT_EQ(keys("Open until 17:00.", "en"), Strings{"time:17:00"});
  EXPECT_EQ(keys("Open until 5:30 p.m.", "en"), Strings{"time:17:30"});
  EXPECT_EQ(keys("Ouvert jusqu'à 17h30.", "fr"), Strings{"time:17:30"});
}

TEST(ClaimAnchors, DatesCompareNormalised) {
  EXPECT_EQ(keys("Due on 2026-03-12.", "en"), Strings{"date:2026-03-12"});
  EXPECT_EQ(keys("Due on 12 March 2026.", "en"), Strings{"date:2026-03-12"});
  EXPECT_EQ(keys("Due on March 12, 2026.", "en"), Strings{"date:2026-03-12"});
  EXPECT_EQ(keys("Due on March 12th.", "en"), Strings{"date:*-03-12"});
  EXPECT_EQ(keys("Due in March 2026.", "en"), Strings{"date:2026-03-*"});
  EXPECT_EQ(keys("Due on 12/03/2026.", "en-GB"), Strings{"date:2026-03-12"});
  EXPECT_EQ(keys("Due on 12/03/2026.", "en-US"), Strings{"date:2026-12-03"});
  EXPECT_EQ(keys("Due on 25/03/2026.", "en-US"), Strings{"date:2026-03-25"});  // 25 is no month
  EXPECT_EQ(keys("Vence el 12 de marzo de 2026.", "es"), Strings{"date:2026-03-12"});
  EXPECT_EQ(keys("Fällig am 12. März 2026.", "de"), Strings{"date:2026-03-12"});
  EXPECT_EQ(keys("Fällig am 12.03.2026.", "de"), Strings{"date:2026-03-12"});
  EXPECT_EQ(keys("Le 1er mars 2026.", "fr"), Strings{"date:2026-03-01"});
  EXPECT_EQ(keys("截止日期为2026年3月12日。", "zh"), Strings{"date:2026-03-12"});
  EXPECT_EQ(keys("You may 3 times.", "en"), Strings{"num:3"});  // "may" alone is no month
}

TEST(ClaimAnchors, DurationsConvertOnlyExactly) {
  EXPECT_EQ(keys("Within 30 days.", "en"), Strings{"dur:time:2592000"});
  EXPECT_EQ(keys("A 30-day window.", "en"), Strings{"dur:time:2592000"});
  EXPECT_EQ(keys("Within 2 weeks.", "en"), keys("Within 14 days.", "en"));
  EXPECT_EQ(keys("Within 24 hours.", "en"), keys("Within one day.", "en"));
  EXPECT_EQ(keys("Within 48h.", "en"), keys("Within 2 days.", "en"));
  EXPECT_EQ(keys("Within 3 business days.", "en"), Strings{"dur:business:3"});
  EXPECT_NE(keys("Within 1 month.", "en"), keys("Within 30 days.", "en"));
  EXPECT_EQ(keys("Within 12 months.", "en"), keys("Within 1 year.", "en"));
  EXPECT_EQ(keys("En 30 días.", "es"), keys("Within 30 days.", "en"));
  EXPECT_EQ(keys("Binnen 30 Tagen.", "de"), keys("Within 30 days.", "en"));
  EXPECT_EQ(keys("30天内。", "zh"), keys("Within 30 days.", "en"));
  EXPECT_EQ(keys("Within five days.", "en"), keys("Within 5 days.", "en"));
  EXPECT_EQ(keys("返品は３０日以内です。", "ja"),
            keys("Within 30 days.", "en"));  // full-width digits
}

TEST(ClaimAnchors, Names) {
  EXPECT_EQ(keys("Refunds are handled by Acme Corp in Canada.", "en"),
            (Strings{"name:acme corp", "name:canada"}));
  EXPECT_EQ(keys("Payments go through Bank of America and PayPal.", "en"),
            (Strings{"name:bank of america", "name:paypal"}));
  EXPECT_EQ(keys("Acme Corp processes GDPR requests on H100 GPT-4o servers.", "en"),
            (Strings{"name:acme corp", "name:gdpr", "name:h100", "name:gpt4o"}));
  EXPECT_EQ(keys("Refunds take a while.", "en"), Strings{});  // a capital at the start is no name
  EXPECT_EQ(keys("The Premium plan is Acme's best.", "en"), (Strings{"name:premium", "name:acme"}));
  // German capitalises every noun: only acronyms and product names count.
  EXPECT_EQ(keys("Die Erstattung erfolgt über PayPal bei der Acme GmbH.", "de"),
            (Strings{"name:paypal", "name:gmbh"}));
  // All capitals or title case: capitals say nothing.
  EXPECT_EQ(keys("ACME OFFERS REFUNDS WITHIN A MONTH.", "en"), Strings{});
  EXPECT_EQ(keys("Our Refund Policy Covers Every Order.", "en"), Strings{});
}

// ---- support -------------------------------------------------------------------------------

TEST(ClaimSupport, AHallucinatedNumberIsUnsupportedEvenWhenEveryWordMatches) {
  const Support s = check("Refunds take 14 days.", {"Refunds take 30 days."});
  EXPECT_FALSE(s.supported);
  EXPECT_DOUBLE_EQ(s.coverage, 1.0);
  EXPECT_EQ(s.absent_anchors, Strings{"14 days"});
  EXPECT_EQ(why("Refunds take 14 days.", {"Refunds take 30 days."}), "no passage has '14 days'");
  EXPECT_TRUE(check("Refunds take 30 days.", {"Refunds take 30 days."}).supported);
}

TEST(ClaimSupport, AnInventedNameIsUnsupported) {
  const std::vector<std::string> passages = {
      "Refunds are processed by our payments team within 5 business days."};
  EXPECT_TRUE(
      check("Our payments team processes refunds within 5 business days.", passages).supported);
  const Support named = check("Refunds are processed by Stripe within 5 business days.", passages);
  EXPECT_FALSE(named.supported);
  EXPECT_EQ(named.absent_anchors, Strings{"Stripe"});
}

TEST(ClaimSupport, AParaphraseWithTheSameContentWordsIsSupported) {
  const Support s = check("Refunds are processed within 30 days.",
                          {"Shipping is free on orders over $50.",
                           "We process all refunds within 30 days of receiving the return."});
  EXPECT_TRUE(s.supported);
  EXPECT_EQ(s.passage, 1u);
  EXPECT_DOUBLE_EQ(s.coverage, 1.0);
}

TEST(ClaimSupport, StopWordsDoNotCount) {
  // Content words: refund, whole, order. The passage has all three and none of the stop words.
  const Support s = check("The refund is for the whole of your order.", {"refund whole order"});
  EXPECT_TRUE(s.supported);
  EXPECT_DOUBLE_EQ(s.coverage, 1.0);
}

TEST(ClaimSupport, CoverageThreshold) {
  // Content words: premium, member, free, ship, order; the passage has free, ship, order: 3/5.
  const std::string claim = "Premium members get free shipping on every order.";
  const std::vector<std::string> passage = {"Free shipping applies to all orders."};
  const Support s = check(claim, passage);
  EXPECT_NEAR(s.coverage, 0.6, 1e-12);
  EXPECT_TRUE(s.supported);
  EXPECT_EQ(s.missing_words, (Strings{"premium", "members"}));
  EXPECT_FALSE(check(claim, passage, "en", 0.7).supported);
  EXPECT_EQ(why("We also offer a lifetime guarantee on every item.",
                {"Refunds take 30 days.", "Items come with a one-year warranty."}),
            "content 0.25 < 0.60");
}

TEST(ClaimSupport, OnePassageMustHoldTheWordsAndTheAnchors) {
  const std::vector<std::string> passages = {"Refunds are issued to the original card.",
                                             "Exchanges take 14 days."};
  const Support s = check("Refunds to the original card take 14 days.", passages);
  EXPECT_FALSE(s.supported);
  EXPECT_TRUE(s.absent_anchors.empty());
  EXPECT_EQ(why("Refunds to the original card take 14 days.", passages),
            "'p1' has the words but not '14 days'");
}

TEST(ClaimSupport, NumbersAndDatesMatchAcrossNotations) {
  EXPECT_TRUE(
      check("Orders over 1,000 dollars ship free.", {"Orders over $1000 ship free."}).supported);
  EXPECT_TRUE(
      check("Returns are accepted for 2 weeks.", {"Returns are accepted for 14 days."}).supported);
  EXPECT_TRUE(check("The sale ends on March 12.", {"The sale ends on 12 March 2026."}).supported);
  EXPECT_FALSE(
      check("The sale ends on 12 March 2025.", {"The sale ends on 12 March 2026."}).supported);
  EXPECT_TRUE(check("The sale ends in 2026.", {"The sale ends on 12 March 2026."}).supported);
  EXPECT_TRUE(check("The store has five floors.", {"The store has 5 floors."}).supported);
  EXPECT_TRUE(check("El plan cuesta 1.000 euros al año.", {"El plan cuesta 1000 € al año."}, "es")
                  .supported);
  EXPECT_FALSE(check("El plan cuesta 1.500 euros al año.", {"El plan cuesta 1000 € al año."}, "es")
                   .supported);
  EXPECT_TRUE(check("退款将在30天内处理。", {"所有退款均在30天内处理完毕。"}, "zh").supported);
  EXPECT_FALSE(check("退款将在14天内处理。", {"所有退款均在30天内处理完毕。"}, "zh").supported);
}

TEST(ClaimSupport, NoPassages) {
  const Support s = check("Refunds take 30 days.", {});
  EXPECT_FALSE(s.supported);
  EXPECT_FALSE(s.passage.has_value());
  EXPECT_EQ(s.absent_anchors, Strings{"30 days"});
}

// ---- citations -----------------------------------------------------------------------------

TEST(ClaimCitations, ResolveByIdThenByPosition) {
  const std::vector<Context> contexts = {{"doc-a", "x"}, {"doc-b", "y"}, {"2", "z"}};
  EXPECT_EQ(resolve_citation("doc-b", contexts), 1u);
  EXPECT_EQ(resolve_citation("1", contexts), 0u);  // no context has the id "1": the first
  EXPECT_EQ(resolve_citation("2", contexts), 2u);  // a context has the id "2"
  EXPECT_EQ(resolve_citation("4", contexts), std::nullopt);
  EXPECT_EQ(resolve_citation("doc-z", contexts), std::nullopt);
}

}  // namespace QB_UNITY_ID
}  // namespace qb::detail
