// Runs saved as they go, interrupted, failed, resumed and answered from the response cache
// (src/run/runner.cpp), with a scripted in-process provider.
#include <unistd.h>

#include <filesystem>
#include <map>
#include <stdexcept>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "qualbar/bind/bind.hpp"
#include "qualbar/io/dataset.hpp"
#include "qualbar/run/interrupt.hpp"
#include "qualbar/run/runner.hpp"
#include "qualbar/suite/suite.hpp"

namespace qb {
namespace QB_UNITY_ID {

namespace fs = std::filesystem;

// Answers "answer-<input>" (wrong for every third case), an error for inputs starting "err".
// Can stop the run (as Ctrl-C would) or fail it (as a down endpoint would) after some answers.
class ScriptedProvider final : public Provider {
 public:
  std::map<std::string, int> calls;  // case id -> times called
  std::size_t interrupt_after = SIZE_MAX;
  std::size_t fail_after = SIZE_MAX;
  std::size_t crash_after = SIZE_MAX;  // throws what a bug would, not a RunError
  bool cacheable = false;

  std::string model() const override { return "scripted"; }
  std::string settings_json() const override { return "{}"; }
  std::string cache_key(const Case& c) const override {
    return cacheable ? "key:" + c.input : std::string();
  }
  void run(std::span<const Case> cases, std::span<const std::size_t> todo,
           std::vector<Response>& out, ProviderSink& sink) override {
    out.resize(cases.size());
    std::size_t answered = 0;
    for (const std::size_t i : todo) {
      if (sink.stop_requested()) return;
      if (answered == fail_after) throw RunError("cannot reach the endpoint");
      if (answered == crash_after) throw std::logic_error("a bug in the provider");
      ++calls[cases[i].id];
      Response r;
      r.id = cases[i].id;
      if (cases[i].input.starts_with("err"))
        r.error = "HTTP 500";
      else
        r.output = i % 3 == 2 ? "wrong" : "answer-" + cases[i].input;
      out[i] = std::move(r);
      sink.done(i);
      if (++answered == interrupt_after) InterruptScope::raise_for_test(1);
    }
  }
};

class ResumeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / fmt::format("qb-resume-{}-{}", ::getpid(), info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    suite_ = read_suite(
        "schema_version: 1\nname: resume\ndatasets: cases.jsonl\n"
        "dimensions:\n  answer:\n    scorer: contains\n    args: {value: answer}\n",
        (dir_ / "suite.yaml").string(), dir_);
    std::string text;
    for (int i = 0; i < 20; ++i)
      text += fmt::format(R"({{"id":"c{:02}","input":"{}{}"}})"
                          "\n",
                          i, i == 7 ? "err" : "q", i);
    parse_cases(text, "cases.jsonl", dataset_);
    dataset_.raw_lines.clear();
    lines_.clear();
    std::size_t start = 0;
    while (start < text.size()) {
      const std::size_t nl = text.find('\n', start);
      lines_.push_back(text.substr(start, nl - start));
      start = nl + 1;
    }
    for (const auto& l : lines_) dataset_.raw_lines.emplace_back(l);
    store_ = open_store((dir_ / "qualbar.db").string());
  }
  void TearDown() override {
    InterruptScope::raise_for_test(0);
    store_.reset();
    fs::remove_all(dir_);
  }

  RunResult run(ScriptedProvider& p, const StoredRun* resume = nullptr) {
    RunSettings s;
    s.store = store_.get();
    s.resume = resume;
    // A new stored run takes the dataset's lines (and releases them): each run gets them again.
    dataset_.raw_lines.assign(lines_.begin(), lines_.end());
    RunResult r = execute_run(suite_, dataset_, p, "scripted", s);
    InterruptScope::raise_for_test(0);
    if (r.complete()) {
      std::vector<CaseSlices> slices;
      const Report report =
          build_report(suite_, dataset_.cases, r.responses, r.scores, r.info, &slices);
      r.info.passed = report.passed;
      finish_stored_run(*store_, r.info, report, slices, r.scores, &r.packed_scores);
    }
    return r;
  }

