// The one-pass prefilter of the safety scanner and the refusal detector
// (src/scorers/pattern_prefilter.cpp), and the refusal detector's preparation of an output's head
// (src/scorers/refusal_detector.cpp): its fast copy of plain ASCII must change nothing.
#include "scorers/pattern_prefilter.hpp"

#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "scorers/refusal_detector.hpp"
#include "scorers/safety_rules.hpp"

namespace qb::detail {
namespace QB_UNITY_ID {

std::vector<int> matching_one_by_one(const std::vector<const re2::RE2*>& patterns,
                                     const std::string& text) {
  std::vector<int> out;
  for (std::size_t k = 0; k < patterns.size(); ++k)
    if (re2::RE2::PartialMatch(text, *patterns[k])) out.push_back(static_cast<int>(k));
  return out;
}

re2::RE2::Options with(bool case_sensitive, bool literal = false, bool dot_nl = false) {
  re2::RE2::Options o;
  o.set_case_sensitive(case_sensitive);
  o.set_literal(literal);
  o.set_dot_nl(dot_nl);
  return o;
}

TEST(PatternPrefilter, NamesExactlyThePatternsThatMatchEachWithItsOwnOptions) {
  const re2::RE2 digits("\\b\\d{3}-\\d{4}\\b");
  const re2::RE2 sorry("i'?m sorry", with(false));     // ignores case
  const re2::RE2 dot("a.b", with(true, false, true));  // . matches a new line
  const re2::RE2 literal("(x+)", with(true, true));    // the text "(x+)"
  const re2::RE2 capital("AKIA[A-Z0-9]{4}");           // case matters
  const std::vector<const re2::RE2*> patterns = {&digits, &sorry, &dot, &literal, &capital};
  const PatternPrefilter p(patterns);
  ASSERT_TRUE(p.built());
  EXPECT_EQ(p.size(), 5U);
  std::vector<int> got;
  for (const std::string text :
       {"", "call 555-1234 now", "I'M SORRY", "a\nb", "a\nb and I'm sorry", "xx(x+)xx", "xxx",
        "akia1234", "AKIA1234", "5551-2345", "a b (x+) 555-1234 AKIAZZZZ Im Sorry"}) {
    p.matching(text, got);
    EXPECT_EQ(got, matching_one_by_one(patterns, text)) << text;
    EXPECT_EQ(p.any(text), !got.empty()) << text;
  }
}

TEST(PatternPrefilter, NoPatternsMatchNothing) {
  const PatternPrefilter p({});
  std::vector<int> got = {7};
  p.matching("anything", got);
  EXPECT_TRUE(got.empty());
  EXPECT_FALSE(p.any("anything"));
}

TEST(PatternPrefilter, TheBuiltInPacksFitInOneSetEach) {
  std::vector<const re2::RE2*> safety;
  for (const auto& pack : safety_packs())
    for (const auto& r : pack.rules) {
      if (r.pattern) safety.push_back(r.pattern.get());
      if (r.weak_pattern) safety.push_back(r.weak_pattern.get());
    }
  EXPECT_TRUE(PatternPrefilter(safety).built());
  std::vector<const re2::RE2*> refusal;
  for (const auto& l : builtin_refusal_pack().languages) refusal.push_back(l.refusal.get());
  const PatternPrefilter r(refusal);
  ASSERT_TRUE(r.built());
  std::vector<int> got;
  for (const std::string text :
       {"Lo siento, no puedo ayudar con eso.", "I'm sorry, but I can't help with that.",
        "Your parcel ships today."}) {
    r.matching(text, got);
    EXPECT_EQ(got, matching_one_by_one(refusal, text)) << text;
  }
}

// ---- the safety scanner's shared pass ----------------------------------------------------------

std::vector<const SafetyRule*> rules_of(const std::string& pack) {
  std::vector<const SafetyRule*> out;
  for (const auto& p : safety_packs())
    if (p.name == pack)
      for (const auto& r : p.rules) out.push_back(&r);
  return out;
}

std::vector<std::string> shown(const std::vector<Violation>& vs) {
  std::vector<std::string> out;
  for (const auto& v : vs) out.push_back(v.rule + "@" + std::to_string(v.begin) + " " + v.masked);
  return out;
}

TEST(SafetyScanner, ScannersOfBuiltInRulesShareOnePassAndEachFindsItsOwn) {
  const SafetyScanner pii(rules_of("pii"));
  const SafetyScanner secrets(rules_of("secrets"));
  ASSERT_TRUE(pii.shares_the_built_in_pass());
  ASSERT_TRUE(secrets.shares_the_built_in_pass());
  const std::vector<std::string> texts = {
      "Write to jane.doe@example.com or use key AKIAIOSFODNN7EXAMPLE.", "Your parcel ships today.",
      "Call +44 20 7946 0958 about card 4111 1111 1111 1111.",
      "Call +44 20 7946 0958 about card 4111 1111 1111 1111.",  // the same text again
      "export GITHUB_TOKEN=ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789",   ""};
  // In turns, as a suite's pii and secrets dimensions run on each output: each scanner finds
  // what searching its own rules one by one finds, and nothing of the other's.
  for (const auto& t : texts) {
    EXPECT_EQ(shown(pii.scan(t)), shown(scan_safety(t, rules_of("pii")))) << t;
    EXPECT_EQ(shown(secrets.scan(t)), shown(scan_safety(t, rules_of("secrets")))) << t;
  }
  EXPECT_FALSE(pii.scan(texts[0]).empty());
  EXPECT_FALSE(secrets.scan(texts[0]).empty());
  for (const auto& v : pii.scan(texts[0])) EXPECT_EQ(v.rule, "email") << v.rule;
  for (const auto& v : secrets.scan(texts[4])) EXPECT_EQ(v.rule, "github-token") << v.rule;
}

TEST(SafetyScanner, RulesFromElsewhereGetTheirOwnPass) {
  const SafetyPack custom = parse_safety_pack("custom", "custom.yaml", R"(
description: Order numbers
rules:
  - id: order-number
    description: An order number.
    pattern: '\bORD-\d{6}\b'
)");
  const SafetyScanner s({&custom.rules[0]});
  EXPECT_FALSE(s.shares_the_built_in_pass());
  EXPECT_EQ(shown(s.scan("see ORD-123456 and jane@example.com")),
            std::vector<std::string>{"order-number@4 ***-**3456"});
  EXPECT_TRUE(s.scan("jane@example.com").empty());
}

// ---- the refusal detector's head --------------------------------------------------------------

// Random outputs mixing plain words and single spaces with everything the general path handles:
// runs of white space, new lines, Markdown emphasis, accents (composed and combining), CJK,
// typographic apostrophes, full-width letters, invalid UTF-8, leading and trailing spaces.
std::string random_output(std::mt19937& rng) {
  static const std::vector<std::string> pieces = {"I",
                                                  "can't",
                                                  "help",
                                                  "with",
                                                  "that",
                                                  "sorry",
                                                  "x",
                                                  "ab.",
                                                  "42",
                                                  ",",
                                                  " ",
                                                  " ",
                                                  " ",
                                                  " ",
                                                  "  ",
                                                  "\n",
                                                  "\t",
                                                  "*",
                                                  "_",
                                                  "`",
                                                  "é",
                                                  "e\xCC\x81",
                                                  "中文",
                                                  "\xE2\x80\x99",
                                                  "\xEF\xBC\xA1",
                                                  "\xFF",
                                                  "no",
                                                  "puedo",
                                                  "a-b",
                                                  "(ok)",
                                                  "\"q\""};
  std::uniform_int_distribution<std::size_t> pick(0, pieces.size() - 1);
  std::uniform_int_distribution<int> length(0, 60);
  std::string out;
  for (int n = length(rng); n > 0; --n) out += pieces[pick(rng)];
  return out;
}

TEST(RefusalHead, CopyingPlainAsciiRunsChangesNothing) {
  std::mt19937 rng(20261127);
  const std::vector<std::pair<double, double>> bounds = {{1, 2},      {2.5, 4}, {7, 12},
                                                         {7.5, 30.5}, {20, 25}, {200, 800}};
  for (int i = 0; i < 4000; ++i) {
    const std::string output = random_output(rng);
    for (const auto& [window, limit] : bounds) {
      const RefusalHead fast = refusal_head(output, window, limit, true, true);
      const RefusalHead general = refusal_head(output, window, limit, true, false);
      ASSERT_EQ(fast.text, general.text) << "'" << output << "' window " << window;
      ASSERT_EQ(fast.origin, general.origin) << "'" << output << "' window " << window;
      ASSERT_EQ(fast.window_end, general.window_end) << "'" << output << "' window " << window;
      ASSERT_EQ(fast.complete, general.complete) << "'" << output << "' window " << window;
      // Without the origins, the same text.
      ASSERT_EQ(refusal_head(output, window, limit, false).text, general.text) << output;
      ASSERT_TRUE(refusal_head(output, window, limit, false).origin.empty());
    }
  }
}

TEST(RefusalHead, PlainTextIsCopiedAsItIsAndWhiteSpaceCollapses) {
  const RefusalHead h = refusal_head("  I'm  *so*   sorry,\nbut I can't.  ", 200, 800, true);
  EXPECT_EQ(h.text, "I'm so sorry, but I can't.");
  EXPECT_TRUE(h.complete);
  EXPECT_EQ(h.window_end, h.text.size() + 1);  // shorter than the window
  ASSERT_EQ(h.origin.size(), h.text.size() + 1);
  EXPECT_EQ(h.origin[0], 2U);  // 'I'
  EXPECT_EQ(h.origin[h.text.find("sorry")], 14U);
  // A window of 5 characters: "I'm s" (the space counts one), the head goes on to the limit.
  const RefusalHead w = refusal_head("I'm sorry, but I can't.", 5, 12, true);
  EXPECT_EQ(w.window_end, 5U);
  EXPECT_EQ(w.text, "I'm sorry, b");
  EXPECT_FALSE(w.complete);
}

}  // namespace QB_UNITY_ID
}  // namespace qb::detail
