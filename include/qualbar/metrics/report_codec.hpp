#pragma once
// A lossless text form of a finished run's Report, so the run store can keep the report itself
// and read it back instead of rebuilding it from the scores.
//
// The text is one compact JSON object with a version ("v": 1). Every field of the report is
// written under its C++ name; enums (ScoreKind, Aggregation, CellStatus, RunStatus) as their
// stable names ("binary", "quantiles", "too_small", "complete"); a number that JSON cannot hold
// as the string "nan", "inf" or "-inf" (a NaN's sign and payload are not kept); an empty optional
// as null; an interval as [lo, hi]; a cell's statistics as [name, value] pairs in their order.
// Every finite double reads back bit for bit, so decode_report(encode_report(r)) re-encodes to
// the same text and renders the same in every report format.

#include <string>
#include <string_view>

#include "qualbar/metrics/report.hpp"

namespace qb {

std::string encode_report(const Report& r);

// Reads what encode_report wrote. Fields it does not know are ignored (a newer qualbar may add
// some); a text that is not JSON, a missing or wrongly typed field, an unknown enum name or a
// version above 1 is a RunError whose message starts with `where` (e.g. "store run r-1") and
// names the field: "store run r-1: the stored report's dimensions[2].overall.interval is missing:
// …".
Report decode_report(std::string_view text, const std::string& where);

}  // namespace qb
