// A run of a big dataset starts itself once more with glibc's malloc.hugetlb tunable
// (util/huge_pages.hpp), and gives the programs it runs the environment it was given. Checked
// from a command provider's model program, which sees qualbar's start-up environment in /proc
// and its own. A report that reads a large stored run whole starts again the same way: checked
// in /proc while it writes its output into a pipe nobody reads yet; so does `qualbar serve` of a
// large store, checked once it listens.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "qualbar/io/dataset.hpp"
#include "qualbar/store/store.hpp"
#include "qualbar/util/huge_pages.hpp"
#include "run_qualbar.hpp"

namespace qb {
namespace QB_UNITY_ID {

using test::run_args;
using test::TempDir;

constexpr const char* kModel = R"(import json, os, sys
parent = open("/proc/%d/environ" % os.getppid(), "rb").read().split(b"\0")
started = [e.decode() for e in parent if e.startswith(b"GLIBC_TUNABLES=")]
for line in sys.stdin:
    case = json.loads(line)
    seen = {"mine": os.environ.get("GLIBC_TUNABLES", "unset"), "qualbar": started}
    print(json.dumps({"id": case["id"], "output": json.dumps(seen)}), flush=True)
)";

nlohmann::json what_the_model_saw(const test::EnvChanges& env, bool big = true) {
  TempDir dir("qb-hugepages");
  std::ofstream(dir.work() / "model.py") << kModel;
  // One case of 33 MiB: over the 32 MiB from which a run takes huge pages.
  std::ofstream(dir.work() / "cases.jsonl")
      << R"({"id":"c1","input":")" << std::string(big ? std::size_t{33} << 20 : 2, 'x') << "\"}\n";
  std::ofstream(dir.work() / "suite.yaml")
      << "schema_version: 1\nname: env\ndatasets: [cases.jsonl]\n"
         "dimensions:\n  said: {scorer: contains, args: {value: mine}}\n"
         "system:\n  provider: command\n  command: [/usr/bin/python3, model.py]\n";
  const auto r = run_args({"run", "suite.yaml", "--store", "s.db", "-q"}, dir, env);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const StoredRun run =
      open_store((dir.work() / "s.db").string(), StoreAccess::existing)->runs().load_run("latest");
  EXPECT_EQ(run.responses.size(), 1U);
  if (run.responses.empty()) return {};
  return nlohmann::json::parse(run.responses[0].output);
}

TEST(HugePages, QualbarRunsWithTheTunableAndItsChildrenWithTheEnvironmentGiven) {
  const nlohmann::json seen = what_the_model_saw({{"GLIBC_TUNABLES", std::nullopt}});
  EXPECT_EQ(seen["qualbar"], nlohmann::json::array({"GLIBC_TUNABLES=glibc.malloc.hugetlb=1"}));
  EXPECT_EQ(seen["mine"], "unset");
}

// (What /proc shows of qualbar's own start-up string is glibc's rewrite of it, which keeps only
// some of several tunables: the program's own environment is what is checked here.)
TEST(HugePages, ATunableGivenIsWhatTheChildrenGet) {
  const nlohmann::json seen =
      what_the_model_saw({{"GLIBC_TUNABLES", "glibc.malloc.arena_max=2"}});
  EXPECT_EQ(seen["qualbar"].size(), 1U) << seen.dump();
  EXPECT_EQ(seen["mine"], "glibc.malloc.arena_max=2");
}

TEST(HugePages, TheSecondStartAddsHugePagesAndA64MiBTopPadToTheTunablesGiven) {
  EXPECT_EQ(huge_page_tunables(nullptr), "glibc.malloc.hugetlb=1:glibc.malloc.top_pad=67108864");
  EXPECT_EQ(huge_page_tunables(""), "glibc.malloc.hugetlb=1:glibc.malloc.top_pad=67108864");
  EXPECT_EQ(huge_page_tunables("glibc.malloc.arena_max=2"),
            "glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1:glibc.malloc.top_pad=67108864");
  EXPECT_EQ(huge_page_tunables("glibc.malloc.top_pad=0"),
            "glibc.malloc.top_pad=0:glibc.malloc.hugetlb=1");
}

TEST(HugePages, ASmallRunStartsOnce) {
  const nlohmann::json seen = what_the_model_saw({{"GLIBC_TUNABLES", std::nullopt}}, false);
  EXPECT_EQ(seen["qualbar"], nlohmann::json::array());
  EXPECT_EQ(seen["mine"], "unset");
}

TEST(HugePages, AHugetlbTunableGivenIsLeftAsItIs) {
  const nlohmann::json seen = what_the_model_saw({{"GLIBC_TUNABLES", "glibc.malloc.hugetlb=0"}});
  EXPECT_EQ(seen["qualbar"], nlohmann::json::array({"GLIBC_TUNABLES=glibc.malloc.hugetlb=0"}));
  EXPECT_EQ(seen["mine"], "glibc.malloc.hugetlb=0");
}

