#pragma once
// What every rendering of the monitor status says (terminal, JSON and HTML build on the same
// rows and sentences, so they say the same thing). Internal to src/monitor.

#include <string>
#include <utility>
#include <vector>

#include "qualbar/monitor/status.hpp"

namespace qb::monitor::detail {

using Rows = std::vector<std::vector<std::string>>;

bool has_data(const SeriesStatus& s, std::size_t i);
// A detector's first alarm in each drop episode (Episode::cusum, ::page_hinkley).
using Detector = std::optional<std::size_t> Episode::*;
bool alarm_at(Detector d, const SeriesStatus& s, std::size_t i);
std::vector<std::string> week_flags(const SeriesStatus& s, std::size_t i);
std::vector<bool> week_alarms(const SeriesStatus& s);
std::vector<bool> drift_alarms(const MonitorStatus& m);
std::string joined(const std::vector<std::string>& parts);
std::string interval_text(const stats::Interval& iv);
std::string baseline_text(const SeriesStatus& s);
// "detects a drop of 6.1 points in one week, 3.2 over four (80% power)", after "tested on 4
// weeks pooled (…) · " for a pooled series.
std::string power_text(const SeriesStatus& s, const MonitorSettings& st);
std::string trend_text(const SeriesStatus& s, double confidence);
std::string detector_text(const char* name, const stats::SequentialResult& r, Detector d,
                          const MonitorStatus& m, const SeriesStatus& s);
std::string p_cell(double p);
std::vector<std::string> week_header(const MonitorStatus& m);
Rows week_rows(const MonitorStatus& m, const SeriesStatus& s);
std::string ks_text(double d, double p);
std::vector<std::string> drift_header();
Rows drift_rows(const MonitorStatus& m);
std::string drift_rule(const MonitorSettings& s);
// One row per operational signal: its baseline, tolerance, latest week and the alerts on it.
std::vector<std::string> operations_header();
Rows operations_rows(const MonitorStatus& m);
std::vector<bool> operations_alarms(const MonitorStatus& m);
std::vector<std::pair<std::string, std::vector<const SeriesStatus*>>> by_dimension(
    const MonitorStatus& s);
std::string checked_text(const MonitorStatus& s);
// Per gap: "correct: 2026-W10 (12 graded), 2026-W11 (0 graded)".
std::vector<std::string> gap_lines(const MonitorStatus& s);
// The headline of the gaps: "3 closed weeks could not be tested: fewer than 30 graded records".
std::string gaps_headline(const MonitorStatus& s);
// The command that hands those weeks to reviewers.
std::string gaps_command(const MonitorStatus& s);
// "2 OPEN INCIDENTS (1 resolved)" or "No open incidents" (with what was checked after it).
std::string incidents_headline(const MonitorStatus& s);
// An incident's first line: "helpful@2026-W12 · open since 2026-W12, last alert 2026-W15 ·
// 4 alerts".
std::string incident_title(const Incident& i);

}  // namespace qb::monitor::detail
