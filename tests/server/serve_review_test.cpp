// Review queues over HTTP: who may open which page, what a reviewer's responses hold (nothing
// naming the model, the run, the case or another reviewer's grade), grading through the API and
// the page's form, the 409 of a grade refused, adjudication, queues made by an admin.
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "serve_fixture.hpp"

namespace qb {
namespace QB_UNITY_ID {

using nlohmann::json;
using test::run_qualbar;

class ServeReview : public test::ServedDemoSuite<ServeReview> {
 protected:
  // A queue of the demo's first run (the second is graded already) made by `qualbar review queue create`; its id.
  static std::string make_queue(const std::string& flags) {
    const auto r = run_qualbar("review queue create --run latest~1 --store s.db " + flags, demo_->dir());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const auto at = r.out.find("q-");
    return r.out.substr(at, 12);
  }
  static httplib::Headers csrf(const std::string& role) {
    return {{"X-CSRF-Token", demo_->csrf(role)}};
  }
  // Everything that names the run or the model, which no reviewer's response may hold.
  static std::vector<std::string> secrets() {
    std::vector<std::string> out = {"support-bot-v1", "support-bot-v2", "r-2026"};
    auto token = demo_->with_token("read");
    for (const auto& run : json::parse(token.Get("/api/v1/runs")->body)["runs"])
      out.push_back(run["id"]);
    return out;
  }
  static void expect_blind(const std::string& body, const std::string& what) {
    for (const auto& s : secrets())
      EXPECT_EQ(body.find(s), std::string::npos) << what << " names '" << s << "':\n" << body;
  }
};

TEST_F(ServeReview, AReviewerGradesThroughTheApiAndSeesNothingThatNamesTheRunOrModel) {
  const std::string q = make_queue("--sample 4 --per-item 1 --name \"Helpful, week 1\"");
  auto reviewer = demo_->as("reviewer");
  const auto list = reviewer.Get("/api/v1/review/queues");
  ASSERT_EQ(list->status, 200);
  expect_blind(list->body, "the queue list");
  const json queues = json::parse(list->body)["queues"];
  ASSERT_FALSE(queues.empty());
  EXPECT_FALSE(queues[0].contains("source")) << "what the queue was made from is for admins";
  EXPECT_EQ(queues[0]["name"], "Helpful, week 1");

  std::set<std::int64_t> seen;
  for (int i = 0; i < 4; ++i) {
    const auto next = reviewer.Get("/api/v1/review/queues/" + q + "/next");
    ASSERT_EQ(next->status, 200);
    expect_blind(next->body, "an item");
    const json item = json::parse(next->body)["item"];
    ASSERT_TRUE(item.is_object()) << next->body;
    EXPECT_FALSE(item.contains("case_id"));
    EXPECT_EQ(item["dimensions"][0]["name"], "helpful");
    EXPECT_FALSE(item["output"].get<std::string>().empty());
    const std::int64_t pos = item["pos"];
    EXPECT_TRUE(seen.insert(pos).second);
    const auto page = reviewer.Get("/review/" + q);
    ASSERT_EQ(page->status, 200);
    expect_blind(page->body, "the item page");
    EXPECT_NE(page->body.find("name=\"grade.helpful\""), std::string::npos);
    EXPECT_NE(page->get_header_value("Content-Security-Policy").find("script-src 'sha256-"),
              std::string::npos)
        << "the keyboard script is allowed by its hash";
    const auto post = reviewer.Post("/api/v1/review/queues/" + q + "/items/" + std::to_string(pos),
                                    csrf("reviewer"), R"({"grades":{"helpful":1},"note":"ok"})",
                                    "application/json");
    ASSERT_EQ(post->status, 200) << post->body;
    EXPECT_EQ(json::parse(post->body)["outcome"], "stored");
    expect_blind(post->body, "a grade's answer");
    const auto mine = reviewer.Get("/api/v1/review/queues/" + q + "/items/" + std::to_string(pos));
    ASSERT_EQ(mine->status, 200);
    expect_blind(mine->body, "a graded item");
  }
  const auto done = json::parse(reviewer.Get("/api/v1/review/queues/" + q + "/next")->body);
  EXPECT_TRUE(done["item"].is_null());
  EXPECT_EQ(done["queue"]["graded_by_me"], 4);
  EXPECT_EQ(done["queue"]["finished"], 4);
  const auto page = reviewer.Get("/review/" + q);
  EXPECT_NE(page->body.find("id=\"done\""), std::string::npos);
  // The grades are the store's, as `review import` writes them.
  const auto store = open_store((demo_->dir().work() / "s.db").string(), StoreAccess::existing);
  std::size_t mine = 0;
  for (const auto& g : store->review().queue_grades(q)) mine += g.grader == "reviewer-1";
  EXPECT_EQ(mine, 4U);
}

TEST_F(ServeReview, RefusedGradesAre409OrNameTheFieldAndNothingIsStored) {
  const std::string q = make_queue("--sample 3 --per-item 1");
  auto reviewer = demo_->as("reviewer");
  const std::string item = "/api/v1/review/queues/" + q + "/items/";
  const auto not_handed = reviewer.Post(item + "2", csrf("reviewer"), R"({"grades":{"helpful":1}})",
                                        "application/json");
  EXPECT_EQ(not_handed->status, 409);
  EXPECT_NE(not_handed->body.find("not handed to you"), std::string::npos) << not_handed->body;
  const std::int64_t pos =
      json::parse(reviewer.Get("/api/v1/review/queues/" + q + "/next")->body)["item"]["pos"];
  const std::string mine = item + std::to_string(pos);
  EXPECT_EQ(reviewer.Post(mine, {}, R"({"grades":{"helpful":1}})", "application/json")->status, 403)
      << "no CSRF token";
  const auto off = reviewer.Post(mine, csrf("reviewer"), R"({"grades":{"helpful":3}})", "application/json");
  EXPECT_EQ(off->status, 400);
  EXPECT_NE(off->body.find("field 'grades.helpful': 3 is off the scale"), std::string::npos);
  EXPECT_EQ(reviewer.Post(mine, csrf("reviewer"), R"({"grades":)", "application/json")->status, 400);
  EXPECT_EQ(reviewer.Post(mine, csrf("reviewer"), "grade=1", "text/plain")->status, 415);
  // Through the page's form: a refused grade is a 409 page saying why.
  const auto form = reviewer.Post("/review/" + q + "/items/2",
                                  "csrf=" + demo_->csrf("reviewer") + "&action=grade&grade.helpful=1",
                                  "application/x-www-form-urlencoded");
  EXPECT_EQ(form->status, 409);
  EXPECT_NE(form->body.find("id=\"conflict\""), std::string::npos);
  const auto ok = reviewer.Post("/review/" + q + "/items/" + std::to_string(pos),
                                "csrf=" + demo_->csrf("reviewer") +
                                    "&action=grade&grade.helpful=0&note=missing+the+date",
                                "application/x-www-form-urlencoded");
  EXPECT_EQ(ok->status, 303);
  EXPECT_EQ(ok->get_header_value("Location"), "/review/" + q);
  const auto store = open_store((demo_->dir().work() / "s.db").string(), StoreAccess::existing);
  const auto grades = store->review().queue_grades(q);
  ASSERT_EQ(grades.size(), 1U);
  EXPECT_EQ(grades[0].grade, 0);
  EXPECT_EQ(grades[0].note, "missing the date");
  EXPECT_EQ(grades[0].source, "queue " + q);
}

TEST_F(ServeReview, OnlyAdminsMakeQueuesAndSeeTheOverviewAdjudicatorsSettle) {
  auto admin = demo_->as("admin");
  const auto made = admin.Post("/api/v1/review/queues", csrf("admin"),
                               R"({"run":"latest~1","sample":2,"per_item":2,"name":"Pair check"})",
                               "application/json");
  ASSERT_EQ(made->status, 201) << made->body;
  const json queue = json::parse(made->body)["queue"];
  const std::string q = queue["id"];
  EXPECT_NE(queue["source"].get<std::string>().find("run r-"), std::string::npos);
  const auto bad = admin.Post("/api/v1/review/queues", csrf("admin"),
                              R"({"run":"latest~1","dimensions":["nope"]})", "application/json");
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(bad->body.find("--dimension 'nope'"), std::string::npos) << bad->body;

  auto reviewer = demo_->as("reviewer");
  auto viewer = demo_->as("viewer");
  for (const std::string& path :
       {"/review/" + q + "/overview", "/api/v1/review/queues/" + q + "/overview"})
    EXPECT_EQ(reviewer.Get(path)->status, 403) << path;
  EXPECT_EQ(viewer.Get("/review/" + q)->status, 403);
  EXPECT_EQ(reviewer.Get("/review/" + q + "/adjudicate")->status, 403)
      << "a reviewer not marked as adjudicator";
  EXPECT_EQ(reviewer.Post("/api/v1/review/queues", csrf("reviewer"), R"({"run":"latest"})",
                          "application/json")->status,
            403);

  // The admin and a reviewer grade both items differently: two disagreements.
  for (const std::string role : {"admin", "reviewer"}) {
    auto c = demo_->as(role);
    for (int i = 0; i < 2; ++i) {
      const json item = json::parse(c.Get("/api/v1/review/queues/" + q + "/next")->body)["item"];
      ASSERT_TRUE(item.is_object());
      const std::string body = std::string(R"({"grades":{"helpful":)") +
                               (role == "admin" ? "1" : "0") + R"(},"note":")" + role + R"( says"})";
      EXPECT_EQ(c.Post("/api/v1/review/queues/" + q + "/items/" + std::to_string(item["pos"].get<int>()),
                       csrf(role), body, "application/json")->status,
                200);
    }
  }
  const json overview = json::parse(admin.Get("/api/v1/review/queues/" + q + "/overview")->body);
  EXPECT_EQ(overview["open_disagreements"], 2);
  EXPECT_EQ(overview["reviewers"].size(), 2U);
  EXPECT_EQ(overview["queue"]["finished"], 2);
  const auto page = admin.Get("/review/" + q + "/overview");
  EXPECT_NE(page->body.find("2 disagreements to settle"), std::string::npos);

  // A reviewer marked as adjudicator settles one: an adjudicated grade, kept with who and when.
  const auto adj = run_qualbar("users add adj-1 --role reviewer --adjudicator --store s.db", demo_->dir());
  ASSERT_EQ(adj.exit_code, 0) << adj.err;
  const std::string adj_link = adj.out.substr(adj.out.find("  http") + 2,
                                              adj.out.find('\n', adj.out.find("  http")) - adj.out.find("  http") - 2);
  const std::string cookie = demo_->sign_in(adj_link);
  ASSERT_FALSE(cookie.empty());
  auto adjudicator = demo_->anonymous();
  adjudicator.set_default_headers({{"Cookie", "qualbar_session=" + cookie}});
  const json me = json::parse(adjudicator.Get("/api/v1/me")->body);
  const httplib::Headers adj_csrf{{"X-CSRF-Token", me["csrf"].get<std::string>()}};
  const json open = json::parse(adjudicator.Get("/api/v1/review/queues/" + q + "/disagreements")->body);
  ASSERT_EQ(open["disagreements"].size(), 2U);
  EXPECT_EQ(open["disagreements"][0]["notes"]["admin-1"], "admin says");
  const std::string settle = R"({"pos":)" + std::to_string(open["disagreements"][0]["pos"].get<int>()) +
                             R"(,"dimension":"helpful","grade":1,"note":"policy allows it"})";
  EXPECT_EQ(adjudicator.Post("/api/v1/review/queues/" + q + "/adjudications", adj_csrf, settle,
                             "application/json")->status,
            201);
  EXPECT_EQ(adjudicator.Post("/api/v1/review/queues/" + q + "/adjudications", adj_csrf, settle,
                             "application/json")->status,
            409)
      << "settled already";
  EXPECT_EQ(adjudicator.Get("/review/" + q + "/adjudicate")->status, 200);
  EXPECT_EQ(json::parse(admin.Get("/api/v1/review/queues/" + q + "/overview")->body)["open_disagreements"], 1);
  EXPECT_EQ(adjudicator.Get("/review/" + q + "/overview")->status, 403) << "the overview is admins'";
}

TEST_F(ServeReview, APairwiseQueueShowsTwoAnswersByPlaceAndTakesFirstSecondOrTie) {
  auto admin = demo_->as("admin");
  const auto made = admin.Post("/api/v1/review/queues", csrf("admin"),
                               R"({"run":"latest","compare_with":"latest~1","sample":3,"per_item":2})",
                               "application/json");
  ASSERT_EQ(made->status, 201) << made->body;
  const json queue = json::parse(made->body)["queue"];
  const std::string q = queue["id"];
  EXPECT_TRUE(queue["pairwise"].get<bool>());
  EXPECT_NE(queue["source"].get<std::string>().find("comparison r-"), std::string::npos);

  auto reviewer = demo_->as("reviewer");
  const auto next = reviewer.Get("/api/v1/review/queues/" + q + "/next");
  ASSERT_EQ(next->status, 200);
  expect_blind(next->body, "a pair");
  const json item = json::parse(next->body)["item"];
  ASSERT_TRUE(item.is_object()) << next->body;
  EXPECT_TRUE(item["pairwise"].get<bool>());
  ASSERT_EQ(item["answers"].size(), 2U);
  EXPECT_FALSE(item.contains("output"));
  EXPECT_FALSE(item.contains("shown_first")) << "which run's answer comes first is not said";
  EXPECT_EQ(item["dimensions"][0]["scale"]["choices"], json({"first", "second", "tie"}));
  const std::string at = "/api/v1/review/queues/" + q + "/items/" + std::to_string(item["pos"].get<int>());
  const auto page = reviewer.Get("/review/" + q);
  expect_blind(page->body, "the pair's page");
  EXPECT_NE(page->body.find("id=\"answer-2\""), std::string::npos);
  EXPECT_NE(page->body.find("value=\"second\" data-key=\"2\""), std::string::npos);

  const auto number = reviewer.Post(at, csrf("reviewer"), R"({"grades":{"helpful":1}})", "application/json");
  EXPECT_EQ(number->status, 400);
  EXPECT_NE(number->body.find("first, second or tie"), std::string::npos) << number->body;
  const auto ok = reviewer.Post(at, csrf("reviewer"), R"({"grades":{"helpful":"second"}})", "application/json");
  ASSERT_EQ(ok->status, 200) << ok->body;
  expect_blind(reviewer.Get(at)->body, "the graded pair");
  EXPECT_EQ(json::parse(reviewer.Get(at)->body)["item"]["dimensions"][0]["mine"], "second");

  // The admin grades the same pair through the form and is shown the other order.
  const auto theirs = json::parse(admin.Get("/api/v1/review/queues/" + q + "/next")->body)["item"];
  ASSERT_EQ(theirs["pos"], item["pos"]);
  EXPECT_EQ(theirs["answers"][0], item["answers"][1]);
  EXPECT_EQ(theirs["answers"][1], item["answers"][0]);
  const auto form = admin.Post("/review/" + q + "/items/" + std::to_string(item["pos"].get<int>()),
                               "csrf=" + demo_->csrf("admin") + "&action=grade&grade.helpful=first",
                               "application/x-www-form-urlencoded");
  EXPECT_EQ(form->status, 303) << form->body;
  const auto store = open_store((demo_->dir().work() / "s.db").string(), StoreAccess::existing);
  const auto grades = store->review().pair_grades("");
  ASSERT_EQ(grades.size(), 2U);
  EXPECT_NE(grades[0].shown_first, grades[1].shown_first);
  EXPECT_EQ(grades[0].grade, grades[1].grade) << "second of one order is first of the other";
  EXPECT_EQ(grades[0].source, "queue " + q);
}

}  // namespace QB_UNITY_ID
}  // namespace qb
