// qualbar gate and qualbar power on the demo's stored runs, as a CI job would call them.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "run_qualbar.hpp"

namespace qb::test {
namespace QB_UNITY_ID {

class GatePower : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(run_qualbar("demo --dir d --store s.db", dir_).exit_code, 0);
    const auto runs = nlohmann::json::parse(run_qualbar("runs --store s.db --json", dir_).out);
    v1_ = runs[1]["id"];
    v2_ = runs[0]["id"];
  }
  ProcessResult qb(const std::string& line) { return run_qualbar(line, dir_); }

  TempDir dir_{"qualbar-gate-test"};
  std::string v1_, v2_;
};

TEST_F(GatePower, GateGivesARunsVerdictAgainstItsOwnOrAnotherSuitesBars) {
  const auto own = qb("gate " + v2_ + " --store s.db");
  EXPECT_EQ(own.exit_code, 1);
  EXPECT_EQ(own.out.rfind("FAIL — run " + v2_, 0), 0U) << own.out;
  EXPECT_NE(own.out.find("✗ answer_correct in category=refund-dispute (critical slice)"),
            std::string::npos)
      << own.out;
  // The same scores against bars nobody misses: a pass, without running anything.
  std::string suite = test::read_text(dir_.work() / "d" / "suite.yaml");
  std::ofstream(dir_.work() / "d" / "lenient.yaml")
      << suite.substr(0, suite.find("\nbars:")) << "\n";
  const auto lenient = qb("gate " + v2_ + " --store s.db --suite d/lenient.yaml");
  EXPECT_EQ(lenient.exit_code, 0) << lenient.out << lenient.err;
  EXPECT_EQ(lenient.out.rfind("PASS — run " + v2_, 0), 0U) << lenient.out;
}

TEST_F(GatePower, GateOnASavedComparisonFollowsItsVerdict) {
  ASSERT_EQ(qb("compare " + v1_ + " " + v2_ + " --store s.db --out json=cmp.json").exit_code, 1);
  const auto g = qb("gate --comparison cmp.json");
  EXPECT_EQ(g.exit_code, 1);
  EXPECT_NE(g.out.find("✗ grounded regressed"), std::string::npos) << g.out;
  ASSERT_EQ(qb("compare " + v2_ + " " + v2_ + " --store s.db --out json=same.json").exit_code, 0);
  // --out FORMAT=PATH writes that format (never a file named "html=...").
  ASSERT_EQ(qb("compare " + v1_ + " " + v2_ + " --store s.db -q --out html=cmp.html --out "
               "markdown=cmp.md")
                .exit_code,
            1);
  EXPECT_EQ(test::read_text(dir_.work() / "cmp.html").rfind("<!DOCTYPE html>", 0), 0U);
  EXPECT_NE(test::read_text(dir_.work() / "cmp.md").find("grounded"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir_.work() / "html=cmp.html"));
  EXPECT_EQ(qb("gate --comparison same.json").exit_code, 0);
  std::ofstream(dir_.work() / "bad.json") << R"({"schema":"other"})";
  const auto bad = qb("gate --comparison bad.json");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.err,
            "qualbar: error: bad.json: not a comparison written by `qualbar compare --out json=FILE` "
            "(schema qualbar.comparison/1)\n");
}

TEST_F(GatePower, CompareTwoResponsesFilesAgainstOneSuiteWithoutAStore) {
  const auto r =
      qb("compare d/responses/bot-v1.jsonl d/responses/bot-v2.jsonl --suite d/suite.yaml "
         "--format json");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["a"]["model"], "support-bot-v1");
  EXPECT_EQ(j["b"]["model"], "support-bot-v2");
  EXPECT_EQ(j["paired_cases"], 200);
  EXPECT_EQ(j["regressed"], true);
  EXPECT_FALSE(std::filesystem::exists(dir_.work() / ".qualbar")) << "nothing is stored";
  // As a pull-request comment.
  const auto md =
      qb("compare d/responses/bot-v1.jsonl d/responses/bot-v2.jsonl --suite "
         "d/suite.yaml --format markdown");
  EXPECT_EQ(md.exit_code, 1);
  EXPECT_EQ(md.out.rfind("## ❌ qualbar compare: regression on grounded", 0), 0U) << md.out;
  EXPECT_NE(md.out.find("| grounded | 91.0% | 78.0% | -13.0 pts |"), std::string::npos) << md.out;
  EXPECT_NE(md.out.find("| \\$0.00103 |"), std::string::npos) << "a $ could start math: " << md.out;
  // As JUnit XML: a failing testcase for each gating regression.
  const auto junit =
      qb("compare d/responses/bot-v1.jsonl d/responses/bot-v2.jsonl --suite "
         "d/suite.yaml --format junit");
  EXPECT_EQ(junit.exit_code, 1);
  EXPECT_EQ(junit.out.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites", 0), 0U);
  EXPECT_NE(junit.out.find("<testcase classname=\"support-assistant-demo.grounded\" "
                           "name=\"grounded · overall\" time=\"0\"><failure message=\"grounded "
                           "overall: A 91.0% → B 78.0%"),
            std::string::npos)
      << junit.out.substr(0, 2000);
  // grounded, ttft and cost overall, and cost in the critical refund-dispute slice.
  EXPECT_NE(junit.out.find("failures=\"4\""), std::string::npos) << junit.out.substr(0, 300);
}

TEST_F(GatePower, PowerSaysHowManyCasesASliceNeedsAndWhichAreShort) {
  const auto plan = qb("power --rate 0.9 --drop 0.05");
  EXPECT_EQ(plan.exit_code, 0);
  // statsmodels normal_sample_size_one_tail(-0.05, 0.8, 0.05, std_null=√(0.09), std_alt=√(0.1275)):
  // 252.2, rounded up.
  EXPECT_NE(plan.out.find("253 cases per slice"), std::string::npos) << plan.out;
  const auto run = qb("power " + v2_ + " --store s.db");
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_NE(run.out.find("category=refund-dispute"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("too small to show a 5.0-point drop"), std::string::npos) << run.out;
  const auto bad = qb("power --rate 1.5");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.err, "qualbar: error: --rate must be between 0 and 1, got 1.5\n");
}

}  // namespace QB_UNITY_ID
}  // namespace qb::test
