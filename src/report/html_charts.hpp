#pragma once
// The HTML report's charts, drawn as inline SVG (no script, nothing loaded). Every label that
// came from a dataset or a suite is escaped here.

#include <cstddef>
#include <span>
#include <string>

#include <nlohmann/json.hpp>

#include "qualbar/metrics/report.hpp"

namespace qb::html {

// One row per slice (overall first, then the report's order: failing, then worst): the estimate
// as a dot, its interval as a whisker, and the bar as a line. At most `max_rows` slices. Every
// mark stays inside the plot: a whisker whose interval goes past the scale, or has no upper end,
// stops at the edge with an arrowhead, and its title says where it ends or why it has no end.
std::string slice_chart(const DimensionResult& d, std::size_t max_rows, double confidence);

// Accuracy against confidence per equal-width bin, with the diagonal of perfect calibration.
// `data` is a calibration analysis' data (docs/report-json.md).
std::string reliability_diagram(const nlohmann::json& data);

// A histogram of measurements (ms) with the dimension's p50, p95 and bar marked.
std::string histogram(std::span<const double> values, const DimensionResult& d);

// The CSS class of a cell's status (the page's colours): fail, pass, small or none.
std::string status_class(CellStatus s);

}  // namespace qb::html
