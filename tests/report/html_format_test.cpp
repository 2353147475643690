// The html report format (src/report/html_format.cpp): page structure, the security header,
// charts, the failing-case table, and the demo's page through the command line.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <regex>
#include <sstream>

#include "../cli/run_qualbar.hpp"
#include "qualbar/bind/bind.hpp"
#include "qualbar/io/dataset.hpp"
#include "qualbar/metrics/report.hpp"
#include "qualbar/metrics/scoring.hpp"
#include "qualbar/report/format.hpp"
#include "qualbar/suite/suite.hpp"

namespace qb {
namespace QB_UNITY_ID {

const char* kSuite =
    "schema_version: 1\nname: html <suite> & \"co\"\ndatasets: cases.jsonl\ndimensions:\n"
    "  correct:\n    scorer: token-f1\n    threshold: 0.5\n"
    "  routing:\n    scorer: label-match\n"
    "  confidence:\n    scorer: calibration\n    args: {against: correct, bins: 5}\n"
    "  latency:\n    scorer: latency\n"
    "slices: [category]\n"
    "bars:\n  correct: {min: 0.8}\n  latency: {p95_max: 1000}\n";

std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (auto p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

struct Rendered {
  Report report;
  std::string html;
  std::map<std::string, std::string> formats;  // every other format's rendering, by name
};

Rendered render() {
  const Suite suite = read_suite(kSuite, "suite.yaml", ".");
  Dataset d;
  std::string lines;
  const char* categories[] = {"billing", "<script>alert(1)</script>", "refunds"};
  for (int i = 0; i < 12; ++i) {
    lines +=
        "{\"id\":\"c" + std::to_string(i) + "\",\"input\":\"q\",\"reference\":\"alpha beta\"," +
        "\"expected_label\":\"billing\",\"category\":\"" +
        (i % 3 == 1 ? std::string("<script>alert(1)<\\/script>") : categories[i % 3]) + "\"}\n";
  }
  parse_cases(lines, "cases.jsonl", d);
  std::vector<Response> rs(d.cases.size());
  for (std::size_t i = 0; i < rs.size(); ++i) {
    rs[i].id = d.cases[i].id;
    const bool right = i % 4 != 0;
    rs[i].output = right ? "alpha beta" : "\"><img src=x onerror=alert(1)> see javascript:alert(1)";
    rs[i].label = right ? "billing" : "refunds";
    rs[i].confidence = right ? 0.9 : 0.8;
    rs[i].latency_ms = 200.0 + 100.0 * static_cast<double>(i);
  }
  rs[5].error = "timeout <after> 30 s";
  const ScoreTable scores = score_cases(build_scorers(suite), d.cases, rs);
  RunInfo run;
  run.id = "r-test";
  run.model = "model <b>bold</b>";
  Rendered out{build_report(suite, d.cases, rs, scores, run), ""};
  std::ostringstream html;
  report_format_registry().get("html").write(ReportInput{out.report, suite, d.cases, rs, scores},
                                             html);
  out.html = html.str();
  for (const char* format : {"terminal", "markdown", "junit"}) {
    std::ostringstream text;
    report_format_registry().get(format).write(ReportInput{out.report, suite, d.cases, rs, scores},
                                               text);
    out.formats[format] = text.str();
  }
  return out;
}

TEST(HtmlFormat, IsRegisteredWithItsExtension) {
  EXPECT_EQ(report_format_registry().get("html").extension, ".html");
}

TEST(HtmlFormat, HasOneSectionPerDimensionAndTheVerdictFirst) {
  const Rendered r = render();
  ASSERT_FALSE(r.report.passed);
  EXPECT_EQ(count(r.html, "<section class=\"dimension\""), r.report.dimensions.size());
  for (std::size_t i = 0; i < r.report.dimensions.size(); ++i)
    EXPECT_NE(r.html.find("id=\"dim-" + std::to_string(i) + "\""), std::string::npos) << i;
  const auto verdict = r.html.find("id=\"verdict\"");
  ASSERT_NE(verdict, std::string::npos);
  EXPECT_LT(verdict, r.html.find("class=\"dimension\""));
  EXPECT_NE(r.html.find("FAIL — "), std::string::npos);
  EXPECT_EQ(r.html.rfind("<!DOCTYPE html>", 0), 0U);
}

TEST(HtmlFormat, CarriesAStrictContentSecurityPolicyAndLoadsNothing) {
  const std::string html = render().html;
  const std::regex csp(
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "style-src 'unsafe-inline'; img-src data:; script-src 'sha256-[A-Za-z0-9+/]{43}='; "
      "base-uri 'none'; form-action 'none'\">");
  EXPECT_TRUE(std::regex_search(html, csp));
  EXPECT_LT(html.find("Content-Security-Policy"), html.find("<style>"))
      << "the policy comes before anything it governs";
  EXPECT_EQ(count(html, "<script"), 1U) << "only the case search";
  for (const char* loader : {"<img", "<link", "<iframe", "<object", "<embed", "<video", "<audio",
                             "<source", "<script src", "@import", "url("})
    EXPECT_EQ(html.find(loader), std::string::npos) << loader;
}

TEST(HtmlFormat, EscapesEveryStringFromTheDatasetModelAndSuite) {
  const std::string html = render().html;
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("<b>bold"), std::string::npos);
  EXPECT_EQ(html.find("<script>alert"), std::string::npos);
  EXPECT_EQ(html.find("href=\"javascript"), std::string::npos);
  EXPECT_NE(html.find("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
  EXPECT_NE(html.find("category=&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("html &lt;suite&gt; &amp; &quot;co&quot;"), std::string::npos);
  EXPECT_NE(html.find("model &lt;b&gt;bold&lt;/b&gt;"), std::string::npos);
}

TEST(HtmlFormat, DrawsChartsAsInlineSvg) {
  const std::string html = render().html;
  EXPECT_GE(count(html, "<svg class=\"chart"), 4U) << "one slice chart per dimension at least";
  EXPECT_NE(html.find("<svg class=\"chart reliability\""), std::string::npos);
  EXPECT_NE(html.find("latency: distribution over 12 responses"), std::string::npos);
  EXPECT_NE(html.find("<th>class (weakest first)</th>"), std::string::npos);
}

// The p95 latency of 11 responses has no upper end (a p95 needs 72 at 95%). Every format says so
// and why; none prints "?" for it.
TEST(ReportFormats, AMissingIntervalEndSaysWhyInEveryFormat) {
  const Rendered r = render();
  const DimensionResult* latency = nullptr;
  for (const auto& d : r.report.dimensions)
    if (d.name == "latency") latency = &d;
  ASSERT_NE(latency, nullptr);
  ASSERT_TRUE(std::isnan(latency->overall.interval.hi));
  ASSERT_FALSE(std::isnan(latency->overall.interval.lo));
  const std::string want =
      fmt::format("[{:.0f} ms, none (needs ≥ 72 cases)]", latency->overall.interval.lo);
  for (const auto& [format, text] : r.formats) {
    const std::string shown = format == "markdown" ? "\\" + want.substr(0, want.size() - 1) + "\\]"
                                                   : want;  // Markdown escapes the brackets
    EXPECT_NE(text.find(shown), std::string::npos) << format << ":\n" << text;
    EXPECT_EQ(text.find(", ?]"), std::string::npos) << format;
  }
  EXPECT_NE(r.html.find(want), std::string::npos);
  EXPECT_EQ(r.html.find(", ?]"), std::string::npos);
}

// Whiskers stay within the plot (x from 260 to 680); one that goes on past the scale, or has no
// end, stops at the edge with an arrowhead whose title gives its real end or why it has none.
TEST(HtmlFormat, WhiskersStayInsideTheChartAndAnArrowShowsWhereTheyGoOn) {
  const std::string html = render().html;
  const std::regex whisker("<line class=\"whisker\" x1=\"([0-9.]+)\" x2=\"([0-9.]+)\"");
  std::size_t whiskers = 0;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), whisker);
       it != std::sregex_iterator(); ++it) {
    ++whiskers;
    for (const int g : {1, 2}) {
      const double x = std::stod((*it)[g].str());
      EXPECT_GE(x, 260.0) << it->str();
      EXPECT_LE(x, 680.0) << it->str();
    }
  }
  EXPECT_GE(whiskers, 8U);
  const auto arrow = html.find("<path class=\"beyond\" d=\"M680.0 ");
  ASSERT_NE(arrow, std::string::npos) << "the open p95 interval ends in an arrowhead at the edge";
  const std::string title = html.substr(arrow, html.find("</path>", arrow) - arrow);
  EXPECT_NE(title.find("none (needs ≥ 72 cases)"), std::string::npos) << title;
  EXPECT_NE(title.find("it goes on past the chart&#39;s edge"), std::string::npos) << title;
}

TEST(HtmlFormat, FailingCaseTableHoldsTheEvidence) {
  const std::string html = render().html;
  const auto table = html.find("<table id=\"case-table\">");
  ASSERT_NE(table, std::string::npos);
  const std::string rows = html.substr(table, html.find("</table>", table) - table);
  EXPECT_NE(rows.find("<td class=\"id\">c0</td><td>correct</td>"), std::string::npos);
  EXPECT_NE(rows.find("token F1 0.00 against the reference"), std::string::npos);
  EXPECT_NE(rows.find("predicted &#39;refunds&#39;, expected &#39;billing&#39;"),
            std::string::npos);
  EXPECT_NE(rows.find("timeout &lt;after&gt; 30 s"), std::string::npos) << "a failed call";
  EXPECT_EQ(rows.find("<td class=\"id\">c1</td>"), std::string::npos) << "c1 passed everything";
}

TEST(HtmlFormat, TheDemoReportIsOneReasonablySizedFile) {
  test::TempDir dir("qualbar-html");
  ASSERT_EQ(test::run_qualbar("demo", dir).exit_code, 0);
  const auto run = test::run_qualbar(
      "run qualbar-demo/suite.yaml -q --out html=report.html --out json=report.json", dir);
  ASSERT_EQ(run.exit_code, 1) << run.err;
  const std::string html = test::read_text(dir.work() / "report.html");
  EXPECT_GT(html.size(), 50'000U);
  EXPECT_LT(html.size(), 1'000'000U) << "200 cases should not make a heavy page";
  EXPECT_NE(html.find("FAIL — 7 bars missed"), std::string::npos);
  EXPECT_NE(html.find("<span class=\"crit\">CRITICAL</span>answer_correct in "
                      "category=refund-dispute (critical slice)"),
            std::string::npos);
  const auto stored = test::run_qualbar("report latest --format html", dir);
  EXPECT_EQ(stored.exit_code, 1);
  EXPECT_EQ(count(stored.out, "<section class=\"dimension\""), 10U);
}

}  // namespace QB_UNITY_ID
}  // namespace qb