// The GLIBC_TUNABLES entry of process `pid`'s start-up environment ("" when it has none).
std::string started_tunables(pid_t pid) {
  const std::string environ_text = test::read_text(fmt::format("/proc/{}/environ", pid));
  std::string started;
  for (std::size_t at = 0; at < environ_text.size();) {
    const std::size_t end = environ_text.find('\0', at);
    const std::string entry = environ_text.substr(at, end - at);
    if (entry.starts_with("GLIBC_TUNABLES=")) started = entry;
    if (end == std::string::npos) break;
    at = end + 1;
  }
  return started;
}

// Starts QB_BINARY with `args`, without GLIBC_TUNABLES, its standard output into a pipe; returns
// the pid and the pipe's reading end.
std::pair<pid_t, int> start_qualbar(std::vector<std::string> args) {
  int out[2];
  if (::pipe(out) != 0) return {-1, -1};
  args.insert(args.begin(), "qualbar");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::unsetenv("GLIBC_TUNABLES");
    ::dup2(out[1], STDOUT_FILENO);
    ::close(out[0]);
    ::close(out[1]);
    ::execv(QB_BINARY, argv.data());
    ::_exit(127);
  }
  ::close(out[1]);
  return {pid, out[0]};
}

// Runs the replay suite of `dir`'s cases.jsonl and responses.jsonl into a new store; its path.
std::string stored_replay(const TempDir& dir) {
  std::ofstream(dir.work() / "suite.yaml")
      << "schema_version: 1\nname: big\ndatasets: [cases.jsonl]\n"
         "dimensions:\n  exact: exact-match\n"
         "system: {provider: replay, responses: responses.jsonl}\n";
  const auto made = run_args({"run", "suite.yaml", "--store", "s.db", "-q"}, dir);
  EXPECT_EQ(made.exit_code, 0) << made.err;
  return (dir.work() / "s.db").string();
}

// The start-up environment of `qualbar report RUN --format scores` on a stored run of `cases`
// cases, read from /proc once the report's first bytes arrive (the run is loaded by then) and
// while the rest waits in the pipe.
std::string report_started_with(std::size_t cases) {
  TempDir dir("qb-hugepages-report");
  {
    std::ofstream c(dir.work() / "cases.jsonl"), r(dir.work() / "responses.jsonl");
    for (std::size_t i = 0; i < cases; ++i) {
      c << R"({"id":"c)" << i << R"(","input":"q","reference":"a"})" << '\n';
      r << R"({"id":"c)" << i << R"(","output":"a"})" << '\n';
    }
  }
  const std::string store = stored_replay(dir);
  const auto [pid, out] =
      start_qualbar({"report", "latest", "--store", store, "--format", "scores"});
  if (pid < 0) return "no pipe";
  char first = 0;
  EXPECT_EQ(::read(out, &first, 1), 1) << "the report wrote nothing";
  const std::string started = started_tunables(pid);
  char buf[65536];
  std::size_t rest = 0;
  for (ssize_t n; (n = ::read(out, buf, sizeof buf)) > 0;) rest += static_cast<std::size_t>(n);
  ::close(out);
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  EXPECT_GT(rest, std::size_t{65536}) << "the output fits the pipe: qualbar may have ended";
  return started;
}

// 33,000 cases: over the 32 MiB (a kilobyte a case) from which a run is read with huge pages.
TEST(HugePages, AReportReadingALargeStoredRunWholeStartsAgainWithThem) {
  EXPECT_EQ(report_started_with(33000), "GLIBC_TUNABLES=glibc.malloc.hugetlb=1");
  EXPECT_EQ(report_started_with(3000), "");
}

// The start-up environment of `qualbar serve` on a store whose one run has a case of `input_mib`
// MiB of text that does not compress, read from /proc once the server says it listens.
std::string serve_started_with(std::size_t input_mib) {
  TempDir dir("qb-hugepages-serve");
  {
    std::mt19937_64 random(7);
    std::string input(input_mib << 20, ' ');
    const char* digits = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/";
    for (char& ch : input) ch = digits[random() % 64];
    std::ofstream(dir.work() / "cases.jsonl")
        << R"({"id":"c1","input":")" << input << R"(","reference":"a"})" << '\n';
    std::ofstream(dir.work() / "responses.jsonl") << R"({"id":"c1","output":"a"})" << '\n';
  }
  const std::string store = stored_replay(dir);
  const bool large = std::filesystem::file_size(store) >= (std::uintmax_t{32} << 20);
  EXPECT_EQ(large, input_mib > 32) << std::filesystem::file_size(store) << " bytes";
  const auto [pid, out] =
      start_qualbar({"serve", "--store", store, "--listen", "127.0.0.1:0", "--monitor-every", "0"});
  if (pid < 0) return "no pipe";
  std::string said;
  char ch = 0;
  while (said.find('\n') == std::string::npos && ::read(out, &ch, 1) == 1) said += ch;
  EXPECT_NE(said.find("listening on"), std::string::npos) << said;
  const std::string started = started_tunables(pid);
  ::kill(pid, SIGINT);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::close(out);
  return started;
}

TEST(HugePages, ServeOnALargeStoreStartsAgainWithThem) {
  EXPECT_EQ(serve_started_with(40), "GLIBC_TUNABLES=glibc.malloc.hugetlb=1");
  EXPECT_EQ(serve_started_with(1), "");
}

}  // namespace QB_UNITY_ID
}  // namespace qb
