// Who may open what in qualbar serve: sign-in by one-time link, sessions, API tokens and their
// scopes, the role × endpoint matrix, CSRF and cross-origin refusals, the audit log.
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "qualbar/store/store.hpp"
#include "qualbar/util/secret.hpp"
#include "serve_fixture.hpp"

namespace qb {
namespace QB_UNITY_ID {

using nlohmann::json;
using test::run_qualbar;
using test::TempDir;

class ServeAuth : public test::ServedDemoSuite<ServeAuth> {
 protected:
  static int status_of(httplib::Client& c, const std::string& method, const std::string& path) {
    const auto r = method == "GET" ? c.Get(path) : c.Post(path, "", "application/json");
    EXPECT_TRUE(r) << method << " " << path;
    return r ? r->status : 0;
  }
};

// Every endpoint with who may open it: "r" viewers and admins and read tokens, "v" reviewers and
// admins, "a" admins only, "s" anyone signed in. The expected status for each identity follows.
struct Endpoint {
  const char* method;
  const char* path;
  char access;
};
constexpr Endpoint kEndpoints[] = {
    {"GET", "/", 'r'},
    {"GET", "/runs/latest", 'r'},
    {"GET", "/api/v1/runs", 'r'},
    {"GET", "/api/v1/runs/latest/summary", 'r'},
    {"GET", "/api/v1/runs/latest/report", 'r'},
    {"GET", "/api/v1/runs/latest/cases", 'r'},
    {"GET", "/runs/latest/cases", 'r'},
    {"GET", "/api/v1/runs/latest/cases/export?format=csv", 'r'},
    {"GET", "/compare/latest~1/latest", 'r'},
    {"GET", "/api/v1/compare/latest~1/latest", 'r'},
    {"GET", "/api/v1/runs/latest/judge-check", 'r'},
    {"GET", "/runs/latest/judge-check", 'r'},
    {"GET", "/production", 'r'},
    {"GET", "/production/m-support-assistant-demo", 'r'},
    {"GET", "/api/v1/monitors", 'r'},
    {"GET", "/api/v1/monitors/m-support-assistant-demo/status", 'r'},
    {"GET", "/api/v1/monitors/m-support-assistant-demo/incidents", 'r'},
    {"GET", "/review", 'v'},
    {"GET", "/api/v1/review/queues", 'v'},
    {"GET", "/admin", 'a'},
    {"GET", "/api/v1/audit", 'a'},
    {"GET", "/api/v1/me", 's'},
};

int expected(const Endpoint& e, const std::string& who) {
  const bool api = std::string(e.path).rfind("/api/", 0) == 0;
  if (who == "anonymous") return api ? 401 : 303;  // pages send a browser to sign in
  if (who.rfind("token:", 0) == 0) {
    return e.access == 'r' && who == "token:read" ? 200 : 403;
  }
  const bool may = e.access == 's' || who == "admin" ||
                   (e.access == 'r' && who == "viewer") || (e.access == 'v' && who == "reviewer");
  return may ? 200 : 403;
}

TEST_F(ServeAuth, EveryRoleAndTokenReachesExactlyWhatItMay) {
  for (const std::string who : {"anonymous", "admin", "viewer", "reviewer", "token:read",
                                "token:runs:write", "token:records:write"}) {
    httplib::Client c = who == "anonymous"        ? demo_->anonymous()
                        : who.rfind("token:", 0) == 0 ? demo_->with_token(who.substr(6))
                                                      : demo_->as(who);
    for (const Endpoint& e : kEndpoints) {
      EXPECT_EQ(status_of(c, e.method, e.path), expected(e, who))
          << who << " " << e.method << " " << e.path;
    }
  }
}

TEST_F(ServeAuth, AReviewerNeverSeesARunAModelOrAReport) {
  auto c = demo_->as("reviewer");
  for (const Endpoint& e : kEndpoints) {
    if (e.access != 'r') continue;
    const auto r = c.Get(e.path);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 403) << e.path;
    EXPECT_EQ(r->body.find("support-bot"), std::string::npos) << e.path;
    EXPECT_NE(r->body.find("grading stays blind"), std::string::npos) << e.path << r->body;
  }
  // Their landing page, after sign-in, is the review page; its navigation offers nothing else.
  const auto review = c.Get("/review");
  ASSERT_TRUE(review);
  EXPECT_EQ(review->status, 200);
  EXPECT_EQ(review->body.find("href=\"/\""), std::string::npos);
  EXPECT_EQ(review->body.find("support-bot"), std::string::npos);
}

TEST_F(ServeAuth, ALinkSignsInOnceWithAStrictHttpOnlyCookie) {
  const std::string link = demo_->add_user("once", "viewer");
  const std::string secret = link.substr(link.rfind('/') + 1);
  auto c = demo_->anonymous();
  // Opening the link only shows a button: a link preview does not use it up.
  const auto page = c.Get("/signin/" + secret);
  ASSERT_TRUE(page);
  EXPECT_NE(page->body.find("<form method=\"post\" action=\"/signin\">"), std::string::npos);
  const auto first = c.Post("/signin", "secret=" + secret, "application/x-www-form-urlencoded");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 303);
  EXPECT_EQ(first->get_header_value("Location"), "/");
  const std::string cookie = first->get_header_value("Set-Cookie");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("Max-Age=604800"), std::string::npos) << cookie;
  EXPECT_EQ(cookie.find("Secure"), std::string::npos) << "no TLS, no Secure: " << cookie;
  const auto again = c.Post("/signin", "secret=" + secret, "application/x-www-form-urlencoded");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 403);
  EXPECT_NE(again->body.find("unknown, used or expired"), std::string::npos);
  // The secret is never stored: the store holds its hash only.
  const auto store = open_store((demo_->dir().work() / "s.db").string(), StoreAccess::existing);
  EXPECT_FALSE(store->accounts().use_signin_link(secret, "2000-01-01T00:00:00Z"));
}

