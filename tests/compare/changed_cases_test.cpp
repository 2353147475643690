// The cases that changed between two runs (Comparison::changed_cases, src/compare/compare.cpp)
// and how compare's formats show them (src/cli/compare_cases.cpp, src/compare/compare_json.cpp,
// src/compare/compare_html.cpp), on the fixture in tests/compare/changed_cases/, whose flips are
// known (its suite.yaml says which).
#include "qualbar/compare/compare.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "../cli/run_qualbar.hpp"
#include "qualbar/bind/bind.hpp"
#include "qualbar/io/dataset.hpp"
#include "qualbar/metrics/scoring.hpp"
#include "qualbar/util/text.hpp"

namespace qb {
namespace QB_UNITY_ID {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kFixture = fs::path(QB_SOURCE_DIR) / "tests" / "compare" / "changed_cases";

struct Run {
  Suite suite;
  Dataset dataset;
  std::vector<Response> responses;
  ScoreTable scores;
  RunInfo info;
};

Run load_run(const std::string& responses_file) {
  Run r;
  r.suite = read_suite(read_file((kFixture / "suite.yaml").string()), "suite.yaml", kFixture);
  parse_cases(read_file((kFixture / "cases.jsonl").string()), "cases.jsonl", r.dataset);
  r.responses = parse_responses(read_file((kFixture / responses_file).string()), responses_file);
  for (std::size_t i = 0; i < r.dataset.cases.size(); ++i)
    EXPECT_EQ(r.dataset.cases[i].id, r.responses.at(i).id) << "the fixture's files are aligned";
  r.scores = score_cases(build_scorers(r.suite), r.dataset.cases, r.responses);
  r.info.id = "r-" + responses_file;
  return r;
}

Comparison compare_fixture(std::size_t list_cases = 10) {
  static const Run a = load_run("a.jsonl"), b = load_run("b.jsonl");
  CompareOptions o;
  o.list_cases = list_cases;
  return compare_runs(CompareSide{a.info, a.suite, a.dataset.cases, a.responses, a.scores},
                      CompareSide{b.info, b.suite, b.dataset.cases, b.responses, b.scores}, o);
}

const ChangedCases& changes(const Comparison& c, const std::string& dimension) {
  for (const auto& d : c.changed_cases)
    if (d.dimension == dimension) return d;
  throw std::runtime_error("no changed cases for " + dimension);
}

std::vector<std::string> listed_ids(const ChangedCases& d) {
  std::vector<std::string> ids;
  for (const auto& c : d.listed) ids.push_back(c.id);
  return ids;
}

TEST(ChangedCases, OnlyPassFailDimensionsHaveThem) {
  const Comparison c = compare_fixture();
  std::vector<std::string> names;
  for (const auto& d : c.changed_cases) names.push_back(d.dimension);
  // overlap is a 0–1 mean without a threshold and latency a measurement: no verdict per case.
  EXPECT_EQ(names, (std::vector<std::string>{"correct", "polite", "errors"}));
}

TEST(ChangedCases, CountsEveryFlipAndListsPassToFailFirstCriticalSlicesFirst) {
  const Comparison c = compare_fixture();
  const ChangedCases& correct = changes(c, "correct");
  EXPECT_EQ(correct.changed(), 5U);
  EXPECT_EQ(correct.pass_to_fail, 3U);
  EXPECT_EQ(correct.fail_to_pass, 2U);
  // c4 and c8 are in the critical refund-dispute slice; the rest keep B's order.
  EXPECT_EQ(listed_ids(correct), (std::vector<std::string>{"c4", "c1", "c6", "c8-<i>", "c3"}));
  const FlippedCase& first = correct.listed.front();
  EXPECT_EQ(first.flip, Flip::pass_to_fail);
  EXPECT_EQ(first.critical_slices, (std::vector<std::string>{"category=refund-dispute"}));
  EXPECT_EQ(first.input, "My chargeback: how long does it take?");
  EXPECT_EQ(first.reference, "The bank decides within 5 days.");
  EXPECT_EQ(first.a.output, "The bank decides within 5 days.");
  EXPECT_EQ(first.a.evidence, "");
  EXPECT_EQ(first.b.output, "The bank decides within a month.");
  EXPECT_EQ(first.b.evidence, "missing: \"5 days\"");
  EXPECT_TRUE(correct.listed[1].critical_slices.empty());
  EXPECT_EQ(correct.listed[3].flip, Flip::fail_to_pass);
  // A failed call is a failure, with its error as the evidence.
  const FlippedCase& failed = correct.listed[2];
  EXPECT_FALSE(failed.a.failed_call);
  EXPECT_TRUE(failed.b.failed_call);
  EXPECT_EQ(failed.b.output, "");
  EXPECT_EQ(failed.b.evidence, "timeout after 30 s");
  EXPECT_FALSE(correct.listed[4].reference.has_value()) << "c3 has no reference";

  const ChangedCases& polite = changes(c, "polite");
  EXPECT_EQ(polite.changed(), 1U);
  EXPECT_EQ(polite.pass_to_fail, 0U);
  EXPECT_EQ(listed_ids(polite), (std::vector<std::string>{"c2"}));
  EXPECT_EQ(polite.listed.front().flip, Flip::fail_to_pass);
  // errors: lower is better, so a call that fails only in B went from pass to fail.
  const ChangedCases& errors = changes(c, "errors");
  EXPECT_EQ(errors.pass_to_fail, 1U);
  EXPECT_EQ(errors.fail_to_pass, 0U);
  EXPECT_EQ(listed_ids(errors), (std::vector<std::string>{"c6"}));
}

TEST(ChangedCases, ListsTheFirstNAndCountsThemAll) {
  const Comparison two = compare_fixture(2);
  EXPECT_EQ(two.list_cases, 2U);
  EXPECT_EQ(listed_ids(changes(two, "correct")), (std::vector<std::string>{"c4", "c1"}));
  EXPECT_EQ(changes(two, "correct").changed(), 5U);
  const Comparison none = compare_fixture(0);
  for (const auto& d : none.changed_cases) EXPECT_TRUE(d.listed.empty()) << d.dimension;
  EXPECT_EQ(changes(none, "correct").pass_to_fail, 3U);
  EXPECT_EQ(changes(none, "correct").fail_to_pass, 2U);
}

// ---- through the command line: compare A B --suite, nothing stored ----------------------------

class ChangedCasesCli : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* f : {"suite.yaml", "cases.jsonl", "a.jsonl", "b.jsonl"})
      fs::copy_file(kFixture / f, dir_.work() / f);
  }
  test::ProcessResult compare(const std::string& flags, const test::EnvChanges& env = {}) {
    // Ten a dimension unless the test says (the default, 3, is checked on the demo).
    const std::string listed = flags.find("--cases") == std::string::npos ? " --cases 10" : "";
    auto r = test::run_qualbar("compare a.jsonl b.jsonl --suite suite.yaml " + flags + listed,
                               dir_, env);
    EXPECT_EQ(r.exit_code, 0) << r.how_it_ended() << "\n" << r.err;
    EXPECT_EQ(r.err, "");
    return r;
  }
  test::TempDir dir_{"qualbar-changed-cases"};
};

