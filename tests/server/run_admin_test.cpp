// What admins change of runs: labels and notes, archive and restore, delete — through the API
// (with the session's CSRF token), the runs page's forms and `qualbar runs`; each change audited.
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "serve_fixture.hpp"

namespace qb {
namespace QB_UNITY_ID {

using nlohmann::json;
using test::run_qualbar;

TEST(ServeRunAdmin, AdminsLabelArchiveAndDeleteRunsOthersCannot) {
  test::ServedDemo demo;
  auto admin = demo.as("admin");
  const httplib::Headers csrf{{"X-CSRF-Token", demo.csrf("admin")}};
  const auto patch = [&](httplib::Client& c, const std::string& body,
                         const httplib::Headers& h) {
    const auto r = c.Patch("/api/v1/runs/latest", h, body, "application/json");
    EXPECT_TRUE(r);
    return r ? std::make_pair(r->status, r->body) : std::make_pair(0, std::string());
  };
  auto viewer = demo.as("viewer");
  EXPECT_EQ(patch(viewer, R"({"labels":["x"]})", {{"X-CSRF-Token", demo.csrf("viewer")}}).first,
            403);
  EXPECT_EQ(patch(admin, R"({"labels":["x"]})", {}).first, 403) << "no CSRF token";
  auto token = demo.with_token("read");
  EXPECT_EQ(token.Delete("/api/v1/runs/latest")->status, 403);

  // Malformed bodies are refused, naming what is wrong, and change nothing.
  const auto bad_json = patch(admin, R"({"labels": [)", csrf);
  EXPECT_EQ(bad_json.first, 400);
  EXPECT_NE(bad_json.second.find("the body is not valid JSON: parse error at line 1"),
            std::string::npos)
      << bad_json.second;
  const auto bad_item = patch(admin, R"({"labels": ["ok", 7]})", csrf);
  EXPECT_EQ(bad_item.first, 400);
  EXPECT_NE(bad_item.second.find("field 'labels[1]': expected a string"), std::string::npos);
  const auto bad_label = patch(admin, R"({"labels": ["two words"]})", csrf);
  EXPECT_EQ(bad_label.first, 400);
  EXPECT_NE(bad_label.second.find("field 'labels[0]': a label has no spaces"), std::string::npos);
  EXPECT_EQ(patch(admin, R"({"colour": "red"})", csrf).first, 400);
  EXPECT_EQ(admin.Patch("/api/v1/runs/latest", csrf, "labels=x", "text/plain")->status, 415);

  const auto ok = patch(admin, R"({"labels": ["release-candidate"], "note": "new prompt"})", csrf);
  ASSERT_EQ(ok.first, 200) << ok.second;
  const json labelled = json::parse(token.Get("/api/v1/runs?label=release-candidate")->body)["runs"];
  ASSERT_EQ(labelled.size(), 1U);
  EXPECT_EQ(labelled[0]["note"], "new prompt");
  EXPECT_EQ(labelled[0]["model"], "support-bot-v2");

  // Archived: out of the list, still readable, back with archived=1; restored.
  const std::string v1 = json::parse(token.Get("/api/v1/runs?model=support-bot-v1")->body)["runs"][0]["id"];
  EXPECT_EQ(admin.Post("/api/v1/runs/" + v1 + "/archive", csrf, "", "application/json")->status, 200);
  EXPECT_EQ(json::parse(token.Get("/api/v1/runs")->body)["runs"].size(), 1U);
  EXPECT_EQ(json::parse(token.Get("/api/v1/runs?archived=1")->body)["runs"].size(), 2U);
  EXPECT_EQ(token.Get("/api/v1/runs/" + v1 + "/summary")->status, 200);
  EXPECT_EQ(admin.Post("/api/v1/runs/" + v1 + "/restore", csrf, "", "application/json")->status, 200);
  EXPECT_EQ(json::parse(token.Get("/api/v1/runs")->body)["runs"].size(), 2U);

  // Deleted through the page's form: gone, and the API says so.
  const auto form = admin.Post("/runs/" + v1 + "/delete", "csrf=" + demo.csrf("admin"),
                               "application/x-www-form-urlencoded");
  ASSERT_TRUE(form);
  EXPECT_EQ(form->status, 303);
  const auto gone = token.Get("/api/v1/runs/" + v1 + "/summary");
  EXPECT_EQ(gone->status, 404);
  EXPECT_NE(gone->body.find("no run '" + v1 + "'"), std::string::npos) << gone->body;

  const json log = json::parse(admin.Get("/api/v1/audit")->body)["audit"];
  std::vector<std::string> actions;
  for (const auto& e : log)
    if (e["who"] == "admin-1") actions.push_back(e["action"]);
  EXPECT_EQ(actions, (std::vector<std::string>{"runs.delete", "runs.restore", "runs.archive",
                                               "runs.label", "session.signin"}));
}

TEST(RunsCli, LabelsNotesArchiveAndDelete) {
  test::TempDir dir("qualbar-runs-cli");
  ASSERT_EQ(run_qualbar("demo --dir d --store s.db", dir).exit_code, 0);
  const auto run = run_qualbar(
      "run d/suite.yaml --store s.db --label nightly --label rc-2 --note retry -q", dir);
  EXPECT_EQ(run.exit_code, 1) << run.err;  // the demo's v2 misses bars
  const json listed = json::parse(run_qualbar("runs --store s.db --json", dir).out);
  EXPECT_EQ(listed[0]["labels"], (std::vector<std::string>{"nightly", "rc-2"}));
  EXPECT_EQ(listed[0]["note"], "retry");
  EXPECT_EQ(run_qualbar("runs --store s.db --label rc-2", dir).out.find("support-bot-v1"),
            std::string::npos);
  const auto label = run_qualbar("runs label latest --add keep --remove nightly --store s.db", dir);
  EXPECT_NE(label.out.find("labels [rc-2, keep], note: retry"), std::string::npos) << label.out;
  ASSERT_EQ(run_qualbar("runs archive latest~2 --store s.db", dir).exit_code, 0);
  EXPECT_EQ(json::parse(run_qualbar("runs --store s.db --json", dir).out).size(), 2U);
  EXPECT_EQ(json::parse(run_qualbar("runs --store s.db --json --archived", dir).out).size(), 3U);
  const auto del = run_qualbar("runs delete latest --store s.db", dir);
  EXPECT_EQ(del.exit_code, 0) << del.err;
  EXPECT_EQ(json::parse(run_qualbar("runs --store s.db --json --archived", dir).out).size(), 2U);
  // The report of a run that shared the deleted run's dataset blocks still reads.
  EXPECT_EQ(run_qualbar("report latest --store s.db -q", dir).exit_code, 1);
  const auto bad = run_qualbar(std::vector<std::string>{"run", "d/suite.yaml", "--store", "s.db",
                                                        "--label", "two words"},
                               dir);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--label: a label has no spaces"), std::string::npos) << bad.err;
}

}  // namespace QB_UNITY_ID
}  // namespace qb
