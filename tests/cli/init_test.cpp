// `qualbar init --profile P`: every profile writes a suite that validates and runs at once;
// init never overwrites a file and answers an unknown profile with a suggestion.
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "../support/fake_openai.hpp"
#include "run_qualbar.hpp"

namespace qb::test {
namespace QB_UNITY_ID {

const std::vector<std::string> kProfiles = {
    "rag",          "support",        "codegen",    "decision",  "voice",     "compliance",
    "multilingual", "classification", "generative", "migration", "prelaunch", "continuous"};

// Profiles whose suite has a `judge:` section (graded by a model through OPENAI_API_KEY).
bool judged(const std::string& profile) { return profile == "support" || profile == "generative"; }

const EnvChanges kAnyKey = {{"OPENAI_API_KEY", "sk-test-anything"}};

class InitProfile : public ::testing::TestWithParam<std::string> {};

TEST_P(InitProfile, WritesASuiteThatValidatesAndRuns) {
  const std::string profile = GetParam();
  TempDir dir("qb-init");
  const auto init = run_args({"init", "--profile", profile, "--dir", "proj"}, dir);
  ASSERT_EQ(init.exit_code, 0) << init.how_it_ended() << "\n" << init.err;
  for (const char* file : {"suite.yaml", "cases.jsonl", "responses.jsonl"}) {
    EXPECT_TRUE(fs::exists(dir.work() / "proj" / file)) << file;
    EXPECT_NE(init.out.find(std::string("proj/") + file), std::string::npos) << init.out;
  }
  EXPECT_NE(init.out.find("qualbar validate proj/suite.yaml"), std::string::npos) << init.out;
  EXPECT_NE(init.out.find("qualbar run proj/suite.yaml --no-store"), std::string::npos) << init.out;

  // Every profile validates without a key: the key is needed to run, not to check the files.
  const EnvChanges no_key_set = {{"OPENAI_API_KEY", std::nullopt}};
  const auto valid = run_args({"validate", "proj/suite.yaml"}, dir, no_key_set);
  EXPECT_EQ(valid.exit_code, 0) << valid.how_it_ended() << "\n" << valid.err;
  EXPECT_NE(valid.out.find("proj/suite.yaml is valid."), std::string::npos) << valid.out;

  if (!judged(profile)) {
    // Works without any key.
    const auto run = run_args({"run", "proj/suite.yaml", "--no-store"}, dir);
    EXPECT_TRUE(run.exit_code == 0 || run.exit_code == 1) << run.how_it_ended() << "\n" << run.err;
    EXPECT_NE(run.out.find("Not stored (--no-store)."), std::string::npos) << run.out;
    return;
  }
  // A judged suite says, when validated, that a run needs the key; the run without it stops
  // before anything is asked, naming the variable. With a key, it runs against a fake judge.
  EXPECT_NE(valid.out.find("a run needs OPENAI_API_KEY (judge.api_key_env)"), std::string::npos)
      << valid.out;
  const auto no_key = run_args({"run", "proj/suite.yaml", "--no-store"}, dir, no_key_set);
  EXPECT_EQ(no_key.exit_code, 2) << no_key.err;
  EXPECT_NE(no_key.err.find("OPENAI_API_KEY"), std::string::npos) << no_key.err;

  FakeOpenAI judge([](const FakeRequest&, int) {
    return FakeAction::answer(R"({"verdict":"pass","score":4,"reason":"fine"})");
  });
  const fs::path suite_path = dir.work() / "proj" / "suite.yaml";
  std::string suite = read_text(suite_path);
  const std::string hosted = "https://api.openai.com/v1";
  const auto at = suite.find(hosted);
  ASSERT_NE(at, std::string::npos) << "the judge should default to the hosted API";
  suite.replace(at, hosted.size(), judge.base_url());
  std::ofstream(suite_path, std::ios::trunc) << suite;
  const auto run = run_args({"run", "proj/suite.yaml", "--no-store"}, dir, kAnyKey);
  EXPECT_TRUE(run.exit_code == 0 || run.exit_code == 1) << run.how_it_ended() << "\n" << run.err;
  EXPECT_GT(judge.request_count(), 0U);
  EXPECT_NE(run.out.find("The judge was asked about"), std::string::npos) << run.out;
}

INSTANTIATE_TEST_SUITE_P(EveryProfile, InitProfile, ::testing::ValuesIn(kProfiles),
                         [](const auto& info) { return info.param; });

// The continuous profile writes a production log too: its monitor loop works on it from the
// first command (the weeks to grade are named; nothing else is needed).
TEST(InitContinuous, TheProductionLogRunsTheMonitorLoop) {
  TempDir dir("qb-init");
  const auto init = run_args({"init", "--profile", "continuous", "--dir", "proj"}, dir);
  ASSERT_EQ(init.exit_code, 0) << init.err;
  EXPECT_NE(init.out.find("qualbar monitor ingest proj/production.jsonl --suite proj/suite.yaml"),
            std::string::npos)
      << init.out;
  const auto ingest =
      run_args({"monitor", "ingest", "proj/production.jsonl", "--suite", "proj/suite.yaml"}, dir);
  ASSERT_EQ(ingest.exit_code, 0) << ingest.err;
  EXPECT_NE(ingest.out.find("Ingested 240 records"), std::string::npos) << ingest.out;
  const auto status = run_args({"monitor", "status", "--suite", "proj/suite.yaml"}, dir);
  EXPECT_EQ(status.exit_code, 1) << status.err;
  EXPECT_NE(status.out.find("  ✗ helpful: 2026-W45 (0 graded), 2026-W46 (0 graded)\n"),
            std::string::npos)
      << status.out;
  const auto review = run_args({"review", "export", "--run", "m-assistant-weekly", "--dimension",
                                "helpful", "--week", "2026-W45", "--week", "2026-W46", "--dir",
                                "review"},
                               dir);
  EXPECT_EQ(review.exit_code, 0) << review.err;
  EXPECT_NE(review.out.find("per week: 2026-W45 "), std::string::npos) << review.out;
}

TEST(Init, RefusesToOverwriteAFileAndWritesNothing) {
  TempDir dir("qb-init");
  fs::create_directories(dir.work() / "proj");
  std::ofstream(dir.work() / "proj" / "cases.jsonl") << "mine\n";
  const auto r = run_args({"init", "--profile", "rag", "--dir", "proj"}, dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("qualbar: error: proj/cases.jsonl already exists; init never overwrites "
                       "a file."),
            std::string::npos)
      << r.err;
  EXPECT_EQ(read_text(dir.work() / "proj" / "cases.jsonl"), "mine\n");
  EXPECT_FALSE(fs::exists(dir.work() / "proj" / "suite.yaml"));
}

TEST(Init, RunTwiceInTheSameFolderRefusesTheSecondTime) {
  TempDir dir("qb-init");
  ASSERT_EQ(run_args({"init", "--profile", "voice"}, dir).exit_code, 0);
  EXPECT_TRUE(fs::exists(dir.work() / "suite.yaml"));
  const auto again = run_args({"init", "--profile", "voice"}, dir);
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("already exists"), std::string::npos) << again.err;
}

TEST(Init, AnUnknownProfileIsAnsweredWithASuggestionAndTheList) {
  TempDir dir("qb-init");
  const auto r = run_args({"init", "--profile", "classifcation"}, dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("qualbar: error: unknown profile 'classifcation'. Did you mean "
                       "'classification'? Available: rag, support, codegen, decision, voice, "
                       "compliance, multilingual, classification, generative, migration, "
                       "prelaunch, continuous"),
            std::string::npos)
      << r.err;
  EXPECT_TRUE(fs::is_empty(dir.work()));
}

TEST(Init, TheProfileIsRequiredAndHelpListsEveryProfile) {
  TempDir dir("qb-init");
  const auto missing = run_args({"init"}, dir);
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE((missing.out + missing.err).find("--profile is required"), std::string::npos)
      << missing.err;
  const auto help = run_args({"init", "--help"}, dir);
  EXPECT_EQ(help.exit_code, 0);
  for (const auto& p : kProfiles) EXPECT_NE(help.out.find("  " + p + " "), std::string::npos) << p;
}

TEST(Init, AJudgedProfileSaysItNeedsAKey) {
  TempDir dir("qb-init");
  const auto r = run_args({"init", "--profile", "support"}, dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("export OPENAI_API_KEY"), std::string::npos) << r.out;
}

}  // namespace QB_UNITY_ID
}  // namespace qb::test
