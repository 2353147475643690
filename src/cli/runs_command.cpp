// qualbar runs: list stored runs, newest first.
#include <filesystem>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "cli/common.hpp"
#include "qualbar/util/text.hpp"

namespace qb::cli {
namespace {

struct RunsOptions {
  std::string store;
  std::size_t limit = 20;
  bool json = false;
};

int runs(const RunsOptions& o) {
  const std::string path = resolve_store_path(o.store, "");
  std::vector<RunInfo> list;
  if (path.find("://") != std::string::npos || std::filesystem::exists(path))
    list = open_store(path, StoreAccess::existing)->runs().list_runs(o.limit);
  if (o.json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& r : list) {
      out.push_back({{"id", r.id},
                     {"started_at", r.started_at},
                     {"suite", r.suite_name},
                     {"model", r.model},
                     {"n_cases", r.n_cases},
                     {"n_errors", r.n_errors},
                     {"passed", r.passed},
                     {"suite_hash", r.suite_hash},
                     {"dataset_hash", r.dataset_hash},
                     {"status", to_string(r.status)}});
    }
    std::cout << out.dump(2) << '\n';
    return 0;
  }
  if (list.empty()) {
    std::cout << fmt::format(
        "No runs in {} yet. Start with: qualbar run suite.yaml{} (or qualbar demo)\n", path,
        store_flag_hint(path));
    return 0;
  }
  std::cout << fmt::format("{:<26}{:<22}{:<24}{:<22}{:>7}{:>8}  {}\n", "RUN", "STARTED (UTC)",
                           "SUITE", "MODEL", "CASES", "ERRORS", "RESULT");
  for (const auto& r : list) {
    // Names come from suites and endpoints: shown, never run by the terminal.
    std::cout << fmt::format("{:<26}{:<22}{:<24}{:<22}{:>7}{:>8}  {}\n", display_text(r.id),
                             display_text(r.started_at.substr(0, 19)),
                             display_text(r.suite_name.substr(0, 23)),
                             display_text(r.model.substr(0, 21)), r.n_cases, r.n_errors,
                             r.status == RunStatus::monitor ? "monitor (qualbar monitor status)"
                             : r.status != RunStatus::complete
                                 ? std::string(to_string(r.status)) + " (qualbar run --resume)"
                             : r.passed ? "pass"
                                        : "FAIL");
  }
  std::cout << fmt::format("\n{} run(s) shown from {}. See one with: qualbar report RUN{}\n",
                           list.size(), path, store_flag_hint(path));
  return 0;
}

const CommandRegistrar runs_command_registrar{CommandEntry{
    "runs", 40, [](Command& sub, const Globals&) -> std::function<int()> {
      sub.description(
          "List stored runs, newest first, with their model and whether they met every bar. A run "
          "that was interrupted, failed or killed shows its status: continue it with `qualbar run "
          "--resume RUN`.");
      auto o = std::make_shared<RunsOptions>();
      add_store_option(sub, o->store);
      sub.add_option("-n,--limit", o->limit, "How many runs to list")->default_val(20);
      sub.add_flag("--json", o->json, "Print the list as JSON");
      return [o] { return runs(*o); };
    }}};

}  // namespace
}  // namespace qb::cli
