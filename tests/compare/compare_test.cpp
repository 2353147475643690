// Comparing two runs (src/compare/compare.cpp): paired by id, McNemar / sign-flip, adjusted
// p-values, verdicts — on runs whose differences are known.
#include "qualbar/compare/compare.hpp"
#include "qualbar/bind/bind.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "qualbar/compare/compare_html.hpp"
#include "qualbar/io/dataset.hpp"
#include "qualbar/metrics/score_table.hpp"
#include "qualbar/metrics/scoring.hpp"
#include "qualbar/suite/suite.hpp"

namespace qb {
namespace QB_UNITY_ID {

// Two pass/fail dimensions scored by contains: "correct" passes when the output has "OK",
// "faithful" when it has "F". A case's output is built from two flags.
const char* kSuite =
    "schema_version: 1\nname: cmp\ndatasets: cases.jsonl\ndimensions:\n"
    "  correct:\n    scorer: contains\n    args: {value: OK}\n"
    "  faithful:\n    scorer: contains\n    args: {value: F}\n"
    "slices: [category]\ncritical_slices: [category=refund-dispute]\n";

struct Side {
  Suite suite;
  Dataset dataset;
  std::vector<Response> responses;
  ScoreTable scores;
  RunInfo info;
};

// n cases; correct(i) and faithful(i) say what the model got right on case i.
template <typename Correct, typename Faithful>
Side side(const std::string& suite_text, int n, Correct correct, Faithful faithful,
          const std::string& hash = "h", const std::string& other = "other") {
  Side s;
  s.suite = read_suite(suite_text, "suite.yaml", ".");
  std::string text;
  for (int i = 0; i < n; ++i)
    text += fmt::format(R"({{"id":"c{}","input":"q","category":"{}"}})"
                        "\n",
                        i, i % 10 == 0 ? "refund-dispute" : other);
  parse_cases(text, "cases.jsonl", s.dataset);
  for (int i = 0; i < n; ++i) {
    Response r;
    r.id = fmt::format("c{}", i);
    r.output = std::string(correct(i) ? "OK " : "no ") + (faithful(i) ? "F" : "x");
    s.responses.push_back(r);
  }
  s.scores = score_cases(build_scorers(s.suite), s.dataset.cases, s.responses);
  s.info.id = "r-" + hash;
  s.info.suite_hash = s.info.bars_hash = s.info.dataset_hash = hash;
  return s;
}

Comparison run_compare(const Side& a, const Side& b, CompareOptions o = {}) {
  return compare_runs(CompareSide{a.info, a.suite, a.dataset.cases, a.responses, a.scores},
                      CompareSide{b.info, b.suite, b.dataset.cases, b.responses, b.scores}, o);
}

const CompareDimension& dim(const Comparison& c, const std::string& name) {
  for (const auto& d : c.dimensions)
    if (d.name == name) return d;
  throw std::runtime_error("no dimension " + name);
}

TEST(Compare, TwoIdenticalRunsHaveNoDifferenceAnywhere) {
  const auto ok = [](int i) { return i % 7 != 0; };
  const Side a = side(kSuite, 300, ok, ok), b = side(kSuite, 300, ok, ok);
  const Comparison c = run_compare(a, b);
  EXPECT_FALSE(c.regressed);
  EXPECT_EQ(c.paired, 300U);
  for (const auto& d : c.dimensions) {
    EXPECT_EQ(d.overall.diff, 0.0) << d.name;
    EXPECT_EQ(d.overall.p, 1.0) << d.name;
    EXPECT_EQ(d.verdict, Verdict::no_change) << d.name;
    for (const auto& cell : d.cells) EXPECT_EQ(cell.diff, 0.0) << cell.label();
  }
}

// PRODUCT.md's first failure: accuracy 87% → 89% while faithfulness falls 91% → 78%.
TEST(Compare, AccuracyUpWhileFaithfulnessFallsIsBlocked) {
  const int n = 300;
  const Side a = side(
      kSuite, n, [](int i) { return i % 100 >= 13; },  // 87%
      [](int i) { return i % 100 >= 9; });             // 91%
  const Side b = side(
      kSuite, n, [](int i) { return i % 100 >= 11; },  // 89%
      [](int i) { return i % 100 >= 22; });            // 78%
  const Comparison c = run_compare(a, b);
  EXPECT_TRUE(c.regressed);
  const auto& correct = dim(c, "correct");
  EXPECT_NEAR(correct.overall.a, 0.87, 1e-12);
  EXPECT_NEAR(correct.overall.b, 0.89, 1e-12);
  EXPECT_EQ(correct.verdict, Verdict::no_change) << "a 2-point gain on 300 cases is within noise";
  const auto& faithful = dim(c, "faithful");
  EXPECT_NEAR(faithful.overall.diff, -0.13, 1e-12);
  EXPECT_EQ(faithful.overall.test, "McNemar exact");
  EXPECT_EQ(faithful.overall.worse, 39U);  // cases 9..21 of every hundred
  EXPECT_EQ(faithful.overall.better, 0U);
  EXPECT_LT(faithful.overall.p_adjusted, 0.001);
  EXPECT_EQ(faithful.verdict, Verdict::regression);
  EXPECT_LT(faithful.overall.interval.hi, 0.0);
}

TEST(Compare, AChangeWithinNoiseIsNoSignificantChange) {
  const int n = 300;
  const Side a = side(
      kSuite, n, [](int i) { return i % 10 != 3; }, [](int) { return true; });
  // B loses 3 cases and wins 1.
  const Side b = side(
      kSuite, n, [](int i) { return i % 10 != 3 ? i != 5 && i != 15 && i != 25 : i == 3; },
      [](int) { return true; });
  const Comparison c = run_compare(a, b);
  const auto& correct = dim(c, "correct");
  EXPECT_EQ(correct.overall.worse, 3U);
  EXPECT_EQ(correct.overall.better, 1U);
  EXPECT_EQ(correct.verdict, Verdict::no_change);
  EXPECT_FALSE(c.regressed);
}

TEST(Compare, ACriticalSliceRegressionFailsEvenWhenOverallHoldsAndSmallSlicesAreTooFew) {
  const int n = 400;  // 40 refund-dispute cases (every tenth)
  const auto all = [](int) { return true; };
  const Side a = side(kSuite, n, all, all);
  const Side b = side(
      kSuite, n, [](int i) { return i % 10 != 0 || i % 20 == 0; }, all);  // half
  CompareOptions o;
  const Comparison c = run_compare(a, b, o);
  const auto& correct = dim(c, "correct");
  const CompareCell* refund = nullptr;
  for (const auto& cell : correct.cells)
    if (cell.value == "refund-dispute") refund = &cell;
  ASSERT_NE(refund, nullptr);
  EXPECT_TRUE(refund->critical);
  EXPECT_EQ(refund->verdict, Verdict::regression);
  EXPECT_EQ(correct.verdict, Verdict::regression);
  EXPECT_TRUE(c.regressed);
  // With a minimum above the slice's size it is too few to tell, and no longer blocks.
  o.min_cases = 50;
  const Comparison strict = run_compare(a, b, o);
  for (const auto& cell : dim(strict, "correct").cells) {
    if (cell.value == "refund-dispute") {
      EXPECT_EQ(cell.verdict, Verdict::too_few);
    }
  }
}

TEST(Compare, ADropWithinTheSuitesToleranceIsNotARegression) {
  const std::string tolerant = std::string(kSuite) + "tolerances: {faithful: 0.2}\n";
  const Side a = side(
      tolerant, 300, [](int) { return true; }, [](int i) { return i % 100 >= 9; });
  const Side b = side(
      tolerant, 300, [](int) { return true; }, [](int i) { return i % 100 >= 22; });
  const Comparison c = run_compare(a, b);
  EXPECT_EQ(dim(c, "faithful").overall.verdict, Verdict::no_change);
  EXPECT_FALSE(c.regressed);
}

TEST(Compare, DifferentDatasetsAndBarsAreSaidAndOnlySharedCasesCompared) {
  const auto ok = [](int) { return true; };
  const Side a = side(kSuite, 100, ok, ok, "a");
  const Side b = side(kSuite, 120, ok, ok, "b");
  const Comparison c = run_compare(a, b);
  EXPECT_TRUE(c.datasets_differ);
  EXPECT_TRUE(c.bars_differ);
  EXPECT_EQ(c.paired, 100U);
  EXPECT_EQ(c.only_a, 0U);
  EXPECT_EQ(c.only_b, 20U);
  EXPECT_EQ(dim(c, "correct").overall.n, 100U);
}

TEST(Compare, HolmAndBenjaminiHochbergBothAdjustAcrossTheSlices) {
  const Side a = side(
      kSuite, 300, [](int) { return true; }, [](int i) { return i % 100 >= 9; });
  const Side b = side(
      kSuite, 300, [](int) { return true; }, [](int i) { return i % 100 >= 22; });
  CompareOptions holm, bh;
  bh.adjust = Adjustment::benjamini_hochberg;
  const Comparison by_holm = run_compare(a, b, holm), by_bh = run_compare(a, b, bh);
  const auto& h = dim(by_holm, "faithful");
  const auto& f = dim(by_bh, "faithful");
  EXPECT_GE(h.overall.p_adjusted, h.overall.p);
  EXPECT_LE(f.overall.p_adjusted, h.overall.p_adjusted) << "BH is never stricter than Holm";
}

TEST(CompareHtml, ASelfContainedPageWithEveryOutsideStringEscaped) {
  const std::string hostile = R"(\"><img src=x onerror=alert(1)><script>alert(2)</script>)";
  const Side a = side(
      kSuite, 300, [](int) { return true; }, [](int i) { return i % 100 >= 9; }, "h", hostile);
  Side b = side(
      kSuite, 300, [](int) { return true; }, [](int i) { return i % 100 >= 22; }, "h", hostile);
  b.info.model = "<b>bot</b> & 'v2'";
  const Comparison c = run_compare(a, b);
  const std::string page = comparison_html(c, "suite <i>x</i>");
  EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0U);
  EXPECT_NE(page.find("Content-Security-Policy\" content=\"default-src 'none'; style-src "
                      "'unsafe-inline'; img-src data:; script-src 'none'"),
            std::string::npos);
  EXPECT_EQ(page.find("<script"), std::string::npos) << "no script at all";
  EXPECT_EQ(page.find("<img"), std::string::npos);
  EXPECT_EQ(page.find("onerror=alert"), page.find("onerror=alert(1)&gt;")) << "only escaped";
  EXPECT_NE(page.find("category=&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;"),
            std::string::npos);
  EXPECT_NE(page.find("&lt;b&gt;bot&lt;/b&gt; &amp; &#39;v2&#39;"), std::string::npos)
      << page.substr(0, 1500);
  EXPECT_NE(page.find("<div class=\"big\">REGRESSION</div> B is worse than A on: faithful"),
            std::string::npos);
  EXPECT_EQ(std::count(page.begin(), page.end(), '\0'), 0);
  std::size_t charts = 0;
  for (std::size_t at = 0; (at = page.find("<svg", at)) != std::string::npos; ++at) ++charts;
  EXPECT_EQ(charts, c.dimensions.size()) << "one chart per dimension";
}

}  // namespace QB_UNITY_ID
}  // namespace qb
