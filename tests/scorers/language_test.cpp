// language-match and code-switching (src/scorers/language.cpp), with CLD2 on real-looking answers.
#include <gtest/gtest.h>

#include "qualbar/scorers/scorer.hpp"

namespace qb {
namespace QB_UNITY_ID {

Score run(const std::string& scorer, const std::string& args, const Case& c,
          const std::string& output) {
  Response r;
  r.output = output;
  return make_scorer(scorer, args)->score(c, r);
}

Case case_in(const std::string& language, const std::string& input = "How long do refunds take?") {
  Case c;
  c.input = input;
  c.language = language;
  return c;
}

const std::string kEnglish = "Refunds take five business days after we receive the returned item.";
const std::string kSpanish =
    "El reembolso tarda cinco días hábiles desde que recibimos el artículo devuelto.";
const std::string kGerman =
    "Die Rückerstattung dauert fünf Werktage, nachdem wir den Artikel erhalten haben.";
const std::string kFrench =
    "Le remboursement prend cinq jours ouvrables après réception de l'article.";
const std::string kJapanese = "返金は、返品された商品を受け取ってから5営業日以内に処理されます。";

TEST(LanguageMatch, TheAnswerIsInTheCasesLanguage) {
  EXPECT_EQ(run("language-match", "", case_in("es"), kSpanish).value, 1.0);
  EXPECT_EQ(run("language-match", "", case_in("de-DE"), kGerman).value, 1.0);
  EXPECT_EQ(run("language-match", "", case_in("fr"), kFrench).value, 1.0);
  EXPECT_EQ(run("language-match", "", case_in("ja"), kJapanese).value, 1.0);
  const Score wrong = run("language-match", "", case_in("es"), kEnglish);
  EXPECT_EQ(wrong.value, 0.0);
  EXPECT_EQ(wrong.evidence.rfind("answered in en (", 0), 0U) << wrong.evidence;
  EXPECT_NE(wrong.evidence.find("expected es (from the case)"), std::string::npos)
      << wrong.evidence;
}

TEST(LanguageMatch, WithoutALanguageTheInputsLanguageIsExpected) {
  const Case c = case_in("", "¿Cuánto tiempo tarda el reembolso de un pedido devuelto?");
  EXPECT_EQ(run("language-match", "", c, kSpanish).value, 1.0);
  const Score s = run("language-match", "", c, kEnglish);
  EXPECT_EQ(s.value, 0.0);
  EXPECT_NE(s.evidence.find("expected es (from the input)"), std::string::npos) << s.evidence;
  // A suite-wide language wins over both.
  EXPECT_EQ(run("language-match", R"({"language":"en"})", c, kEnglish).value, 1.0);
}

TEST(LanguageMatch, TooLittleTextIsNotApplicable) {
  EXPECT_EQ(run("language-match", "", case_in("en"), "OK").status, ScoreStatus::not_applicable);
  EXPECT_EQ(run("language-match", "", case_in("", "hi"), kEnglish).status,
            ScoreStatus::not_applicable);
}

TEST(CodeSwitching, OneLanguagePassesAMixedAnswerFailsNamingBoth) {
  EXPECT_EQ(run("code-switching", "", Case{}, kGerman + " " + kGerman).value, 1.0);
  EXPECT_EQ(run("code-switching", "", Case{}, kJapanese).value, 1.0);
  const Score mixed = run("code-switching", "", Case{},
                          kGerman +
                              " However, for international orders it may take up to two "
                              "weeks longer than that.");
  EXPECT_EQ(mixed.value, 0.0);
  EXPECT_EQ(mixed.evidence.rfind("mixes languages: ", 0), 0U) << mixed.evidence;
  EXPECT_NE(mixed.evidence.find("de "), std::string::npos) << mixed.evidence;
  EXPECT_NE(mixed.evidence.find("en "), std::string::npos) << mixed.evidence;
  // A short aside below min_share is tolerated; with a lower min_share it is not.
  const std::string mostly_english =
      kEnglish + " " + kEnglish + " " + kEnglish + " " + kEnglish + " Vielen Dank für Ihre Geduld!";
  EXPECT_EQ(run("code-switching", "", Case{}, mostly_english).value, 1.0);
  EXPECT_EQ(run("code-switching", R"({"min_share":0.05})", Case{}, mostly_english).value, 0.0);
}

TEST(CodeSwitching, BadArgumentsAreErrors) {
  EXPECT_THROW((void)make_scorer("code-switching", R"({"min_share":1.5})"), ArgError);
}

}  // namespace QB_UNITY_ID
}  // namespace qb
