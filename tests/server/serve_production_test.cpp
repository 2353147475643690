// qualbar serve's production side: the monitored suites, a suite's dashboard (incidents first,
// a chart per dimension with its categories as small multiples, the operations panels, input
// drift, review progress), the monitor status and incidents as JSON, and the judge check of a
// run, against the demo's store with its production log ingested.
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "serve_fixture.hpp"

namespace qb {
namespace QB_UNITY_ID {

using nlohmann::json;
using test::run_qualbar;

constexpr const char* kMonitor = "m-support-assistant-demo";

class ServeProduction : public test::ServedDemoSuite<ServeProduction> {
 protected:
  static std::string get(httplib::Client&& c, const std::string& path, int status = 200) {
    return get(c, path, status);
  }
  static std::string get(httplib::Client& c, const std::string& path, int status = 200) {
    const auto r = c.Get(path);
    EXPECT_TRUE(r) << path;
    if (!r) return "";
    EXPECT_EQ(r->status, status) << path << "\n" << r->body;
    return r->body;
  }
};

TEST_F(ServeProduction, TheListShowsEachMonitoredSuiteWithItsOpenIncidents) {
  const std::string page = get(demo_->as("viewer"), "/production");
  EXPECT_NE(page.find("<a href=\"/production/m-support-assistant-demo\">"), std::string::npos)
      << page;
  EXPECT_NE(page.find("<span class=\"status fail\">3</span>"), std::string::npos) << page;
  const json list = json::parse(get(demo_->with_token("read"), "/api/v1/monitors"));
  json m;
  for (const json& each : list["monitors"])
    if (each["id"] == kMonitor) m = each;
  ASSERT_FALSE(m.is_null()) << list;
  EXPECT_EQ(m["suite"], "support-assistant-demo");
  EXPECT_EQ(m["open_incidents"], 3);
  EXPECT_EQ(m["links"]["status"], "/api/v1/monitors/m-support-assistant-demo/status");
}

TEST_F(ServeProduction, TheDashboardPutsTheIncidentsFirstThenTheChartsAndPanels) {
  const auto r = demo_->as("viewer").Get(std::string("/production/") + kMonitor);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->get_header_value("Content-Security-Policy").find("script-src 'none'") ==
                std::string::npos,
            false);
  const std::string& page = r->body;
  EXPECT_EQ(page.find("<script"), std::string::npos);
  const auto incidents = page.find("3 OPEN INCIDENTS");
  ASSERT_NE(incidents, std::string::npos) << page;
  const auto first_chart = page.find("<h2>");
  EXPECT_LT(incidents, first_chart);
  // The tour's three incidents, in the incidents' section, before any dimension.
  for (const char* signal : {"no_pii@2026-W45", "latency-p50@", "latency-p95@"}) {
    const auto at = page.find(signal);
    EXPECT_NE(at, std::string::npos) << signal;
    EXPECT_LT(at, first_chart) << signal;
  }
  // A category as a small multiple, on one scale with its neighbours.
  EXPECT_NE(page.find("<div class=\"multiples\">"), std::string::npos);
  EXPECT_NE(page.find("<figcaption><strong>category=refund-dispute</strong>"), std::string::npos);
  EXPECT_NE(page.find("<svg class=\"chart mini\""), std::string::npos);
  // The panels, input drift and review progress, in that order.
  const auto ops = page.find("<h2>Traffic and operations</h2>");
  const auto drift = page.find("<h2>Input drift</h2>");
  const auto review = page.find("<h2>Review progress</h2>");
  ASSERT_NE(ops, std::string::npos);
  ASSERT_NE(drift, std::string::npos);
  ASSERT_NE(review, std::string::npos);
  EXPECT_LT(ops, drift);
  EXPECT_LT(drift, review);
  for (const char* panel : {"<strong>Traffic</strong>", "<strong>Errors</strong>",
                            "<strong>Latency</strong>", "<strong>Cost</strong>"})
    EXPECT_NE(page.find(panel), std::string::npos) << panel;
  // The site's frame around it: the navigation of the signed-in viewer.
  EXPECT_NE(page.find("<nav class=\"site\">"), std::string::npos);
}

TEST_F(ServeProduction, TheFileMonitorStatusWritesHasTheSameDashboard) {
  const auto cli = run_qualbar(
      "monitor status --suite d/suite.yaml --store s.db --out html=status.html", demo_->dir());
  EXPECT_EQ(cli.exit_code, 1) << cli.err;  // incidents are open
  std::ifstream in(demo_->dir().work() / "status.html");
  std::stringstream file;
  file << in.rdbuf();
  const std::string served = get(demo_->as("viewer"), std::string("/production/") + kMonitor);
  // The body between the heading and the footer is the same renderer's.
  const auto body = [](const std::string& page) {
    const auto from = page.find("<h1>Production monitor</h1>");
    const auto to = page.find("</footer>");
    return from == std::string::npos || to == std::string::npos ? std::string()
                                                                  : page.substr(from, to - from);
  };
  EXPECT_FALSE(body(file.str()).empty());
  EXPECT_EQ(body(file.str()), body(served));
}

TEST_F(ServeProduction, TheStatusApiIsWhatMonitorStatusPrints) {
  const auto cli =
      run_qualbar("monitor status --suite d/suite.yaml --store s.db --format json", demo_->dir());
  EXPECT_EQ(cli.exit_code, 1) << cli.err;
  const auto r = demo_->with_token("read").Get(std::string("/api/v1/monitors/") + kMonitor + "/status");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
  const json served = json::parse(r->body), printed = json::parse(cli.out);
  EXPECT_EQ(served, printed);
  EXPECT_EQ(served["schema"], "qualbar.monitor-status/1");
  EXPECT_EQ(served["open_incidents"], 3);
  ASSERT_FALSE(served["review"].empty());
  EXPECT_EQ(served["review"][0]["dimension"], "helpful");
}

TEST_F(ServeProduction, TheIncidentsApiListsTheOpenOnesFirst) {
  const json j = json::parse(
      get(demo_->with_token("read"), std::string("/api/v1/monitors/") + kMonitor + "/incidents"));
  EXPECT_EQ(j["monitor"], kMonitor);
  EXPECT_EQ(j["open_incidents"], 3);
  ASSERT_GE(j["incidents"].size(), 3U) << j;
  EXPECT_EQ(j["incidents"][0]["id"], "no_pii@2026-W45");
  std::vector<std::string> signals;
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_TRUE(j["incidents"][i]["open"].get<bool>()) << j["incidents"][i];
    signals.push_back(j["incidents"][i]["signal"]);
  }
  EXPECT_NE(std::find(signals.begin(), signals.end(), "latency p50"), signals.end());
  EXPECT_NE(std::find(signals.begin(), signals.end(), "latency p95"), signals.end());
}

