#pragma once
// Pieces shared by several commands: loading, rendering and writing reports.

#include <span>
#include <string>
#include <string_view>
#include <vector>


#include "cli/command_line.hpp"
#include "cli/shared_flags.hpp"
#include "qualbar/io/dataset.hpp"
#include "qualbar/metrics/report.hpp"
#include "qualbar/report/format.hpp"
#include "qualbar/run/runner.hpp"
#include "qualbar/store/store.hpp"
#include "qualbar/suite/suite.hpp"

namespace qb::cli {

// A report's output flags: --format and --out take the report formats (qualbar list formats).
void add_report_output_options(Command& sub, OutputOptions& o);
// Checks formats and --out values before any work is done (exit 2 on a bad one).
void check_output_options(const OutputOptions& o);
// Renders to stdout and writes every --out file atomically, but run bundles (write_bundle_outs).
void emit_report(const ReportInput& in, const OutputOptions& o, bool color);
// Whether an --out value is a run bundle: bundle=PATH, or bundle-hashes=PATH (texts withheld).
bool is_bundle_out(std::string_view out);
// Writes each --out bundle=PATH of the stored run `run` (store/run_bundle.hpp), atomically.
void write_bundle_outs(Store& store, const std::string& run, const OutputOptions& o);

// A stored run brought back to life: the suite parsed from its stored text, the cases parsed
// from their stored lines.
struct LoadedRun {
  StoredRun stored;
  Suite suite;
  Dataset dataset;
  Report report;
  bool with_cases = true;  // dataset, responses and scores are loaded
};
// With build=false the report is not built (a run still to be continued has no scores). The
// report is the one stored with the run; a run stored by an older qualbar has it built from its
// cases, and stored. Without `with_cases`, the cases are not loaded when the report is stored.
LoadedRun load_stored_run(Store& store, const std::string& id, bool build = true,
                          bool with_cases = true);

// Before stored runs are read whole: when they are large (a run read whole takes about a
// kilobyte of memory a case), the process starts again with huge pages, as `qualbar run` does for
// a large dataset. Called before anything is written or printed.
void read_runs_with_huge_pages(Store& store, std::span<const std::string> ids);

int exit_code_for(const Report& r);

// Adds, to each judged dimension people graded part of, the judge next to people's grades.
void add_human_grades(Store& store, LoadedRun& run);

// Loads and checks everything, runs, stores (unless no_store) and builds the report. Nothing is
// written before every input has been checked. With `resume`, continues that stored run instead:
// its own suite text and case lines, only the cases not answered yet.
struct RunRequest {
  std::string suite;
  ProviderOptions provider;
  std::string store_flag;
  bool no_store = false;
  std::string resume;  // a stored run's id (or prefix, or "latest")
  std::vector<std::string> labels;  // --label, repeatable
  std::string note;                 // --note
};
struct RunOutcome {
  Suite suite;
  Dataset dataset;
  RunResult result;
  Report report;           // built only when the run is complete
  std::string store_path;  // "" when not stored
};
RunOutcome run_suite(const RunRequest& request);

}  // namespace qb::cli
