// Runs uploaded as run bundles: `qualbar run|report --out bundle=F`, `qualbar push`, and
// POST /api/v1/runs — stored once, readable by every page, refused with the field named when bad.
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>

#include "serve_fixture.hpp"

namespace qb {
namespace QB_UNITY_ID {

using nlohmann::json;
using test::run_qualbar;

// Sends `request` on a new connection and returns what the server says within a second.
std::string raw_exchange(int port, const std::string& request) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string out;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size())) {
    timeval wait{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
    char buf[4096];
    for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;)
      out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

std::vector<std::string> case_ids(const json& page) {
  std::vector<std::string> ids;
  for (const auto& c : page.at("cases")) ids.push_back(c.at("id"));
  return ids;
}

TEST(ServeUpload, PushedBundleIsStoredOnceAndReadByEveryPage) {
  test::ServedDemo demo;
  const auto& dir = demo.dir();
  // Another machine's run: a demo of its own, bundled from its store.
  ASSERT_EQ(run_qualbar("demo --dir other --store other.db", dir).exit_code, 0);
  const auto bundled = run_qualbar(
      "report latest --store other.db -q --out bundle=run.qbb --out bundle-hashes=h.qbb", dir);
  ASSERT_EQ(bundled.exit_code, 1) << bundled.err;  // the demo's latest run misses a bar
  const std::string text = test::read_text(dir.work() / "run.qbb");
  EXPECT_EQ(text.rfind(R"({"schema":"qualbar.run-bundle/1","run":{"id":")", 0), 0U)
      << text.substr(0, 80);
  const std::string id = json::parse(text.substr(0, text.find('\n')))["run"]["id"];
  auto read = demo.with_token("read");
  const std::string here = json::parse(read.Get("/api/v1/runs")->body)["runs"][0]["id"];

  const std::string url = "http://127.0.0.1:" + std::to_string(demo.port());
  const std::string token = demo.token("runs:write");
  const auto pushed =
      run_qualbar(std::vector<std::string>{"push", "run.qbb", "--to", url, "--token", token}, dir);
  ASSERT_EQ(pushed.exit_code, 0) << pushed.err;
  EXPECT_NE(pushed.out.find("Pushed run " + id), std::string::npos) << pushed.out;
  EXPECT_EQ(pushed.out.find(token), std::string::npos);
  // Again (a retried CI job): stored already, nothing changes.
  const auto again = run_qualbar(std::vector<std::string>{"push", "run.qbb", "--to", url}, dir,
                                 {{"QUALBAR_TOKEN", token}});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("Already there: run " + id), std::string::npos) << again.out;

  // Every page reads it as a run made there: its summary, report, cases and their filters.
  const json runs = json::parse(read.Get("/api/v1/runs")->body)["runs"];
  EXPECT_EQ(runs.size(), 3U);
  const auto summary = read.Get("/api/v1/runs/" + id + "/summary");
  ASSERT_EQ(summary->status, 200) << summary->body;
  EXPECT_EQ(json::parse(summary->body)["passed"], false);
  const json failing =
      json::parse(read.Get("/api/v1/runs/" + id + "/cases?failing=grounded&limit=1000")->body);
  const auto local = run_qualbar("report latest --store other.db --format json", dir);
  EXPECT_EQ(json::parse(read.Get("/api/v1/runs/" + id + "/report")->body)["summary"],
            json::parse(local.out)["summary"]);
  EXPECT_FALSE(case_ids(failing).empty());
  const json refunds = json::parse(
      read.Get("/api/v1/runs/" + id + "/cases?slice=category&value=refund-dispute&limit=1000")
          ->body);
  EXPECT_FALSE(case_ids(refunds).empty());
  auto viewer = demo.as("viewer");
  EXPECT_EQ(viewer.Get("/runs/" + id)->status, 200);
  EXPECT_EQ(viewer.Get("/runs/" + id + "/cases")->status, 200);
  EXPECT_EQ(viewer.Get("/compare/" + here + "/" + id)->status, 200);
  // Audited, with the token as who.
  const json audit = json::parse(demo.as("admin").Get("/api/v1/audit")->body)["audit"];
  EXPECT_EQ(audit[0]["action"], "runs.upload");
  EXPECT_EQ(audit[0]["target"], id);
  EXPECT_EQ(audit[0]["who"], "token for-runs-write");
}

TEST(ServeUpload, BadBundlesAndWrongTokensAreRefusedNamingWhy) {
  test::ServedDemo demo;
  const auto& dir = demo.dir();
  ASSERT_EQ(run_qualbar("report latest --store s.db -q --out bundle=run.qbb", dir).exit_code, 1);
  const std::string text = test::read_text(dir.work() / "run.qbb");
  auto writer = demo.with_token("runs:write");
  const auto post = [&](httplib::Client& c, const std::string& body) {
    const auto r = c.Post("/api/v1/runs", body, "application/x-ndjson");
    EXPECT_TRUE(r);
    return r ? std::make_pair(r->status, r->body) : std::make_pair(0, std::string());
  };
  // The same run as stored: 200, stored already.
  EXPECT_EQ(post(writer, text).first, 200);
  // Another run under its id: 409.
  std::string other = text;
  other.replace(other.find("\"model\":\"support-bot-v2\""), 24, "\"model\":\"support-bot-v9\"");
  const auto conflict = post(writer, other);
  EXPECT_EQ(conflict.first, 409) << conflict.second;
  EXPECT_NE(conflict.second.find("a different run with id"), std::string::npos);
  // A case line cut short: 400 naming the line and the field.
  std::string broken = text;
  const std::size_t third = broken.find('\n', broken.find('\n') + 1) + 1;
  broken.replace(broken.find("\"scores\":[", third), 10, "\"scores\":7,\"x\":[");
  const auto bad = post(writer, broken);
  EXPECT_EQ(bad.first, 400);
  EXPECT_NE(bad.second.find("the bundle line 3: field 'scores': expected one score per dimension"),
            std::string::npos)
      << bad.second;
  const auto schema = post(writer, R"({"schema":"qualbar.run-bundle/9"})"
                                   "\n");
  EXPECT_EQ(schema.first, 400);
  EXPECT_NE(schema.second.find(
                "the bundle line 1: field 'schema': 'qualbar.run-bundle/9': this qualbar reads "
                "qualbar.run-bundle/1"),
            std::string::npos)
      << schema.second;
  // Bigger than the 1 MiB of any other body, under the upload limit: read, then refused as a
  // bundle.
  const auto big = post(writer, std::string(2 * 1024 * 1024, 'x'));
  EXPECT_EQ(big.first, 400) << big.second;
  // Tokens: none 401, a read token 403 naming the scope.
  auto anonymous = demo.anonymous();
  EXPECT_EQ(post(anonymous, text).first, 401);
  auto reader = demo.with_token("read");
  const auto scope = post(reader, text);
  EXPECT_EQ(scope.first, 403);
  EXPECT_NE(scope.second.find("runs:write"), std::string::npos) << scope.second;

  // push checks the bundle before sending it, and says what a refusal means.
  std::ofstream(dir.work() / "broken.qbb") << broken;
  const std::string url = "http://127.0.0.1:" + std::to_string(demo.port());
  const auto local = run_qualbar(std::vector<std::string>{"push", "broken.qbb", "--to", url,
                                                          "--token", demo.token("runs:write")},
                                 dir);
  EXPECT_EQ(local.exit_code, 2);
  EXPECT_EQ(
      local.err,
      "qualbar: error: broken.qbb line 3: field 'scores': expected one score per dimension (10)\n");
  const auto refused = run_qualbar(
      std::vector<std::string>{"push", "run.qbb", "--to", url, "--token", demo.token("read")}, dir);
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("the token needs the runs:write scope"), std::string::npos)
      << refused.err;
  EXPECT_EQ(refused.err.find(demo.token("read")), std::string::npos);
  const auto no_token = run_qualbar(std::vector<std::string>{"push", "run.qbb", "--to", url}, dir,
                                    {{"QUALBAR_TOKEN", ""}});
  EXPECT_EQ(no_token.exit_code, 2);

  // A server with a smaller upload limit refuses a bigger bundle from its length, before it is
  // sent: a client that asks first (Expect: 100-continue) is answered 413 at once.
  auto small = test::start_qualbar({"serve", "--store", "s.db", "--listen", "127.0.0.1:0",
                                    "--max-upload-mb", "1", "--monitor-every", "0"},
                                   dir);
  int port = 0;
  for (int i = 0; i < 400 && port == 0; ++i) {
    const std::string out = small->out_so_far();
    const auto at = out.find("http://127.0.0.1:");
    if (at != std::string::npos)
      port = std::stoi(out.substr(at + 17));
    else
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  ASSERT_NE(port, 0) << small->err_so_far();
  const std::string head =
      "POST /api/v1/runs HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
      demo.token("runs:write") + "\r\nContent-Length: 1048577\r\nExpect: 100-continue\r\n\r\n";
  EXPECT_NE(raw_exchange(port, head).find("HTTP/1.1 413"), std::string::npos);
  // Within it, the client is told to go on.
  const std::string fits =
      "POST /api/v1/runs HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
      demo.token("runs:write") + "\r\nContent-Length: 10\r\nExpect: 100-continue\r\n\r\n";
  EXPECT_EQ(raw_exchange(port, fits).rfind("HTTP/1.1 100 Continue\r\n", 0), 0U);
  small->signal(SIGTERM);
  EXPECT_EQ(small->wait().exit_code, 0);
}

TEST(ServeUpload, RunWritesABundleFromTheStoredRunAndWithheldTextsStayHome) {
  test::ServedDemo demo;
  const auto& dir = demo.dir();
  const auto no_store = run_qualbar("run d/suite.yaml --no-store --out bundle=x.qbb", dir);
  EXPECT_EQ(no_store.exit_code, 2);
  EXPECT_EQ(no_store.err,
            "qualbar: error: --out 'bundle=x.qbb': a run bundle is written from the stored run; "
            "drop --no-store\n");
  const auto format = run_qualbar("report latest --store s.db --format bundle", dir);
  EXPECT_EQ(format.exit_code, 2);
  const auto ran = run_qualbar("run d/suite.yaml --store s2.db -q --out bundle-hashes=h.qbb", dir);
  ASSERT_LE(ran.exit_code, 1) << ran.err;
  const std::string text = test::read_text(dir.work() / "h.qbb");
  EXPECT_EQ(text.find("chargeback"), std::string::npos) << "no case or output text";
  const std::string url = "http://127.0.0.1:" + std::to_string(demo.port());
  ASSERT_EQ(run_qualbar(std::vector<std::string>{"push", "h.qbb", "--to", url, "--token",
                                                 demo.token("runs:write")},
                        dir)
                .exit_code,
            0);
  auto read = demo.with_token("read");
  const json cases = json::parse(read.Get("/api/v1/runs/latest/cases?limit=1")->body)["cases"];
  ASSERT_EQ(cases.size(), 1U);
  EXPECT_NE(cases[0]["case"].dump().find("(withheld: sha256 "), std::string::npos) << cases[0];
  EXPECT_EQ(read.Get("/api/v1/runs/latest/summary")->status, 200);
}

}  // namespace QB_UNITY_ID
}  // namespace qb