TEST_F(ServeProduction, AnUnknownMonitorIs404AndARunIsNoMonitor) {
  auto c = demo_->with_token("read");
  const json none = json::parse(get(c, "/api/v1/monitors/m-nothing/status", 404));
  EXPECT_NE(none["error"]["message"].get<std::string>().find("no run 'm-nothing'"),
            std::string::npos)
      << none;
  const json run = json::parse(get(c, "/api/v1/monitors/latest/incidents", 404));
  EXPECT_NE(run["error"]["message"].get<std::string>().find("is not a monitor"), std::string::npos)
      << run;
}

TEST_F(ServeProduction, TheJudgeCheckIsWhatJudgeCheckPrints) {
  const auto cli =
      run_qualbar("judge-check --run latest --store s.db --format json", demo_->dir());
  EXPECT_EQ(cli.exit_code, 1) << cli.err;  // the demo's judge favours long answers
  const json served =
      json::parse(get(demo_->with_token("read"), "/api/v1/runs/latest/judge-check"));
  EXPECT_EQ(served, json::parse(cli.out));
  const std::string page = get(demo_->as("viewer"), "/runs/latest/judge-check");
  EXPECT_NE(page.find("<h2>helpful</h2>"), std::string::npos) << page;
  EXPECT_NE(page.find("judge not usable"), std::string::npos) << page;
  EXPECT_NE(page.find("Verbosity"), std::string::npos);
  EXPECT_EQ(page.find("<script"), std::string::npos);
}

TEST_F(ServeProduction, AReviewerReachesNoneOfIt) {
  auto c = demo_->as("reviewer");
  for (const std::string& path :
       {std::string("/production"), std::string("/production/") + kMonitor,
        std::string("/api/v1/monitors"),
        std::string("/api/v1/monitors/") + kMonitor + "/status",
        std::string("/api/v1/monitors/") + kMonitor + "/incidents",
        std::string("/api/v1/runs/latest/judge-check"), std::string("/runs/latest/judge-check")}) {
    const auto r = c.Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 403) << path;
    EXPECT_EQ(r->body.find("support-bot"), std::string::npos) << path;
    EXPECT_EQ(r->body.find("no_pii"), std::string::npos) << path;
  }
}

// A category named like markup is text on every page that shows it.
TEST_F(ServeProduction, HostileCategoriesAreEscaped) {
  const auto& dir = demo_->dir();
  {
    std::ifstream suite_in(dir.work() / "d" / "suite.yaml");
    std::stringstream suite;
    suite << suite_in.rdbuf();
    std::string text = suite.str();
    const std::string name = "name: support-assistant-demo";
    text.replace(text.find(name), name.size(), "name: hostile-demo");
    std::ofstream(dir.work() / "d" / "hostile.yaml") << text;
    std::ifstream records(dir.work() / "d" / "production.jsonl");
    std::ofstream out(dir.work() / "hostile.jsonl");
    std::string line;
    for (int i = 0; i < 200 && std::getline(records, line); ++i) {
      const std::string cat = "\"category\":\"";
      const auto at = line.find(cat);
      if (at != std::string::npos && i % 2 == 0)
        line.replace(at + cat.size(), line.find('"', at + cat.size()) - at - cat.size(),
                     "<img src=x onerror=alert(1)>\\\"'&");
      out << line << "\n";
    }
  }
  const auto ingest = run_qualbar(
      "monitor ingest hostile.jsonl --suite d/hostile.yaml --store s.db", dir);
  ASSERT_EQ(ingest.exit_code, 0) << ingest.err;
  for (const std::string path : {"/production", "/production/m-hostile-demo"}) {
    const std::string page = get(demo_->as("viewer"), path);
    EXPECT_EQ(page.find("<img src=x"), std::string::npos) << path;
    EXPECT_NE(page.find("m-hostile-demo"), std::string::npos) << path;
  }
  const std::string page = get(demo_->as("viewer"), "/production/m-hostile-demo");
  EXPECT_NE(page.find("&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;"), std::string::npos)
      << page;
}

}  // namespace QB_UNITY_ID
}  // namespace qb
