// Data-driven CLI cases: every folder of tests/cases/ is one test, named after the folder.
//
// A folder holds the files a user would write (suite.yaml, cases.jsonl, responses.jsonl, ...) and
//   expect           line 1: the command line (without `qualbar`), line 2: the exit code,
//                    the rest: the exact stderr ({scorers}: the registered scorers' list)
//   setup            optional: command lines run first, one a line, each must exit 0 or 1
//   stdout-contains  optional: lines that must each appear in stdout
// The folder is copied to a fresh temporary directory and the command runs there. A command that
// fails with exit 2 prints nothing on stdout, and a `run` that fails stores no run.
#include <algorithm>
#include <cctype>
#include <ostream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "qualbar/scorers/scorer.hpp"
#include "run_qualbar.hpp"

namespace qb {
namespace QB_UNITY_ID {

using test::fs::path;

struct CaseSpec {
  std::string name;
  path dir;
  std::string command;
  int exit_code = 0;
  std::string stderr_text;
  std::vector<std::string> setup;
  std::vector<std::string> stdout_contains;
};

// Names the parameter in gtest's output instead of dumping its bytes.
void PrintTo(const CaseSpec& c, std::ostream* os) { *os << c.name; }

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) out.push_back(line);
    start = end + 1;
  }
  return out;
}

CaseSpec load_case(const path& dir) {
  CaseSpec c;
  c.name = dir.filename().string();
  c.dir = dir;
  const std::string expect = test::read_text(dir / "expect");
  const std::size_t first = expect.find('\n');
  const std::size_t second =
      first == std::string::npos ? std::string::npos : expect.find('\n', first + 1);
  c.command = expect.substr(0, first);
  const std::string code =
      first == std::string::npos
          ? ""
          : expect.substr(first + 1,
                          second == std::string::npos ? std::string::npos : second - first - 1);
  c.exit_code = code.empty() ? -999 : std::stoi(code);
  c.stderr_text = second == std::string::npos ? "" : expect.substr(second + 1);
  // {scorers}: the list of registered scorers, as the binary prints it in "Available: ...".
  const std::string all = fmt::format("{}", fmt::join(scorer_registry().names(), ", "));
  for (std::size_t at; (at = c.stderr_text.find("{scorers}")) != std::string::npos;)
    c.stderr_text.replace(at, 9, all);
  if (test::fs::exists(dir / "setup")) c.setup = lines_of(test::read_text(dir / "setup"));
  if (test::fs::exists(dir / "stdout-contains"))
    c.stdout_contains = lines_of(test::read_text(dir / "stdout-contains"));
  return c;
}

std::vector<CaseSpec> discover_cases() {
  std::vector<CaseSpec> out;
  for (const auto& entry : test::fs::directory_iterator(QB_CASES_DIR)) {
    if (entry.is_directory()) out.push_back(load_case(entry.path()));
  }
  std::sort(out.begin(), out.end(),
            [](const CaseSpec& a, const CaseSpec& b) { return a.name < b.name; });
  return out;
}

// The store a `run` command line writes to: its --store, else the default in the working folder.
std::string store_of(const std::vector<std::string>& args) {
  for (std::size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == "--store") return args[i + 1];
    if (args[i].starts_with("--store=")) return args[i].substr(8);
  }
  return ".qualbar/qualbar.db";
}

class CliCase : public ::testing::TestWithParam<CaseSpec> {};

TEST_P(CliCase, ExitCodeAndStderr) {
  const CaseSpec& c = GetParam();
  ASSERT_NE(c.exit_code, -999) << c.dir / "expect"
                               << " needs the command on line 1 and the exit code on line 2";
  test::TempDir tmp("qualbar-case-" + c.name);
  test::fs::copy(c.dir, tmp.work(), test::fs::copy_options::recursive);
  for (const char* harness_file : {"expect", "setup", "stdout-contains"})
    test::fs::remove(tmp.work() / harness_file);

  for (const auto& line : c.setup) {
    const auto s = test::run_qualbar(line, tmp);
    ASSERT_TRUE(s.exit_code == 0 || s.exit_code == 1)
        << "setup `" << line << "`: " << s.how_it_ended() << "\n"
        << s.err;
  }

  const auto args = test::split_command_line(c.command);
  const auto r = test::run_qualbar(args, tmp);
  EXPECT_EQ(r.exit_code, c.exit_code)
      << "qualbar " << c.command << ": " << r.how_it_ended() << "\nstderr:\n"
      << r.err;
  EXPECT_EQ(r.err, c.stderr_text) << "qualbar " << c.command;
  for (const auto& want : c.stdout_contains) {
    EXPECT_NE(r.out.find(want), std::string::npos) << "stdout lacks \"" << want << "\":\n" << r.out;
  }
  if (c.exit_code == 2) {
    EXPECT_EQ(r.out, "")
        << "a command that fails on bad input must print nothing on stdout (a script or CI log "
           "would otherwise show a partial success)";
  }

  // A run that fails on its input stores nothing; a run that ran (exit 0 or 1) stores exactly one.
  if (!args.empty() && args[0] == "run" && c.setup.empty()) {
    const std::string store = store_of(args);
    const bool ran = c.exit_code == 0 || c.exit_code == 1;
    if (ran || test::fs::exists(tmp.work() / store)) {
      const auto runs =
          test::run_qualbar(std::vector<std::string>{"runs", "--store", store, "--json"}, tmp);
      ASSERT_EQ(runs.exit_code, 0) << runs.err;
      const auto listed = nlohmann::json::parse(runs.out);
      ASSERT_TRUE(listed.is_array()) << runs.out;
      if (ran) {
        EXPECT_EQ(listed.size(), 1U) << store << " holds:\n" << runs.out;
      } else {
        EXPECT_TRUE(listed.empty())
            << "a failed run must store nothing, but " << store << " holds:\n"
            << runs.out;
      }
    }
  }
}

std::string case_test_name(const ::testing::TestParamInfo<CaseSpec>& info) {
  std::string name = info.param.name;
  std::replace_if(
      name.begin(), name.end(),
      [](char ch) { return !std::isalnum(static_cast<unsigned char>(ch)); }, '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(Cases, CliCase, ::testing::ValuesIn(discover_cases()), case_test_name);

TEST(CliCases, FolderIsNotEmpty) { EXPECT_GE(discover_cases().size(), 30U) << QB_CASES_DIR; }

}  // namespace QB_UNITY_ID
}  // namespace qb