TEST_F(ChangedCasesCli, TerminalNamesEachCaseWithItsInputReferenceAndBothOutputs) {
  const std::string out = compare("--wide").out;
  const std::string section = out.substr(out.find("CASES THAT CHANGED"));
  EXPECT_TRUE(section.starts_with(
      "CASES THAT CHANGED (7 verdicts differ between A and B on the pass/fail dimensions; the "
      "first 10 of each dimension, pass → fail first; ★ critical slice)\n\n"
      "correct: 5 changed — 3 pass → fail, 2 fail → pass\n"
      "  ✗ c4  pass → fail  ★ category=refund-dispute\n"
      "    input       My chargeback: how long does it take?\n"
      "    reference   The bank decides within 5 days.\n"
      "    A output    The bank decides within 5 days.\n"
      "    B output    The bank decides within a month.\n"
      "    B evidence  missing: \"5 days\"\n"
      "  ✗ c1  pass → fail\n"))
      << section;
  EXPECT_NE(section.find("  ✗ c6  pass → fail\n"
                         "    input       Can I change the address?\n"
                         "    reference   Yes, within 5 days of ordering.\n"
                         "    A output    Yes, within 5 days of ordering.\n"
                         "    B output    (the call failed)\n"
                         "    B evidence  timeout after 30 s\n"),
            std::string::npos)
      << section;
  const auto at = [&](const std::string& s) { return section.find(s); };
  EXPECT_LT(at("✗ c6"), at("✓ c8-<i>")) << "pass → fail before fail → pass";
  EXPECT_LT(at("✓ c8-<i>"), at("✓ c3")) << "critical slices first";
  EXPECT_NE(at("polite: 1 changed — 0 pass → fail, 1 fail → pass\n  ✓ c2  fail → pass"),
            std::string::npos);
  EXPECT_NE(at("errors: 1 changed — 1 pass → fail, 0 fail → pass\n  ✗ c6  pass → fail"),
            std::string::npos);
  EXPECT_EQ(at("overlap:"), std::string::npos);
  EXPECT_EQ(at("latency:"), std::string::npos);
  EXPECT_TRUE(section.ends_with("\n\nPaired on 8 cases by id. Exit code 0.\n")) << section;
  // At 80 columns every line fits, the texts wrapped under their labels.
  const std::string narrow = compare("", {{"COLUMNS", std::nullopt}}).out;
  std::istringstream lines(narrow);
  for (std::string l; std::getline(lines, l);) EXPECT_LE(code_points(l), 80U) << l;
}

