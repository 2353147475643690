#pragma once
// Report formats: each is one file that registers a writer. `qualbar list formats` prints them.

#include <functional>
#include <ostream>
#include <span>
#include <string>
#include <vector>

#include "qualbar/core/registry.hpp"
#include "qualbar/metrics/report.hpp"

namespace qb {

struct ReportInput {
  const Report& report;
  const Suite& suite;
  std::span<const Case> cases;
  std::span<const Response> responses;
  const ScoreTable& scores;
  bool color = false;  // terminal colour (only when stdout is a TTY)
  std::size_t width = 0;  // terminal columns the terminal format fits (0: no limit, --wide)
  // Where the run's cases are read when they are not given (qualbar serve's case explorer): the
  // HTML report's failing cases link there, one link a dimension, instead of saying none failed.
  std::string cases_url;
};

struct ReportFormatEntry {
  std::string name;
  std::string summary;
  std::string extension;  // default file extension, e.g. ".json"
  std::function<void(const ReportInput&, std::ostream&)> write;
  bool needs_cases = false;  // lists cases (their ids, outputs, scores), not only the report
};

Registry<ReportFormatEntry>& report_format_registry();

// Whether the registered format `name` lists cases (false for an unknown name).
bool format_needs_cases(const std::string& name);

struct ReportFormatRegistrar {
  explicit ReportFormatRegistrar(ReportFormatEntry e) {
    report_format_registry().add(std::move(e));
  }
};

// Formats a number for people: rates as percentages, ms, USD.
std::string format_value(double v, const DimensionResult& d);
// Formats the value of one named statistic of a dimension ("useful" is a count, not a unit).
std::string format_stat(const std::string& stat, double v, const DimensionResult& d);
// "≥ 85.0%", "p95 ≤ 2500 ms", "per useful ≤ $0.00500".
std::string bar_text(const BarCheck& b, const DimensionResult& d);
// A cell's interval, "[81.2%, 88.0%]"; "" when it has none. An end that does not exist says why,
// never "?": "[880 ms, none (needs ≥ 72 cases)]" (a p95 from 20 cases has no upper end).
std::string interval_text(const Cell& c, const DimensionResult& d, double confidence);
// Why one end of a cell's interval does not exist: "none (needs ≥ 72 cases)".
std::string missing_end_text(const Cell& c, const DimensionResult& d, double confidence,
                             bool upper);
// Every bar of a cell: "≥ 85.0%, p95 ≤ 2500 ms".
std::string bars_text(const Cell& c, const DimensionResult& d);
// A cell's estimate as people read it: "$0.002/response, $0.003/useful", "p50 800 ms · p95 2100
// ms", or the value.
std::string estimate_text(const Cell& c, const DimensionResult& d);
// One sentence a PM can read: "answer_correct in category=refund-dispute (critical slice): pass
// rate 47.1% [26.2%, 69.0%] is below the bar ≥ 80.0%".
std::string failure_text(const Failure& f, const Report& r);

// What every format says besides the tables, worst first: a judge that did not grade some answers
// (per dimension: how many, why the first, that they are left out), slice values folded into
// "(other)". Empty when there is nothing to say.
std::vector<std::string> report_notices(const Report& r);

// A slice result in the worst-first order every format shows: failing cells first (critical
// first), then the quality results furthest below their dimension's overall.
struct SliceRow {
  const DimensionResult* d;
  const Cell* c;
  double gap;  // how far better than overall (negative: worse)
};
std::vector<SliceRow> worst_slices(const Report& r);

}  // namespace qb
