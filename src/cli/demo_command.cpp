// qualbar demo: the bundled demo suite (a RAG support assistant), run end to end.
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "cli/common.hpp"
#include "cli/demo_files.hpp"
#include "qualbar/util/files.hpp"
#include "qualbar/util/text.hpp"

namespace qb::cli {
namespace {

struct DemoOptions {
  std::string dir = "qualbar-demo";
  std::string store;
  bool wide = false;
};

// A paragraph on lines that fit `columns` (0: one line).
std::string wrap_paragraph(std::string_view text, std::size_t columns) {
  std::string out;
  for (const auto& line : wrap_words(text, columns)) out += line + '\n';
  return out;
}

int demo(const DemoOptions& o, const Globals& g) {
  for (const auto& f : demo_files())
    write_file_atomic((std::filesystem::path(o.dir) / f.path).string(), f.content);
  const std::string suite = (std::filesystem::path(o.dir) / "suite.yaml").string();
  const bool color = !g.no_color && stdout_wants_color();

  OutputOptions out;
  out.wide = o.wide;
  const std::size_t columns = terminal_columns(out);
  std::cout << wrap_paragraph(
                   fmt::format("qualbar demo — DEMO DATA, synthetic: a RAG customer-support "
                               "assistant, 200 questions in 12 categories and 4 languages, with "
                               "the recorded answers of two model versions. Files written to {}/.",
                               o.dir),
                   columns)
            << '\n'
            << wrap_paragraph(
                   "support-bot-v2 is the upgrade: it answers slightly more questions "
                   "correctly, but it invents guarantees, and refund disputes (a "
                   "critical category) stay weak. Below is v2 measured against the "
                   "suite's bars.",
                   columns)
            << '\n';
  ProviderOptions v1;
  v1.responses = (std::filesystem::path(o.dir) / "responses" / "bot-v1.jsonl").string();
  const RunOutcome before = run_suite(RunRequest{suite, v1, o.store});
  const RunOutcome after = run_suite(RunRequest{suite, ProviderOptions{}, o.store});

  emit_report(ReportInput{after.report, after.suite, after.dataset.cases, after.result.responses,
                          after.result.scores},
              out, color);

  std::cout << '\n'
            << wrap_paragraph(
                   fmt::format("This is what a CI job sees: `qualbar run` would exit with code {} "
                               "here, so the upgrade is blocked. Both versions are stored in {}: "
                               "v1 as {}, v2 as {}.",
                               exit_code_for(after.report), after.store_path, before.result.info.id,
                               after.result.info.id),
                   columns)
            << '\n';
  std::cout << fmt::format(
      "Next:\n"
      "  qualbar runs                      list the stored runs\n"
      "  qualbar report {}   v1 against the same bars\n"
      "  qualbar report latest --format json\n"
      "                                    the full report, every slice, as JSON\n"
      "  qualbar validate {}\n"
      "                                    check a suite and its data without running\n"
      "  qualbar run {} --out scores=scores.jsonl\n"
      "                                    run it yourself, with per-case scores\n"
      "README.md's tour goes on with the demo's judge checked against two reviewers\n"
      "(qualbar judge-check) and eight weeks of production (qualbar monitor).\n"
      "Docs: README.md and docs/ (suite.md: every field of suite.yaml).\n",
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
      add_wide_flag(sub, o->wide);
      return [o, &g] { return demo(*o, g); };
    }}};

}  // namespace
}  // namespace qb::cli