TEST_F(ChangedCasesCli, CasesZeroKeepsTheCountsAndListsNone) {
  const std::string out = compare("--wide --cases 0").out;
  EXPECT_NE(out.find("CASES THAT CHANGED (7 verdicts differ between A and B on the pass/fail "
                     "dimensions; --cases N lists N of each dimension)\n"
                     "  correct: 5 changed — 3 pass → fail, 2 fail → pass\n"
                     "  polite: 1 changed — 0 pass → fail, 1 fail → pass\n"
                     "  errors: 1 changed — 1 pass → fail, 0 fail → pass\n"),
            std::string::npos)
      << out;
  // No case is listed (the header's run ids are random hex, so the case's line is looked for).
  EXPECT_EQ(out.find(" c4 "), std::string::npos) << out;
  const json j = json::parse(compare("--cases 0 --format json").out);
  EXPECT_EQ(j["changed_cases"]["listed_per_dimension"], 0);
  for (const auto& d : j["changed_cases"]["dimensions"]) EXPECT_TRUE(d["cases"].empty());
  EXPECT_EQ(j["changed_cases"]["dimensions"][0]["changed"], 5);
  const std::string html = compare("--cases 0 --format html").out;
  EXPECT_NE(html.find("<h3>correct <span class=\"note\">5 changed: 3 pass → fail, 2 fail → pass"),
            std::string::npos);
  EXPECT_NE(html.find("none shown (--cases N shows N of each dimension)"), std::string::npos);
  EXPECT_EQ(html.find("<div class=\"changed-case\">"), std::string::npos);
  const std::string md = compare("--cases 0 --format markdown").out;
  EXPECT_NE(md.find("\n- **correct**: 5 changed (3 pass → fail, 2 fail → pass)\n"),
            std::string::npos)
      << md;
  EXPECT_EQ(md.find("<details>"), std::string::npos);
}

TEST_F(ChangedCasesCli, JsonHasTheCountsPerDimensionAndTheListedCases) {
  const json j = json::parse(compare("--format json --cases 4").out);
  EXPECT_EQ(j["schema"], "qualbar.comparison/1");
  const json& cc = j["changed_cases"];
  EXPECT_EQ(cc["listed_per_dimension"], 4);
  ASSERT_EQ(cc["dimensions"].size(), 3U);
  const json& correct = cc["dimensions"][0];
  EXPECT_EQ(correct["dimension"], "correct");
  EXPECT_EQ(correct["changed"], 5);
  EXPECT_EQ(correct["pass_to_fail"], 3);
  EXPECT_EQ(correct["fail_to_pass"], 2);
  ASSERT_EQ(correct["cases"].size(), 4U);
  EXPECT_EQ(correct["cases"][0], json::parse(R"({"id": "c4", "direction": "pass_to_fail",
      "critical_slices": ["category=refund-dispute"],
      "input": "My chargeback: how long does it take?",
      "reference": "The bank decides within 5 days.",
      "a": {"output": "The bank decides within 5 days.", "evidence": null, "failed_call": false},
      "b": {"output": "The bank decides within a month.", "evidence": "missing: \"5 days\"",
            "failed_call": false}})"));
  EXPECT_EQ(correct["cases"][2]["b"]["failed_call"], true);
  EXPECT_EQ(correct["cases"][2]["b"]["evidence"], "timeout after 30 s");
  EXPECT_EQ(correct["cases"][3]["id"], "c8-<i>");
  EXPECT_EQ(correct["cases"][3]["direction"], "fail_to_pass");
  EXPECT_EQ(cc["dimensions"][1]["cases"][0]["id"], "c2");
  EXPECT_EQ(cc["dimensions"][2]["dimension"], "errors");
  // Added fields only: the comparison's other fields are as before.
  for (const char* field : {"a", "b", "paired_cases", "dimensions", "regressed", "exit_code"})
    EXPECT_TRUE(j.contains(field)) << field;
}

