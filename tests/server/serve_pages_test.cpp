// qualbar serve's run pages over HTTP: the case explorer, the export of a filter's cases, the
// comparison of two runs (page and API) and the runs list's filters, on the demo's two runs and on
// two runs of a small suite whose cases and answers are hostile markup.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "review/csv.hpp"
#include "serve_fixture.hpp"

namespace qb {
namespace QB_UNITY_ID {

using nlohmann::json;

// Case h1 passes in run A and fails in run B; every text of it is markup or a script URL. Case h2
// starts with a spreadsheet formula.
constexpr const char* kHostileSuite = R"(schema_version: 1
name: hostile-pages
datasets: [cases.jsonl]
system:
  provider: replay
  responses: a.jsonl
dimensions:
  says_ok:
    scorer: contains
    args: {value: ok}
slices: [category]
)";

constexpr const char* kHostileCases =
    R"J({"id": "h1", "category": "\"><script>alert('slice')</script>", "input": "<script>alert('input')</script>", "reference": "\"><img src=x onerror=alert('reference')>", "contexts": [{"id": "javascript:alert('ctx')", "text": "<a href=\"javascript:alert('context')\">x</a>"}]})J"
    "\n"
    R"J({"id": "h2", "category": "plain", "input": "=cmd|' /C calc'!A0", "reference": "ok"})J"
    "\n"
    R"J({"id": "h3", "category": "plain", "input": "hello", "reference": "ok"})J"
    "\n";

constexpr const char* kHostileA = R"J({"id": "h1", "output": "ok <script>alert('a')</script>"})J"
                                  "\n"
                                  R"J({"id": "h2", "output": "=HYPERLINK(\"http://x\") ok"})J"
                                  "\n"
                                  R"J({"id": "h3", "output": "ok"})J"
                                  "\n";

constexpr const char* kHostileB =
    R"J({"id": "h1", "output": "\"><img src=x onerror=alert('b')> javascript:alert('b')"})J"
    "\n"
    R"J({"id": "h2", "output": "=HYPERLINK(\"http://x\") ok"})J"
    "\n"
    R"J({"id": "h3", "output": "ok"})J"
    "\n";

class ServePages : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    demo_ = new test::ServedDemo();
    const std::filesystem::path dir = demo_->dir().work() / "hostile";
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "suite.yaml") << kHostileSuite;
    std::ofstream(dir / "cases.jsonl") << kHostileCases;
    std::ofstream(dir / "a.jsonl") << kHostileA;
    std::ofstream(dir / "b.jsonl") << kHostileB;
    for (const char* responses : {"hostile/a.jsonl", "hostile/b.jsonl"}) {
      const auto r =
          test::run_qualbar(std::vector<std::string>{"run", "hostile/suite.yaml", "--responses",
                                                     responses, "--store", "s.db"},
                            demo_->dir());
      ASSERT_LE(r.exit_code, 1) << r.err;
    }
    auto c = demo_->with_token("read");
    const auto runs = json::parse(c.Get("/api/v1/runs")->body)["runs"];
    for (const auto& run : runs) {
      const std::string model = run["model"], suite = run["suite"];
      if (suite == "hostile-pages") (hostile_b_.empty() ? hostile_b_ : hostile_a_) = run["id"];
      if (model == "support-bot-v1") v1_ = run["id"];
      if (model == "support-bot-v2") v2_ = run["id"];
    }
  }
  static void TearDownTestSuite() {
    delete demo_;
    demo_ = nullptr;
  }

  // The body of GET `path` as the signed-in viewer, checking its status.
  static std::string viewer_get(const std::string& path, int status = 200) {
    auto c = demo_->as("viewer");
    const auto r = c.Get(path);
    EXPECT_TRUE(r) << path;
    if (!r) return "";
    EXPECT_EQ(r->status, status) << path << "\n" << r->body.substr(0, 2000);
    return r->body;
  }
  static json api_get(const std::string& path, int status = 200) {
    auto c = demo_->with_token("read");
    const auto r = c.Get(path);
    EXPECT_TRUE(r) << path;
    if (!r) return {};
    EXPECT_EQ(r->status, status) << path << "\n" << r->body.substr(0, 2000);
    return json::parse(r->body);
  }
  static std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
  }

  static test::ServedDemo* demo_;
  static std::string v1_, v2_, hostile_a_, hostile_b_;
};
test::ServedDemo* ServePages::demo_ = nullptr;
std::string ServePages::v1_, ServePages::v2_, ServePages::hostile_a_, ServePages::hostile_b_;

