// Faults of the endpoint and the judge as a user meets them through `qualbar run`: keys echoed
// back, judges that do not grade, Ctrl-C while the judge grades, calls that time out, a run
// resumed after a wrong key, two resumes at once, a run where nothing answered, a store that
// cannot take the run, an answer too large to keep.
#include <signal.h>
#include <sqlite3.h>

#include <atomic>
#include <fstream>
#include <random>
#include <set>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "endpoint_fixture.hpp"

namespace qb::test {
namespace QB_UNITY_ID {

// Every file under the test folder (the store and its WAL, the reports) and every stream printed.
std::vector<std::pair<std::string, std::string>> everything_written(
    const TempDir& dir, const std::vector<std::pair<std::string, ProcessResult>>& runs) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [what, r] : runs) {
    out.emplace_back(what + " stdout", r.out);
    out.emplace_back(what + " stderr", r.err);
  }
  for (const auto& entry : fs::recursive_directory_iterator(dir.work()))
    if (entry.is_regular_file()) out.emplace_back(entry.path().string(), read_text(entry.path()));
  return out;
}

// The first 8-character piece of `secret` found in `text`, or "".
std::string piece_of(const std::string& text, const std::string& secret) {
  for (std::size_t i = 0; i + 8 <= secret.size(); ++i)
    if (text.find(secret.substr(i, 8)) != std::string::npos) return secret.substr(i, 8);
  return "";
}

std::string case_of(const FakeRequest& req) {
  // The judge's prompt quotes the answer; the system's is the case id itself.
  const auto at = req.last_user_message.find("INPUT:\n");
  return at == std::string::npos ? req.last_user_message : req.last_user_message.substr(at + 7, 4);
}

void write_judged_suite(const TempDir& dir, const std::string& system_url,
                        const std::string& judge_url, const std::string& extra = "") {
  std::ofstream(dir.work() / "suite.yaml") << fmt::format(
      "schema_version: 1\nname: faults\ndatasets: cases.jsonl\n"
      "system:\n  provider: openai\n  base_url: {}\n  model: fake-model\n"
      "  api_key_env: QB_TEST_KEY\n  retry_base_s: 0.01\n  max_attempts: 1\n"
      "judge: {{base_url: {}, model: judge-1, api_key_env: QB_TEST_KEY, retry_base_s: 0.01, "
      "max_attempts: 1}}\n"
      "dimensions:\n  helpful:\n    scorer: judge\n    args: {{rubric: \"Answers the "
      "question.\"}}\n"
      "{}",
      system_url, judge_url, extra);
}