TEST_F(ChangedCasesCli, MarkdownHasADetailsSectionPerDimensionWithEveryTextEscaped) {
  const std::string md = compare("--format markdown").out;
  EXPECT_NE(md.find("<details><summary>correct: 5 changed (3 pass → fail, 2 fail → pass)"
                    "</summary>\n\n- ❌ **c4** pass → fail ★ category=refund-dispute\n"
                    "  - input: My chargeback: how long does it take?\n"
                    "  - reference: The bank decides within 5 days.\n"
                    "  - A: The bank decides within 5 days.\n"
                    "  - B: The bank decides within a month. — *missing: \"5 days\"*\n"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("  - B: *(the call failed)* — *timeout after 30 s*\n"), std::string::npos);
  EXPECT_NE(md.find("<details><summary>polite: 1 changed"), std::string::npos);
  // The hostile case: its id, input and outputs escaped, nothing left to render as markup.
  EXPECT_NE(md.find("- ✅ **c8-\\<i\\>** fail → pass"), std::string::npos) << md;
  EXPECT_NE(
      md.find("\\<script\\>alert(1)\\</script\\> \\*\\*bold\\*\\* \\[x\\](javascript:alert(1)) "
              "\\|"),
      std::string::npos)
      << md;
  EXPECT_NE(md.find("  - A: \\<img src=x onerror=alert(2)\\> no"), std::string::npos);
  EXPECT_NE(md.find("  - B: \\<img src=x onerror=alert(2)\\> refunds take 5 days \\*\\*now\\*\\*"),
            std::string::npos);
  // Every "<" is escaped but those of the page's own <details>, <summary> and <sub>.
  for (std::size_t at = md.find('<'); at != std::string::npos; at = md.find('<', at + 1)) {
    const std::string_view rest = std::string_view(md).substr(at + 1);
    const bool own = rest.starts_with("details>") || rest.starts_with("/details>") ||
                     rest.starts_with("summary>") || rest.starts_with("/summary>") ||
                     rest.starts_with("sub>") || rest.starts_with("/sub>");
    EXPECT_TRUE(own || (at > 0 && md[at - 1] == '\\')) << md.substr(at, 40);
  }
  for (const char* raw : {"\x1b", "\x07", "\xe2\x80\xae"})
    EXPECT_EQ(md.find(raw), std::string::npos) << raw;
}

TEST_F(ChangedCasesCli, HtmlShowsBothOutputsSideBySideWithAWordDiffAllEscaped) {
  const std::string html = compare("--format html").out;
  const auto section_at = html.find("<section id=\"changed-cases\">");
  ASSERT_NE(section_at, std::string::npos) << html;
  const std::string s = html.substr(section_at, html.find("</section>", section_at) - section_at);
  EXPECT_NE(s.find("<h3>correct <span class=\"note\">5 changed: 3 pass → fail, 2 fail → pass"),
            std::string::npos);
  // c4's outputs side by side: what only A says struck through, what only B says highlighted.
  EXPECT_NE(s.find("<tr><td class=\"text\">The bank decides within <del>5 days.</del></td>"
                   "<td class=\"text\">The bank decides within <ins>a month.</ins></td></tr>"),
            std::string::npos)
      << s;
  EXPECT_NE(s.find("<td class=\"text\"><em>the call failed</em></td>"), std::string::npos);
  EXPECT_NE(s.find("<strong class=\"id\">c8-&lt;i&gt;</strong>"), std::string::npos);
  EXPECT_NE(s.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(s.find("&lt;img src=x onerror=alert(2)&gt; <del>no</del>"), std::string::npos) << s;
  std::size_t cases = 0;
  for (std::size_t at = 0; (at = s.find("<div class=\"changed-case\">", at)) != std::string::npos;
       ++at)
    ++cases;
  EXPECT_EQ(cases, 7U);
  for (const char* raw : {"<script", "<img", "<i>", "\x1b", "\x07", "\xe2\x80\xae"})
    EXPECT_EQ(html.find(raw), std::string::npos) << raw;
}

}  // namespace QB_UNITY_ID
}  // namespace qb
