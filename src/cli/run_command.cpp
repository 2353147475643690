// qualbar run: a suite against the system under test, scored, stored and reported.
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/command.hpp"
#include "cli/common.hpp"
#include "qualbar/util/files.hpp"

namespace qb::cli {
namespace {

struct RunOptions {
  RunRequest request;
  OutputOptions output;
};

// After Ctrl-C: what was saved and how to go on. Exit 3: the run did not complete.
int interrupted(const RunOutcome& r) {
  const RunResult& run = r.result;
  std::cerr << fmt::format("qualbar: run {} interrupted: {} of {} cases answered", run.info.id,
                           run.n_answered, run.info.n_cases);
  if (r.store_path.empty()) {
    std::cerr << " (not stored: --no-store; nothing to resume).\n";
  } else {
    std::cerr << fmt::format(", saved in {}.\nContinue it with: qualbar run --resume {}{}\n",
                             r.store_path, run.info.id, store_flag_hint(r.store_path));
  }
  return static_cast<int>(ExitCode::run_failed);
}

int run(const RunOptions& o, const Globals& g) {
  check_output_options(o.output);
  for (const auto& label : o.request.labels) check_run_label(label, "--label");
  check_run_note(o.request.note, "--note");
  if (o.request.suite.empty() == o.request.resume.empty())
    throw InputError(
        "give a suite file to run, or --resume RUN to continue a stored run (not both)");
  for (const auto& out : o.output.outs) {
    if (o.request.no_store && is_bundle_out(out))
      throw InputError(fmt::format("--out '{}': a run bundle is written from the stored run; drop "
                                   "--no-store",
                                   out));
  }
  // The outcome is left for the process's exit to give back: freeing a million cases, answers
  // and scores one by one takes longer than reporting them. The one before it (a process that
  // runs several commands, as the tests do) is freed here.
  static RunOutcome* kept = nullptr;
  delete kept;
  kept = nullptr;
  kept = new RunOutcome(run_suite(o.request));
  const RunOutcome& r = *kept;
  if (!r.result.complete()) return interrupted(r);
  emit_report(ReportInput{r.report, r.suite, r.dataset.cases, r.result.responses, r.result.scores},
              o.output, !g.no_color && stdout_wants_color());
  if (!r.store_path.empty()) {
    const auto store = open_store(r.store_path, StoreAccess::existing);
    write_bundle_outs(*store, r.result.info.id, o.output);
  }
  if (!o.output.quiet && o.output.format == "terminal") {
    const std::string& id = r.result.info.id;
    if (r.result.n_resumed > 0 || r.result.n_cached > 0) {
      std::cout << fmt::format(
          "\n{} case(s) called now, {} answered before this run was resumed, {} from the response "
          "cache.",
          r.result.info.n_cases - r.result.n_resumed - r.result.n_cached, r.result.n_resumed,
          r.result.n_cached);
    }
    if (const std::size_t asked = r.result.n_judge_asked; asked > 0) {
      std::vector<std::string> how;
      for (const auto& [n, what] :
           {std::pair{r.result.n_judge_calls, "called now"},
            {r.result.n_judge_cached, "from the cache"},
            {r.result.n_judge_recorded, "recorded (judge.grades)"},
            {r.result.n_judge_failed, "not graded (see each score's evidence)"}}) {
        if (n > 0) how.push_back(fmt::format("{} {}", n, what));
      }
      std::cout << fmt::format("\nThe judge was asked about {} answer(s): {}.", asked,
                               fmt::join(how, ", "));
    }
    std::cout << '\n'
              << (r.store_path.empty()
                      ? std::string("Not stored (--no-store).\n")
                      : fmt::format(
                            "Stored as run {} in {}. Show it again with: qualbar report {}\n", id,
                            r.store_path, id));
  }
  return exit_code_for(r.report);
}

const CommandRegistrar run_command_registrar{CommandEntry{
    "run", 20, [](Command& sub, const Globals& g) -> std::function<int()> {
      sub.description(
          "Run a suite: call the system under test on every case, score every dimension, store the "
          "run, report every dimension x slice against the bars. Answers are saved as they "
          "arrive: Ctrl-C once finishes the calls in flight and saves, twice stops at once; "
          "either way `qualbar run --resume RUN` continues without calling the model again for "
          "answered cases. Exit 0 when every bar is met, 1 when one is missed, 2 on bad input, 3 "
          "when the run itself failed or was interrupted.");
      auto o = std::make_shared<RunOptions>();
      sub.add_option("suite", o->request.suite, "The suite file (suite.yaml)");
      sub.add_option("--resume", o->request.resume,
                     "Continue this stored run (id, prefix, 'latest' or 'latest~N') where it stopped");
      sub.add_option("--responses", o->request.provider.responses,
                     "Replay these recorded responses (JSONL) instead of the suite's");
      sub.add_option("--model", o->request.provider.model, "Label the run with this model id");
      sub.add_option("--label", o->request.labels,
                     "A label for the run, e.g. release-candidate (repeatable): `qualbar runs "
                     "--label` and the runs page filter by it");
      sub.add_option("--note", o->request.note, "Why the run was made, shown with it");
      add_store_option(sub, o->request.store_flag);
      sub.add_flag("--no-store", o->request.no_store,
                   "Do not store the run (nothing saved, no response cache, no resume)");
      add_report_output_options(sub, o->output);
      return [o, &g] { return run(*o, g); };
    }}};

}  // namespace
}  // namespace qb::cli