const char* const kCaseRow = "<tr><td class=\"id\">";

TEST_F(ServePages, TheExplorerShowsEachCaseWithItsVerdictsAPageAtATime) {
  ASSERT_FALSE(v2_.empty());
  const std::string first = viewer_get("/runs/" + v2_ + "/cases");
  EXPECT_NE(first.find("Showing 1–50 of 200 cases."), std::string::npos) << first.substr(0, 4000);
  EXPECT_EQ(count(first, kCaseRow), 50U);
  EXPECT_NE(first.find("<details><summary>"), std::string::npos) << "contexts, collapsed";
  EXPECT_NE(first.find("</span> grounded"), std::string::npos) << "every dimension's verdict";
  const std::string next = "/runs/" + v2_ + "/cases?after=49&amp;from=51";
  ASSERT_NE(first.find(next), std::string::npos);
  const std::string second = viewer_get("/runs/" + v2_ + "/cases?after=49&from=51");
  EXPECT_NE(second.find("Showing 51–100 of 200 cases."), std::string::npos);
  EXPECT_EQ(count(second, kCaseRow), 50U);
  EXPECT_NE(second.find("sup-051"), std::string::npos);
}

TEST_F(ServePages, TheExplorerFiltersByFailingDimensionSliceAndWords) {
  const std::string failing = viewer_get("/runs/" + v2_ + "/cases?failing=grounded");
  EXPECT_NE(failing.find("Showing 1–44 of 44 cases that fail grounded."), std::string::npos);
  EXPECT_EQ(count(failing, kCaseRow), 44U);
  EXPECT_EQ(failing.find("rel=\"next\""), std::string::npos) << "one page holds them";
  // The slice's cases are the API's.
  const json api =
      api_get("/api/v1/runs/" + v2_ + "/cases?slice=category&value=refund-dispute&limit=1000");
  const std::string slice =
      viewer_get("/runs/" + v2_ + "/cases?slice=category&value=refund-dispute");
  EXPECT_NE(slice.find(fmt::format("of {} cases in category=refund-dispute", api["cases"].size())),
            std::string::npos);
  EXPECT_EQ(count(slice, kCaseRow), std::min<std::size_t>(50, api["cases"].size()));
  const std::string words = viewer_get("/runs/" + v2_ + "/cases?q=chargeback&failing=grounded");
  EXPECT_NE(words.find("that fail grounded, with the words “chargeback”"), std::string::npos);
  EXPECT_GT(count(words, kCaseRow), 0U);
  // A dimension the run does not have: the page says which it has.
  const std::string bad = viewer_get("/runs/" + v2_ + "/cases?failing=nope", 400);
  EXPECT_NE(bad.find("has no dimension &#39;nope&#39;. It has: answer_correct"), std::string::npos)
      << bad;
}

TEST_F(ServePages, AnExportHasEveryCaseTheFilterKeepsAsJsonLines) {
  auto c = demo_->with_token("read");
  const auto r = c.Get("/api/v1/runs/" + v2_ + "/cases/export?format=jsonl&failing=grounded");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->get_header_value("Content-Disposition"),
            "attachment; filename=\"qualbar-" + v2_ + "-cases.jsonl\"");
  std::size_t lines = 0;
  std::istringstream in(r->body);
  for (std::string line; std::getline(in, line); ++lines) {
    const json j = json::parse(line);
    EXPECT_TRUE(j["scores"]["grounded"]["failing"].get<bool>()) << j["id"];
  }
  EXPECT_EQ(lines, 44U);
  // Every case, read from the store in more than one page.
  const auto all = c.Get("/api/v1/runs/" + v2_ + "/cases/export");
  ASSERT_TRUE(all);
  EXPECT_EQ(all->get_header_value("Transfer-Encoding"), "chunked");
  EXPECT_EQ(count(all->body, "\n"), 200U);
  EXPECT_EQ(c.Get("/api/v1/runs/" + v2_ + "/cases/export?format=xlsx")->status, 400);
  EXPECT_EQ(c.Get("/api/v1/runs/" + v2_ + "/cases/export?failing=nope")->status, 400);
}

