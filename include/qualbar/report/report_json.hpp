#pragma once

#include <string>

#include "qualbar/metrics/report.hpp"

namespace qb {
// The report as JSON text (schema qualbar.report/1, documented in docs/report-json.md).
std::string report_to_json(const Report& report, const Suite& suite);
}  // namespace qb
