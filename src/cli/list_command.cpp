// qualbar list: what is registered (scorers, providers, formats, stores), from the registries.
#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "cli/shared_flags.hpp"
#include "qualbar/providers/provider.hpp"
#include "qualbar/report/format.hpp"
#include "qualbar/scorers/scorer.hpp"
#include "qualbar/store/store_registry.hpp"

namespace qb::cli {
namespace {

// One line per entry, the descriptions in a column two spaces right of the longest name.
template <class Entry, class Describe>
void print(const Registry<Entry>& registry, Describe describe) {
  std::size_t width = 16;
  for (const Entry* e : registry.entries()) width = std::max(width, e->name.size());
  for (const Entry* e : registry.entries())
    std::cout << fmt::format("  {:<{}}{}\n", e->name, width + 2, describe(*e));
}

// Which scorers `not-` negates, and where: from the same rule the suite and dataset loaders apply.
void print_negation() {
  std::vector<std::string> never, checks_only;
  for (const ScorerEntry* e : scorer_registry().entries()) {
    if (!negation_refusal(*e, ScorerUse::check).empty()) {
      never.push_back(e->name);
    } else if (!negation_refusal(*e, ScorerUse::dimension).empty()) {
      checks_only.push_back(e->name);
    }
  }
  std::cout << "Prefix not- to negate a scorer, as a dimension or in an `assert` list: not-regex "
               "passes when regex fails.\n";
  std::cout << fmt::format(
      "  0–1 scorers only in an `assert` list, where a negated one passes below its threshold: "
      "{}.\n",
      fmt::join(checks_only, ", "));
  std::cout << fmt::format("  Never: {}; nor a scorer set to ask the judge (method: judge).\n",
                           fmt::join(never, ", "));
}

int list(const std::string& what) {
  if (what == "scorers") {
    std::cout << "Scorers (use one as a dimension's `scorer`, or in a case's `assert` list):\n";
    print(scorer_registry(), [](const ScorerEntry& e) {
      const char* kind = e.info.kind == ScoreKind::binary   ? "pass/fail"
                         : e.info.kind == ScoreKind::graded ? "0–1"
                                                            : "measure";
      return fmt::format("{:<10}{}", kind, e.info.summary);
    });
    print_negation();
  } else if (what == "providers") {
    std::cout << "Providers (a suite's system.provider):\n";
    print(provider_registry(), [](const ProviderEntry& e) { return e.summary; });
  } else if (what == "formats") {
    std::cout << "Report formats (--format NAME, --out NAME=PATH):\n";
    print(report_format_registry(), [](const ReportFormatEntry& e) { return e.summary; });
  } else if (what == "flags") {
    std::cout << "Flags several commands share (the same name, environment variable and meaning "
                 "in each):\n";
    for (const SharedFlag& f : shared_flags()) {
      std::cout << fmt::format("  {:<16}{:<17}{}\n", f.names,
                               f.env.empty() ? std::string() : "$" + std::string(f.env), f.help);
    }
  } else if (what == "stores") {
    std::cout << "Stores (--store PATH or URL):\n";
    print(store_registry(), [](const StoreEntry& e) { return e.summary; });
  }
  return 0;
}

const CommandRegistrar list_command_registrar{CommandEntry{
    "list", 90, [](Command& sub, const Globals&) -> std::function<int()> {
      sub.description(
          "List what this qualbar knows: scorers, providers, formats, stores, or the flags "
          "several commands share.");
      auto what = std::make_shared<std::string>();
      sub.add_option("what", *what, "scorers, providers, formats, stores or flags")
          ->required()
          ->allowed({"scorers", "providers", "formats", "stores", "flags"});
      return [what] { return list(*what); };
    }}};

}  // namespace
}  // namespace qb::cli