TEST_F(ServePages, ACsvExportHasAHeaderEveryFilteredCaseAndDefusedFormulas) {
  auto c = demo_->with_token("read");
  const auto r = c.Get("/api/v1/runs/" + v2_ + "/cases/export?format=csv&failing=grounded");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->get_header_value("Content-Type"), "text/csv; charset=utf-8");
  const auto records = review::read_csv(r->body, "export.csv");
  ASSERT_EQ(records.size(), 45U);
  const std::vector<std::string>& head = records[0].fields;
  ASSERT_GE(head.size(), 7U);
  EXPECT_EQ((std::vector<std::string>(head.begin(), head.begin() + 7)),
            (std::vector<std::string>{"id", "input", "reference", "output", "answer_correct value",
                                      "answer_correct status", "answer_correct failing"}));
  const auto grounded = std::find(head.begin(), head.end(), "grounded failing") - head.begin();
  for (std::size_t i = 1; i < records.size(); ++i)
    EXPECT_EQ(records[i].fields.at(static_cast<std::size_t>(grounded)), "true");
  // A cell a spreadsheet would run is defused with an apostrophe.
  const auto hostile = c.Get("/api/v1/runs/" + hostile_b_ + "/cases/export?format=csv");
  ASSERT_TRUE(hostile);
  const auto rows = review::read_csv(hostile->body, "hostile.csv");
  ASSERT_EQ(rows.size(), 4U);
  EXPECT_EQ(rows[2].fields[0], "h2");
  EXPECT_EQ(rows[2].fields[1], "'=cmd|' /C calc'!A0");
  EXPECT_EQ(rows[2].fields[3], "'=HYPERLINK(\"http://x\") ok");
}

TEST_F(ServePages, TheComparisonShowsTheChangedCasesSideBySideWithTheirWordDiff) {
  const std::string page = viewer_get("/compare/" + v1_ + "/" + v2_);
  EXPECT_NE(page.find("Cases that changed"), std::string::npos);
  EXPECT_NE(page.find("<table class=\"sbs\">"), std::string::npos);
  EXPECT_NE(page.find("<del>"), std::string::npos);
  EXPECT_NE(page.find("<ins>"), std::string::npos);
  EXPECT_NE(page.find("Pages of changed cases"), std::string::npos);
  EXPECT_NE(page.find("?dimension=grounded&amp;after=10"), std::string::npos);
  const json cmp = api_get("/api/v1/compare/" + v1_ + "/" + v2_);
  EXPECT_EQ(cmp["schema"], "qualbar.comparison/1");
  EXPECT_EQ(cmp["a"]["id"], v1_);
  json grounded;
  for (const auto& d : cmp["changed_cases"]["dimensions"])
    if (d["dimension"] == "grounded") grounded = d;
  ASSERT_FALSE(grounded.is_null());
  ASSERT_FALSE(grounded["cases"].empty());
  const json& first = grounded["cases"][0];
  EXPECT_EQ(first["direction"], "pass_to_fail") << "pass → fail first";
  EXPECT_FALSE(first["a"]["output"].get<std::string>().empty());
  EXPECT_FALSE(first["b"]["output"].get<std::string>().empty());
  EXPECT_TRUE(first.contains("words_only_in_a") && first.contains("words_only_in_b"));
  EXPECT_FALSE(first["words_only_in_a"].empty() && first["words_only_in_b"].empty());
  // Paged per dimension: the next page starts where the first ended.
  const json four = api_get("/api/v1/compare/" + v1_ + "/" + v2_ + "?dimension=grounded&cases=4");
  const json two =
      api_get("/api/v1/compare/" + v1_ + "/" + v2_ + "?dimension=grounded&cases=2&after=2");
  ASSERT_EQ(four["changed_cases"]["dimensions"].size(), 1U);
  ASSERT_EQ(two["changed_cases"]["dimensions"][0]["cases"].size(), 2U);
  EXPECT_EQ(two["changed_cases"]["dimensions"][0]["cases"][0]["id"],
            four["changed_cases"]["dimensions"][0]["cases"][2]["id"]);
  EXPECT_EQ(two["changed_cases"]["dimensions"][0]["after"], 2);
  EXPECT_EQ(two["changed_cases"]["dimensions"][0]["next"], 4);
}

