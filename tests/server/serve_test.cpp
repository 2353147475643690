// qualbar serve over HTTP: the API and the pages from a store holding the demo's two runs, a real
// server process on a free port, asked by a real HTTP client.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "serve_fixture.hpp"

namespace qb {
namespace QB_UNITY_ID {

using nlohmann::json;
using test::run_qualbar;
using test::TempDir;

class Serve : public test::ServedDemoSuite<Serve> {
 protected:

  // A client with the `read` API token, on one keep-alive connection.
  static httplib::Client client() { return demo_->with_token("read"); }
  static json get_json(httplib::Client& c, const std::string& path, int status = 200) {
    const auto r = c.Get(path);
    EXPECT_TRUE(r) << path;
    if (!r) return {};
    EXPECT_EQ(r->status, status) << path << "\n" << r->body;
    EXPECT_EQ(r->get_header_value("Content-Type"), "application/json") << path;
    return json::parse(r->body);
  }

  // Sends `request` on a connection of its own and reads until the server closes it.
  static std::string raw_exchange(const std::string& request) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(demo_->port()));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    std::string out;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
        ::send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
            static_cast<ssize_t>(request.size())) {
      timeval tv{5, 0};
      ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      char buf[4096];
      for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) out.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return out;
  }

};

TEST_F(Serve, HealthAndReadinessWithTheSecurityHeadersOnEveryResponse) {
  auto c = client();
  EXPECT_EQ(get_json(c, "/healthz")["status"], "ok");
  EXPECT_EQ(get_json(c, "/readyz")["status"], "ready");
  const auto r = c.Get("/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->get_header_value("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(r->get_header_value("X-Frame-Options"), "DENY");
  EXPECT_EQ(r->get_header_value("Referrer-Policy"), "no-referrer");
  EXPECT_EQ(r->get_header_value("Cache-Control"), "no-store");
  EXPECT_EQ(r->get_header_value("Content-Security-Policy").rfind("default-src 'none'", 0), 0U);
}

TEST_F(Serve, RunsNewestFirstWithTheirSummaryAndReport) {
  auto c = client();  // one keep-alive connection for all of these
  const json runs = get_json(c, "/api/v1/runs")["runs"];
  ASSERT_EQ(runs.size(), 2U) << runs.dump(2);
  EXPECT_EQ(runs[0]["model"], "support-bot-v2");
  EXPECT_EQ(runs[1]["model"], "support-bot-v1");
  EXPECT_EQ(runs[0]["passed"], false);
  const std::string id = runs[0]["id"];
  EXPECT_EQ(runs[0]["links"]["summary"], "/api/v1/runs/" + id + "/summary");
  EXPECT_EQ(get_json(c, "/api/v1/runs?limit=1")["runs"].size(), 1U);
  EXPECT_TRUE(get_json(c, "/api/v1/runs?suite=another")["runs"].empty());
  EXPECT_EQ(get_json(c, "/api/v1/runs?suite=support-assistant-demo")["runs"].size(), 2U);
  const json v1 = get_json(c, "/api/v1/runs?model=support-bot-v1")["runs"];
  ASSERT_EQ(v1.size(), 1U);
  EXPECT_EQ(v1[0]["model"], "support-bot-v1");
  EXPECT_EQ(get_json(c, "/api/v1/runs?status=complete")["runs"].size(), 2U);
  EXPECT_TRUE(get_json(c, "/api/v1/runs?status=running")["runs"].empty());
  const std::string started = runs[0]["started_at"];
  EXPECT_EQ(get_json(c, "/api/v1/runs?since=" + started)["runs"].size(), 1U);
  EXPECT_EQ(get_json(c, "/api/v1/runs?until=" + started)["runs"].size(), 1U);
  EXPECT_EQ(get_json(c, "/api/v1/runs?since=2000-01-01&until=2000-01-02")["runs"].size(), 0U);
  const json bad = get_json(c, "/api/v1/runs?status=done", 400);
  EXPECT_NE(bad["error"]["message"].get<std::string>().find("'done' is not a status"),
            std::string::npos);

  const json summary = get_json(c, "/api/v1/runs/latest/summary");
  EXPECT_EQ(summary["run"]["id"], id);
  EXPECT_EQ(summary["passed"], false);
  ASSERT_EQ(summary["failures"].size(), 7U);
  EXPECT_EQ(summary["failures"][0]["text"].get<std::string>().rfind(
                "answer_correct in category=refund-dispute (critical slice)", 0),
            0U);
  // A prefix and latest~1 name runs too; the full report is the JSON report's schema.
  EXPECT_EQ(get_json(c, "/api/v1/runs/latest~1/summary")["run"]["model"], "support-bot-v1");
  EXPECT_EQ(get_json(c, "/api/v1/runs/" + id.substr(0, 20) + "/summary")["run"]["id"], id);
  EXPECT_EQ(get_json(c, "/api/v1/runs/latest/report")["schema"], "qualbar.report/1");
}

TEST_F(Serve, CasesArePagedAndFilteredFromTheStore) {
  auto c = client();
  const json first = get_json(c, "/api/v1/runs/latest/cases?failing=grounded&limit=5");
  ASSERT_EQ(first["cases"].size(), 5U);
  ASSERT_TRUE(first["next"].is_number());
  for (const auto& row : first["cases"]) {
    EXPECT_EQ(row["case"]["id"], row["id"]);
    EXPECT_TRUE(row["response"].contains("output"));
    // Every dimension's score; the filter's dimension fails, with the evidence saying why.
    EXPECT_EQ(row["scores"].size(), 10U) << row["scores"].dump();
    EXPECT_EQ(row["scores"]["grounded"]["failing"], true) << row.dump();
    EXPECT_FALSE(row["scores"]["grounded"]["evidence"].get<std::string>().empty());
  }
  const json second = get_json(
      c, "/api/v1/runs/latest/cases?failing=grounded&limit=5&after=" + first["next"].dump());
  ASSERT_FALSE(second["cases"].empty());
  EXPECT_GT(second["cases"][0]["index"].get<int>(), first["cases"][4]["index"].get<int>());
  // 44 of v2's 200 answers fail grounded (78.0%): every page together lists them once.
  std::size_t all = 0;
  std::string after;
  for (int pages = 0; pages < 20; ++pages) {
    const json p = get_json(c, "/api/v1/runs/latest/cases?failing=grounded&limit=10" + after);
    all += p["cases"].size();
    if (p["next"].is_null()) break;
    after = "&after=" + p["next"].dump();
  }
  EXPECT_EQ(all, 44U);
  const json text = get_json(c, "/api/v1/runs/latest/cases?q=chargeback&limit=100");
  ASSERT_FALSE(text["cases"].empty());
  const json category =
      get_json(c, "/api/v1/runs/latest/cases?slice=category&value=refund-dispute&limit=100");
  EXPECT_EQ(category["cases"].size(), 17U);
  const json bad = get_json(c, "/api/v1/runs/latest/cases?failing=groundd", 400);
  EXPECT_NE(bad["error"]["message"].get<std::string>().find("groundd"), std::string::npos);
  get_json(c, "/api/v1/runs/latest/cases?limit=lots", 400);
}

TEST_F(Serve, ErrorsSayWhatIsWrong) {
  auto c = client();
  const json missing = get_json(c, "/api/v1/runs/r-nope/summary", 404);
  EXPECT_NE(missing["error"]["message"].get<std::string>().find("no run 'r-nope'"),
            std::string::npos);
  get_json(c, "/api/v1/nothing-here", 404);
  const auto post = c.Post("/api/v1/runs/latest/summary", "{}", "application/json");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 405);
  EXPECT_EQ(post->get_header_value("Allow"), "GET");
  const auto bad_query = c.Get("/api/v1/runs?limit=%zz");
  ASSERT_TRUE(bad_query);
  EXPECT_EQ(bad_query->status, 400);
  httplib::Headers huge{{"X-Padding", std::string(20'000, 'x')}};
  const auto big = client().Get("/healthz", huge);
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 431);
  // A body over the limit is refused from its Content-Length, before it is read.
  const std::string answer = raw_exchange(
      "PATCH /api/v1/runs/latest HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
      "Content-Length: 2097152\r\n\r\nxxxx");
  EXPECT_EQ(answer.rfind("HTTP/1.1 413 ", 0), 0U) << answer;
  EXPECT_NE(answer.find("over the limit of 1048576 bytes"), std::string::npos) << answer;
  EXPECT_EQ(raw_exchange("NOT HTTP\r\n\r\n").rfind("HTTP/1.1 400 ", 0), 0U);
}

TEST_F(Serve, PagesListTheRunsAndShowAReport) {
  auto c = demo_->as("viewer");
  const auto runs = c.Get("/");
  ASSERT_TRUE(runs);
  EXPECT_EQ(runs->status, 200);
  EXPECT_EQ(runs->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(runs->body.find("support-bot-v2"), std::string::npos);
  EXPECT_NE(runs->body.find("<a href=\"/runs/r-"), std::string::npos);
  EXPECT_EQ(runs->body.find("<script"), std::string::npos);
  const auto report = c.Get("/runs/latest");
  ASSERT_TRUE(report);
  EXPECT_EQ(report->status, 200);
  EXPECT_NE(report->body.find("FAIL — 7 bars missed"), std::string::npos);
  // Drawn without its cases, the served report sends each dimension's failing cases to the
  // case explorer rather than saying none failed.
  EXPECT_NE(report->body.find("/cases?failing=grounded\">grounded</a>"), std::string::npos);
  EXPECT_NE(report->body.find("/cases?failing=answer_correct\">answer_correct</a>"),
            std::string::npos);
  EXPECT_EQ(report->body.find("No case failed"), std::string::npos);
  const auto head = c.Head("/runs/latest");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_TRUE(head->body.empty());
}

TEST(ServeCli, AnAddressOtherMachinesReachNeedsInsecureHttp) {
  TempDir dir("qualbar-serve-cli");
  ASSERT_EQ(run_qualbar("demo --dir d --store s.db", dir).exit_code, 0);
  const auto r = run_qualbar("serve --store s.db --listen 0.0.0.0:0", dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--listen 0.0.0.0:0: only this machine can reach a loopback address"),
            std::string::npos)
      << r.err;
  const auto bad = run_qualbar("serve --store s.db --listen localhost", dir);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("expected HOST:PORT"), std::string::npos) << bad.err;
  const auto none = run_qualbar("serve --store missing.db --listen 127.0.0.1:0", dir);
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("there is no store at 'missing.db'"), std::string::npos) << none.err;
}

}  // namespace QB_UNITY_ID
}  // namespace qb
