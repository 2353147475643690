// The command provider (src/providers/command.cpp) against tests/tools/fake_model.cpp.
#include "qualbar/bind/bind.hpp"
#include "qualbar/providers/provider.hpp"

#include <chrono>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "qualbar/io/dataset.hpp"
#include "qualbar/suite/suite.hpp"

namespace qb {
namespace QB_UNITY_ID {

Suite command_suite(const std::string& command, double timeout_s = 2.0) {
  return read_suite(
      "schema_version: 1\nname: cmd\ndatasets: cases.jsonl\nsystem:\n  provider: command\n"
      "  command: " +
          command + "\n  timeout_s: " + std::to_string(timeout_s) +
          "\ndimensions:\n  exact: exact-match\n",
      "suite.yaml", "/tmp");
}

std::vector<Case> cases_of(const std::vector<std::string>& ids) {
  std::string text;
  for (const auto& id : ids) text += "{\"id\":\"" + id + "\",\"input\":\"q-" + id + "\"}\n";
  Dataset d;
  parse_cases(text, "cases.jsonl", d);
  return d.cases;
}

std::vector<Response> run_with(const Suite& suite, const std::vector<Case>& cases,
                               std::size_t* done = nullptr) {
  auto provider = provider_registry().get("command").make(suite, ProviderOptions{});
  struct Counter final : ProviderSink {
    std::size_t calls = 0;
    void done(std::size_t) override { ++calls; }
  } sink;
  std::vector<std::size_t> todo(cases.size());
  for (std::size_t i = 0; i < todo.size(); ++i) todo[i] = i;
  std::vector<Response> out(cases.size());
  provider->run(cases, todo, out, sink);
  if (done) *done = sink.calls;
  return out;
}

const std::string kModel = std::string("[") + QB_FAKE_MODEL + "]";

TEST(CommandProvider, AnswersEveryCaseInOrderThroughOneProgram) {
  const auto cases = cases_of({"a", "b", "c"});
  std::size_t done = 0;
  const auto rs = run_with(command_suite(kModel), cases, &done);
  ASSERT_EQ(rs.size(), 3U);
  EXPECT_EQ(done, 3U);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(rs[i].id, cases[i].id);
    EXPECT_EQ(rs[i].output, "echo: q-" + cases[i].id);
    EXPECT_EQ(rs[i].model, "fake-1");
    EXPECT_FALSE(rs[i].is_error());
    ASSERT_TRUE(rs[i].latency_ms.has_value());  // measured by qualbar when the program gives none
  }
}

TEST(CommandProvider, AHangingProgramIsAnErrorCaseAndIsRestarted) {
  const auto start = std::chrono::steady_clock::now();
  const auto rs = run_with(command_suite(kModel, 0.3), cases_of({"a", "hang", "b"}));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  ASSERT_EQ(rs.size(), 3U);
  EXPECT_FALSE(rs[0].is_error());
  ASSERT_TRUE(rs[1].is_error());
  EXPECT_EQ(*rs[1].error, "no answer within 0.3 s; the program was restarted");
  EXPECT_EQ(rs[2].output, "echo: q-b");  // a fresh program answers the next case
}

TEST(CommandProvider, ADyingProgramIsAnErrorCaseNamingHowItEnded) {
  const auto rs = run_with(command_suite(kModel), cases_of({"die", "a"}));
  ASSERT_TRUE(rs[0].is_error());
  EXPECT_EQ(*rs[0].error, "the program exited with status 4 before answering; it was restarted");
  EXPECT_EQ(rs[1].output, "echo: q-a");
}

TEST(CommandProvider, AnUnreadableAnswerIsAnErrorCaseWithAnExcerpt) {
  const auto rs = run_with(command_suite(kModel), cases_of({"garbage", "wrong-id", "a"}));
  ASSERT_TRUE(rs[0].is_error());
  EXPECT_NE(rs[0].error->find("unreadable answer"), std::string::npos) << *rs[0].error;
  EXPECT_NE(rs[0].error->find("this is not json"), std::string::npos) << *rs[0].error;
  ASSERT_TRUE(rs[1].is_error());
  EXPECT_EQ(*rs[1].error, "answered id 'someone-else' for case 'wrong-id'");
  EXPECT_EQ(rs[1].id, "wrong-id");
  EXPECT_FALSE(rs[2].is_error());
}

TEST(CommandProvider, AProgramThatCannotStartStopsTheRun) {
  try {
    (void)run_with(command_suite("[/nonexistent/model-program]"), cases_of({"a"}));
    FAIL() << "no RunError";
  } catch (const RunError& e) {
    EXPECT_EQ(e.code(), ExitCode::run_failed);
    EXPECT_EQ(std::string(e.what()),
              "cannot start `/nonexistent/model-program`: No such file or directory");
  }
}

TEST(CommandProvider, AProgramThatKeepsDyingStopsTheRunAfterThreeCases) {
  try {
    (void)run_with(command_suite(fmt::format("[{}, dead]", QB_FAKE_MODEL)),
                   cases_of({"a", "b", "c", "d"}));
    FAIL() << "no RunError";
  } catch (const RunError& e) {
    EXPECT_NE(std::string(e.what()).find(
                  "failed 3 cases in a row; the last: the program exited with status 3"),
              std::string::npos)
        << e.what();
  }
}

TEST(CommandProvider, TheSuiteMustNameTheProgram) {
  try {
    (void)read_suite(
        "schema_version: 1\nname: x\ndatasets: c.jsonl\nsystem:\n  provider: command\n"
        "dimensions:\n  exact: exact-match\n",
        "suite.yaml", "/tmp");
    FAIL() << "no InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              "suite.yaml:5:3: field 'system.command': is required by the command provider: the "
              "program to "
              "start, e.g. [python3, model.py]");
  }
}

}  // namespace QB_UNITY_ID
}  // namespace qb