TEST(Faults, NoPieceOfALongKeyIsWrittenAnywhereWhateverTheEndpointOrTheJudgeEchoes) {
  const std::string key = "sk-proj-" + std::string(40, 'Q') + "-canary-7f3a9c2e51d04b8b";
  const std::string pad(185, '.');
  // The system: errors that quote the key where a 200-byte excerpt is cut, HTML error pages,
  // answers that echo every header.
  FakeOpenAI system([&](const FakeRequest& req, int) {
    const std::string sent = req.header("Authorization");
    switch (std::stoi(req.last_user_message.substr(1)) % 4) {
      case 0:
        return FakeAction::status(
            400, R"({"error":{"message":")" + pad + "invalid key " + sent + "\"}}");
      case 1:
        return FakeAction::status(
            502, "<html><body><h1>Bad gateway</h1>" + pad + sent + "</body></html>");
      case 2:
        return FakeAction::echo_headers();
      default:
        return FakeAction::answer("A fine answer.");
    }
  });
  // The judge: an error page quoting the key for some answers, a verdict for the others.
  FakeOpenAI judge([&](const FakeRequest& req, int n) {
    if (n % 2 == 0)
      return FakeAction::status(500, pad + "judge saw " + req.header("Authorization"));
    return FakeAction::answer(R"({"verdict":"pass","reason":"ok"})");
  });
  TempDir dir("qb-canary-all");
  write_cases(dir, 24);
  write_judged_suite(dir, system.base_url(), judge.base_url());
  const EnvChanges env = {{"QB_TEST_KEY", key}};
  std::vector<std::pair<std::string, ProcessResult>> runs;
  runs.emplace_back(
      "run", run_args({"run", "suite.yaml", "--out", "json=r.json", "--out", "html=r.html", "--out",
                       "markdown=r.md", "--out", "junit=r.xml", "--out", "scores=r.jsonl"},
                      dir, env));
  ASSERT_TRUE(runs[0].second.exit_code == 0 || runs[0].second.exit_code == 1)
      << runs[0].second.how_it_ended() << runs[0].second.err;
  ASSERT_GT(system.request_count(), 0U);
  ASSERT_GT(judge.request_count(), 0U);
  // A key the endpoint rejects (401, with a long key quoted whole) ends a run: its message too.
  system.set_script([&](const FakeRequest& req, int) {
    return FakeAction::status(
        401, R"({"error":{"message":")" + pad + req.header("Authorization") + " is not valid\"}}");
  });
  runs.emplace_back("rejected", run_args({"run", "suite.yaml"}, dir, env));
  EXPECT_EQ(runs[1].second.exit_code, 3) << runs[1].second.err;
  runs.emplace_back("resume", run_args({"run", "--resume", "latest"}, dir, env));
  runs.emplace_back("report", run_args({"report", "latest", "--format", "json"}, dir));
  runs.emplace_back("runs", run_args({"runs", "--json"}, dir));
  bool redacted = false;
  const auto written = everything_written(dir, runs);
  for (const auto& [name, text] : written) {
    EXPECT_EQ(piece_of(text, key), "") << "a piece of the API key in " << name;
    redacted = redacted || text.find("[redacted]") != std::string::npos;
  }
  EXPECT_TRUE(redacted) << "the echoed key was kept as [redacted]";
  EXPECT_GE(written.size(), 12U);
}

TEST(Faults, AKeyTooShortToRedactIsAPlaceholderAndAnswersAreKeptAsWritten) {
  FakeOpenAI server(
      [](const FakeRequest&, int) { return FakeAction::answer("an answer and another one"); });
  TempDir dir("qb-short-key");
  write_cases(dir, 3);
  write_suite(dir, server.base_url());
  const auto r =
      run_args({"run", "suite.yaml", "--format", "scores"}, dir, {{"QB_TEST_KEY", "an"}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"output\":\"an answer and another one\""), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("[redacted]"), std::string::npos);
  const std::string warning =
      "qualbar: warning: system: the API key in QB_TEST_KEY is 2 characters "
      "long, so it is taken for a placeholder";
  const auto first = r.err.find(warning);
  EXPECT_NE(first, std::string::npos) << r.err;
  EXPECT_EQ(r.err.find(warning, first + 1), std::string::npos) << "said once";
}