TEST_F(ServePages, ComparingRunsOfTwoSuitesOrAnUnknownRunSaysWhy) {
  const json suites = api_get("/api/v1/compare/" + v2_ + "/" + hostile_a_, 400);
  EXPECT_NE(suites["error"]["message"].get<std::string>().find("are of different suites"),
            std::string::npos)
      << suites;
  const json unknown = api_get("/api/v1/compare/" + v2_ + "/r-nope", 404);
  EXPECT_NE(unknown["error"]["message"].get<std::string>().find("r-nope"), std::string::npos);
  const json dim = api_get("/api/v1/compare/" + v1_ + "/" + v2_ + "?dimension=latency", 400);
  EXPECT_NE(dim["error"]["message"].get<std::string>().find("not a pass/fail dimension"),
            std::string::npos);
  // The runs list's form goes to the comparison's own address.
  auto c = demo_->as("viewer");
  const auto form = c.Get("/compare?a=" + v1_ + "&b=" + v2_);
  ASSERT_TRUE(form);
  EXPECT_EQ(form->status, 303);
  EXPECT_EQ(form->get_header_value("Location"), "/compare/" + v1_ + "/" + v2_);
}

TEST_F(ServePages, TheRunsListFiltersAndOffersComparisons) {
  const std::string all = viewer_get("/");
  EXPECT_NE(all.find("<form method=\"get\" action=\"/compare\""), std::string::npos);
  EXPECT_NE(all.find("href=\"/compare/" + v1_ + "/" + v2_ + "\">compare with previous"),
            std::string::npos);
  EXPECT_NE(all.find("href=\"/runs/" + v2_ + "/cases\""), std::string::npos);
  const std::string suite = viewer_get("/?suite=hostile-pages");
  EXPECT_NE(suite.find(hostile_a_), std::string::npos);
  EXPECT_EQ(suite.find("<td><a href=\"/runs/" + v2_), std::string::npos);
  const std::string model = viewer_get("/?model=support-bot-v1&status=complete&since=2000-01-01");
  EXPECT_NE(model.find("<td><a href=\"/runs/" + v1_), std::string::npos);
  EXPECT_EQ(model.find("<td><a href=\"/runs/" + v2_), std::string::npos);
  EXPECT_NE(viewer_get("/?until=2000-01-01").find("No run matches the filter."), std::string::npos);
  viewer_get("/?status=bogus", 400);
  // The run's page links to its cases and to the comparison with the run before it.
  const std::string run = viewer_get("/runs/" + v2_);
  EXPECT_NE(run.find("href=\"/runs/" + v2_ + "/cases\">Case explorer"), std::string::npos);
  EXPECT_NE(run.find("href=\"/compare/" + v1_ + "/" + v2_ + "\""), std::string::npos);
}

TEST_F(ServePages, HostileCasesAndAnswersAreShownAsText) {
  ASSERT_FALSE(hostile_a_.empty());
  ASSERT_FALSE(hostile_b_.empty());
  for (const std::string& path :
       std::vector<std::string>{"/runs/" + hostile_b_ + "/cases", "/runs/" + hostile_a_ + "/cases",
                                "/compare/" + hostile_a_ + "/" + hostile_b_, "/"}) {
    const std::string body = viewer_get(path);
    EXPECT_EQ(body.find("<script>"), std::string::npos) << path;
    EXPECT_EQ(body.find("<img"), std::string::npos) << path;
    EXPECT_EQ(body.find("href=\"javascript:"), std::string::npos) << path;
  }
  const std::string cases = viewer_get("/runs/" + hostile_b_ + "/cases");
  EXPECT_NE(cases.find("&lt;script&gt;alert(&#39;input&#39;)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(cases.find("&quot;&gt;&lt;img src=x onerror=alert(&#39;b&#39;)&gt;"),
            std::string::npos);
  EXPECT_NE(cases.find("&lt;a href=&quot;javascript:alert(&#39;context&#39;)&quot;&gt;"),
            std::string::npos);
  const std::string cmp = viewer_get("/compare/" + hostile_a_ + "/" + hostile_b_);
  EXPECT_NE(cmp.find("pass → fail"), std::string::npos);
  EXPECT_NE(cmp.find("alert(&#39;a&#39;)"), std::string::npos);
  EXPECT_NE(cmp.find("alert(&#39;b&#39;)"), std::string::npos);
}

}  // namespace QB_UNITY_ID
}  // namespace qb
