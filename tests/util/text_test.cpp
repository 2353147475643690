#include "qualbar/util/text.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

namespace qb {
namespace QB_UNITY_ID {

using Tokens = std::vector<std::string>;

Tokens tokens_of(std::string_view text) {
  Tokens out;
  for (auto t : word_tokens(text)) out.emplace_back(t);
  return out;
}

NormalizeOptions options(bool casefold, bool strip_punctuation, bool strip_accents) {
  NormalizeOptions o;
  o.casefold = casefold;
  o.strip_punctuation = strip_punctuation;
  o.strip_accents = strip_accents;
  return o;
}

// ---- normalize_text -------------------------------------------------------------------------

TEST(NormalizeText, AsciiCaseWhitespaceAndPunctuation) {
  EXPECT_EQ(normalize_text("  Hello,   World!\t"), "hello world");
  EXPECT_EQ(normalize_text("The answer: 42."), "the answer 42");
  EXPECT_EQ(normalize_text("a , b"), "a b");
  EXPECT_EQ(normalize_text("don't"), "dont");
}

TEST(NormalizeText, EmptyAndBlankInputs) {
  EXPECT_EQ(normalize_text(""), "");
  EXPECT_EQ(normalize_text(" \t\r\n "), "");
  EXPECT_EQ(normalize_text("?!...,;"), "");
  EXPECT_EQ(normalize_text("\u00a0\u3000"), "");
  EXPECT_EQ(normalize_text("¿¡«»。"), "");
}

// The ASCII fast path must give what the utf8proc path gives. A leading ideographic space (U+3000,
// which NFKC maps to a space that is then trimmed) forces the Unicode path for the same text.
TEST(NormalizeText, AsciiFastPathAgreesWithUnicodePath) {
  std::vector<std::string> inputs = {
      "Hello, World!",
      "  MiXeD   case\ttext\n",
      "a-b_c.d/e\\f",
      "$100 + 5% = 105",
      "x <= y && z|w",
      "`code` ~tilde^ 'q' \"dq\"",
      "(parens) [brackets] {braces}",
      "#tag @user *",
      "\r\n\v\f",
      "Tab\tAnd\fFeed",
      "   ",
      "",
  };
  for (int c = 0; c < 128; ++c) {
    inputs.push_back(std::string("A") + static_cast<char>(c) + "b");
  }
  for (const auto& text : inputs) {
    for (int bits = 0; bits < 8; ++bits) {
      const auto opts = options(bits & 1, bits & 2, bits & 4);
      EXPECT_EQ(normalize_text(text, opts), normalize_text("\u3000" + text, opts))
          << "input bytes: " << testing::PrintToString(text) << " options " << bits;
    }
  }
}

TEST(NormalizeText, CompatibilityFormsAreFolded) {
  EXPECT_EQ(normalize_text("ＡＢＣ"), "abc");  // full-width letters
  EXPECT_EQ(normalize_text("ＡＢＣ", options(false, true, false)), "ABC");
  EXPECT_EQ(normalize_text("ﬁne"), "fine");  // ligature U+FB01
  EXPECT_EQ(normalize_text("ﬃ"), "ffi");
  EXPECT_EQ(normalize_text("x² ①"), "x2 1");
  EXPECT_EQ(normalize_text("１２３"), "123");     // full-width digits
  EXPECT_EQ(normalize_text("ｶﾀｶﾅ"), "カタカナ");  // half-width katakana
}

TEST(NormalizeText, ComposedAndDecomposedFormsAgree) {
  EXPECT_EQ(normalize_text("cafe\u0301"), "caf\u00e9");
  EXPECT_EQ(normalize_text("cafe\u0301"), normalize_text("caf\u00e9"));
  EXPECT_EQ(normalize_text("Ange\u0301lique", options(false, true, false)), "Ang\u00e9lique");
}

TEST(NormalizeText, CaseFoldingFollowsUtf8procCasefold) {
  EXPECT_EQ(normalize_text("STRASSE"), "strasse");
  EXPECT_EQ(normalize_text("Straße"), "strasse");  // full case folding: ß → ss
  EXPECT_EQ(normalize_text("ẞ"), "ss");            // capital sharp s
  EXPECT_EQ(normalize_text("ΣΟΦΙΑ"), "σοφια");     // no final-sigma context in case folding
  EXPECT_EQ(normalize_text("ÉCOLE"), "école");
  EXPECT_EQ(normalize_text("ПРИВЕТ Мир"), "привет мир");
  EXPECT_EQ(normalize_text("İstanbul"), "i\u0307stanbul");  // dotted capital I: i + combining dot
}

TEST(NormalizeText, CaseKeptWithoutCasefold) {
  const auto keep_case = options(false, true, false);
  EXPECT_EQ(normalize_text("Straße", keep_case), "Straße");
  EXPECT_EQ(normalize_text("Hello, World!", keep_case), "Hello World");
}

TEST(NormalizeText, AccentsKeptByDefaultAndStrippedOnRequest) {
  EXPECT_EQ(normalize_text("Café Ñandú"), "café ñandú");
  EXPECT_EQ(normalize_text("Café Ñandú", options(true, true, true)), "cafe nandu");
  EXPECT_EQ(normalize_text("Tiếng Việt", options(true, true, true)), "tieng viet");
  EXPECT_EQ(normalize_text("cafe\u0301", options(true, true, true)), "cafe");
  // Arabic vowel marks are combining marks too; the letters stay.
  EXPECT_EQ(normalize_text("كَتَبَ", options(true, true, true)), "كتب");
  EXPECT_EQ(normalize_text("北京 שלום", options(true, true, true)), "北京 שלום");
}

TEST(NormalizeText, UnicodePunctuationRemoved) {
  EXPECT_EQ(normalize_text("«Bonjour»"), "bonjour");
  EXPECT_EQ(normalize_text("¿Qué tal?"), "qué tal");
  EXPECT_EQ(normalize_text("¡Hola!"), "hola");
  EXPECT_EQ(normalize_text("我爱北京。"), "我爱北京");
  EXPECT_EQ(normalize_text("東京、大阪！"), "東京大阪");
  EXPECT_EQ(normalize_text("“quoted” ‘single’"), "quoted single");
  EXPECT_EQ(normalize_text("wait… what — really"), "wait what really");
  EXPECT_EQ(normalize_text("مرحبا، كيف حالك؟"), "مرحبا كيف حالك");
  EXPECT_EQ(normalize_text("「こんにちは」"), "こんにちは");
}

TEST(NormalizeText, PunctuationKeptOnRequest) {
  const auto keep = options(true, false, false);
  EXPECT_EQ(normalize_text("¿Qué tal?", keep), "¿qué tal?");
  EXPECT_EQ(normalize_text("Hello, World!", keep), "hello, world!");
  EXPECT_EQ(normalize_text("我爱北京。", keep), "我爱北京。");
}

TEST(NormalizeText, SymbolsAreNotPunctuation) {
  EXPECT_EQ(normalize_text("$5 + 3 = 8"), "$5 + 3 = 8");
  EXPECT_EQ(normalize_text("Price: 10€"), "price 10€");
  EXPECT_EQ(normalize_text("a < b > c | d ~ e ^ f"), "a < b > c | d ~ e ^ f");
  EXPECT_EQ(normalize_text("© 2024 👍"), "© 2024 👍");
}

TEST(NormalizeText, WhiteSpaceCollapsedIncludingUnicodeSpaces) {
  EXPECT_EQ(normalize_text("  a \t\n\r b  "), "a b");
  EXPECT_EQ(normalize_text("a\u00a0b"), "a b");  // no-break space
  EXPECT_EQ(normalize_text("a\u00a0\u00a0 \u00a0b"), "a b");
  EXPECT_EQ(normalize_text("\u2003a\u2009b\u3000c\u202f"),
            "a b c");  // em, thin, ideographic, narrow nbsp
  EXPECT_EQ(normalize_text("line\u2028next\u2029para"), "line next para");
  EXPECT_EQ(normalize_text("é\t\tè"), "é è");
}

// ---- word_tokens ------------------------------------------------------------------------------

TEST(WordTokens, LatinWordsAndDigits) {
  EXPECT_EQ(tokens_of("hello world 42"), (Tokens{"hello", "world", "42"}));
  EXPECT_EQ(tokens_of("abc123 x1"), (Tokens{"abc123", "x1"}));
  EXPECT_EQ(tokens_of("a-b_c.d"), (Tokens{"a", "b", "c", "d"}));
  EXPECT_EQ(tokens_of("  spaced   out  "), (Tokens{"spaced", "out"}));
}

TEST(WordTokens, NothingToTokenize) {
  EXPECT_TRUE(word_tokens("").empty());
  EXPECT_TRUE(word_tokens("   ").empty());
  EXPECT_TRUE(word_tokens("... !? --").empty());
}

TEST(WordTokens, TokensAreViewsIntoTheInput) {
  const std::string text = "one two";
  const auto tokens = word_tokens(text);
  ASSERT_EQ(tokens.size(), 2U);
  EXPECT_EQ(tokens[0].data(), text.data());
  EXPECT_EQ(tokens[1].data(), text.data() + 4);
}

TEST(WordTokens, AccentedWordsStayWhole) {
  EXPECT_EQ(tokens_of("café naïve façade"), (Tokens{"café", "naïve", "façade"}));
  EXPECT_EQ(tokens_of("cafe\u0301 au lait"), (Tokens{"cafe\u0301", "au", "lait"}));  // mark joins
  EXPECT_EQ(tokens_of("привет мир"), (Tokens{"привет", "мир"}));
}

TEST(WordTokens, ChineseCharactersAreOneTokenEach) {
  EXPECT_EQ(tokens_of("我爱北京"), (Tokens{"我", "爱", "北", "京"}));
  EXPECT_EQ(tokens_of("北京 上海"), (Tokens{"北", "京", "上", "海"}));
}

TEST(WordTokens, JapaneseKanaAndKanjiAreOneTokenEach) {
  EXPECT_EQ(tokens_of("ひらがな"), (Tokens{"ひ", "ら", "が", "な"}));
  EXPECT_EQ(tokens_of("カタカナ"), (Tokens{"カ", "タ", "カ", "ナ"}));
  EXPECT_EQ(tokens_of("東京です"), (Tokens{"東", "京", "で", "す"}));
}

TEST(WordTokens, KoreanIsSpacedAndSplitOnSpaces) {
  EXPECT_EQ(tokens_of("안녕 세상"), (Tokens{"안녕", "세상"}));
}

TEST(WordTokens, ThaiCharactersAreOneTokenEach) {
  EXPECT_EQ(tokens_of("ไทย"), (Tokens{"ไ", "ท", "ย"}));
}

TEST(WordTokens, RightToLeftWordsSplitOnSpaces) {
  EXPECT_EQ(tokens_of("שלום עולם"), (Tokens{"שלום", "עולם"}));
  EXPECT_EQ(tokens_of("مرحبا بالعالم"), (Tokens{"مرحبا", "بالعالم"}));
  // Arabic vowel marks (combining) belong to their word.
  EXPECT_EQ(tokens_of("كَتَبَ الدَّرْسَ"), (Tokens{"كَتَبَ", "الدَّرْسَ"}));
}

TEST(WordTokens, MixedScripts) {
  EXPECT_EQ(tokens_of("hello世界"), (Tokens{"hello", "世", "界"}));
  EXPECT_EQ(tokens_of("GPT-4は速い"), (Tokens{"GPT", "4", "は", "速", "い"}));
  EXPECT_EQ(tokens_of("ok مرحبا 3 שלום"), (Tokens{"ok", "مرحبا", "3", "שלום"}));
  EXPECT_EQ(tokens_of("café 東京 2024"), (Tokens{"café", "東", "京", "2024"}));
}

// ---- token_f1 ---------------------------------------------------------------------------------

TEST(TokenF1, IdenticalTextsScoreOne) {
  EXPECT_DOUBLE_EQ(token_f1("the cat sat", "the cat sat"), 1.0);
  EXPECT_DOUBLE_EQ(token_f1("The Cat, sat!", "the cat sat"), 1.0);  // normalised first
  EXPECT_DOUBLE_EQ(token_f1("sat cat the", "the cat sat"), 1.0);    // a bag of words
}

TEST(TokenF1, DisjointTextsScoreZero) {
  EXPECT_DOUBLE_EQ(token_f1("red blue", "green yellow"), 0.0);
}

TEST(TokenF1, EmptyTexts) {
  EXPECT_DOUBLE_EQ(token_f1("", ""), 1.0);
  EXPECT_DOUBLE_EQ(token_f1("?!", "..."), 1.0);  // both empty after normalising
  EXPECT_DOUBLE_EQ(token_f1("", "paris"), 0.0);
  EXPECT_DOUBLE_EQ(token_f1("paris", ""), 0.0);
}

TEST(TokenF1, PartialOverlapHandComputed) {
  // Common {cat, sat}: precision 2/3, recall 2/4, F1 = 2·(2/3)·(1/2) / (2/3 + 1/2) = 4/7.
  EXPECT_NEAR(token_f1("a cat sat", "the cat sat down"), 4.0 / 7.0, 1e-15);
  EXPECT_NEAR(token_f1("the cat sat down", "a cat sat"), 4.0 / 7.0, 1e-15);  // symmetric
  // Repeated tokens count with multiplicity: common 1, precision 1/3, recall 1 → 1/2.
  EXPECT_NEAR(token_f1("the the the", "the"), 0.5, 1e-15);
}

TEST(TokenF1, AccentsAreDistinctButCaseIsNot) {
  EXPECT_DOUBLE_EQ(token_f1("Café CRÈME", "café crème"), 1.0);
  EXPECT_DOUBLE_EQ(token_f1("cafe creme", "café crème"), 0.0);
  EXPECT_DOUBLE_EQ(token_f1("cafe\u0301", "caf\u00e9"), 1.0);  // NFC and NFD agree
}

TEST(TokenF1, ChineseComparesCharacters) {
  // 我 爱 in common out of 4 on each side: F1 = 0.5.
  EXPECT_NEAR(token_f1("我爱上海", "我爱北京"), 0.5, 1e-15);
  EXPECT_DOUBLE_EQ(token_f1("我爱北京。", "我爱北京"), 1.0);
}

TEST(TokenF1, RightToLeftWords) {
  // prediction 2 tokens, reference 1, one in common: precision 1/2, recall 1 → 2/3.
  EXPECT_NEAR(token_f1("مرحبا بالعالم", "مرحبا"), 2.0 / 3.0, 1e-15);
  EXPECT_DOUBLE_EQ(token_f1("שלום, עולם!", "שלום עולם"), 1.0);
}

// ASCII text is tokenised in one pass; a leading ideographic space (a space after NFKC) sends the
// same text down the Unicode path, which must give the same tokens.
TEST(TokenF1, AsciiFastPathAgreesWithUnicodePath) {
  std::vector<std::string> texts = {"Don't stop-me now!", "don t stop me now", "a.b a_b a-b ab",
                                    "$100 + 5% = 105 100", "x<=y x y", "the THE the", "", "?!"};
  for (int c = 0; c < 128; ++c) {
    texts.push_back(std::string("Ab") + static_cast<char>(c) + "cd ab cd");
  }
  for (const auto& a : texts) {
    for (const auto& b : texts) {
      EXPECT_EQ(token_f1(a, b), token_f1("\u3000" + a, "\u3000" + b))
          << testing::PrintToString(a) << " vs " << testing::PrintToString(b);
    }
  }
}

// Tokens compare by their first 16 bytes as integers and then by the rest: words that share a
// long start, or differ only in length, must still count as in SQuAD's F1 (a multiset of the
// normalised words). Checked against counting the words of normalize_text directly.
TEST(TokenF1, LongAndPrefixSharingWordsCountExactly) {
  const std::vector<std::string> words = {"a",
                                          "ab",
                                          "abcdefg",
                                          "abcdefgh",
                                          "abcdefghi",
                                          "abcdefghijklmno",
                                          "abcdefghijklmnop",
                                          "abcdefghijklmnopq",
                                          "abcdefghijklmnopr",
                                          "abcdefghijklmnopqrstuvwxyz0123456789",
                                          "abcdefghijklmnopqrstuvwxyz0123456788",
                                          "Zürich",
                                          "zürichzürichzürich",
                                          "zürichzürichzürichx"};
  const auto reference_f1 = [](const std::string& p, const std::string& r) {
    const std::string np = normalize_text(p), nr = normalize_text(r);
    std::multiset<std::string_view> a, b;
    for (const auto t : word_tokens(np)) a.insert(t);
    for (const auto t : word_tokens(nr)) b.insert(t);
    if (a.empty() && b.empty()) return 1.0;
    std::size_t common = 0;
    for (auto it = a.begin(); it != a.end(); it = a.upper_bound(*it))
      common += std::min(a.count(*it), b.count(*it));
    if (common == 0) return 0.0;
    const double precision = static_cast<double>(common) / static_cast<double>(a.size());
    const double recall = static_cast<double>(common) / static_cast<double>(b.size());
    return 2.0 * precision * recall / (precision + recall);
  };
  std::uint64_t state = 7;
  const auto next = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::size_t>(state >> 33);
  };
  for (int round = 0; round < 400; ++round) {
    std::string p, r;
    for (std::size_t k = next() % 7; k > 0; --k) p += words[next() % words.size()] + " ";
    for (std::size_t k = next() % 7; k > 0; --k) r += words[next() % words.size()] + ", ";
    EXPECT_NEAR(token_f1(p, r), reference_f1(p, r), 1e-15)
        << testing::PrintToString(p) << " vs " << testing::PrintToString(r);
  }
  EXPECT_NEAR(token_f1("abcdefghijklmnopq abcdefghijklmnopr", "abcdefghijklmnopq"), 2.0 / 3.0,
              1e-15);
}

// normalized_equal reads ASCII text without writing it: it must say what comparing the two
// normalisations says, for every option, also when one side takes the Unicode path.
TEST(NormalizedEqual, AgreesWithComparingNormalisations) {
  std::vector<std::string> texts = {"Hello, World!", "hello world", " hello   world ", "HELLO-WORLD",
                                    "hello , world", "", "  ", "?!", "a\tb", "a b", "ab",
                                    "caf\u00e9", "cafe\u0301", "\u212a", "k", "x\u3000y", "x y"};
  for (int c = 0; c < 128; ++c) {
    texts.push_back(std::string("a") + static_cast<char>(c) + "b");
  }
  for (int bits = 0; bits < 8; ++bits) {
    const auto opts = options(bits & 1, bits & 2, bits & 4);
    for (const auto& a : texts) {
      for (const auto& b : texts) {
        EXPECT_EQ(normalized_equal(a, b, opts), normalize_text(a, opts) == normalize_text(b, opts))
            << testing::PrintToString(a) << " vs " << testing::PrintToString(b) << " options "
            << bits;
      }
    }
  }
}

// ---- find_invalid_utf8 ------------------------------------------------------------------------

TEST(FindInvalidUtf8, ValidTextIsAccepted) {
  EXPECT_EQ(find_invalid_utf8(""), std::nullopt);
  EXPECT_EQ(find_invalid_utf8("plain ASCII text"), std::nullopt);
  EXPECT_EQ(find_invalid_utf8("héllo 日本 שלום 😀"), std::nullopt);
  EXPECT_EQ(find_invalid_utf8(std::string_view("a\0b", 3)), std::nullopt);  // NUL is valid
  EXPECT_EQ(find_invalid_utf8("\xF4\x8F\xBF\xBF"), std::nullopt);           // U+10FFFF
}

TEST(FindInvalidUtf8, TruncatedSequence) {
  EXPECT_EQ(find_invalid_utf8("abc\xE2\x82"), 3U);  // € cut short at the end
  EXPECT_EQ(find_invalid_utf8("a\xE2\x82"
                              "b"),
            1U);                                     // cut short in the middle
  EXPECT_EQ(find_invalid_utf8("\xF0\x9F\x98"), 0U);  // 😀 missing its last byte
  EXPECT_EQ(find_invalid_utf8("ok\xC3"), 2U);
}

TEST(FindInvalidUtf8, OverlongEncoding) {
  EXPECT_EQ(find_invalid_utf8("ab\xC0\xAF"), 2U);           // '/' in two bytes
  EXPECT_EQ(find_invalid_utf8("x\xE0\x80\xAF"), 1U);        // '/' in three bytes
  EXPECT_EQ(find_invalid_utf8("xyz\xF0\x82\x82\xAC"), 3U);  // '€' in four bytes
}

TEST(FindInvalidUtf8, LoneContinuationByte) {
  EXPECT_EQ(find_invalid_utf8("xy\x80z"), 2U);
  EXPECT_EQ(find_invalid_utf8("日本\xBF"), 6U);  // offset counts bytes, after two 3-byte characters
}

TEST(FindInvalidUtf8, OtherInvalidBytes) {
  EXPECT_EQ(find_invalid_utf8("\xFF"), 0U);
  EXPECT_EQ(find_invalid_utf8("a\xED\xA0\x80"), 1U);      // UTF-16 surrogate U+D800
  EXPECT_EQ(find_invalid_utf8("é\xF4\x90\x80\x80"), 2U);  // above U+10FFFF
}

// ---- excerpt ----------------------------------------------------------------------------------

TEST(Excerpt, ShortTextUnchanged) {
  EXPECT_EQ(excerpt("hello", 5), "hello");
  EXPECT_EQ(excerpt("hello", 10), "hello");
  EXPECT_EQ(excerpt("", 0), "");
  EXPECT_EQ(excerpt("日本", 6), "日本");
}

TEST(Excerpt, LongTextCutWithEllipsis) {
  EXPECT_EQ(excerpt("hello world", 5), "hello…");
  EXPECT_EQ(excerpt(std::string(200, 'x')), std::string(120, 'x') + "…");  // default 120 bytes
  EXPECT_EQ(excerpt("abc", 0), "…");
}

TEST(Excerpt, NeverCutsInsideAMultiByteCharacter) {
  EXPECT_EQ(excerpt("日本語", 4), "日…");
  EXPECT_EQ(excerpt("日本語", 5), "日…");
  EXPECT_EQ(excerpt("日本語", 6), "日本…");
  EXPECT_EQ(excerpt("😀😀", 3), "…");
  EXPECT_EQ(excerpt("héllo", 2), "h…");

  const std::string text = "aé日😀bשלום";
  for (std::size_t max = 0; max <= text.size(); ++max) {
    const std::string cut = excerpt(text, max);
    EXPECT_EQ(find_invalid_utf8(cut), std::nullopt) << "max_bytes " << max;
    if (max < text.size()) {
      ASSERT_TRUE(cut.ends_with("…")) << "max_bytes " << max;
      const std::string kept = cut.substr(0, cut.size() - std::string("…").size());
      EXPECT_LE(kept.size(), max);
      EXPECT_TRUE(text.starts_with(kept));
    }
  }
}

// A number that rounds to zero has no sign: a kappa of −1e-17 is "0.00", not "-0.00".
TEST(NumberText, NeverPrintsMinusZero) {
  EXPECT_EQ(fixed_text(-1e-17, 2), "0.00");
  EXPECT_EQ(fixed_text(-0.004, 2), "0.00");
  EXPECT_EQ(fixed_text(-0.0, 1), "0.0");
  EXPECT_EQ(fixed_text(-0.006, 2), "-0.01");
  EXPECT_EQ(fixed_text(0.77, 2), "0.77");
  EXPECT_EQ(fixed_text(std::nan(""), 2), "—");
  EXPECT_EQ(signed_text(-0.00004, 1), "+0.0");
  EXPECT_EQ(signed_text(-0.3, 1), "-0.3");
  EXPECT_EQ(signed_text(2.26, 1), "+2.3");
  EXPECT_EQ(signed_text(std::numeric_limits<double>::infinity(), 1), "—");
  EXPECT_EQ(percent(-1e-12), "0.0%");
}

// Bin edges i/B print distinct: 15 bins need two decimals ("0.47–0.53", not "0.5–0.5").
TEST(NumberText, DecimalsForPartsTellEveryEdgeApart) {
  EXPECT_EQ(decimals_for_parts(1), 1);
  EXPECT_EQ(decimals_for_parts(10), 1);
  EXPECT_EQ(decimals_for_parts(11), 2);
  EXPECT_EQ(decimals_for_parts(15), 2);
  EXPECT_EQ(decimals_for_parts(100), 2);
  EXPECT_EQ(decimals_for_parts(101), 3);
  for (std::size_t bins = 1; bins <= 120; ++bins) {
    const int d = decimals_for_parts(bins);
    std::set<std::string> edges;
    for (std::size_t i = 0; i <= bins; ++i)
      edges.insert(fixed_text(static_cast<double>(i) / static_cast<double>(bins), d));
    EXPECT_EQ(edges.size(), bins + 1) << bins << " bins at " << d << " decimals";
  }
}

TEST(WrapWords, KeepsRunsOfSpacesWithinALineAndDropsThemWhereItBreaks) {
  EXPECT_EQ(wrap_words("CLASS      N  RECALL", 0), std::vector<std::string>{"CLASS      N  RECALL"});
  EXPECT_EQ(wrap_words("CLASS      N  RECALL", 12),
            (std::vector<std::string>{"CLASS      N", "RECALL"}));
}

TEST(WrapWords, ALongWordIsCutWhereItBreaksByItself) {
  EXPECT_EQ(wrap_words("category=refund-dispute", 18),
            (std::vector<std::string>{"category=refund-", "dispute"}));
  EXPECT_EQ(wrap_words("tags=escalation", 12), (std::vector<std::string>{"tags=", "escalation"}));
  // No break of its own within reach: cut at the width.
  EXPECT_EQ(wrap_words("abcdefghij", 4), (std::vector<std::string>{"abcd", "efgh", "ij"}));
  EXPECT_EQ(cut_word("a=bcdefghij", 9), (std::vector<std::string_view>{"a=bcdefgh", "ij"}))
      << "a break that leaves the piece under a third full is not taken";
}

}  // namespace QB_UNITY_ID
}  // namespace qb