TEST(Faults, AJudgeThatDoesNotGradeIsCountedApartNeverCachedAndAskedAgainOnceFixed) {
  FakeOpenAI system([](const FakeRequest& req, int) {
    if (req.last_user_message == "c005") return FakeAction::status(400);  // a failed call
    return FakeAction::answer("Answer to " + req.last_user_message);
  });
  std::atomic<bool> fixed{false};
  FakeOpenAI judge([&](const FakeRequest& req, int) {
    const std::string c = case_of(req);
    if (!fixed && (c == "c000" || c == "c001"))
      return FakeAction::answer("I would rather not say.");  // prose, not a grade
    if (!fixed && c == "c002") return FakeAction::status(500);
    if (!fixed && c == "c003") return FakeAction::answer(R"({"verdict":"maybe"})");
    return FakeAction::answer(R"({"verdict":"pass","reason":"answers"})");
  });
  TempDir dir("qb-judge-ungraded");
  write_cases(dir, 8);
  write_judged_suite(dir, system.base_url(), judge.base_url());
  auto r = run_args({"run", "suite.yaml", "--format", "json"}, dir, kKey);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto report = nlohmann::json::parse(r.out);
  const auto& helpful = report["dimensions"][0]["overall"];
  EXPECT_EQ(helpful["n_ungraded"], 4) << helpful.dump();
  EXPECT_EQ(helpful["n"], 4) << "3 graded passes and the failed call";
  EXPECT_DOUBLE_EQ(helpful["estimate"].get<double>(), 0.75) << "ungraded answers are not failures";
  EXPECT_EQ(report["summary"]["n_errors"], 1) << "the system's failed call alone is an error";
  ASSERT_EQ(report["summary"]["notices"].size(), 1U);
  EXPECT_EQ(report["summary"]["notices"][0].get<std::string>().rfind(
                "helpful: the judge did not grade 4 of 8 answers, which are left out of its "
                "estimate (not counted as failures)",
                0),
            0U)
      << report["summary"]["notices"];
  EXPECT_EQ(judge.request_count(), 7U) << "the failed call is not judged";
  // The judge is fixed: the four it did not grade are asked again, the three grades are kept.
  fixed = true;
  r = run_args({"run", "suite.yaml"}, dir, kKey);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(judge.request_count(), 11U);
  EXPECT_NE(r.out.find("The judge was asked about 7 answer(s): 4 called now, 3 from the cache."),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("did not grade"), std::string::npos) << r.out;
}

TEST(Faults, AJudgeThatGradesNothingFailsTheRunWithExit3AndItsReason) {
  FakeOpenAI system([](const FakeRequest& req, int) { return FakeAction::echo(req); });
  FakeOpenAI judge([](const FakeRequest&, int) { return FakeAction::answer("Sure! Looks good."); });
  TempDir dir("qb-judge-nothing");
  write_cases(dir, 5);
  write_judged_suite(dir, system.base_url(), judge.base_url());
  const auto r = run_args({"run", "suite.yaml"}, dir, kKey);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("the judge did not grade any of the 5 answers it was asked about; the "
                       "first: it answered out of format: Sure! Looks good."),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("5 of 5 cases were answered and are saved in run r-"), std::string::npos)
      << r.err;
  EXPECT_EQ(nlohmann::json::parse(run_args({"runs", "--json"}, dir).out)[0]["status"], "failed");
}

TEST(Faults, AJudgeThatCannotBeReachedFailsTheRunWithItsAnswersSaved) {
  FakeOpenAI system([](const FakeRequest& req, int) { return FakeAction::echo(req); });
  int port = 0;
  {
    FakeOpenAI gone;  // a port that was just free and now has nothing listening
    port = gone.port();
  }
  TempDir dir("qb-judge-down");
  write_cases(dir, 6);
  write_judged_suite(dir, system.base_url(), fmt::format("http://127.0.0.1:{}/v1", port));
  std::string suite = read_text(dir.work() / "suite.yaml");
  suite.replace(suite.find("max_attempts: 1}"), 16, "max_attempts: 1, max_connect_failures: 2}");
  std::ofstream(dir.work() / "suite.yaml") << suite;
  const auto r = run_args({"run", "suite.yaml"}, dir, kKey);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find(fmt::format("the judge could not grade: cannot reach http://127.0.0.1:{}/v1",
                                   port)),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("6 of 6 cases were answered and are saved in run r-"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(run_args({"runs", "--json"}, dir).out)[0]["status"], "failed");
  EXPECT_EQ(system.request_count(), 6U);
}

