// The demo end to end through the real binary: what a new user sees first, and what a CI job
// relies on (exit codes, JSON on stdout, stored runs re-rendered identically).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>
#include <set>
#include <string>
#include <vector>

#include "qualbar/util/text.hpp"
#include "run_qualbar.hpp"

namespace qb {
namespace QB_UNITY_ID {

using nlohmann::json;
using test::ProcessResult;
using test::run_qualbar;
using test::TempDir;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// Each test gets its own folder with the demo written and its two runs stored in s.db.
class Demo : public ::testing::Test {
 protected:
  void SetUp() override {
    demo_ = run_qualbar("demo --dir d --store s.db --wide", dir_);
    ASSERT_EQ(demo_.exit_code, 0) << demo_.how_it_ended() << "\n" << demo_.err;
  }
  ProcessResult qb(std::string_view command_line, const test::EnvChanges& env = {}) {
    return run_qualbar(command_line, dir_, env);
  }
  json stored_runs() {
    const auto r = qb("runs --store s.db --json");
    EXPECT_EQ(r.exit_code, 0) << r.how_it_ended() << "\n" << r.err;
    return json::parse(r.out);
  }

  TempDir dir_{"qualbar-demo-test"};
  ProcessResult demo_;
};

TEST_F(Demo, PrintsDemoLabelAndPutsTheCriticalRefundSliceFirst) {
  EXPECT_EQ(demo_.err, "");
  EXPECT_NE(demo_.out.find("DEMO DATA"), std::string::npos) << demo_.out;
  const auto lines = lines_of(demo_.out);
  std::size_t i = 0;
  while (i < lines.size() && !lines[i].starts_with("WORST SLICES FIRST")) ++i;
  ASSERT_LT(i + 2, lines.size()) << "no WORST SLICES FIRST table:\n" << demo_.out;
  ASSERT_TRUE(lines[i + 1].starts_with("DIMENSION")) << lines[i + 1];
  const std::string& first = lines[i + 2];
  EXPECT_TRUE(first.starts_with("answer_correct ")) << first;
  EXPECT_NE(first.find("category=refund-dispute ★"), std::string::npos) << first;
  EXPECT_NE(first.find("FAIL"), std::string::npos) << first;
  EXPECT_TRUE(std::filesystem::exists(dir_.work() / "d" / "suite.yaml"));
  EXPECT_TRUE(std::filesystem::exists(dir_.work() / "d" / "responses" / "bot-v1.jsonl"));
}

// The terminal report fits the terminal: $COLUMNS, else 80 columns when stdout is not one; --wide
// keeps every table row on one line.
TEST(DemoWidth, EveryLineFitsTheColumnsAndWideKeepsRowsWhole) {
  TempDir dir("qualbar-demo-width");
  const auto longest = [](const std::string& out) {
    std::size_t most = 0;
    for (const auto& line : lines_of(out)) most = std::max(most, code_points(line));
    return most;
  };
  const auto plain = run_qualbar("demo --dir d --store s.db", dir, {{"COLUMNS", std::nullopt}});
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_LE(longest(plain.out), 80U) << plain.out;
  const auto hundred = run_qualbar("demo --dir d --store s.db", dir, {{"COLUMNS", "100"}});
  EXPECT_LE(longest(hundred.out), 100U) << hundred.out;
  EXPECT_GT(longest(hundred.out), 80U) << "COLUMNS is what the tables fit";
  const auto wide = run_qualbar("demo --dir d --store s.db --wide", dir, {{"COLUMNS", "100"}});
  EXPECT_GT(longest(wide.out), 100U);
  // Narrowed, the tables wrap within their cells: the slice still reads whole across its lines.
  EXPECT_NE(plain.out.find("category=refund-"), std::string::npos) << plain.out;
  EXPECT_NE(wide.out.find("category=refund-dispute ★"), std::string::npos);
  // At 80 columns the statuses are short and explained under the table; the per-class table's
  // columns stay aligned.
  EXPECT_NE(plain.out.find(" pass?\n"), std::string::npos) << plain.out;
  EXPECT_NE(plain.out.find("pass? FAIL?: the interval spans the bar"), std::string::npos);
  EXPECT_NE(plain.out.find(" too small\n"), std::string::npos);
  EXPECT_EQ(plain.out.find("shows only drops ≥"), std::string::npos);
  EXPECT_NE(wide.out.find("too small: shows only drops ≥ 24 pts"), std::string::npos);
  EXPECT_NE(plain.out.find("  CLASS                 N   RECALL  95% INTERVAL     PRECISION     F1"
                           "     FPR\n  refund-dispute       17    76.5%  [52.7%, 90.4%]"),
            std::string::npos)
      << plain.out;
  // No number is cut across lines: a cut word ends where it breaks by itself.
  EXPECT_EQ(plain.out.find("$0.0050\n"), std::string::npos) << plain.out;
}

TEST_F(Demo, StoresBothVersions) {
  const json runs = stored_runs();
  ASSERT_TRUE(runs.is_array());
  ASSERT_EQ(runs.size(), 2U) << runs.dump(2);
  // Newest first: v2 was run after v1.
  EXPECT_EQ(runs[0]["model"], "support-bot-v2");
  EXPECT_EQ(runs[1]["model"], "support-bot-v1");
  for (const auto& r : runs) {
    EXPECT_EQ(r["suite"], "support-assistant-demo");
    EXPECT_EQ(r["n_cases"], 200);
    EXPECT_EQ(r["passed"], false);
    EXPECT_EQ(r["status"], "complete");
  }
}

TEST_F(Demo, CompareBlocksTheUpgradeOnGroundednessAndPassesARunAgainstItself) {
  const json runs = stored_runs();
  const std::string v1 = runs[1]["id"], v2 = runs[0]["id"];
  const auto r = qb("compare " + v1 + " " + v2 + " --store s.db --wide");
  EXPECT_EQ(r.exit_code, 1) << r.how_it_ended() << "\n" << r.err;
  EXPECT_NE(r.out.find("REGRESSION — B is worse than A on"), std::string::npos) << r.out;
  // At 80 columns (not a terminal, no COLUMNS), the table wraps within its cells.
  const auto narrow = qb("compare latest~1 latest --store s.db", {{"COLUMNS", std::nullopt}});
  EXPECT_EQ(narrow.exit_code, 1);
  for (const auto& l : lines_of(narrow.out)) EXPECT_LE(code_points(l), 80U) << l;
  const auto lines = lines_of(r.out);
  bool grounded = false, correct = false;
  for (const auto& l : lines) {
    grounded = grounded || (l.starts_with("grounded ") && l.ends_with("regression"));
    correct = correct || (l.starts_with("answer_correct ") && l.ends_with("no significant change"));
  }
  EXPECT_TRUE(grounded) << "grounded falls 91% -> 78%:\n" << r.out;
  EXPECT_TRUE(correct) << "answer_correct rises 87% -> 89%, within noise:\n" << r.out;
  const auto js = qb("compare " + v1 + " " + v2 + " --store s.db --format json");
  EXPECT_EQ(js.exit_code, 1);
  const json j = json::parse(js.out);
  EXPECT_EQ(j["schema"], "qualbar.comparison/1");
  EXPECT_EQ(j["paired_cases"], 200);
  EXPECT_EQ(j["regressed"], true);
  const auto same = qb("compare " + v2 + " " + v2 + " --store s.db");
  EXPECT_EQ(same.exit_code, 0) << same.out;
  EXPECT_NE(same.out.find("NO REGRESSION"), std::string::npos) << same.out;
}

// "What broke?": the comparison names the cases whose verdict changed. v2 invents guarantees, so
// grounded's list opens with cases that passed in v1 and fail in v2, refund disputes first.
TEST_F(Demo, CompareNamesGroundedsCasesThatPassedInV1AndFailInV2) {
  const auto r = qb("compare latest~1 latest --store s.db --wide --cases 10");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto lines = lines_of(r.out);
  std::size_t i = 0;
  while (i < lines.size() && !lines[i].starts_with("grounded: ")) ++i;
  // By default three a dimension, so the terminal shows what broke without scrolling.
  const auto by_default = qb("compare latest~1 latest --store s.db --wide");
  EXPECT_NE(by_default.out.find("the first 3 of each dimension"), std::string::npos)
      << by_default.out;
  ASSERT_LT(i + 7, lines.size()) << "no changed cases for grounded:\n" << r.out;
  EXPECT_EQ(lines[i], "grounded: 44 changed — 35 pass → fail, 9 fail → pass");
  EXPECT_EQ(lines[i + 1], "  ✗ sup-003  pass → fail  ★ category=refund-dispute");
  EXPECT_EQ(lines[i + 2], "    input       I filed a chargeback with my bank. What happens now?");
  EXPECT_TRUE(lines[i + 5].starts_with("    B output    Sure! During a chargeback")) << lines[i + 5];
  EXPECT_TRUE(lines[i + 5].ends_with("This is backed by our 100% refund guarantee."));
  EXPECT_EQ(lines[i + 6], "    B evidence  assert[1] not-regex: matched '100% refund'");
  // The first ten listed are all pass → fail, and most of them an invented guarantee.
  std::size_t listed = 0, invented = 0;
  for (std::size_t k = i + 1; k < lines.size() && !lines[k].starts_with("  …"); ++k) {
    if (lines[k].starts_with("  ✗ ") || lines[k].starts_with("  ✓ ")) {
      ++listed;
      EXPECT_TRUE(lines[k].starts_with("  ✗ ")) << lines[k];
    }
    invented += lines[k].starts_with("    B evidence  assert[1] not-regex") ? 1 : 0;
  }
  EXPECT_EQ(listed, 10U);
  EXPECT_GE(invented, 5U);
  const json j =
      json::parse(qb("compare latest~1 latest --store s.db --format json --cases 10").out);
  bool found = false;
  for (const auto& d : j["changed_cases"]["dimensions"]) {
    if (d["dimension"] != "grounded") continue;
    found = true;
    EXPECT_EQ(d["pass_to_fail"], 35);
    EXPECT_EQ(d["cases"][0]["id"], "sup-003");
    EXPECT_EQ(d["cases"][0]["direction"], "pass_to_fail");
  }
  EXPECT_TRUE(found) << j["changed_cases"].dump(2);
}

TEST_F(Demo, RunOfTheUpgradeExits1AndIsStored) {
  const auto r = qb("run d/suite.yaml --store s.db");
  EXPECT_EQ(r.exit_code, 1) << r.how_it_ended() << "\n" << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_NE(r.out.find("FAIL"), std::string::npos);
  const json runs = stored_runs();
  ASSERT_EQ(runs.size(), 3U);
  EXPECT_NE(r.out.find("Stored as run " + runs[0]["id"].get<std::string>() + " in s.db."),
            std::string::npos)
      << r.out;
}

TEST_F(Demo, JsonOfV1Exits1WithPassedFalse) {
  const auto r =
      qb("run d/suite.yaml --responses d/responses/bot-v1.jsonl --store s.db --format json");
  EXPECT_EQ(r.exit_code, 1) << r.how_it_ended() << "\n" << r.err;
  EXPECT_EQ(r.err, "");
  const json j = json::parse(r.out);  // stdout is the JSON document and nothing else
  EXPECT_EQ(j["schema"], "qualbar.report/1");
  EXPECT_EQ(j["summary"]["passed"], false);
  EXPECT_EQ(j["summary"]["exit_code"], 1);
  EXPECT_EQ(j["summary"]["n_cases"], 200);
  EXPECT_EQ(j["run"]["model"], "support-bot-v1");
  ASSERT_FALSE(j["summary"]["failures"].empty());
  EXPECT_EQ(j["summary"]["failures"][0]["where"], "category=refund-dispute");
  EXPECT_EQ(j["summary"]["failures"][0]["critical"], true);
  EXPECT_EQ(stored_runs().size(), 3U);
}

TEST_F(Demo, ReportOfAStoredRunEqualsTheRunsOwnJson) {
  const auto ran =
      qb("run d/suite.yaml --responses d/responses/bot-v1.jsonl --store s.db --format json");
  ASSERT_EQ(ran.exit_code, 1) << ran.how_it_ended() << "\n" << ran.err;
  const json at_run = json::parse(ran.out);
  const std::string id = at_run["run"]["id"];
  EXPECT_EQ(stored_runs()[0]["id"], id);

  const auto again = qb("report " + id + " --store s.db --format json");
  ASSERT_EQ(again.exit_code, 1) << again.how_it_ended() << "\n" << again.err;
  EXPECT_EQ(again.err, "");
  const json from_store = json::parse(again.out);
  EXPECT_EQ(from_store["dimensions"], at_run["dimensions"]);
  EXPECT_EQ(from_store["summary"], at_run["summary"]);
  EXPECT_EQ(from_store["run"], at_run["run"]);
  EXPECT_EQ(from_store["suite"], at_run["suite"]);
}

TEST_F(Demo, ReportOfTheDemoRunsByIdAndLatest) {
  const json runs = stored_runs();
  const auto latest = qb("report latest --store s.db --format json");
  ASSERT_EQ(latest.exit_code, 1) << latest.how_it_ended() << "\n" << latest.err;
  EXPECT_EQ(json::parse(latest.out)["run"]["id"], runs[0]["id"]);
  const auto v1 = qb("report " + runs[1]["id"].get<std::string>() + " --store s.db --format json");
  ASSERT_EQ(v1.exit_code, 1) << v1.how_it_ended() << "\n" << v1.err;
  EXPECT_EQ(json::parse(v1.out)["run"]["model"], "support-bot-v1");
}

TEST_F(Demo, OutWritesJsonAndScoresFiles) {
  const auto r = qb("run d/suite.yaml --store s.db --out json=r.json --out scores=s.jsonl");
  EXPECT_EQ(r.exit_code, 1) << r.how_it_ended() << "\n" << r.err;
  ASSERT_TRUE(std::filesystem::exists(dir_.work() / "r.json"));
  ASSERT_TRUE(std::filesystem::exists(dir_.work() / "s.jsonl"));
  const json report = json::parse(test::read_text(dir_.work() / "r.json"));
  EXPECT_EQ(report["summary"]["passed"], false);
  EXPECT_EQ(report["run"]["id"], stored_runs()[0]["id"]);

  const auto lines = lines_of(test::read_text(dir_.work() / "s.jsonl"));
  ASSERT_EQ(lines.size(), 200U);
  for (const auto& line : lines) {
    const json s = json::parse(line);
    ASSERT_TRUE(s.contains("id")) << line;
    ASSERT_TRUE(s.contains("scores") && s["scores"].is_object()) << line;
    for (const char* dim : {"answer_correct", "grounded", "routing", "latency",
                            "time_to_first_token", "cost", "errors"}) {
      EXPECT_TRUE(s["scores"].contains(dim)) << dim << " missing in " << line;
    }
  }
  // The terminal report still goes to stdout.
  EXPECT_NE(r.out.find("WORST SLICES FIRST"), std::string::npos);
}

TEST_F(Demo, NoAnsiEscapesWhenStdoutIsNotATerminal) {
  // NO_COLOR unset and a colour-capable TERM: only "stdout is a file" says no colour.
  const test::EnvChanges env{{"NO_COLOR", std::nullopt}, {"TERM", "xterm-256color"}};
  const auto r = qb("run d/suite.yaml --store s.db", env);
  EXPECT_EQ(r.exit_code, 1) << r.how_it_ended() << "\n" << r.err;
  EXPECT_EQ(r.out.find('\x1b'), std::string::npos) << r.out;
  EXPECT_EQ(demo_.out.find('\x1b'), std::string::npos);
  const auto report = qb("report latest --store s.db", env);
  EXPECT_EQ(report.out.find('\x1b'), std::string::npos) << report.out;
}

TEST_F(Demo, QuietPrintsNothingButKeepsTheExitCode) {
  const auto r = qb("run d/suite.yaml --store s.db --quiet");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "");
}

TEST_F(Demo, ValidateTheDemoSuite) {
  const auto r = qb("validate d/suite.yaml");
  EXPECT_EQ(r.exit_code, 0) << r.how_it_ended() << "\n" << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_TRUE(r.out.starts_with("d/suite.yaml is valid.\n")) << r.out;
  EXPECT_NE(r.out.find("  cases       200 in 1 dataset file(s)\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  dimensions  answer_correct, grounded, routing, confidence, helpful, "
                       "no_pii, latency, time_to_first_token, cost, errors\n"),
            std::string::npos)
      << r.out;
  // The judge only replays its recorded grades: no key, nothing sent, every answer graded.
  EXPECT_NE(r.out.find("  judge       demo-judge-2026-11: 366 recorded grade(s) in "
                       "d/judge-grades.jsonl; nothing is sent\n"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("note:"), std::string::npos) << r.out;
}

// The tour's steps 5 and 6 with no key: the demo's recorded judge grades every answer, two
// reviewers' grades show it cannot stand in for them, and its production log opens incidents.
TEST_F(Demo, TheTourChecksTheJudgeAgainstPeopleAndWatchesProductionWithNoKey) {
  const test::EnvChanges no_key{{"OPENAI_API_KEY", std::nullopt}};
  const auto run = qb("run d/suite.yaml --store s.db", no_key);
  EXPECT_EQ(run.exit_code, 1) << run.how_it_ended() << "\n" << run.err;
  EXPECT_NE(run.out.find("The judge was asked about 198 answer(s): 198 recorded (judge.grades)."),
            std::string::npos)
      << run.out;
  const auto imported = qb(
      "review import --run latest --store s.db d/grades/reviewer-1.jsonl d/grades/reviewer-2.csv",
      no_key);
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_NE(imported.out.find("Imported 396 grades on helpful."), std::string::npos)
      << imported.out;
  const auto agreement = qb("review agreement --store s.db --format json", no_key);
  ASSERT_EQ(agreement.exit_code, 0) << agreement.err;
  const auto check = qb("judge-check --store s.db", no_key);
  EXPECT_EQ(check.exit_code, 1) << check.err;
  EXPECT_TRUE(check.out.starts_with("FAIL helpful — judge not usable")) << check.out;
  EXPECT_NE(check.out.find("The judge favours long answers"), std::string::npos) << check.out;

  const auto ingest =
      qb("monitor ingest d/production.jsonl --suite d/suite.yaml --store s.db", no_key);
  ASSERT_EQ(ingest.exit_code, 0) << ingest.err;
  EXPECT_NE(ingest.out.find("Ingested 844 records"), std::string::npos) << ingest.out;
  const auto status = qb("monitor status --suite d/suite.yaml --store s.db --wide", no_key);
  EXPECT_EQ(status.exit_code, 1) << status.err;
  const auto lines = lines_of(status.out);
  ASSERT_GT(lines.size(), 3U) << status.out;
  EXPECT_TRUE(lines[2].starts_with("3 OPEN INCIDENTS")) << status.out;
  EXPECT_TRUE(lines[3].starts_with("  ✗ no_pii@2026-W45")) << status.out;
  // Only the judged dimension is due for people: a case's assert checks and a calibration have
  // nothing to grade on a production record.
  const auto gaps = status.out.find("NOT TESTED");
  ASSERT_NE(gaps, std::string::npos) << status.out;
  const std::string due = status.out.substr(gaps, status.out.find("\n\n", gaps) - gaps);
  EXPECT_NE(due.find("✗ helpful:"), std::string::npos) << due;
  EXPECT_EQ(due.find("grounded"), std::string::npos) << due;
  EXPECT_EQ(due.find("confidence"), std::string::npos) << due;
  // Without --wide both fit 80 columns (stdout is no terminal and COLUMNS is not set).
  test::EnvChanges narrow = no_key;
  narrow["COLUMNS"] = std::nullopt;
  for (const char* command : {"judge-check --store s.db",
                              "monitor status --suite d/suite.yaml --store s.db"}) {
    const auto r = qb(command, narrow);
    for (const auto& line : lines_of(r.out)) EXPECT_LE(code_points(line), 80U) << command << ": " << line;
  }
}

TEST(Cli, ListScorersNamesTheBuiltIns) {
  TempDir dir("qualbar-list-test");
  const auto r = run_qualbar("list scorers", dir);
  ASSERT_EQ(r.exit_code, 0) << r.how_it_ended() << "\n" << r.err;
  for (const char* name : {"exact-match", "token-f1", "regex", "contains", "json-schema", "latency",
                           "cost", "error-rate"}) {
    EXPECT_NE(r.out.find("\n  " + std::string(name) + " "), std::string::npos)
        << name << " not listed:\n"
        << r.out;
  }
}

TEST(Cli, HelpExits0) {
  TempDir dir("qualbar-help-test");
  const auto top = run_qualbar("--help", dir);
  EXPECT_EQ(top.exit_code, 0) << top.how_it_ended() << "\n" << top.err;
  EXPECT_NE(top.out.find("Usage: qualbar"), std::string::npos) << top.out;
  for (const char* command : {"demo", "validate", "run", "report", "runs", "list"}) {
    EXPECT_NE(top.out.find("\n  " + std::string(command) + " "), std::string::npos)
        << command << ":\n"
        << top.out;
  }
  const auto run = run_qualbar("run --help", dir);
  EXPECT_EQ(run.exit_code, 0) << run.how_it_ended() << "\n" << run.err;
  EXPECT_NE(run.out.find("Usage: qualbar run"), std::string::npos) << run.out;
  for (const char* flag :
       {"--responses", "--store", "--no-store", "--format", "--out", "--quiet"}) {
    EXPECT_NE(run.out.find(flag), std::string::npos) << flag << ":\n" << run.out;
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir.work())) << "--help must not write anything";
}

// Bare `qualbar` says what it does and lists its commands (not "A subcommand is required").
TEST(Cli, BareQualbarPrintsTheHelp) {
  TempDir dir("qualbar-bare-test");
  const auto bare = run_args({}, dir);
  EXPECT_EQ(bare.exit_code, 0) << bare.err;
  EXPECT_EQ(bare.out, run_qualbar("--help", dir).out);
  EXPECT_EQ(bare.err, "");
}

// The flags several commands share have one help text and one environment variable everywhere.
TEST(Cli, SharedFlagsReadTheSameInEveryCommand) {
  TempDir dir("qualbar-shared-flags-test");
  std::set<std::string> store_help;
  for (const char* command : {"run", "report", "runs", "compare", "gate", "power", "judge-check",
                              "demo", "review export", "monitor status"}) {
    const auto help = run_qualbar(std::string(command) + " --help", dir);
    ASSERT_EQ(help.exit_code, 0) << command << "\n" << help.err;
    const auto at = help.out.find("--store");
    ASSERT_NE(at, std::string::npos) << command << ":\n" << help.out;
    store_help.insert(help.out.substr(at, help.out.find("(Env:", at) - at));
    EXPECT_NE(help.out.find("QUALBAR_STORE", at), std::string::npos) << command;
  }
  EXPECT_EQ(store_help.size(), 1U) << "one help text for --store";
}

// docs/cli.md lists every shared flag `qualbar list flags` prints, with its environment variable.
TEST(Cli, EverySharedFlagIsDocumentedWithItsEnvironmentVariable) {
  TempDir dir("qualbar-flags-doc-test");
  const auto r = run_qualbar("list flags", dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string doc =
      test::read_text(std::filesystem::path(QB_SOURCE_DIR) / "docs" / "cli.md");
  std::istringstream lines(r.out);
  std::string line;
  std::getline(lines, line);  // the heading
  int flags = 0;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string names, env;
    words >> names >> env;
    const std::string longest = names.substr(names.rfind(',') + 1);  // "-f,--format": --format
    EXPECT_NE(doc.find("| `" + names.substr(0, names.find(','))), std::string::npos)
        << longest << " is not a row of docs/cli.md";
    EXPECT_NE(doc.find(longest), std::string::npos) << longest;
    if (env.starts_with("$")) {
      EXPECT_NE(doc.find("`" + env.substr(1) + "`"), std::string::npos) << env;
    }
    ++flags;
  }
  EXPECT_GE(flags, 5) << r.out;
}

TEST(Cli, NoStoreLeavesNoStoreFile) {
  TempDir dir("qualbar-nostore-test");
  ASSERT_EQ(run_qualbar("demo --dir d --store s.db", dir).exit_code, 0);
  const auto r = run_qualbar("run d/suite.yaml --no-store --store other.db", dir);
  EXPECT_EQ(r.exit_code, 1) << r.how_it_ended() << "\n" << r.err;
  EXPECT_NE(r.out.find("Not stored (--no-store)."), std::string::npos) << r.out;
  EXPECT_FALSE(std::filesystem::exists(dir.work() / "other.db"));
  EXPECT_FALSE(std::filesystem::exists(dir.work() / ".qualbar"));
}

}  // namespace QB_UNITY_ID
}  // namespace qb
