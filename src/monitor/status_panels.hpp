#pragma once
// The parts of the production dashboard beyond the quality charts (status_panels.cpp): the
// traffic, error, latency and cost panels, and review progress week by week. Internal to
// src/monitor.

#include <string>
#include <vector>

#include "monitor/status_rows.hpp"
#include "qualbar/monitor/status.hpp"

namespace qb::monitor::detail {

// The panels' and the small multiples' classes (the page style has the chart ones).
inline constexpr const char* kPanelStyle =
    ".multiples,.panels{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));"
    "gap:10px;margin:8px 0}.panels{grid-template-columns:repeat(auto-fill,minmax(300px,1fr))}"
    ".multiple,.panel{margin:0;border:1px solid var(--line);border-radius:6px;padding:6px 8px}"
    ".multiple.alert,.panel.alert{border-color:var(--fail);background:#fdecea}"
    ".multiple figcaption,.panel figcaption{font-size:12.5px}.chart.mini{margin:4px 0 0}"
    ".chart .vol{fill:#7aa7e0}.chart .vol.over{fill:var(--fail)}"
    ".chart .line2{fill:none;stroke:#b26a00;stroke-width:1.4}.chart .pt2{fill:#b26a00}"
    ".chart .quota{stroke:var(--muted);stroke-width:1.2;stroke-dasharray:4 3}";

// A table of rows, every cell escaped: the first column the week, the last the flags (red where
// `alarm`), numbers between (status_html.cpp).
std::string html_table(const std::vector<std::string>& header, const Rows& rows,
                       const std::vector<bool>& alarm);

// "Traffic and operations": records a week, the error rate, latency p50 and p95, cost per
// response (and the refusal rate when monitored), each against its baseline, weeks over it red.
std::string operations_panels(const MonitorStatus& s);

// "Review progress": per dimension people grade, the week's sample, what people graded against
// what a week needs to be tested (min_graded), and how often two reviewers agreed.
std::string review_section(const MonitorStatus& s);

}  // namespace qb::monitor::detail
