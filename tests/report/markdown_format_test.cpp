// The markdown report format (src/report/markdown_format.cpp): a pull-request comment, worst first,
// every string from the data escaped, never longer than 65,000 characters.
#include <algorithm>
#include <sstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "qualbar/bind/bind.hpp"
#include "qualbar/io/dataset.hpp"
#include "qualbar/metrics/scoring.hpp"
#include "qualbar/report/format.hpp"
#include "qualbar/report/markdown.hpp"
#include "qualbar/suite/suite.hpp"

namespace qb {
namespace QB_UNITY_ID {

// A category value that tries every Markdown trick: a table break, HTML, emphasis, a link, code,
// a mention, a line break and a control character.
const std::string kHostile = "a|b <script>x</script> *em* _u_ [l](http://e.x) `c` @team\nline2\x01";

struct Built {
  Suite suite;
  Dataset dataset;
  std::vector<Response> responses;
  ScoreTable scores;
  Report report;

  std::string render(const std::string& format) const {
    std::ostringstream out;
    report_format_registry().get(format).write(
        ReportInput{report, suite, dataset.cases, responses, scores}, out);
    return out.str();
  }
};

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\u{:04x}", static_cast<int>(c));
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// cases: {category, correct?} pairs; the reference is "yes", the answer "yes" or "no".
Built build(const std::string& suite_yaml, const std::vector<std::pair<std::string, bool>>& cases,
            const std::string& model) {
  Built b;
  b.suite = read_suite(suite_yaml, "suite.yaml", ".");
  std::string text;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    text += fmt::format(R"({{"id":"c{}","input":"q","reference":"yes","category":{}}})", i,
                        json_string(cases[i].first)) +
            "\n";
  }
  parse_cases(text, "cases.jsonl", b.dataset);
  for (std::size_t i = 0; i < cases.size(); ++i) {
    Response r;
    r.id = b.dataset.cases[i].id;
    r.output = cases[i].second ? "yes" : "no";
    b.responses.push_back(r);
  }
  const auto scorers = build_scorers(b.suite);
  b.scores = score_cases(scorers, b.dataset.cases, b.responses);
  RunInfo run;
  run.id = "r-20261127-093906-abcd";
  run.model = model;
  run.suite_hash = "0123456789abcdef";
  b.report = build_report(b.suite, b.dataset.cases, b.responses, b.scores, run);
  return b;
}

const char* kSuite = R"(schema_version: 1
name: support
datasets: cases.jsonl
dimensions:
  correct: exact-match
slices: [category]
bars:
  correct:
    min: 0.5
    per_slice: {min: 0.5}
critical_slices:
  - slice: category=refund-dispute
    bars:
      correct: {min: 0.9}
)";

Built mixed(const std::string& model = "bot-v2") {
  std::vector<std::pair<std::string, bool>> cases;
  for (int i = 0; i < 8; ++i) cases.emplace_back("billing", true);
  for (int i = 0; i < 4; ++i) cases.emplace_back("refund-dispute", i < 2);  // 50%: critical fails
  for (int i = 0; i < 3; ++i) cases.emplace_back(kHostile, false);          // 0%: per-slice fails
  return build(kSuite, cases, model);
}

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::size_t code_points(const std::string& s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

// Cell separators of a table row: the '|' not escaped by a backslash.
std::size_t unescaped_pipes(const std::string& line) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\\') {
      ++i;
    } else if (line[i] == '|') {
      ++n;
    }
  }
  return n;
}