TEST(Faults, CtrlCWhileTheJudgeGradesKeepsItsGradesAndTheResumeAsksOnlyWhatIsMissing) {
  FakeOpenAI system([](const FakeRequest& req, int) { return FakeAction::echo(req); });
  FakeOpenAI judge([](const FakeRequest&, int) {
    return FakeAction::answer(R"({"verdict":"pass","reason":"ok"})").with_delay(250);
  });
  TempDir dir("qb-judge-sigint");
  write_cases(dir, 20);
  write_judged_suite(dir, system.base_url(), judge.base_url());
  auto running = start_qualbar({"run", "suite.yaml"}, dir, kKey);
  ASSERT_TRUE(wait_until([&] { return judge.request_count() >= 4; }));
  running->signal(SIGINT);
  const auto stopped = running->wait();
  EXPECT_EQ(stopped.exit_code, 3) << stopped.err;
  EXPECT_NE(stopped.err.find("interrupted"), std::string::npos) << stopped.err;
  const std::size_t asked = judge.request_count();
  EXPECT_LT(asked, 20U) << "Ctrl-C stopped the judge";
  const auto resumed = run_args({"run", "--resume", "latest", "--format", "json"}, dir, kKey);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(system.request_count(), 20U) << "no answer asked twice";
  std::map<std::string, int> per_case;
  for (const auto& req : judge.requests()) ++per_case[case_of(req)];
  EXPECT_EQ(per_case.size(), 20U);
  for (const auto& [c, n] : per_case) EXPECT_EQ(n, 1) << c << " was judged twice";
  const auto report = nlohmann::json::parse(resumed.out);
  EXPECT_EQ(report["dimensions"][0]["overall"]["n"], 20);
}

TEST(Faults, ACallThatTimesOutRecordsTheTimeItTookNotZero) {
  FakeOpenAI server([](const FakeRequest& req, int) {
    if (req.last_user_message == "c000") return FakeAction::echo(req);
    return FakeAction::echo(req).with_delay(5000);
  });
  TempDir dir("qb-timeout-latency");
  write_cases(dir, 4);
  write_suite(dir, server.base_url(), "  timeout_s: 1\n  max_attempts: 1\n");
  const auto r = run_args({"run", "suite.yaml", "--format", "json"}, dir, kKey);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto report = nlohmann::json::parse(r.out);
  EXPECT_EQ(report["summary"]["n_errors"], 3);
  for (const auto& d : report["dimensions"]) {
    if (d["name"] != "latency") continue;
    // Three of four calls waited a second for nothing: the median is about a second.
    EXPECT_GE(d["overall"]["stats"]["p50"].get<double>(), 900.0) << d["overall"].dump();
  }
}

TEST(Faults, AResumeAfterARejectedKeyAsksTheRejectedCasesAgain) {
  std::atomic<bool> key_fixed{false};
  FakeOpenAI server([&](const FakeRequest& req, int n) {
    if (!key_fixed && n >= 3) return FakeAction::status(401);
    return FakeAction::echo(req);
  });
  TempDir dir("qb-resume-401");
  write_cases(dir, 10);
  write_suite(dir, server.base_url(), "  concurrency: 1\n");
  const auto first = run_args({"run", "suite.yaml"}, dir, kKey);
  ASSERT_EQ(first.exit_code, 3) << first.err;
  EXPECT_NE(first.err.find("rejected the API key"), std::string::npos) << first.err;
  key_fixed = true;
  const auto resumed = run_args({"run", "--resume", "latest", "--format", "json"}, dir, kKey);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  const auto report = nlohmann::json::parse(resumed.out);
  EXPECT_EQ(report["summary"]["n_errors"], 0) << "the 401 answers were asked again";
  EXPECT_EQ(server.request_count(), 13U) << "3 answered, 3 rejected, then 7 asked on resume";
}

