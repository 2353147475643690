// A run of a big dataset starts itself once more with glibc's malloc.hugetlb tunable
// (util/huge_pages.hpp), and gives the programs it runs the environment it was given. Checked
// from a command provider's model program, which sees qualbar's start-up environment in /proc
// and its own.
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "qualbar/io/dataset.hpp"
#include "qualbar/store/store.hpp"
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

}  // namespace QB_UNITY_ID
}  // namespace qb
