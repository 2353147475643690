// `qualbar run` against a fake OpenAI-compatible endpoint (tests/support/fake_openai.hpp), as a
// user runs it: the answers, the API key that never leaks, Ctrl-C, a killed run resumed, an
// endpoint that is down.
#include <signal.h>
#include <sqlite3.h>

#include <chrono>
#include <cmath>
#include <map>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "endpoint_fixture.hpp"

namespace qb::test {
namespace QB_UNITY_ID {

using namespace std::chrono_literals;

TEST(OpenAiRun, AnswersAreScoredAndStoredWithUsageCostAndLatency) {
  FakeOpenAI server;
  TempDir dir("qb-openai");
  write_cases(dir);
  write_suite(dir, server.base_url());
  const auto r = run_args({"run", "suite.yaml", "--out", "scores=scores.jsonl", "--format", "json"},
                          dir, kKey);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(server.request_count(), static_cast<std::size_t>(kCases));
  const auto report = nlohmann::json::parse(r.out);
  EXPECT_EQ(report["run"]["status"], "complete");
  EXPECT_EQ(report["run"]["model"], "fake-model");
  // The request carried the key, the model and the case's input as the user message.
  const auto first = server.requests().front();
  EXPECT_EQ(first.header("Authorization"), "Bearer sk-test-0000");
  EXPECT_EQ(first.json["model"], "fake-model");
  // Cases with a 7 in their id pass "seven": 4 of 40.
  std::string scores = read_text(dir.work() / "scores.jsonl");
  EXPECT_NE(scores.find(R"("id":"c007")"), std::string::npos);
  const auto runs = run_args({"report", "latest", "--format", "json"}, dir);
  ASSERT_EQ(runs.exit_code, 0) << runs.err;
  const auto stored = nlohmann::json::parse(runs.out);
  bool seen = false;
  for (const auto& d : stored["dimensions"]) {
    if (d["name"] != "seven") continue;
    seen = true;
    EXPECT_DOUBLE_EQ(d["overall"]["estimate"].get<double>(), 4.0 / kCases) << d.dump();
  }
  EXPECT_TRUE(seen) << runs.out.substr(0, 500);
  // Usage 10 in / 5 out at $1 / $2 per million tokens.
  const auto responses = run_args({"report", "latest", "--format", "scores"}, dir);
  EXPECT_NE(responses.out.find("c039"), std::string::npos);
}

TEST(OpenAiRun, TheApiKeyNeverAppearsInAnyOutputEvenWhenTheEndpointEchoesIt) {
  const std::string canary = "sk-canary-7f3a9c2e51d04b8b";
  // Every answer echoes the request headers (Authorization included); every fifth case gets an
  // error whose body quotes the key back.
  FakeOpenAI server([&](const FakeRequest& req, int n) {
    if (n % 5 == 4)
      return FakeAction::status(
          400, R"({"error":{"message":"bad key )" + req.header("Authorization") + R"("}})");
    FakeAction a = FakeAction::answer("");
    a.kind = FakeAction::Kind::echo_headers;
    return a;
  });
  TempDir dir("qb-canary");
  write_cases(dir, 20);
  write_suite(dir, server.base_url(), "  headers: {X-Team: \"${QB_TEAM_SECRET}\"}\n");
  const EnvChanges env = {{"QB_TEST_KEY", canary}, {"QB_TEAM_SECRET", "team-secret-55aa"}};
  const auto r = run_args(
      {"run", "suite.yaml", "--out", "json=report.json", "--out", "scores=scores.jsonl"}, dir, env);
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.how_it_ended() << r.err;
  ASSERT_EQ(server.request_count(), 20U);
  EXPECT_EQ(server.requests().front().header("Authorization"), "Bearer " + canary)
      << "the key was sent";
  const auto report = run_args({"report", "latest", "--format", "json"}, dir);
  const auto runs = run_args({"runs", "--json"}, dir);
  // Every file qualbar wrote (the store and its WAL included) and everything it printed.
  std::vector<std::pair<std::string, std::string>> outputs = {{"run stdout", r.out},
                                                              {"run stderr", r.err},
                                                              {"report stdout", report.out},
                                                              {"report stderr", report.err},
                                                              {"runs stdout", runs.out}};
  for (const auto& entry : fs::recursive_directory_iterator(dir.work())) {
    if (entry.is_regular_file())
      outputs.emplace_back(entry.path().string(), read_text(entry.path()));
  }
  bool saw_redacted = false;
  for (const auto& [name, text] : outputs) {
    EXPECT_EQ(text.find(canary), std::string::npos) << "the API key leaked into " << name;
    EXPECT_EQ(text.find("team-secret-55aa"), std::string::npos)
        << "a header secret leaked into " << name;
    saw_redacted = saw_redacted || text.find("[redacted]") != std::string::npos;
  }
  EXPECT_TRUE(saw_redacted) << "the echoed key was kept, redacted";
  EXPECT_GE(outputs.size(), 7U) << "the store, the report and the scores were all checked";
}

TEST(OpenAiRun, AKilledRunResumesWithoutAskingTwiceAndEqualsAnUninterruptedRun) {
  // The first 25 requests are answered; later ones hang until the server is told otherwise.
  std::atomic<bool> hang{true};
  FakeOpenAI server([&](const FakeRequest& req, int n) {
    FakeAction a = FakeAction::echo(req);
    if (n >= 25 && hang.load()) a.delay_ms = 60000;
    return a;
  });
  TempDir dir("qb-resume");
  write_cases(dir);
  write_suite(dir, server.base_url(), "  concurrency: 4\n");
  const fs::path db = dir.work() / ".qualbar" / "qualbar.db";
  {
    auto running = start_qualbar({"run", "suite.yaml"}, dir, kKey);
    ASSERT_TRUE(wait_until([&] { return answered_in_store(db) == 25; }))
        << "answers are saved as they arrive; saw " << answered_in_store(db);
    ASSERT_TRUE(wait_until([&] { return server.request_count() >= 29; }));
    running->signal(SIGKILL);
    const auto killed = running->wait();
    EXPECT_EQ(killed.signal, SIGKILL);
  }
  const std::size_t first_phase = server.request_count();
  hang = false;
  const auto list = run_args({"runs"}, dir);
  EXPECT_NE(list.out.find("running (qualbar run --resume)"), std::string::npos) << list.out;
  const auto resumed = run_args({"run", "--resume", "latest", "--format", "json"}, dir, kKey);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;

  const auto log = server.requests();
  const auto before = requests_per_case(
      std::vector<FakeRequest>(log.begin(), log.begin() + static_cast<long>(first_phase)));
  const auto after = requests_per_case(log, static_cast<int>(first_phase));
  int answered_before = 0;
  for (const auto& req : log) {
    if (req.n >= 25 || static_cast<std::size_t>(req.n) >= first_phase) continue;
    ++answered_before;
    EXPECT_EQ(after.count(req.last_user_message), 0U)
        << req.last_user_message << " was answered before the kill and asked again";
  }
  EXPECT_EQ(answered_before, 25);
  for (int i = 0; i < kCases; ++i) {
    const std::string id = fmt::format("c{:03}", i);
    const int asked_after = after.count(id) ? after.at(id) : 0;
    EXPECT_LE(asked_after, 1) << id;
    EXPECT_TRUE(asked_after == 1 || before.count(id)) << id << " was never asked";
  }
  EXPECT_EQ(after.size(), static_cast<std::size_t>(kCases - 25));

  // The same metrics as a run that was never interrupted.
  TempDir clean("qb-resume-clean");
  write_cases(clean);
  write_suite(clean, server.base_url(), "  concurrency: 4\n");
  const auto whole = run_args({"run", "suite.yaml", "--format", "json", "--no-store"}, clean, kKey);
  ASSERT_EQ(whole.exit_code, 0) << whole.err;
  const auto a = nlohmann::json::parse(resumed.out);
  const auto b = nlohmann::json::parse(whole.out);
  for (std::size_t d = 0; d < a["dimensions"].size(); ++d) {
    if (a["dimensions"][d]["name"] == "latency") continue;  // time differs run to run
    EXPECT_EQ(a["dimensions"][d]["overall"], b["dimensions"][d]["overall"]);
    EXPECT_EQ(a["dimensions"][d]["slices"], b["dimensions"][d]["slices"]);
  }
  EXPECT_EQ(a["summary"]["n_cases"], kCases);
}

TEST(OpenAiRun, CtrlCOnceFinishesTheCallsInFlightSavesAndResumes) {
  FakeOpenAI server([](const FakeRequest& req, int) {
    FakeAction a = FakeAction::echo(req);
    a.delay_ms = 300;
    return a;
  });
  TempDir dir("qb-sigint");
  write_cases(dir, 20);
  write_suite(dir, server.base_url(), "  concurrency: 2\n");
  const fs::path db = dir.work() / ".qualbar" / "qualbar.db";
  auto running = start_qualbar({"run", "suite.yaml"}, dir, kKey);
  ASSERT_TRUE(wait_until([&] { return answered_in_store(db) >= 2; }));
  running->signal(SIGINT);
  const auto r = running->wait();
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("interrupted"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Continue it with: qualbar run --resume r-"), std::string::npos) << r.err;
  // Every request that was sent was answered and saved: the ones in flight were finished.
  const int saved = answered_in_store(db);
  EXPECT_EQ(static_cast<std::size_t>(saved), server.request_count());
  EXPECT_LT(saved, 20);
  const auto list = run_args({"runs", "--json"}, dir);
  EXPECT_EQ(nlohmann::json::parse(list.out)[0]["status"], "interrupted");
  const auto report = run_args({"report", "latest"}, dir);
  EXPECT_EQ(report.exit_code, 2);
  EXPECT_NE(
      report.err.find(fmt::format("is interrupted ({} of 20 cases answered) and has no report "
                                  "yet. Continue it with: qualbar run --resume r-",
                                  saved)),
      std::string::npos)
      << report.err;
  const auto resumed = run_args({"run", "--resume", "latest"}, dir, kKey);
  EXPECT_TRUE(resumed.exit_code == 0 || resumed.exit_code == 1) << resumed.err;
  EXPECT_EQ(server.request_count(), 20U);
  EXPECT_EQ(answered_in_store(db), 20);
}

TEST(OpenAiRun, CtrlCTwiceDropsTheCallsInFlightAndStaysResumable) {
  std::atomic<bool> slow{true};
  FakeOpenAI server([&](const FakeRequest& req, int n) {
    FakeAction a = FakeAction::echo(req);
    if (n >= 3 && slow.load()) a.delay_ms = 30000;
    return a;
  });
  TempDir dir("qb-sigint2");
  write_cases(dir, 12);
  write_suite(dir, server.base_url(), "  concurrency: 2\n");
  const fs::path db = dir.work() / ".qualbar" / "qualbar.db";
  auto running = start_qualbar({"run", "suite.yaml"}, dir, kKey);
  ASSERT_TRUE(
      wait_until([&] { return answered_in_store(db) == 3 && server.request_count() == 5; }));
  running->signal(SIGINT);
  std::this_thread::sleep_for(50ms);
  running->signal(SIGINT);
  const auto r = running->wait();
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_EQ(answered_in_store(db), 3) << "the two calls in flight were dropped, not waited for";
  slow = false;
  const auto resumed = run_args({"run", "--resume", "latest"}, dir, kKey);
  EXPECT_TRUE(resumed.exit_code == 0 || resumed.exit_code == 1) << resumed.err;
  EXPECT_EQ(answered_in_store(db), 12);
}

TEST(OpenAiRun, AnEndpointThatIsDownStopsTheRunWithExit3AndAResumableRecord) {
  int port = 0;
  {
    FakeOpenAI gone;  // a port that was just free and now has nothing listening
    port = gone.port();
  }
  TempDir dir("qb-down");
  write_cases(dir, 5);
  write_suite(dir, fmt::format("http://127.0.0.1:{}/v1", port), "  max_connect_failures: 3\n");
  const auto r = run_args({"run", "suite.yaml"}, dir, kKey);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find(fmt::format("cannot reach http://127.0.0.1:{}/v1", port)), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("0 of 5 cases were answered and are saved in run r-"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("qualbar run --resume r-"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "") << "no report for a run that did not complete";
  const auto list = run_args({"runs", "--json"}, dir);
  EXPECT_EQ(nlohmann::json::parse(list.out)[0]["status"], "failed");
}

// A suite validates without its key (the key is needed to run, not to check the files); the run
// stops before any call, naming the variable.
TEST(OpenAiRun, AMissingKeyVariableIsAnInputErrorOfTheRunNamingTheVariable) {
  FakeOpenAI server;
  TempDir dir("qb-nokey");
  write_cases(dir, 2);
  write_suite(dir, server.base_url());
  const auto v = run_args({"validate", "suite.yaml"}, dir, {{"QB_TEST_KEY", std::nullopt}});
  EXPECT_EQ(v.exit_code, 0) << v.err;
  EXPECT_NE(v.out.find("note: a run needs QB_TEST_KEY (system.api_key_env), which is not set"),
            std::string::npos)
      << v.out;
  const auto r = run_args({"run", "suite.yaml", "--no-store"}, dir, {{"QB_TEST_KEY", std::nullopt}});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("suite.yaml:8:16: field 'system.api_key_env': the environment variable "
                       "QB_TEST_KEY is not set"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(server.request_count(), 0U);
}

TEST(OpenAiRun, ARerunOfAnUnchangedSuiteAtTemperatureZeroIsAnsweredFromTheCache) {
  FakeOpenAI server;
  TempDir dir("qb-cache");
  write_cases(dir, 10);
  write_suite(dir, server.base_url(), "  temperature: 0\n");
  ASSERT_EQ(run_args({"run", "suite.yaml"}, dir, kKey).exit_code, 0);
  EXPECT_EQ(server.request_count(), 10U);
  const auto again = run_args({"run", "suite.yaml"}, dir, kKey);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(server.request_count(), 10U) << "no call the second time";
  EXPECT_NE(again.out.find("0 case(s) called now, 0 answered before this run was resumed, 10 from "
                           "the response cache"),
            std::string::npos)
      << again.out;
}

TEST(OpenAiRun, StreamingRecordsTimeToFirstTokenLogprobConfidenceUsageAndCost) {
  FakeOpenAI server([](const FakeRequest& req, int) {
    return FakeAction::echo(req).with_logprobs({-0.1, -0.3}).with_usage(1000, 200);
  });
  TempDir dir("qb-stream");
  write_cases(dir, 6);
  write_suite(dir, server.base_url(), "  stream: true\n  logprobs: true\n");
  const auto r = run_args({"run", "suite.yaml"}, dir, kKey);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(server.requests().front().wants_stream);
  const auto responses = stored_responses(dir.work() / ".qualbar" / "qualbar.db");
  ASSERT_EQ(responses.size(), 6U);
  for (const auto& resp : responses) {
    EXPECT_EQ(resp["output"], "echo: " + resp["id"].get<std::string>()) << resp.dump();
    EXPECT_TRUE(resp.contains("ttft_ms")) << resp.dump();
    EXPECT_LE(resp["ttft_ms"].get<double>(), resp["latency_ms"].get<double>());
    // The geometric mean of the tokens' probabilities: exp((-0.1 - 0.3) / 2).
    EXPECT_NEAR(resp["confidence"].get<double>(), std::exp(-0.2), 1e-9) << resp.dump();
    EXPECT_EQ(resp["usage"]["input_tokens"], 1000);
    EXPECT_EQ(resp["usage"]["output_tokens"], 200);
    // $1 per million prompt tokens, $2 per million answer tokens.
    EXPECT_NEAR(resp["cost_usd"].get<double>(), (1000 * 1.0 + 200 * 2.0) / 1e6, 1e-12);
  }
}

TEST(OpenAiRun, AJudgedDimensionIsGradedByTheJudgeAndARerunAsksItNothing) {
  // The judge passes answers that give a number of days.
  FakeOpenAI judge([](const FakeRequest& req, int) {
    const auto at = req.last_user_message.rfind("ANSWER:\n");
    const std::string answer = at == std::string::npos ? "" : req.last_user_message.substr(at);
    return FakeAction::answer(answer.find("days") != std::string::npos
                                  ? R"({"verdict":"pass","reason":"gives the time"})"
                                  : R"({"verdict":"fail","reason":"no time given"})");
  });
  TempDir dir("qb-judge");
  write_cases(dir, 4);
  std::ofstream(dir.work() / "responses.jsonl") << R"({"id":"c000","output":"It takes 5 days."})"
                                                   "\n"
                                                << R"({"id":"c001","output":"Ask support."})"
                                                   "\n"
                                                << R"({"id":"c002","output":"About 3 days."})"
                                                   "\n"
                                                << R"({"id":"c003","output":"","error":"timeout"})"
                                                   "\n";
  std::ofstream(dir.work() / "suite.yaml") << fmt::format(
      "schema_version: 1\nname: judged\ndatasets: cases.jsonl\n"
      "system: {{provider: replay, responses: responses.jsonl}}\n"
      "judge: {{base_url: {}, model: judge-1, api_key_env: QB_TEST_KEY}}\n"
      "dimensions:\n  helpful:\n    scorer: judge\n    args: {{rubric: \"Says how long.\"}}\n",
      judge.base_url());
  const auto r = run_args({"run", "suite.yaml", "--format", "json"}, dir, kKey);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(judge.request_count(), 3U) << "the failed call is not judged";
  const auto report = nlohmann::json::parse(r.out);
  const auto& helpful = report["dimensions"][0];
  EXPECT_EQ(helpful["name"], "helpful");
  EXPECT_DOUBLE_EQ(helpful["overall"]["estimate"].get<double>(), 0.5);  // 2 of 4, the error fails
  const auto again = run_args({"run", "suite.yaml"}, dir, kKey);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(judge.request_count(), 3U) << "same requests at temperature 0: answered from the cache";
  EXPECT_NE(again.out.find("The judge was asked about 3 answer(s): 3 from the cache."),
            std::string::npos)
      << again.out;
  // Without the key the run does not start.
  const auto no_key = run_args({"run", "suite.yaml"}, dir, {{"QB_TEST_KEY", std::nullopt}});
  EXPECT_EQ(no_key.exit_code, 2);
  EXPECT_NE(no_key.err.find("field 'judge.api_key_env': the environment variable QB_TEST_KEY is "
                            "not set"),
            std::string::npos)
      << no_key.err;
}

}  // namespace QB_UNITY_ID
}  // namespace qb::test