TEST(Faults, TwoResumesOfOneRunAtOnceNeverBothCallAndAStaleLockIsTakenOver) {
  std::atomic<bool> hang{true};
  FakeOpenAI server([&](const FakeRequest& req, int n) {
    FakeAction a = FakeAction::echo(req);
    if (n >= 5 && hang.load()) a.delay_ms = 60000;
    return a;
  });
  TempDir dir("qb-resume-lock");
  write_cases(dir, 12);
  write_suite(dir, server.base_url(), "  concurrency: 2\n");
  const fs::path db = dir.work() / ".qualbar" / "qualbar.db";
  {
    auto first = start_qualbar({"run", "suite.yaml"}, dir, kKey);
    ASSERT_TRUE(wait_until([&] { return answered_in_store(db) == 5; }));
    first->signal(SIGKILL);  // leaves the run "running", and its lock behind
    EXPECT_EQ(first->wait().signal, SIGKILL);
  }
  auto a = start_qualbar({"run", "--resume", "latest"}, dir, kKey);
  ASSERT_TRUE(wait_until([&] { return server.request_count() >= 9; }))
      << "the first resume is calling";
  const std::size_t before = server.request_count();
  const auto b = run_args({"run", "--resume", "latest"}, dir, kKey);
  EXPECT_EQ(b.exit_code, 3) << b.err;
  EXPECT_NE(b.err.find(fmt::format("is being answered by process {} on ", a->pid())),
            std::string::npos)
      << b.err;
  EXPECT_EQ(server.request_count(), before) << "the second resume asked nothing";
  hang = false;
  a->signal(SIGINT);
  std::this_thread::sleep_for(100ms);  // two signals at once would arrive as one
  a->signal(SIGINT);                   // the second drops the hanging calls
  const auto a_done = a->wait();
  EXPECT_EQ(a_done.exit_code, 3);
  EXPECT_NE(
      a_done.err.find("ended without releasing the run (killed?): this process takes it over"),
      std::string::npos)
      << a_done.err;
  // Released on Ctrl-C: the next resume goes through, with no word of a stale lock.
  const auto c = run_args({"run", "--resume", "latest"}, dir, kKey);
  EXPECT_EQ(c.exit_code, 0) << c.err;
  EXPECT_EQ(c.err.find("takes it over"), std::string::npos) << c.err;
  EXPECT_EQ(answered_in_store(db), 12);
}

