// qualbar report: re-render a stored run, without the original files.
#include <array>

#include "cli/command.hpp"
#include "cli/common.hpp"
#include "qualbar/util/files.hpp"

namespace qb::cli {
namespace {

struct ReportOptions {
  std::string run = "latest";
  std::string store;
  OutputOptions output;
};

int report(const ReportOptions& o, const Globals& g) {
  check_output_options(o.output);
  auto store = open_store(resolve_store_path(o.store, ""), StoreAccess::existing);
  // The stored report is shown as it is, without reading the cases, unless a format lists cases
  // or people graded some of them (their grades join the report).
  bool with_cases = !store->review().grades(store->runs().resolve_run_id(o.run)).empty();
  if (!o.output.quiet) with_cases = with_cases || format_needs_cases(o.output.format);
  for (const auto& out : o.output.outs)
    with_cases = with_cases || format_needs_cases(out.substr(0, out.find('=')));
  if (with_cases) read_runs_with_huge_pages(*store, std::array{o.run});
  LoadedRun l = load_stored_run(*store, o.run, /*build=*/true, with_cases);
  if (l.with_cases) add_human_grades(*store, l);
  emit_report(ReportInput{l.report, l.suite, l.dataset.cases, l.stored.responses, l.stored.scores},
              o.output, !g.no_color && stdout_wants_color());
  write_bundle_outs(*store, l.stored.info.id, o.output);
  return exit_code_for(l.report);
}

const CommandRegistrar report_command_registrar{CommandEntry{
    "report", 30, [](Command& sub, const Globals& g) -> std::function<int()> {
      sub.description(
          "Re-render a stored run (by id, unique id prefix, 'latest' or 'latest~N') in any format. Needs only "
          "the "
          "store. Exit 0 when the run met every bar, 1 when it did not.");
      auto o = std::make_shared<ReportOptions>();
      sub.add_option("run", o->run, "Run id, unique prefix, 'latest' or 'latest~N'")->default_val("latest");
      add_store_option(sub, o->store);
      add_report_output_options(sub, o->output);
      return [o, &g] { return report(*o, g); };
    }}};

}  // namespace
}  // namespace qb::cli
