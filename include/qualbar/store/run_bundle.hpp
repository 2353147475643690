#pragma once
// A run bundle: one complete run as one file, `qualbar.run-bundle/1` (docs/store.md, "Run
// bundles"), what `qualbar run --out bundle=F` and `qualbar report RUN --out bundle=F` write,
// `qualbar push` sends and `POST /api/v1/runs` stores. JSON Lines, read and written one line at a
// time: a header (the run's record, the suite text, the dimensions, the slices), the encoded
// report, then one line per case (its dataset line, its answer, its scores, the dimensions it
// fails and its slice cells). A store that takes it shows the run as if it had run there.

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "qualbar/metrics/case_slices.hpp"
#include "qualbar/store/run_store.hpp"

namespace qb {

class Store;

inline constexpr const char* kRunBundleSchema = "qualbar.run-bundle/1";

struct RunBundle {
  StoredRun run;  // complete: record, suite text, case lines, responses, scores, encoded report
  std::vector<std::uint8_t> failing;  // cases × dimensions: 1 when the case fails the dimension
  std::vector<CaseSlices> slices;     // which cell of each slice every case is in
  // The texts were withheld (`--out bundle-hashes=F`): each case line and output is its SHA-256.
  bool withheld = false;
};

// Writes `b` as a bundle. With `withhold`, each case's dataset line and each answer's output are
// replaced by their SHA-256 (the ids, scores, slices and report stay): the run can be listed,
// reported and compared, but its texts never leave the machine.
void write_run_bundle(const RunBundle& b, std::ostream& out, bool withhold = false);

// Reads a bundle. Anything wrong — not JSON, another schema, a missing or mistyped field, counts
// that do not agree, a report that does not decode — is an InputError naming `where`, the line
// and the field: "run.qbb line 7: field 'scores[2]': expected [value, status, evidence]".
RunBundle read_run_bundle(std::string_view text, const std::string& where);

// Whether `stored` (a run already in a store) is the run `b` holds: the same id, suite, dataset,
// model, start and end, counts and verdict. Sending one bundle twice stores it once.
bool same_run(const RunInfo& stored, const RunInfo& b);

// Stores the bundle's run in one unit of work, complete with its report and what pages filter
// its cases by. RunError when a run with its id is already stored.
void save_run_bundle(Store& store, const RunBundle& b);

}  // namespace qb