TEST(MarkdownFormat, VerdictThenTheFailedCriticalSliceFirst) {
  const Built b = mixed();
  ASSERT_EQ(b.report.failures.size(), 2U);
  const std::string md = b.render("markdown");
  const auto lines = lines_of(md);
  EXPECT_EQ(lines[0], "## ❌ qualbar: 2 bars missed · support · model bot-v2");
  const auto failed = std::find(lines.begin(), lines.end(), "### Failed bars");
  ASSERT_NE(failed, lines.end()) << md;
  // The critical slice first, with its estimate, interval and bar, as the terminal says it.
  EXPECT_EQ(*(failed + 2),
            "1. ★ correct in category=refund-dispute (critical slice): pass rate 50.0% \\[15.0%, "
            "85.0%\\] is below the bar ≥ 90.0%");
  EXPECT_EQ((failed + 3)->rfind("2. correct in category=a\\|b \\<script\\>", 0), 0U)
      << *(failed + 3);
  EXPECT_NE(
      md.find(
          "| **correct** | 66.7% | \\[41.7%, 84.8%\\] | 15 | ≥ 50.0% | ⚠️ too few cases |"),
      std::string::npos)
      << md;
  EXPECT_NE(md.find("### Worst slices (3 of 3)"), std::string::npos);
  EXPECT_NE(md.find("**Errors:** 0 of 15 cases (0.0%)"), std::string::npos);
  EXPECT_NE(md.find("<sub>run r-20261127-093906-abcd · model bot-v2 · suite support · suite hash "
                    "0123456789abcdef · 95% intervals</sub>"),
            std::string::npos)
      << md;
  EXPECT_EQ(md.find("Cut to stay within"), std::string::npos);
  // The worst slices: both failing ones before the passing one, the critical one first.
  const auto worst = md.find("### Worst slices");
  const auto critical = md.find("| correct | ★ category=refund-dispute | 4 | 50.0% |", worst);
  const auto hostile = md.find("| correct | category=a\\|b", worst);
  const auto billing = md.find("| correct | category=billing | 8 | 100.0% |", worst);
  ASSERT_NE(billing, std::string::npos) << md;
  EXPECT_LT(worst, critical);
  EXPECT_LT(critical, hostile);
  EXPECT_LT(hostile, billing);
}

TEST(MarkdownFormat, EveryStringFromTheDataIsEscaped) {
  const Built b = mixed("m|o*d_e`l<b>@x\nz");
  const std::string md = b.render("markdown");
  for (const char* raw : {"<script>", "</script>", "*em*", "_u_", "[l]", "`c`", "a|b", "@team",
                          "\x01", "@x", "m|o", "<b>"}) {
    EXPECT_EQ(md.find(raw), std::string::npos) << raw << "\n" << md;
  }
  EXPECT_NE(md.find("a\\|b \\<script\\>x\\</script\\> \\*em\\* \\_u\\_ \\[l\\](http://e.x) \\`c\\` "
                    "@\u2060team line2 "),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("model m\\|o\\*d\\_e\\`l\\<b\\>@\u2060x z"), std::string::npos) << md;
  // Every row of each table has as many cell separators as its header: no value broke a table.
  const auto lines = lines_of(md);
  std::size_t columns = 0, rows = 0;
  for (const auto& line : lines) {
    if (line.rfind("|", 0) != 0) {
      columns = 0;
      continue;
    }
    if (columns == 0) {
      columns = unescaped_pipes(line);
    } else {
      EXPECT_EQ(unescaped_pipes(line), columns) << line;
      ++rows;
    }
  }
  EXPECT_GE(rows, 5U);  // separator lines, dimensions, slices
}

// A right-to-left override would reorder what a reader of the comment sees; a C1 control (CSI)
// would reach a terminal that shows the raw text.
TEST(MarkdownFormat, BidirectionalAndC1ControlsAreShownNotObeyed) {
  EXPECT_EQ(markdown_escape("exe.\u202Etxt \u2066x\u2069 \xC2\x9B" "31m"),
            "exe.\uFFFDtxt \uFFFDx\uFFFD \uFFFD31m");
  EXPECT_EQ(markdown_escape("\u202E\u202E\u202E", 2), "\uFFFD\uFFFD…") << "each counts once";
}