  fs::path dir_;
  Suite suite_;
  Dataset dataset_;
  std::vector<std::string> lines_;
  std::unique_ptr<Store> store_;
};

TEST_F(ResumeTest, AnInterruptedRunIsSavedAndResumesToTheSameResultWithoutCallingTwice) {
  ScriptedProvider whole;
  const RunResult reference = run(whole);
  ASSERT_TRUE(reference.complete());

  ScriptedProvider first;
  first.interrupt_after = 8;
  const RunResult stopped = run(first);
  EXPECT_EQ(stopped.info.status, RunStatus::interrupted);
  EXPECT_EQ(stopped.n_answered, 8U);
  EXPECT_EQ(stopped.scores.n_cases(), 0U) << "an interrupted run is not scored";
  const StoredRun saved = store_->runs().load_run(stopped.info.id);
  EXPECT_EQ(saved.info.status, RunStatus::interrupted);
  EXPECT_EQ(saved.n_answered(), 8U);

  ScriptedProvider second;
  const RunResult resumed = run(second, &saved);
  ASSERT_TRUE(resumed.complete());
  EXPECT_EQ(resumed.info.id, stopped.info.id);
  EXPECT_EQ(resumed.n_resumed, 7U) << "c07's call failed: it is asked again";
  // No answered case was called twice, none was left out; the failed call was asked again.
  for (const auto& c : dataset_.cases) {
    EXPECT_EQ(first.calls[c.id] + second.calls[c.id], c.id == "c07" ? 2 : 1) << c.id;
  }
  // The same scores as the uninterrupted run, case by case.
  ASSERT_EQ(resumed.scores.n_cases(), reference.scores.n_cases());
  for (std::size_t i = 0; i < dataset_.cases.size(); ++i) {
    EXPECT_EQ(resumed.scores.at(i, 0).value, reference.scores.at(i, 0).value) << i;
    EXPECT_EQ(resumed.scores.at(i, 0).status, reference.scores.at(i, 0).status) << i;
    EXPECT_EQ(resumed.responses[i].output, reference.responses[i].output) << i;
  }
  EXPECT_EQ(resumed.info.n_errors, reference.info.n_errors);
  const StoredRun done = store_->runs().load_run(stopped.info.id);
  EXPECT_EQ(done.info.status, RunStatus::complete);
  EXPECT_EQ(done.n_answered(), 20U);
  EXPECT_EQ(done.info.started_at, stopped.info.started_at);
}

TEST_F(ResumeTest, ARunThatCannotGoOnIsSavedAsFailedWithItsAnswersAndResumes) {
  ScriptedProvider first;
  first.fail_after = 5;
  std::string id;
  try {
    (void)run(first);
    FAIL() << "no RunError";
  } catch (const RunError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("cannot reach the endpoint"), std::string::npos) << what;
    EXPECT_NE(what.find("5 of 20 cases were answered and are saved in run r-"), std::string::npos)
        << what;
  }
  const auto runs = store_->runs().list_runs(5);
  ASSERT_EQ(runs.size(), 1U);
  EXPECT_EQ(runs[0].status, RunStatus::failed);
  const StoredRun saved = store_->runs().load_run(runs[0].id);
  EXPECT_EQ(saved.n_answered(), 5U);
  ScriptedProvider second;
  const RunResult resumed = run(second, &saved);
  EXPECT_TRUE(resumed.complete());
  EXPECT_EQ(second.calls.size(), 15U);
}

TEST_F(ResumeTest, TheResponseCacheAnswersARerunWithoutCallsButNeverCachesErrors) {
  ScriptedProvider first;
  first.cacheable = true;
  const RunResult a = run(first);
  EXPECT_EQ(a.n_cached, 0U);
  EXPECT_EQ(first.calls.size(), 20U);

  ScriptedProvider second;
  second.cacheable = true;
  const RunResult b = run(second);
  ASSERT_TRUE(b.complete());
  EXPECT_NE(b.info.id, a.info.id);
  EXPECT_EQ(b.n_cached, 19U);
  ASSERT_EQ(second.calls.size(), 1U) << "only the error case is called again";
  EXPECT_EQ(second.calls.begin()->first, "c07");
  for (std::size_t i = 0; i < dataset_.cases.size(); ++i) {
    EXPECT_EQ(b.responses[i].id, dataset_.cases[i].id);
    EXPECT_EQ(b.responses[i].output, a.responses[i].output);
    EXPECT_EQ(b.scores.at(i, 0).value, a.scores.at(i, 0).value);
  }
  // Not cacheable (e.g. a temperature above 0, or `cache: false`): every case is called.
  ScriptedProvider third;
  (void)run(third);
  EXPECT_EQ(third.calls.size(), 20U);
}

TEST_F(ResumeTest, WithoutAStoreNothingIsSavedAndAnInterruptedRunIsReportedAsSuch) {
  ScriptedProvider p;
  p.interrupt_after = 3;
  RunSettings s;
  const RunResult r = execute_run(suite_, dataset_, p, "scripted", s);
  InterruptScope::raise_for_test(0);
  EXPECT_EQ(r.info.status, RunStatus::interrupted);
  EXPECT_EQ(r.n_answered, 3U);
  EXPECT_TRUE(store_->runs().list_runs(5).empty());
}

// An exception that is not a RunError (a bug) still leaves the stored run failed with the answers
// it had, not "running" for ever; the exception goes on to the caller.
TEST_F(ResumeTest, ARunStoppedByABugIsSavedAsFailedWithItsAnswers) {
  ScriptedProvider buggy;
  buggy.crash_after = 5;
  RunSettings s;
  s.store = store_.get();
  EXPECT_THROW((void)execute_run(suite_, dataset_, buggy, "scripted", s), std::logic_error);
  const auto runs = store_->runs().list_runs(10);
  ASSERT_EQ(runs.size(), 1U);
  EXPECT_EQ(runs[0].status, RunStatus::failed);
  const StoredRun saved = store_->runs().load_run(runs[0].id);
  EXPECT_EQ(saved.n_answered(), 5U);

  ScriptedProvider fixed;
  const RunResult resumed = run(fixed, &saved);
  ASSERT_TRUE(resumed.complete());
  EXPECT_EQ(resumed.n_resumed, 5U);
}

}  // namespace QB_UNITY_ID
}  // namespace qb
