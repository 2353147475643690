// The monitor status for people and programs: the terminal (alerts first) and JSON
// ("qualbar.monitor-status/1"). The HTML page is status_html.cpp; all three say the same thing
// from the same rows (status_rows.hpp).
#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "monitor/status_internal.hpp"
#include "monitor/status_rows.hpp"
#include "qualbar/monitor/status.hpp"
#include "qualbar/util/json_number.hpp"
#include "report/terminal_table.hpp"

namespace qb::monitor {
namespace {

using nlohmann::json;
using namespace detail;  // NOLINT: the shared rows and sentences

constexpr std::size_t kTerminalSlices = 3;  // slices per dimension in the terminal (worst first)
constexpr std::size_t kTerminalAlerts = 8;  // detector alerts listed under the incidents

// ---- terminal -----------------------------------------------------------------------------------

using term::Style;

// Names and categories come from production data: no escape sequence of theirs reaches the
// terminal.
std::string plain(const std::string& s) { return term::one_line(s); }

// The week table; the last column (the flags) in red when `alarm` says so.
void print_table(std::ostream& out, const Style& st, std::vector<std::string> header,
                 const Rows& rows, const std::vector<bool>& alarm) {
  for (auto& h : header)
    std::transform(h.begin(), h.end(), h.begin(), [](unsigned char c) { return std::toupper(c); });
  term::Table t(std::move(header));
  for (std::size_t i = 0; i < rows.size(); ++i) {
    std::vector<std::string> r = rows[i];
    if (!r.empty() && alarm[i]) r.back() = st.red(r.back());
    t.add(std::move(r));
  }
  t.print(out, st, "  ");
}

void print_series(std::ostream& out, const MonitorStatus& m, const SeriesStatus& s,
                  const Style& st) {
  const QualitySeries& q = s.series;
  out << '\n'
      << term::wrapped(
             st.bold(plain(fmt::format("{} · {}", q.dimension,
                                       detail::series_label(q.slice, q.value)))) +
                 st.dim(plain(fmt::format(" · graded by {} · {}",
                                          q.source.empty() ? "?" : q.source, baseline_text(s)))),
             st.width, "", "  ");
  print_table(out, st, week_header(m), week_rows(m, s), week_alarms(s));
  out << term::wrapped(power_text(s, m.settings), st.width, "  ", "    ")
      << term::wrapped(trend_text(s, m.confidence), st.width, "  ", "    ")
      << term::wrapped(detector_text("CUSUM", s.cusum, &Episode::cusum, m, s) + " · " +
                           detector_text("Page–Hinkley", s.page_hinkley, &Episode::page_hinkley,
                                         m, s),
                       st.width, "  ", "    ");
}

void print_gaps(std::ostream& out, const MonitorStatus& s, const Style& st) {
  if (s.gaps.empty()) return;
  out << term::wrapped(st.red("NOT TESTED") + ": " + plain(gaps_headline(s)), st.width, "", "  ");
  for (const auto& line : gap_lines(s)) out << term::wrapped(plain(line), st.width, "  ✗ ", "    ");
  out << term::wrapped("Hand them to reviewers: " + plain(gaps_command(s)), st.width, "  ",
                       "    ");
}

void print_alerts(std::ostream& out, const MonitorStatus& s, const Style& st) {
  // Open incidents are the verdict and come first; with none, the weeks nobody graded do: "no
  // alerts" says nothing about them.
  const std::size_t open = open_incidents(s);
  if (open == 0 && !s.gaps.empty()) {
    print_gaps(out, s, st);
    out << '\n';
  }
  if (open == 0) {
    out << term::wrapped(
        st.green(s.gaps.empty() ? incidents_headline(s)
                                : incidents_headline(s) + " on the weeks that could be tested") +
            ": " + checked_text(s),
        st.width, "", "  ");
  } else {
    out << term::wrapped(st.red(incidents_headline(s)) +
                             " · each one drifting signal, every detector and slice that saw it",
                         st.width, "", "  ");
  }
  for (const auto& i : s.incidents) {
    out << term::wrapped(plain(incident_title(i)), st.width, i.open ? "  ✗ " : "  ✓ ", "    ")
        << term::wrapped(plain(i.summary), st.width, "    ", "    ");
    if (!i.acknowledged.empty())
      out << term::wrapped(st.dim(plain(i.acknowledged)), st.width, "    ", "    ");
  }
  if (open > 0 && !s.gaps.empty()) {
    out << '\n';
    print_gaps(out, s, st);
  }
  if (s.alerts.empty()) return;
  // The detectors' own alerts after the incidents they make up: the evidence, not the verdict.
  out << '\n'
      << st.bold(fmt::format("DETECTOR ALERTS ({}, most recent first)", s.alerts.size())) << '\n';
  std::size_t shown = 0;
  for (const auto& a : s.alerts) {
    if (shown++ == kTerminalAlerts) {
      out << st.dim(fmt::format("  … and {} more (--format json or html has every alert)",
                                s.alerts.size() - kTerminalAlerts))
          << '\n';
      break;
    }
    out << fmt::format("  · {} · {} · {}\n", plain(a.window), a.kind, a.test)
        << term::wrapped(plain(a.message), st.width, "    ", "    ");
  }
}

void print_operations(std::ostream& out, const MonitorStatus& s, const Style& st) {
  if (s.operations.empty()) return;
  out << '\n'
      << term::wrapped(
             st.bold("OPERATIONS: errors, refusals, latency and cost against the baseline weeks") +
                 st.dim(" · a rise beyond tolerance alerts"),
             st.width, "", "  ");
  print_table(out, st, operations_header(), operations_rows(s), operations_alarms(s));
}

void print_drift(std::ostream& out, const MonitorStatus& s, const Style& st) {
  if (s.drift_baseline.empty()) return;
  out << '\n'
      << term::wrapped(
             st.bold(fmt::format("INPUT DRIFT against the baseline weeks {}", s.drift_baseline)) +
                 st.dim(" · " + drift_rule(s.settings)),
             st.width, "", "  ");
  Rows rows = drift_rows(s);
  for (auto& r : rows) r.front() = plain(r.front());
  print_table(out, st, drift_header(), rows, drift_alarms(s));
}

// ---- JSON ---------------------------------------------------------------------------------------

json interval_json(const stats::Interval& iv) {
  return json::array({json_number<json>(iv.lo), json_number<json>(iv.hi)});
}

// A detector's path aligned with the windows (null before the detectors start).
json sequential_json(const stats::SequentialResult& r, const SeriesStatus& s,
                     const MonitorStatus& m) {
  json path = json::array();
  for (std::size_t i = 0; i < m.windows.size(); ++i) {
    const bool on = i >= s.detectors_from && i - s.detectors_from < r.path.size();
    path.push_back(on ? json_number<json>(r.path[i - s.detectors_from]) : json(nullptr));
  }
  return {{"alarm", r.alarm ? json(m.windows[s.detectors_from + *r.alarm]) : json(nullptr)},
          {"path", path},
          {"missing", r.missing},
          {"reason", r.reason.empty() ? json(nullptr) : json(std::string(r.reason))}};
}

// The drop episodes: their first and last week and each detector's first alarm in them.
json episodes_json(const SeriesStatus& s, const MonitorStatus& m) {
  const auto week = [&](std::optional<std::size_t> i) {
    return i && *i < m.windows.size() ? json(m.windows[*i]) : json(nullptr);
  };
  json out = json::array();
  for (const auto& e : s.episodes)
    out.push_back({{"from", week(e.from)},
                   {"to", e.end < m.windows.size() ? week(e.end - 1) : json(nullptr)},
                   {"cusum", week(e.cusum)},
                   {"page_hinkley", week(e.page_hinkley)},
                   {"below", week(e.below)}});
  return out;
}

json weeks_json(const SeriesStatus& s, const MonitorStatus& m) {
  json weeks = json::array();
  for (std::size_t i = 0; i < m.windows.size(); ++i) {
    const WindowVerdict& v = s.weeks[i];
    const WindowQuality& w = s.series.windows[i];
    weeks.push_back({{"window", m.windows[i]},
                     {"items", w.items},
                     {"weeks_pooled", v.weeks_pooled},
                     {"items_pooled", v.items},
                     {"n", json_number<json>(w.n)},
                     {"passes", json_number<json>(w.passes)},
                     {"effective_n", json_number<json>(w.effective_n)},
                     {"estimate", json_number<json>(v.estimate)},
                     {"interval", interval_json(v.interval)},
                     {"diff", json_number<json>(v.diff)},
                     {"p_value", json_number<json>(v.p_value)},
                     {"below", v.below},
                     {"too_few", v.too_few},
                     {"baseline", v.in_baseline},
                     {"tested", std::isfinite(v.p_value)}});
  }
  return weeks;
}

json series_json(const SeriesStatus& s, const MonitorStatus& m) {
  const QualitySeries& q = s.series;
  json cusum = sequential_json(s.cusum, s, m);
  cusum.update({{"target", json_number<json>(s.cusum_params.target)},
                {"k", json_number<json>(s.cusum_params.k)},
                {"h", json_number<json>(s.cusum_params.h)}});
  json ph = sequential_json(s.page_hinkley, s, m);
  ph.update({{"delta", json_number<json>(s.page_hinkley_params.delta)},
             {"lambda", json_number<json>(s.page_hinkley_params.lambda)}});
  json keys = json::array();
  for (const auto& a : s.alerts) keys.push_back(a.key());
  return {{"dimension", q.dimension},
          {"slice", q.slice},
          {"value", q.value},
          {"source", q.source},
          {"baseline",
           {{"rate", json_number<json>(s.baseline)},
            {"effective_n", json_number<json>(s.baseline_n)},
            {"from", s.baseline_from},
            {"missing", s.baseline_missing}}},
          {"detectors_from",
           s.detectors_from < m.windows.size() ? json(m.windows[s.detectors_from]) : json(nullptr)},
          {"sigma", json_number<json>(s.sigma)},
          {"episodes", episodes_json(s, m)},
          {"pooled_weeks", s.pooled_weeks},
          {"detectable_drop",
           {{"one_week", json_number<json>(s.detectable_week)},
            {"four_weeks", json_number<json>(s.detectable_four_weeks)},
            {"power", 0.8}}},
          {"weeks", weeks_json(s, m)},
          {"cusum", cusum},
          {"page_hinkley", ph},
          {"trend",
           {{"s", json_number<json>(s.trend.s)},
            {"z", json_number<json>(s.trend.statistic)},
            {"p_value", json_number<json>(s.trend.p_value)},
            {"p_down", json_number<json>(s.trend_p_down)},
            {"tau", json_number<json>(s.trend.tau)},
            {"n", s.trend.n}}},
          {"theil_sen",
           {{"slope_per_week", json_number<json>(s.slope.slope)},
            {"interval", interval_json(s.slope.slope_interval)},
            {"intercept", json_number<json>(s.slope.intercept)},
            {"n", s.slope.n}}},
          {"alerts", keys}};
}

json alert_json(const Alert& a) {
  return {{"key", a.key()},
          {"kind", a.kind},
          {"dimension", a.dimension},
          {"slice", a.slice},
          {"value", a.value},
          {"window", a.window},
          {"test", a.test},
          {"size", json_number<json>(a.size)},
          {"p_value", json_number<json>(a.p_value)},
          {"message", a.message}};
}

json drift_json(const WindowDrift& d) {
  return {{"window", d.window},
          {"baseline", d.baseline},
          {"category",
           {{"psi", json_number<json>(d.category_psi)},
            {"chi_square_p", json_number<json>(d.category_p)},
            {"shift", d.category_shift}}},
          {"input_length",
           {{"ks_d", json_number<json>(d.input_ks)},
            {"ks_p", json_number<json>(d.input_ks_p)},
            {"psi", json_number<json>(d.input_psi)},
            {"shift", d.input_shift}}},
          {"output_length",
           {{"ks_d", json_number<json>(d.output_ks)},
            {"ks_p", json_number<json>(d.output_ks_p)},
            {"psi", json_number<json>(d.output_psi)},
            {"shift", d.output_shift}}}};
}

json operations_json(const OperationsSeries& o, const MonitorStatus& m) {
  json weeks = json::array();
  for (std::size_t w = 0; w < m.windows.size() && w < o.values.size(); ++w)
    weeks.push_back({{"window", m.windows[w]},
                     {"value", json_number<json>(o.values[w])},
                     {"records", json_number<json>(o.counts[w])},
                     {"excess", json_number<json>(o.excess[w])},
                     {"p_value", json_number<json>(o.p_values[w])},
                     {"over", static_cast<bool>(o.over[w])},
                     {"baseline", static_cast<bool>(o.in_baseline[w])}});
  const auto alarm = [&](const stats::SequentialResult& r) {
    return r.alarm ? json(m.windows[o.detectors_from + *r.alarm]) : json(nullptr);
  };
  return {{"signal", o.signal},
          {"unit", o.unit},
          {"baseline", json_number<json>(o.baseline)},
          {"baseline_from", o.baseline_from},
          {"tolerance", json_number<json>(o.tolerance)},
          {"weeks", weeks},
          {"cusum_alarm", alarm(o.cusum)},
          {"page_hinkley_alarm", alarm(o.page_hinkley)},
          {"trend_p_up", json_number<json>(o.trend_p_up)},
          {"theil_sen_rise", json_number<json>(o.rise)}};
}

json incident_object(const MonitorStatus& s, const Incident& i) {
  json slices = json::array();
  for (const auto& d : i.slices)
    slices.push_back(
        {{"slice", d.slice},
         {"value", d.value},
         {"points", json_number<json>(std::isfinite(d.points) ? 100.0 * d.points : d.points)},
         {"alerted", d.alerted}});
  json keys = json::array();
  for (const std::size_t a : i.alerts)
    if (a < s.alerts.size()) keys.push_back(s.alerts[a].key());
  return {{"id", i.id},
          {"kind", i.kind},
          {"signal", i.signal},
          {"open", i.open},
          {"started", i.started},
          {"last_alert", i.last},
          {"resolved", i.resolved},
          {"detectors", i.detectors},
          {"slices", slices},
          {"points_below_baseline", json_number<json>(i.size)},
          {"points_week", i.size_week},
          {"alerts", keys},
          {"summary", i.summary},
          {"resolved_by_hand", i.by_hand},
          {"acknowledged", i.acknowledged}};
}

json settings_json(const MonitorSettings& s) {
  return {{"baseline_windows", s.baseline_windows},
          {"baseline_run", s.baseline_run},
          {"min_graded", s.min_graded},
          {"grading_grace_weeks", s.grading_grace_weeks},
          {"merge_weeks", s.merge_weeks},
          {"resolve_weeks", s.resolve_weeks},
          {"tolerance", s.tolerance},
          {"alpha", s.alpha},
          {"cusum_h", s.cusum_h},
          {"cusum_k", s.cusum_k},
          {"psi_alert", s.psi_alert},
          {"latency_tolerance", s.latency_tolerance},
          {"cost_tolerance", s.cost_tolerance},
          {"sample_rate", s.sample_rate},
          {"min_per_window", s.min_per_window},
          {"stratify_by", s.stratify_by},
          {"dimensions", s.dimensions}};
}

}  // namespace

// ---- renderings ---------------------------------------------------------------------------------

std::string status_terminal(const MonitorStatus& s, bool color, std::size_t width) {
  const Style st{color, width};
  std::ostringstream out;
  const std::string span =
      s.windows.empty() ? "" : fmt::format(", {} – {}", s.windows.front(), s.windows.back());
  out << term::wrapped(st.bold(plain(fmt::format("qualbar monitor · {} week{}{}", s.windows.size(),
                                                 s.windows.size() == 1 ? "" : "s", span))) +
                           st.dim(fmt::format(" · {} quality series · intervals at {:g}% "
                                              "confidence",
                                              s.quality.size(), 100.0 * s.confidence)),
                       st.width, "", "")
      << '\n';
  print_alerts(out, s, st);
  for (const auto& [dimension, series] : by_dimension(s)) {
    std::size_t slices = 0, shown = 0;
    for (const SeriesStatus* q : series) {
      if (!q->series.slice.empty() && slices++ >= kTerminalSlices) continue;
      print_series(out, s, *q, st);
      ++shown;
    }
    if (shown < series.size())
      // The line's breaks outside plain(), which shows a control character in data as '?'.
      out << '\n'
          << st.dim(plain(fmt::format("  … and {} more slices of {} (--format json or html has "
                                      "every slice)",
                                      series.size() - shown, dimension)))
          << '\n';
  }
  print_operations(out, s, st);
  print_drift(out, s, st);
  return out.str();
}

std::string incident_json(const MonitorStatus& s, const Incident& i) {
  return incident_object(s, i).dump();
}

std::string status_json(const MonitorStatus& s) {
  json traffic = json::array();
  for (const auto& t : s.traffic)
    traffic.push_back({{"window", t.window},
                       {"volume", t.volume},
                       {"errors", t.errors},
                       {"categories", t.categories},
                       {"input_lengths", t.input_length.total()},
                       {"output_lengths", t.output_length.total()},
                       {"latency_p50_ms", json_number<json>(t.latency_p50)},
                       {"latency_p95_ms", json_number<json>(t.latency_p95)},
                       {"cost_usd", t.cost},
                       {"cost_records", t.cost_records}});
  json quality = json::array(), drift = json::array(), alerts = json::array(),
       gaps = json::array();
  for (const auto& g : s.gaps) {
    json weeks = json::array();
    for (std::size_t i = 0; i < g.weeks.size(); ++i)
      weeks.push_back({{"week", g.weeks[i]}, {"graded", g.graded[i]}});
    gaps.push_back({{"dimension", g.dimension}, {"weeks", weeks}});
  }
  for (const auto& q : s.quality) quality.push_back(series_json(q, s));
  for (const auto& d : s.drift) drift.push_back(drift_json(d));
  json operations = json::array();
  for (const auto& o : s.operations) operations.push_back(operations_json(o, s));
  for (const auto& a : s.alerts) alerts.push_back(alert_json(a));
  json incidents = json::array();
  for (const auto& i : s.incidents) incidents.push_back(incident_object(s, i));
  json review = json::array();
  for (const auto& p : s.review) {
    json weeks = json::array();
    for (const auto& w : p.weeks)
      weeks.push_back({{"week", w.window},
                       {"sampled", w.sampled},
                       {"graded", w.graded},
                       {"double_graded", w.double_graded},
                       {"agreed", w.agreed}});
    review.push_back({{"dimension", p.dimension}, {"weeks", weeks}});
  }
  const json doc = {{"schema", "qualbar.monitor-status/1"},
                    {"settings", settings_json(s.settings)},
                    {"confidence", s.confidence},
                    {"windows", s.windows},
                    {"traffic", traffic},
                    {"quality", quality},
                    {"drift_baseline", s.drift_baseline},
                    {"drift", drift},
                    {"operations", operations},
                    {"open_incidents", open_incidents(s)},
                    {"incidents", incidents},
                    {"alerts", alerts},
                    {"grading_gaps", gaps},
                    {"grading_command", s.gaps.empty() ? "" : gaps_command(s)},
                    {"review", review}};
  return doc.dump(2) + "\n";
}

}  // namespace qb::monitor