TEST_F(ServeAuth, AnEndedOrExpiredSessionGoesBackToSignIn) {
  // A session that expired an hour ago, written as the store keeps it.
  const auto store = open_store((demo_->dir().work() / "s.db").string(), StoreAccess::existing);
  store->accounts().add_session(sha256_hex("stale-secret"), "viewer-1", "csrf-x",
                                "2026-01-01T00:00:00Z", "2026-01-01T01:00:00Z");
  auto c = demo_->anonymous();
  c.set_default_headers({{"Cookie", "qualbar_session=stale-secret"}});
  const auto page = c.Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 303);
  EXPECT_EQ(page->get_header_value("Location"), "/signin?ended=1");
  const auto api = c.Get("/api/v1/runs");
  ASSERT_TRUE(api);
  EXPECT_EQ(api->status, 401);
  EXPECT_NE(api->body.find("your session has ended"), std::string::npos);
  const auto signin = c.Get("/signin?ended=1");
  ASSERT_TRUE(signin);
  EXPECT_NE(signin->body.find("Your session has ended."), std::string::npos);

  // Revoking a person ends their sessions at once.
  const std::string cookie = demo_->sign_in(demo_->add_user("leaving", "viewer"));
  ASSERT_FALSE(cookie.empty());
  auto leaving = demo_->anonymous();
  leaving.set_default_headers({{"Cookie", "qualbar_session=" + cookie}});
  EXPECT_EQ(leaving.Get("/api/v1/runs")->status, 200);
  ASSERT_EQ(run_qualbar("users revoke leaving --store s.db", demo_->dir()).exit_code, 0);
  EXPECT_EQ(leaving.Get("/api/v1/runs")->status, 401);
}

TEST_F(ServeAuth, AStateChangeNeedsTheSessionsCsrfTokenAndThisOrigin) {
  const std::string cookie = demo_->sign_in(demo_->add_user("csrf-check", "viewer"));
  auto c = demo_->anonymous();
  c.set_default_headers({{"Cookie", "qualbar_session=" + cookie}});
  const std::string csrf = json::parse(c.Get("/api/v1/me")->body)["csrf"];
  const auto post = [&](const std::string& body, const httplib::Headers& extra) {
    const auto r = c.Post("/signout", extra, body, "application/x-www-form-urlencoded");
    EXPECT_TRUE(r);
    return r ? r->status : 0;
  };
  EXPECT_EQ(post("", {}), 403);                            // no token
  EXPECT_EQ(post("csrf=wrong", {}), 403);                  // a wrong one
  EXPECT_EQ(post("csrf=" + csrf, {{"Origin", "http://evil.example"}}), 403);  // another site's form
  EXPECT_EQ(post("csrf=" + csrf, {{"Sec-Fetch-Site", "cross-site"}}), 403);
  EXPECT_EQ(c.Get("/api/v1/me")->status, 200) << "a refused sign-out leaves the session";
  // The page's own form: this origin and the token. Signed out, the session is gone.
  const std::string origin = "http://127.0.0.1:" + std::to_string(demo_->port());
  EXPECT_EQ(post("csrf=" + csrf, {{"Origin", origin}, {"Sec-Fetch-Site", "same-origin"}}), 303);
  EXPECT_EQ(c.Get("/api/v1/me")->status, 401);
}

