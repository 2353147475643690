#include "monitor/status_rows.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "monitor/status_internal.hpp"

namespace qb::monitor::detail {

// ---- what every rendering says ------------------------------------------------------------------

bool has_data(const SeriesStatus& s, std::size_t i) { return std::isfinite(s.weeks[i].estimate); }

bool alarm_at(Detector d, const SeriesStatus& s, std::size_t i) {
  return std::any_of(s.episodes.begin(), s.episodes.end(),
                     [&](const Episode& e) { return e.*d == i; });
}

std::vector<std::string> week_flags(const SeriesStatus& s, std::size_t i) {
  const WindowVerdict& v = s.weeks[i];
  if (s.series.windows[i].items == 0) return {"no data"};
  std::vector<std::string> f;
  if (v.in_baseline) f.push_back("baseline");
  if (v.too_few) f.push_back(fmt::format("too few to test ({} graded)", s.series.windows[i].items));
  if (!v.too_few && !v.in_baseline && i < s.detectors_from) f.push_back("before the baseline");
  if (v.below) f.push_back("BELOW");
  if (alarm_at(&Episode::cusum, s, i)) f.push_back("CUSUM alarm");
  if (alarm_at(&Episode::page_hinkley, s, i)) f.push_back("Page–Hinkley alarm");
  return f;
}

// Which rows of a table flag something to act on (shown in red).
std::vector<bool> week_alarms(const SeriesStatus& s) {
  std::vector<bool> out;
  for (std::size_t i = 0; i < s.weeks.size(); ++i)
    out.push_back(s.weeks[i].below || alarm_at(&Episode::cusum, s, i) ||
                  alarm_at(&Episode::page_hinkley, s, i));
  return out;
}

std::vector<bool> drift_alarms(const MonitorStatus& m) {
  std::vector<bool> out;
  for (const auto& d : m.drift) out.push_back(d.category_shift || d.input_shift || d.output_shift);
  return out;
}

std::string joined(const std::vector<std::string>& parts) {
  return fmt::format("{}", fmt::join(parts, ", "));
}

std::string interval_text(const stats::Interval& iv) {
  if (!std::isfinite(iv.lo) || !std::isfinite(iv.hi)) return "";
  return fmt::format("[{:.1f}, {:.1f}]", 100.0 * iv.lo, 100.0 * iv.hi);
}

std::string baseline_text(const SeriesStatus& s) {
  if (!s.baseline_missing.empty()) return s.baseline_missing;
  if (s.baseline_from.empty()) return "no baseline yet (no graded week)";
  return fmt::format("baseline {} ({}, effective n {:.0f})", percent(s.baseline), s.baseline_from,
                     s.baseline_n);
}

std::string power_text(const SeriesStatus& s, const MonitorSettings& st) {
  std::string out;
  if (s.pooled_weeks > 1)
    out = fmt::format("tested on {} weeks pooled (a week alone has fewer than {} graded) · ",
                      s.pooled_weeks, st.min_graded);
  if (!s.opens_incidents && s.alpha > 0 && s.alpha < st.alpha)
    out += fmt::format("weekly test at p < {:.2g} (alpha {:g} shared by {:.0f} slices) · ",
                       s.alpha, st.alpha, st.alpha / s.alpha);
  if (!std::isfinite(s.detectable_week)) return out + "no detectable drop yet (no baseline)";
  const auto pts = [](double d) {
    return std::isfinite(d) ? fmt::format("{:.1f} points", 100.0 * d) : std::string("none");
  };
  return out + fmt::format("detects a drop of {} in one week, {} over four (80% power)",
                           pts(s.detectable_week), pts(s.detectable_four_weeks));
}

std::string trend_text(const SeriesStatus& s, double confidence) {
  if (!std::isfinite(s.slope.slope)) return "trend: too few weeks";
  std::string t = fmt::format("trend {} points a week ({:g}% interval {} to {}, Theil–Sen)",
                              points(s.slope.slope), 100.0 * confidence,
                              points(s.slope.slope_interval.lo), points(s.slope.slope_interval.hi));
  if (std::isfinite(s.trend_p_down))
    t += fmt::format("; Mann–Kendall {} for a fall", p_text(s.trend_p_down));
  return t;
}

std::string detector_text(const char* name, const stats::SequentialResult& r, Detector d,
                          const MonitorStatus& m, const SeriesStatus& s) {
  // Without a baseline (or one at 0% or 100%, where a rate has no spread) there is nothing to
  // measure a drop against: say that, not the detector's own complaint about its parameters.
  if (!(s.baseline > 0 && s.baseline < 1))
    return fmt::format("{}: not run ({})", name,
                       std::isfinite(s.baseline) ? "the baseline is " + percent(s.baseline) +
                                                       ": no drop to measure against its spread"
                                                 : std::string("no baseline yet"));
  if (!r.reason.empty()) return fmt::format("{}: not run ({})", name, r.reason);
  std::vector<std::string> weeks;  // one alarm per drop episode
  for (const auto& e : s.episodes)
    if (e.*d) weeks.push_back(m.windows[*(e.*d)]);
  if (weeks.empty()) return fmt::format("{}: no alarm", name);
  return fmt::format("{}: alarm in {}", name, fmt::join(weeks, ", "));
}

// A p-value in a table column: "0.014", "<0.001".
std::string p_cell(double p) {
  if (!std::isfinite(p)) return "";
  return p < 0.001 ? "<0.001" : fmt::format("{:.3f}", p);
}

std::vector<std::string> week_header(const MonitorStatus& m) {
  return {"week",
          "items",
          "estimate",
          fmt::format("{:g}% interval", 100.0 * m.confidence),
          "vs baseline (points)",
          "p (drop)",
          "flags"};
}

Rows week_rows(const MonitorStatus& m, const SeriesStatus& s) {
  Rows rows;
  for (std::size_t i = 0; i < m.windows.size(); ++i) {
    const WindowVerdict& v = s.weeks[i];
    // A pooled series' estimate is over the weeks to this one: the items say so.
    const std::string items = v.weeks_pooled > 1
                                  ? fmt::format("{} ({} over {} wk)", s.series.windows[i].items,
                                                v.items, v.weeks_pooled)
                                  : std::to_string(s.series.windows[i].items);
    rows.push_back({m.windows[i], items, percent(v.estimate),
                    interval_text(v.interval), has_data(s, i) ? points(v.diff) : "",
                    p_cell(v.p_value), joined(week_flags(s, i))});
  }
  return rows;
}

std::string ks_text(double d, double p) {
  return std::isfinite(d) ? fmt::format("{:.2f} ({})", d, p_text(p)) : "";
}

std::vector<std::string> drift_header() {
  return {"week",         "records",      "errors",          "latency p50/p95",  "cost",
          "category PSI", "chi-square p", "input length KS", "output length KS", "flags"};
}

Rows drift_rows(const MonitorStatus& m) {
  Rows rows;
  for (std::size_t i = 0; i < m.drift.size(); ++i) {
    const WindowDrift& d = m.drift[i];
    std::vector<std::string> flags;
    if (d.baseline) flags.push_back("baseline");
    if (d.category_shift) flags.push_back("CATEGORY MIX");
    if (d.input_shift) flags.push_back("INPUT LENGTH");
    if (d.output_shift) flags.push_back("OUTPUT LENGTH");
    const WindowTraffic& t = m.traffic[i];
    rows.push_back({d.window, std::to_string(t.volume), std::to_string(t.errors),
                    std::isfinite(t.latency_p95)
                        ? fmt::format("{:.0f}/{:.0f} ms", t.latency_p50, t.latency_p95)
                        : "",
                    t.cost_records > 0 ? fmt::format("${:.2f}", t.cost) : "",
                    std::isfinite(d.category_psi) ? fmt::format("{:.3f}", d.category_psi) : "",
                    p_cell(d.category_p), ks_text(d.input_ks, d.input_ks_p),
                    ks_text(d.output_ks, d.output_ks_p), joined(flags)});
  }
  return rows;
}

std::string drift_rule(const MonitorSettings& s) {
  return fmt::format(
      "Alert: PSI above {:g}, or chi-square p below {:g} with PSI above {:g}; "
      "Kolmogorov–Smirnov p below {:g} with D above 0.1",
      s.psi_alert, s.alpha, s.psi_alert / 2, s.alpha);
}

// The series of each dimension, in the status' order (overall first, then slices worst first).
std::vector<std::pair<std::string, std::vector<const SeriesStatus*>>> by_dimension(
    const MonitorStatus& s) {
  std::vector<std::pair<std::string, std::vector<const SeriesStatus*>>> out;
  for (const auto& q : s.quality) {
    auto it = std::find_if(out.begin(), out.end(),
                           [&](const auto& d) { return d.first == q.series.dimension; });
    if (it == out.end()) it = out.insert(out.end(), {q.series.dimension, {}});
    it->second.push_back(&q);
  }
  return out;
}

std::string checked_text(const MonitorStatus& s) {
  std::size_t weeks = 0;
  for (const auto& d : s.drift) weeks += !d.baseline && std::isfinite(d.category_psi) ? 1 : 0;
  std::vector<std::string> signals;
  for (const auto& o : s.operations) signals.push_back(o.signal);
  return fmt::format(
      "{} quality series checked week by week against their baselines (two-proportion z test, "
      "CUSUM, Page–Hinkley, Mann–Kendall trend){}, and {} week{} of traffic against the baseline "
      "weeks (category mix by PSI and chi-square, input and output lengths by "
      "Kolmogorov–Smirnov).",
      s.quality.size(),
      signals.empty() ? std::string()
                      : fmt::format("; {} for a rise beyond tolerance", joined(signals)),
      weeks, weeks == 1 ? "" : "s");
}

std::vector<std::string> operations_header() {
  return {"signal", "baseline", "tolerance", "latest week", "vs baseline", "detectors"};
}

Rows operations_rows(const MonitorStatus& m) {
  Rows rows;
  for (const OperationsSeries& o : m.operations) {
    std::size_t last = o.values.size();
    for (std::size_t w = 0; w < o.values.size(); ++w)
      if (std::isfinite(o.values[w])) last = w;
    std::string latest, change;
    if (last < o.values.size()) {
      latest = fmt::format("{} ({})", operations_value(o, o.values[last]), m.windows[last]);
      if (std::isfinite(o.baseline) && o.unit == "rate")
        change = points(o.values[last] - o.baseline) + " points";
      else if (o.baseline > 0) {
        const double pct = 100.0 * (o.values[last] / o.baseline - 1.0);  // signed as points() is
        change = std::fabs(pct) < 0.5 ? std::string("0%")
                                      : fmt::format("{}{:.0f}%", pct < 0 ? "−" : "+", std::fabs(pct));
      }
    }
    std::vector<std::string> seen;
    for (const auto& a : m.alerts)
      if (a.kind == "operations" && a.dimension == o.signal)
        seen.push_back(fmt::format("{} {}", a.test, a.window));
    rows.push_back({o.signal,
                    o.baseline_from.empty()
                        ? std::string("no baseline yet")
                        : fmt::format("{} ({})", operations_value(o, o.baseline), o.baseline_from),
                    o.tolerance > 0 ? operations_tolerance(o) : std::string("—"), latest, change,
                    seen.empty() ? std::string("no alert") : joined(seen)});
  }
  return rows;
}

std::vector<bool> operations_alarms(const MonitorStatus& m) {
  std::vector<bool> out;
  for (const OperationsSeries& o : m.operations)
    out.push_back(std::any_of(m.alerts.begin(), m.alerts.end(), [&](const Alert& a) {
      return a.kind == "operations" && a.dimension == o.signal;
    }));
  return out;
}

std::string incidents_headline(const MonitorStatus& s) {
  const std::size_t open = open_incidents(s), resolved = s.incidents.size() - open;
  const std::string rest =
      resolved == 0 ? "" : fmt::format(" ({} resolved)", resolved);
  if (open == 0)
    return fmt::format("No open incidents{}", rest);
  return fmt::format("{} OPEN INCIDENT{}{}", open, open == 1 ? "" : "S", rest);
}

std::string incident_title(const Incident& i) {
  const std::string when =
      i.open ? fmt::format("open since {}", i.started)
             : fmt::format("resolved {} (from {})", i.resolved, i.started);
  const std::string last = i.last != i.started ? fmt::format(", last alert {}", i.last) : "";
  return fmt::format("{} · {}{} · {} alert{}", i.id, when, last, i.alerts.size(),
                     i.alerts.size() == 1 ? "" : "s");
}

std::vector<std::string> gap_lines(const MonitorStatus& s) {
  std::vector<std::string> out;
  for (const GradingGap& g : s.gaps) {
    std::string weeks;
    for (std::size_t i = 0; i < g.weeks.size(); ++i)
      weeks += fmt::format("{}{} ({} graded)", i == 0 ? "" : ", ", g.weeks[i], g.graded[i]);
    out.push_back(fmt::format("{}: {}", g.dimension, weeks));
  }
  return out;
}

std::string gaps_headline(const MonitorStatus& s) {
  std::set<std::string> weeks;
  for (const GradingGap& g : s.gaps) weeks.insert(g.weeks.begin(), g.weeks.end());
  return fmt::format(
      "{} closed week{} could not be tested: fewer than {} graded records (grading is due {} "
      "week{} after a week closes)",
      weeks.size(), weeks.size() == 1 ? "" : "s", s.settings.min_graded,
      s.settings.grading_grace_weeks, s.settings.grading_grace_weeks == 1 ? "" : "s");
}

std::string gaps_command(const MonitorStatus& s) {
  std::set<std::string> weeks;
  std::vector<std::string> dimensions;  // in the gaps' order, each once
  for (const GradingGap& g : s.gaps) {
    weeks.insert(g.weeks.begin(), g.weeks.end());
    if (std::find(dimensions.begin(), dimensions.end(), g.dimension) == dimensions.end())
      dimensions.push_back(g.dimension);
  }
  std::string flags;
  for (const auto& d : dimensions) flags += " --dimension " + d;
  std::string week_flags;
  for (const auto& w : weeks) week_flags += " --week " + w;
  return fmt::format("qualbar review export --run {}{}{} --dir review/", s.monitor, flags,
                     week_flags);
}

}  // namespace qb::monitor::detail