TEST(MarkdownFormat, AReportOfThousandsOfFailingSlicesIsCutTo65000Characters) {
  std::vector<std::pair<std::string, bool>> cases;
  for (int i = 0; i < 2000; ++i)
    cases.emplace_back(fmt::format("customer-segment-with-a-rather-long-name-{:04}", i),
                       i % 2 == 0);
  // 2,000 segments, each a slice of its own (above the default limit of 1,000 values).
  const Built b =
      build(std::string(kSuite) + "limits: {max_slice_values: 5000}\n", cases, "bot-v2");
  ASSERT_GE(b.report.failures.size(), 1000U);
  const std::string md = b.render("markdown");
  EXPECT_LE(code_points(md), 65000U);
  EXPECT_GE(code_points(md), 60000U);  // cut row by row, not a whole section too many
  const auto lines = lines_of(md);
  EXPECT_EQ(lines[0].rfind("## ❌ qualbar: 1001 bars missed", 0), 0U) << lines[0];
  // The most important parts stay: the first failures, every dimension, errors and the audit line.
  EXPECT_NE(md.find("\n1. ★ critical slice category=refund-dispute has no cases"),
            std::string::npos);
  EXPECT_NE(md.find("| **correct** |"), std::string::npos);
  EXPECT_NE(md.find("### Worst slices (10 of "), std::string::npos);  // cut after the failures
  EXPECT_NE(md.find("**Errors:**"), std::string::npos);
  EXPECT_NE(md.find("<sub>run r-20261127-093906-abcd"), std::string::npos);
  // The failures beyond the first twenty are cut from the end, and the note says so.
  EXPECT_EQ(md.find("\n1001. "), std::string::npos);
  EXPECT_NE(md.find("\n20. "), std::string::npos);
  EXPECT_EQ(lines.back().rfind("✂️ Cut to stay within 65000 characters: ", 0), 0U)
      << lines.back();
  EXPECT_NE(lines.back().find(" of 1001 failed bars"), std::string::npos) << lines.back();
  EXPECT_NE(lines.back().find("`--format json` has everything."), std::string::npos);
}

TEST(MarkdownFormat, APassingRunSaysSo) {
  const Built b = build(
      kSuite, {{"billing", true}, {"refund-dispute", true}, {"refund-dispute", true}}, "bot-v3");
  const std::string md = b.render("markdown");
  EXPECT_EQ(lines_of(md)[0], "## ✅ qualbar: every bar met · support · model bot-v3");
  EXPECT_EQ(md.find("### Failed bars"), std::string::npos);
}

TEST(MarkdownFormat, AnalysesAreCodeBlocksNoLabelCanClose) {
  Built b;
  b.suite = read_suite(
      "schema_version: 1\nname: router\ndatasets: cases.jsonl\ndimensions:\n  routing: "
      "label-match\n",
      "suite.yaml", ".");
  const std::string evil = "x```\n# heading @team";
  std::string text;
  for (int i = 0; i < 6; ++i) {
    text += fmt::format(R"({{"id":"c{}","input":"q","expected_label":{}}})", i,
                        json_string(i % 2 ? evil : "billing")) +
            "\n";
  }
  parse_cases(text, "cases.jsonl", b.dataset);
  for (int i = 0; i < 6; ++i) {
    Response r;
    r.id = b.dataset.cases[static_cast<std::size_t>(i)].id;
    r.label = i < 4 ? "billing" : evil;
    b.responses.push_back(r);
  }
  b.scores = score_cases(build_scorers(b.suite), b.dataset.cases, b.responses);
  b.report = build_report(b.suite, b.dataset.cases, b.responses, b.scores, RunInfo{});
  ASSERT_TRUE(b.report.dimensions.front().analysis.has_value());
  const std::string md = b.render("markdown");
  const auto title = md.find("**routing: per class");
  ASSERT_NE(title, std::string::npos) << md;
  // The fence is longer than any backtick run of the lines, so a label cannot end the block; the
  // label's line break is a space, so it cannot start a heading either.
  EXPECT_NE(md.find("\n````text\n", title), std::string::npos) << md;
  EXPECT_NE(md.find("\nx``` # heading @team "), std::string::npos) << md;
  EXPECT_EQ(md.find("\n# heading"), std::string::npos) << md;
}

}  // namespace QB_UNITY_ID
}  // namespace qb