TEST_F(ServeAuth, TokensAreScopedRevocableAndNeverStored) {
  auto unknown = demo_->anonymous();
  unknown.set_default_headers({{"Authorization", "Bearer qbt_not-a-token"}});
  const auto r = unknown.Get("/api/v1/runs");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_NE(r->body.find("unknown or revoked"), std::string::npos);
  auto writer = demo_->with_token("runs:write");
  const auto no_scope = writer.Get("/api/v1/runs");
  ASSERT_TRUE(no_scope);
  EXPECT_EQ(no_scope->status, 403);
  EXPECT_NE(no_scope->body.find("lacks the 'read' scope"), std::string::npos) << no_scope->body;

  const auto made = run_qualbar("tokens add short-lived --scope read --store s.db", demo_->dir());
  ASSERT_EQ(made.exit_code, 0) << made.err;
  const auto at = made.out.find("qbt_");
  const std::string secret = made.out.substr(at, made.out.find('\n', at) - at);
  const std::string id = made.out.substr(made.out.find("t-"), 10);
  auto c = demo_->anonymous();
  c.set_default_headers({{"Authorization", "Bearer " + secret}});
  EXPECT_EQ(c.Get("/api/v1/runs")->status, 200);
  const auto list = run_qualbar("tokens list --store s.db", demo_->dir());
  EXPECT_NE(list.out.find(id), std::string::npos);
  EXPECT_EQ(list.out.find(secret), std::string::npos) << "a token's secret is shown once";
  ASSERT_EQ(run_qualbar("tokens revoke " + id + " --store s.db", demo_->dir()).exit_code, 0);
  EXPECT_EQ(c.Get("/api/v1/runs")->status, 401);
  const auto again = run_qualbar("tokens revoke " + id + " --store s.db", demo_->dir());
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("no token '" + id + "' to revoke"), std::string::npos) << again.err;
}

TEST_F(ServeAuth, EveryWriteIsAuditedWithWhoAndWhen) {
  const std::string cookie = demo_->sign_in(demo_->add_user("audited", "viewer"));
  ASSERT_FALSE(cookie.empty());
  auto admin = demo_->as("admin");
  const json log = json::parse(admin.Get("/api/v1/audit?limit=1000")->body)["audit"];
  bool added = false, signed_in = false;
  for (const auto& e : log) {
    added = added || (e["action"] == "users.add" && e["target"] == "audited" &&
                      e["who"].get<std::string>().rfind("cli:", 0) == 0 &&
                      e["detail"] == "role viewer");
    signed_in = signed_in || (e["action"] == "session.signin" && e["who"] == "audited");
    EXPECT_FALSE(e["at"].get<std::string>().empty());
  }
  EXPECT_TRUE(added) << log.dump(1);
  EXPECT_TRUE(signed_in) << log.dump(1);
  const auto page = admin.Get("/admin");
  ASSERT_TRUE(page);
  EXPECT_NE(page->body.find("audited"), std::string::npos);
  EXPECT_EQ(page->body.find(demo_->token("read")), std::string::npos);
}

TEST(ServeSignin, FailedSignInsFromOneAddressAreRateLimited) {
  test::ServedDemo demo;
  auto c = demo.anonymous();
  for (int i = 0; i < 10; ++i) {
    const auto r = c.Post("/signin", "secret=guess" + std::to_string(i),
                          "application/x-www-form-urlencoded");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 403);
  }
  const auto limited = c.Post("/signin", "secret=guess", "application/x-www-form-urlencoded");
  ASSERT_TRUE(limited);
  EXPECT_EQ(limited->status, 429);
  EXPECT_EQ(limited->get_header_value("Retry-After"), "900");
  // The count is kept in the store, so every serve process on it agrees; until the window passes
  // even a good link is refused from this address.
  EXPECT_TRUE(demo.sign_in(demo.add_user("late", "viewer")).empty());
}

TEST(UsersCli, NamesRolesAndRevocationsAreChecked) {
  TempDir dir("qualbar-users-cli");
  const auto bad_role = run_qualbar("users add ann --role boss --store s.db", dir);
  EXPECT_EQ(bad_role.exit_code, 2);
  const auto bad_name = run_qualbar(std::vector<std::string>{"users", "add", "a b", "--role",
                                                             "viewer", "--store", "s.db"},
                                    dir);
  EXPECT_EQ(bad_name.exit_code, 2);
  EXPECT_NE(bad_name.err.find("user name 'a b': use 1 to 64 letters"), std::string::npos)
      << bad_name.err;
  const auto added = run_qualbar("users add ann --role admin --store s.db --url https://q.example/",
                                 dir);
  ASSERT_EQ(added.exit_code, 0) << added.err;
  EXPECT_NE(added.out.find("  https://q.example/signin/"), std::string::npos) << added.out;
  const auto twice = run_qualbar("users add ann --role viewer --store s.db", dir);
  EXPECT_EQ(twice.exit_code, 2);
  EXPECT_NE(twice.err.find("there is already a user named 'ann' (role admin)"), std::string::npos)
      << twice.err;
  EXPECT_EQ(run_qualbar("users revoke ann --store s.db", dir).exit_code, 0);
  const auto list = run_qualbar("users list --store s.db", dir);
  EXPECT_NE(list.out.find("revoked"), std::string::npos) << list.out;
  EXPECT_EQ(run_qualbar("users link ann --store s.db", dir).exit_code, 2);
  // A revoked name may be given again, with a new role.
  EXPECT_EQ(run_qualbar("users add ann --role viewer --store s.db", dir).exit_code, 0);
  const auto none = run_qualbar("users revoke nobody --store s.db", dir);
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("no user named 'nobody' to revoke"), std::string::npos) << none.err;
}

}  // namespace QB_UNITY_ID
}  // namespace qb
