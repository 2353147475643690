// qualbar demo: the bundled demo suite (a RAG support assistant), run end to end.
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "cli/common.hpp"
#include "cli/demo_files.hpp"
#include "qualbar/util/files.hpp"

namespace qb::cli {
namespace {

struct DemoOptions {
  std::string dir = "qualbar-demo";
  std::string store;
};

int demo(const DemoOptions& o, const Globals& g) {
  for (const auto& f : demo_files())
    write_file_atomic((std::filesystem::path(o.dir) / f.path).string(), f.content);
  const std::string suite = (std::filesystem::path(o.dir) / "suite.yaml").string();
  const bool color = !g.no_color && stdout_wants_color();

  std::cout << fmt::format(
      "qualbar demo — DEMO DATA, synthetic: a RAG customer-support assistant, 200 questions in 12 "
      "categories\n"
      "and 4 languages, with the recorded answers of two model versions. Files written to {}/.\n\n"
      "support-bot-v2 is the upgrade: it answers slightly more questions correctly, but it invents "
      "guarantees,\n"
      "and refund disputes (a critical category) stay weak. Below is v2 measured against the "
      "suite's bars.\n\n",
      o.dir);
  ProviderOptions v1;
  v1.responses = (std::filesystem::path(o.dir) / "responses" / "bot-v1.jsonl").string();
  const RunOutcome before = run_suite(RunRequest{suite, v1, o.store});
  const RunOutcome after = run_suite(RunRequest{suite, ProviderOptions{}, o.store});

  OutputOptions out;
  emit_report(ReportInput{after.report, after.suite, after.dataset.cases, after.result.responses,
                          after.result.scores},
              out, color);

  std::cout << fmt::format(
      "\nThis is what a CI job sees: `qualbar run` would exit with code {} here, so the upgrade is "
      "blocked.\n"
      "Both versions are stored in {}: v1 as {}, v2 as {}.\n\n"
      "Next:\n"
      "  qualbar runs                      list the stored runs\n"
      "  qualbar report {}   v1 against the same bars\n"
      "  qualbar report latest --format json\n"
      "                                    the full report, every slice, as JSON\n"
      "  qualbar validate {}\n"
      "                                    check a suite and its data without running\n"
      "  qualbar run {} --out scores=scores.jsonl\n"
      "                                    run it yourself; per-case scores with evidence\n"
      "Docs: README.md and docs/ (suite.md: every field of suite.yaml).\n",
      exit_code_for(after.report), after.store_path, before.result.info.id, after.result.info.id,
      before.result.info.id, suite, suite);
  if (!o.store.empty())
    std::cout << fmt::format("(Add --store {} to each command: this demo used that store.)\n",
                             o.store);
  return 0;
}

const CommandRegistrar demo_command_registrar{CommandEntry{
    "demo", 5, [](Command& sub, const Globals& g) -> std::function<int()> {
      sub.description(
          "Write the bundled demo suite (synthetic data: a RAG support assistant, two model "
          "versions) "
          "to a folder, run both versions, and show the upgrade's report. Exits 0 when the demo "
          "ran.");
      auto o = std::make_shared<DemoOptions>();
      sub.add_option("--dir", o->dir, "Where to write the demo files")->default_val("qualbar-demo");
      add_store_option(sub, o->store);
      return [o, &g] { return demo(*o, g); };
    }}};

}  // namespace
}  // namespace qb::cli
