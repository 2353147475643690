// qualbar run: a suite against the system under test, scored, stored and reported.
#include <iostream>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "cli/common.hpp"
#include "qualbar/util/files.hpp"

namespace qb::cli {
namespace {

struct RunOptions {
  std::string suite;
  ProviderOptions provider;
  std::string store;
  bool no_store = false;
  OutputOptions output;
};

int run(const RunOptions& o, const Globals& g) {
  check_output_options(o.output);
  const RunOutcome r = run_suite(o.suite, o.provider, o.store, o.no_store);
  emit_report(ReportInput{r.report, r.suite, r.dataset.cases, r.result.responses, r.result.scores},
              o.output, !g.no_color && stdout_wants_color());
  if (!o.output.quiet && o.output.format == "terminal") {
    const std::string& id = r.result.info.id;
    std::cout << '\n'
              << (r.store_path.empty()
                      ? std::string("Not stored (--no-store).\n")
                      : fmt::format(
                            "Stored as run {} in {}. Show it again with: qualbar report {}\n", id,
                            r.store_path, id));
  }
  return exit_code_for(r.report);
}

const CommandRegistrar registrar{CommandEntry{
    "run", 20, [](CLI::App& sub, const Globals& g) -> std::function<int()> {
      sub.description(
          "Run a suite: call the system under test on every case, score every dimension, store the "
          "run, "
          "report every dimension x slice against the bars. Exit 0 when every bar is met, 1 when "
          "one is "
          "missed, 2 on bad input, 3 when the run itself failed.");
      auto o = std::make_shared<RunOptions>();
      sub.add_option("suite", o->suite, "The suite file (suite.yaml)")->required();
      sub.add_option("--responses", o->provider.responses,
                     "Replay these recorded responses (JSONL) instead of the suite's");
      sub.add_option("--model", o->provider.model, "Label the run with this model id");
      sub.add_option(
             "--store", o->store,
             "Store file (default: $QUALBAR_STORE, the suite's `store`, or .qualbar/qualbar.db)")
          ->envname("QUALBAR_STORE");
      sub.add_flag("--no-store", o->no_store, "Do not store the run");
      add_output_options(sub, o->output);
      return [o, &g] { return run(*o, g); };
    }}};

}  // namespace
}  // namespace qb::cli