TEST(Faults, ARunWhereEveryCallFailedIsAFailedRunWithExit3NotAPass) {
  FakeOpenAI server([](const FakeRequest&, int) { return FakeAction::status(500); });
  TempDir dir("qb-all-failed");
  write_cases(dir, 6);
  write_suite(dir, server.base_url(), "  max_attempts: 1\n");
  const auto r = run_args({"run", "suite.yaml"}, dir, kKey);
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_EQ(r.out.find("PASS"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("every one of the 6 calls failed, so nothing was measured; the first "
                       "failed with: HTTP 500"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("Continue it with: qualbar run --resume r-"), std::string::npos) << r.err;
  EXPECT_EQ(nlohmann::json::parse(run_args({"runs", "--json"}, dir).out)[0]["status"], "failed");
}

TEST(Faults, AStoreThatCannotTakeTheRunSaysNothingWasRunAndOffersNoResume) {
  FakeOpenAI server;
  TempDir dir("qb-store-full");
  write_cases(dir, 5);
  write_suite(dir, server.base_url());
  ASSERT_EQ(run_args({"run", "suite.yaml"}, dir, kKey).exit_code, 0);  // the store exists
  const std::size_t calls = server.request_count();
  // A run of 20,000 cases whose inputs do not compress (random digits), and no file may grow
  // more than 64 KiB past the store's size: opening the store works, recording the new run's
  // cases cannot (as on a full disk).
  {
    std::mt19937_64 random(7);
    std::string text;
    for (int i = 0; i < 20000; ++i)
      text += fmt::format(R"({{"id":"c{:05}","input":"{:016x}{:016x}{:016x}"}})"
                          "\n",
                          i, random(), random(), random());
    std::ofstream(dir.work() / "cases.jsonl") << text;
  }
  const auto kib = fs::file_size(dir.work() / ".qualbar" / "qualbar.db") / 1024 + 64;
  std::ofstream(dir.work() / "full.sh")
      << fmt::format("trap '' XFSZ\nulimit -f {}\nexec \"$@\"\n", kib);
  const std::string cmd = fmt::format(
      "cd '{}' && QB_TEST_KEY=sk-test-0000 /bin/bash full.sh '{}' run suite.yaml > out.txt "
      "2> err.txt; echo $? > code.txt",
      dir.work().string(), QB_BINARY);
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  ProcessResult r;
  r.exit_code = std::stoi(read_text(dir.work() / "code.txt"));
  r.err = read_text(dir.work() / "err.txt");
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("The run was not started: nothing was asked or saved"), std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("--resume"), std::string::npos) << "there is nothing to resume";
  EXPECT_EQ(server.request_count(), calls) << "no call was made";
}

// A replayed run records its cases while it answers and scores (nothing it asks costs anything):
// a store that cannot take them still leaves no run behind and says the run was not started.
TEST(Faults, AReplayedRunTheStoreCannotTakeLeavesNoRunBehind) {
  TempDir dir("qb-store-full-replay");
  const auto write_run = [&](int n) {
    std::mt19937_64 random(11);
    std::string cases, responses;
    for (int i = 0; i < n; ++i) {
      cases += fmt::format(R"({{"id":"c{:05}","input":"{:016x}{:016x}","reference":"x"}})"
                           "\n",
                           i, random(), random());
      responses += fmt::format(R"({{"id":"c{:05}","output":"{:016x}{:016x}"}})"
                               "\n",
                               i, random(), random());
    }
    std::ofstream(dir.work() / "cases.jsonl") << cases;
    std::ofstream(dir.work() / "responses.jsonl") << responses;
  };
  std::ofstream(dir.work() / "suite.yaml")
      << "schema_version: 1\nname: full\ndatasets: [cases.jsonl]\n"
         "system: {provider: replay, responses: responses.jsonl}\n"
         "dimensions:\n  correct: {scorer: exact-match}\n";
  write_run(5);
  ASSERT_EQ(run_args({"run", "suite.yaml"}, dir).exit_code, 0);  // the store exists
  write_run(20000);
  const auto kib = fs::file_size(dir.work() / ".qualbar" / "qualbar.db") / 1024 + 64;
  std::ofstream(dir.work() / "full.sh")
      << fmt::format("trap '' XFSZ\nulimit -f {}\nexec \"$@\"\n", kib);
  const std::string cmd = fmt::format(
      "cd '{}' && /bin/bash full.sh '{}' run suite.yaml > out.txt 2> err.txt; echo $? > code.txt",
      dir.work().string(), QB_BINARY);
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  const std::string err = read_text(dir.work() / "err.txt");
  EXPECT_EQ(std::stoi(read_text(dir.work() / "code.txt")), 3) << err;
  EXPECT_NE(err.find("The run was not started: nothing was asked or saved"), std::string::npos)
      << err;
  EXPECT_EQ(err.find("--resume"), std::string::npos) << "there is nothing to resume";
  const auto runs = run_args({"runs", "--json"}, dir);
  ASSERT_EQ(runs.exit_code, 0) << runs.err;
  EXPECT_EQ(nlohmann::json::parse(runs.out).size(), 1U) << "only the first run is stored";
}

TEST(Faults, AnAnswerOverTheSizeLimitIsAnErrorCaseNotKeptWhole) {
  const std::string huge(2u << 20, 'z');
  FakeOpenAI server([&](const FakeRequest& req, int) {
    return req.last_user_message == "c001" ? FakeAction::answer(huge) : FakeAction::echo(req);
  });
  TempDir dir("qb-huge-answer");
  write_cases(dir, 4);
  write_suite(dir, server.base_url());
  auto r = run_args({"run", "suite.yaml", "--format", "scores"}, dir, kKey);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("the answer is 2097152 bytes, over the limit of 1048576 "
                       "(system.max_output_bytes)"),
            std::string::npos);
  EXPECT_LT(r.out.size(), 100'000U) << "the answer itself was not kept";
  // A suite that expects long answers raises the limit.
  write_suite(dir, server.base_url(), "  max_output_bytes: 4194304\n");
  r = run_args({"run", "suite.yaml", "--format", "json"}, dir, kKey);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["summary"]["n_errors"], 0);
}

}  // namespace QB_UNITY_ID
}  // namespace qb::test
