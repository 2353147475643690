// Recorded judge grades (judge.grades): replayed for the exact answer they were given to, never
// sent, and a missing one is ungraded, never guessed.
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "../support/fake_openai.hpp"
#include "qualbar/bind/bind.hpp"
#include "qualbar/io/dataset.hpp"
#include "qualbar/scorers/judge.hpp"
#include "qualbar/scorers/judge_settings.hpp"
#include "qualbar/scorers/scorer.hpp"

namespace qb {
namespace QB_UNITY_ID {

namespace fs = std::filesystem;
using test::FakeAction;
using test::FakeOpenAI;
using test::FakeRequest;

class RecordedJudge : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           fmt::format("qb-recorded-{}-{}", ::getpid(),
                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::ofstream(dir_ / "cases.jsonl")
        << R"({"id":"c1","input":"How long do refunds take?","reference":"5 days"})"
           "\n"
        << R"({"id":"c2","input":"Can I return shoes?","reference":"within 30 days"})"
           "\n"
        << R"({"id":"c3","input":"Where is my order?"})"
           "\n";
    std::ofstream(dir_ / "r.jsonl") << R"({"id":"c1","output":"a"})"
                                       "\n";
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A suite whose judge has `judge` (YAML flow map entries) and a `helpful` judged dimension.
  Suite suite(const std::string& judge, const std::string& grades) {
    std::ofstream(dir_ / "grades.jsonl") << grades;
    std::ofstream(dir_ / "suite.yaml")
        << "schema_version: 1\nname: t\ndatasets: [cases.jsonl]\n"
        << "system: {provider: replay, responses: r.jsonl}\n"
        << "dimensions:\n  helpful: {scorer: judge, args: {rubric: Helps.}}\n"
        << "judge: {" << judge << "}\n";
    return load_suite((dir_ / "suite.yaml").string());
  }

  std::vector<Score> judge_all(const JudgeSettings& settings, const std::vector<Response>& rs,
                               JudgeContext* seen = nullptr) {
    const Dataset d = load_cases({(dir_ / "cases.jsonl").string()}, false, Limits{});
    auto scorer = make_scorer("judge", R"({"rubric":"Helps."})");
    JudgeContext own(&settings, nullptr);
    JudgeContext& judge = seen != nullptr ? *seen : own;
    judge.set_dimension("helpful");
    scorer->prepare(d.cases, rs, judge);
    std::vector<Score> out;
    for (std::size_t i = 0; i < d.cases.size(); ++i)
      out.push_back(scorer->score(d.cases[i], rs[i]));
    return out;
  }

  static std::vector<Response> answers(std::vector<std::string> outputs) {
    std::vector<Response> rs(outputs.size());
    for (std::size_t i = 0; i < outputs.size(); ++i) {
      rs[i].id = fmt::format("c{}", i + 1);
      rs[i].output = outputs[i];
    }
    return rs;
  }

  fs::path dir_;
};

constexpr const char* kGrades =
    R"({"dimension":"helpful","id":"c1","output":"Refunds take 5 days.","verdict":"pass","reason":"gives the time"})"
    "\n"
    R"({"dimension":"helpful","id":"c2","output":"No.","verdict":"fail","reason":"wrong"})"
    "\n"
    R"({"dimension":"tone","id":"c3","output":"It ships today.","verdict":"pass"})"
    "\n";

TEST_F(RecordedJudge, ReplaysTheGradeOfTheExactAnswerAndLeavesOthersUngradedWithoutAKey) {
  ::unsetenv("OPENAI_API_KEY");
  const JudgeSettings settings =
      judge_settings(suite("model: demo-judge, grades: grades.jsonl", kGrades));
  ASSERT_TRUE(settings.recorded_only);
  EXPECT_EQ(settings.recorded->size(), 3U);
  JudgeContext judge(&settings, nullptr);
  // c2's answer differs from the one graded; c3 was graded on another dimension only.
  const auto s =
      judge_all(settings, answers({"Refunds take 5 days.", "No!", "It ships today."}), &judge);
  EXPECT_EQ(s[0].status, ScoreStatus::scored);
  EXPECT_EQ(s[0].value, 1.0);
  EXPECT_EQ(s[0].evidence, "judge: gives the time");
  for (const std::size_t i : {1U, 2U}) {
    EXPECT_EQ(s[i].status, ScoreStatus::ungraded) << i;
    EXPECT_NE(s[i].evidence.find("no recorded grade of this answer in"), std::string::npos)
        << s[i].evidence;
  }
  EXPECT_EQ(judge.recorded(), 1U);
  EXPECT_EQ(judge.unrecorded(), 2U);
  EXPECT_EQ(judge.not_graded(), 2U);
  EXPECT_EQ(judge.asked(), 3U);
  EXPECT_EQ(judge.calls(), 0U);
  // The recorded fail is read like a judge's reply.
  const auto fail = judge_all(settings, answers({"x", "No.", "y"}));
  EXPECT_EQ(fail[1].status, ScoreStatus::scored);
  EXPECT_EQ(fail[1].value, 0.0);
  EXPECT_EQ(fail[1].evidence, "judge: wrong");
}

TEST_F(RecordedJudge, WithABaseUrlOnlyTheAnswersWithoutARecordedGradeAreSent) {
  FakeOpenAI server([](const FakeRequest&, int) {
    return FakeAction::answer(R"({"verdict":"fail","reason":"asked now"})");
  });
  const JudgeSettings settings = judge_settings(
      suite("model: judge-1, grades: grades.jsonl, base_url: " + server.base_url(), kGrades));
  EXPECT_FALSE(settings.recorded_only);
  const auto s = judge_all(settings, answers({"Refunds take 5 days.", "No!", "It ships today."}));
  EXPECT_EQ(s[0].evidence, "judge: gives the time");
  EXPECT_EQ(s[1].evidence, "judge: asked now");
  EXPECT_EQ(s[2].evidence, "judge: asked now");
  ASSERT_EQ(server.request_count(), 2U) << "the recorded grade is not asked again";
  for (const auto& req : server.requests())
    EXPECT_EQ(req.last_user_message.find("Refunds take 5 days."), std::string::npos);
}

TEST_F(RecordedJudge, ABadLineNamesItsFileLineAndField) {
  const auto error_of = [&](const std::string& grades) {
    try {
      (void)judge_settings(suite("model: m, grades: grades.jsonl", grades));
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const std::string file = (dir_ / "grades.jsonl").lexically_normal().string();
  EXPECT_EQ(error_of(R"({"dimension":"helpful","id":"c1","verdict":"pass"})"
                     "\n"),
            file +
                ":1: field 'output': is required: the answer graded, exactly as the system "
                "gave it (a grade stands for that answer only)");
  EXPECT_EQ(error_of(R"({"dimension":"helpful","id":"c1","output":"a"})"
                     "\n"),
            file +
                ":1: field 'verdict': the line has no reply: give the judge's answer beside "
                "dimension, id and output, e.g. \"verdict\": \"pass\", \"reason\": \"…\" (or "
                "\"score\": 4 on a judge-scale dimension)");
  EXPECT_EQ(
      error_of(
          std::string(kGrades) +
          R"({"dimension":"helpful","id":"c1","output":"Refunds take 5 days.","verdict":"fail"})"
          "\n"),
      file +
          ":4: field 'output': a second grade of the same answer to case 'c1' on "
          "'helpful' (first at line 1); keep one");
  EXPECT_EQ(error_of(R"({"dimension":"helpful","id":7,"output":"a","verdict":"pass"})"
                     "\n"),
            file + ":1: field 'id': expected a string, got a number");
}

TEST_F(RecordedJudge, AGradesFileThatIsNotThereIsAnErrorAtItsField) {
  std::ofstream(dir_ / "suite.yaml")
      << "schema_version: 1\nname: t\ndatasets: [cases.jsonl]\n"
      << "system: {provider: replay, responses: r.jsonl}\n"
      << "dimensions:\n  helpful: {scorer: judge, args: {rubric: Helps.}}\n"
      << "judge: {model: m, grades: missing.jsonl}\n";
  const Suite s = load_suite((dir_ / "suite.yaml").string());
  try {
    (void)judge_settings(s);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("suite.yaml:7:27: "), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("field 'judge.grades': there is no file"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace QB_UNITY_ID
}  // namespace qb
