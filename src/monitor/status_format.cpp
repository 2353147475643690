// The monitor status for people and programs: terminal (alerts first), JSON
// ("qualbar.monitor-status/1") and one self-contained HTML page with a weekly chart per series.
// The terminal and the HTML tables are built from the same rows, so they say the same thing.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "monitor/status_internal.hpp"
#include "qualbar/monitor/status.hpp"
#include "report/html_escape.hpp"

namespace qb::monitor {
namespace {

using detail::p_text;
using detail::pct;
using detail::points;
using nlohmann::json;
using Rows = std::vector<std::vector<std::string>>;

constexpr std::size_t kTerminalSlices = 3;  // slices per dimension in the terminal (worst first)

// ---- what every rendering says ------------------------------------------------------------------

bool has_data(const SeriesStatus& s, std::size_t i) { return std::isfinite(s.weeks[i].estimate); }

bool alarm_at(const stats::SequentialResult& r, const SeriesStatus& s, std::size_t i) {
  return r.alarm && s.detectors_from + *r.alarm == i;
}

std::vector<std::string> week_flags(const SeriesStatus& s, std::size_t i) {
  const WindowVerdict& v = s.weeks[i];
  if (s.series.windows[i].items == 0) return {"no data"};
  std::vector<std::string> f;
  if (v.in_baseline) f.push_back("baseline");
  if (v.too_few) f.push_back(fmt::format("too few to test ({} graded)", s.series.windows[i].items));
  if (!v.too_few && !v.in_baseline && i < s.detectors_from) f.push_back("before the baseline");
  if (v.below) f.push_back("BELOW");
  if (alarm_at(s.cusum, s, i)) f.push_back("CUSUM alarm");
  if (alarm_at(s.page_hinkley, s, i)) f.push_back("Page–Hinkley alarm");
  return f;
}

// Which rows of a table flag something to act on (shown in red).
std::vector<bool> week_alarms(const SeriesStatus& s) {
  std::vector<bool> out;
  for (std::size_t i = 0; i < s.weeks.size(); ++i)
    out.push_back(s.weeks[i].below || alarm_at(s.cusum, s, i) || alarm_at(s.page_hinkley, s, i));
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
  if (s.baseline_from.empty()) return "no baseline yet (too few graded weeks)";
  return fmt::format("baseline {} ({}, effective n {:.0f})", pct(s.baseline), s.baseline_from,
                     s.baseline_n);
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

std::string detector_text(const char* name, const stats::SequentialResult& r,
                          const MonitorStatus& m, const SeriesStatus& s) {
  if (!r.reason.empty()) return fmt::format("{}: not run ({})", name, r.reason);
  if (r.alarm) return fmt::format("{}: alarm in {}", name, m.windows[s.detectors_from + *r.alarm]);
  return fmt::format("{}: no alarm", name);
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
    rows.push_back({m.windows[i], std::to_string(s.series.windows[i].items), pct(v.estimate),
                    interval_text(v.interval), has_data(s, i) ? points(v.diff) : "",
                    p_cell(v.p_value), joined(week_flags(s, i))});
  }
  return rows;
}

std::string ks_text(double d, double p) {
  return std::isfinite(d) ? fmt::format("{:.2f} ({})", d, p_text(p)) : "";
}

std::vector<std::string> drift_header() {
  return {"week",         "records",         "errors",           "latency p50/p95",
          "cost",         "category PSI",    "chi-square p",     "input length KS",
          "output length KS", "flags"};
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
  return fmt::format(
      "{} quality series checked week by week against their baselines (two-proportion z test, "
      "CUSUM, Page–Hinkley, Mann–Kendall trend) and {} week{} of traffic against the baseline "
      "weeks (category mix by PSI and chi-square, input and output lengths by "
      "Kolmogorov–Smirnov).",
      s.quality.size(), weeks, weeks == 1 ? "" : "s");
}

// ---- terminal -----------------------------------------------------------------------------------

struct Style {
  bool color;
  std::string wrap(const char* code, std::string_view s) const {
    return color ? fmt::format("\033[{}m{}\033[0m", code, s) : std::string(s);
  }
  std::string red(std::string_view s) const { return wrap("31;1", s); }
  std::string green(std::string_view s) const { return wrap("32;1", s); }
  std::string bold(std::string_view s) const { return wrap("1", s); }
  std::string dim(std::string_view s) const { return wrap("2", s); }
};

// Names and categories come from production data: no escape sequence of theirs reaches the
// terminal.
std::string plain(std::string s) {
  for (char& c : s)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = '?';
  return s;
}

std::size_t width(std::string_view s) {
  std::size_t w = 0;
  for (unsigned char c : s) w += (c & 0xC0) != 0x80 ? 1 : 0;
  return w;
}

// Columns sized to their content; the last column (the flags) in red when `alarm` says so.
void print_table(std::ostream& out, const Style& st, std::vector<std::string> header,
                 const Rows& rows, const std::vector<bool>& alarm) {
  for (auto& h : header)
    std::transform(h.begin(), h.end(), h.begin(), [](unsigned char c) { return std::toupper(c); });
  std::vector<std::size_t> w(header.size(), 0);
  for (std::size_t i = 0; i < header.size(); ++i) w[i] = width(header[i]);
  for (const auto& r : rows)
    for (std::size_t i = 0; i + 1 < r.size(); ++i) w[i] = std::max(w[i], width(r[i]));
  const auto line = [&](const std::vector<std::string>& r, bool red) {
    std::string s = "  ";
    for (std::size_t i = 0; i + 1 < r.size(); ++i)
      s += r[i] + std::string(w[i] - width(r[i]) + 2, ' ');
    return s + (red ? st.red(r.back()) : r.back());
  };
  out << st.bold(line(header, false)) << '\n';
  for (std::size_t i = 0; i < rows.size(); ++i) out << line(rows[i], alarm[i]) << '\n';
}

void print_series(std::ostream& out, const MonitorStatus& m, const SeriesStatus& s,
                  const Style& st) {
  const QualitySeries& q = s.series;
  out << '\n'
      << st.bold(plain(fmt::format("{} · {}", q.dimension, detail::series_label(q.slice, q.value))))
      << st.dim(plain(fmt::format(" · graded by {} · {}", q.source.empty() ? "?" : q.source,
                                  baseline_text(s))))
      << '\n';
  print_table(out, st, week_header(m), week_rows(m, s), week_alarms(s));
  out << "  " << trend_text(s, m.confidence) << '\n'
      << "  " << detector_text("CUSUM", s.cusum, m, s) << " · "
      << detector_text("Page–Hinkley", s.page_hinkley, m, s) << '\n';
}

void print_alerts(std::ostream& out, const MonitorStatus& s, const Style& st) {
  if (s.alerts.empty()) {
    out << st.green("No alerts") << ": " << checked_text(s) << '\n';
    return;
  }
  out << st.red(fmt::format("{} ALERT{}", s.alerts.size(), s.alerts.size() == 1 ? "" : "S"))
      << " (most recent first)\n";
  for (const auto& a : s.alerts)
    out << fmt::format("  ✗ {} · {} · {}\n    {}\n", plain(a.window), a.kind, a.test,
                       plain(a.message));
}

void print_drift(std::ostream& out, const MonitorStatus& s, const Style& st) {
  if (s.drift_baseline.empty()) return;
  out << '\n'
      << st.bold(fmt::format("INPUT DRIFT against the baseline weeks {}", s.drift_baseline))
      << st.dim(" · " + drift_rule(s.settings)) << '\n';
  Rows rows = drift_rows(s);
  for (auto& r : rows) r.front() = plain(r.front());
  print_table(out, st, drift_header(), rows, drift_alarms(s));
}

// ---- JSON ---------------------------------------------------------------------------------------

json num(double x) { return std::isfinite(x) ? json(x) : json(nullptr); }
json interval_json(const stats::Interval& iv) { return json::array({num(iv.lo), num(iv.hi)}); }

// A detector's path aligned with the windows (null before the detectors start).
json sequential_json(const stats::SequentialResult& r, const SeriesStatus& s,
                     const MonitorStatus& m) {
  json path = json::array();
  for (std::size_t i = 0; i < m.windows.size(); ++i) {
    const bool on = i >= s.detectors_from && i - s.detectors_from < r.path.size();
    path.push_back(on ? num(r.path[i - s.detectors_from]) : json(nullptr));
  }
  return {{"alarm", r.alarm ? json(m.windows[s.detectors_from + *r.alarm]) : json(nullptr)},
          {"path", path},
          {"missing", r.missing},
          {"reason", r.reason.empty() ? json(nullptr) : json(std::string(r.reason))}};
}

json weeks_json(const SeriesStatus& s, const MonitorStatus& m) {
  json weeks = json::array();
  for (std::size_t i = 0; i < m.windows.size(); ++i) {
    const WindowVerdict& v = s.weeks[i];
    const WindowQuality& w = s.series.windows[i];
    weeks.push_back({{"window", m.windows[i]},
                     {"items", w.items},
                     {"n", num(w.n)},
                     {"passes", num(w.passes)},
                     {"effective_n", num(w.effective_n)},
                     {"estimate", num(v.estimate)},
                     {"interval", interval_json(v.interval)},
                     {"diff", num(v.diff)},
                     {"p_value", num(v.p_value)},
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
  cusum.update({{"target", num(s.cusum_params.target)},
                {"k", num(s.cusum_params.k)},
                {"h", num(s.cusum_params.h)}});
  json ph = sequential_json(s.page_hinkley, s, m);
  ph.update(
      {{"delta", num(s.page_hinkley_params.delta)}, {"lambda", num(s.page_hinkley_params.lambda)}});
  json keys = json::array();
  for (const auto& a : s.alerts) keys.push_back(a.key());
  return {
      {"dimension", q.dimension},
      {"slice", q.slice},
      {"value", q.value},
      {"source", q.source},
      {"baseline",
       {{"rate", num(s.baseline)}, {"effective_n", num(s.baseline_n)}, {"from", s.baseline_from}}},
      {"detectors_from",
       s.detectors_from < m.windows.size() ? json(m.windows[s.detectors_from]) : json(nullptr)},
      {"sigma", num(s.sigma)},
      {"weeks", weeks_json(s, m)},
      {"cusum", cusum},
      {"page_hinkley", ph},
      {"trend",
       {{"s", num(s.trend.s)},
        {"z", num(s.trend.statistic)},
        {"p_value", num(s.trend.p_value)},
        {"p_down", num(s.trend_p_down)},
        {"tau", num(s.trend.tau)},
        {"n", s.trend.n}}},
      {"theil_sen",
       {{"slope_per_week", num(s.slope.slope)},
        {"interval", interval_json(s.slope.slope_interval)},
        {"intercept", num(s.slope.intercept)},
        {"n", s.slope.n}}},
      {"alerts", keys}};
}

json alert_json(const Alert& a) {
  return {{"key", a.key()},      {"kind", a.kind},      {"dimension", a.dimension},
          {"slice", a.slice},    {"value", a.value},    {"window", a.window},
          {"test", a.test},      {"size", num(a.size)}, {"p_value", num(a.p_value)},
          {"message", a.message}};
}

json drift_json(const WindowDrift& d) {
  return {{"window", d.window},
          {"baseline", d.baseline},
          {"category",
           {{"psi", num(d.category_psi)},
            {"chi_square_p", num(d.category_p)},
            {"shift", d.category_shift}}},
          {"input_length",
           {{"ks_d", num(d.input_ks)},
            {"ks_p", num(d.input_ks_p)},
            {"psi", num(d.input_psi)},
            {"shift", d.input_shift}}},
          {"output_length",
           {{"ks_d", num(d.output_ks)},
            {"ks_p", num(d.output_ks_p)},
            {"psi", num(d.output_psi)},
            {"shift", d.output_shift}}}};
}

json settings_json(const MonitorSettings& s) {
  return {{"baseline_windows", s.baseline_windows},
          {"baseline_run", s.baseline_run},
          {"min_graded", s.min_graded},
          {"tolerance", s.tolerance},
          {"alpha", s.alpha},
          {"cusum_h", s.cusum_h},
          {"cusum_k", s.cusum_k},
          {"psi_alert", s.psi_alert},
          {"sample_rate", s.sample_rate},
          {"min_per_window", s.min_per_window},
          {"stratify_by", s.stratify_by},
          {"dimensions", s.dimensions}};
}

// ---- HTML ---------------------------------------------------------------------------------------

using html::attr;
using html::text;

// The chart's own classes (the page style has the grid, band, tick and whisker ones).
constexpr const char* kChartStyle =
    ".chart .est{fill:none;stroke:var(--accent);stroke-width:1.6}"
    ".chart .pt{fill:var(--accent)}.chart .pt.below{fill:var(--fail)}"
    ".chart .pt.few{fill:#fff;stroke:var(--none);stroke-width:1.5}"
    ".chart .base{stroke:var(--pass);stroke-width:1.5;stroke-dasharray:6 3}"
    ".chart .alarm{stroke:var(--fail);stroke-dasharray:2 3}.chart .flag{fill:var(--fail)}"
    "td.flags{color:var(--fail);font-weight:600}";

struct Frame {
  double left = 46, top = 14, width = 700, height = 170;
  double lo = 0, hi = 1, step = 0.1;  // rates at the bottom and top, and between grid lines
  std::size_t weeks = 1;
  double x(std::size_t i) const {
    return left + (static_cast<double>(i) + 0.5) * width / static_cast<double>(weeks);
  }
  double y(double rate) const { return top + (hi - rate) / (hi - lo) * height; }
};

// Whole steps of 1, 2, 5, 10 or 20 points around every interval and the baseline.
Frame frame_of(const SeriesStatus& s) {
  Frame f;
  f.weeks = std::max<std::size_t>(1, s.weeks.size());
  double lo = 1, hi = 0;
  for (const auto& v : s.weeks) {
    for (double x : {v.interval.lo, v.interval.hi, v.estimate, s.baseline}) {
      if (!std::isfinite(x)) continue;
      lo = std::min(lo, x);
      hi = std::max(hi, x);
    }
  }
  if (lo > hi) {
    lo = 0;
    hi = 1;
  }
  f.step = 0.2;
  for (double m : {0.01, 0.02, 0.05, 0.1}) {
    if ((hi - lo) / m <= 6) {
      f.step = m;
      break;
    }
  }
  f.lo = std::max(0.0, std::floor(lo / f.step + 1e-9) * f.step);
  f.hi = std::min(1.0, std::ceil(hi / f.step - 1e-9) * f.step);
  if (f.hi - f.lo < f.step) f.hi = std::min(1.0, f.lo + f.step);
  f.lo = std::min(f.lo, f.hi - f.step);
  return f;
}

std::string chart_axes(const Frame& f, const MonitorStatus& m) {
  std::string out;
  for (double r = f.lo; r <= f.hi + 1e-9; r += f.step)
    out += fmt::format(
        "<line class=\"grid\" x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{:.1f}\" "
        "y2=\"{:.1f}\"/><text class=\"tick\" x=\"{:.1f}\" y=\"{:.1f}\" "
        "text-anchor=\"end\">{:.0f}%</text>",
        f.left, f.left + f.width, f.y(r), f.y(r), f.left - 6, f.y(r) + 4, 100 * r);
  const std::size_t every = std::max<std::size_t>(1, (m.windows.size() + 9) / 10);
  for (std::size_t i = 0; i < m.windows.size(); i += every)
    out += fmt::format(
        "<text class=\"tick\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">"
        "{}</text>",
        f.x(i), f.top + f.height + 16, text(m.windows[i]));
  return out;
}

// The estimate joined week to week, broken where a week has no usable estimate.
std::string estimate_line(const Frame& f, const SeriesStatus& s) {
  std::string out, points_attr;
  for (std::size_t i = 0; i <= s.weeks.size(); ++i) {
    if (i < s.weeks.size() && !s.weeks[i].too_few && has_data(s, i)) {
      points_attr += fmt::format("{:.1f},{:.1f} ", f.x(i), f.y(s.weeks[i].estimate));
    } else if (!points_attr.empty()) {
      out += "<polyline class=\"est\" points=\"" + points_attr + "\"/>";
      points_attr.clear();
    }
  }
  return out;
}

std::string week_marks(const Frame& f, const SeriesStatus& s, const MonitorStatus& m) {
  std::string out;
  for (std::size_t i = 0; i < s.weeks.size(); ++i) {
    const WindowVerdict& v = s.weeks[i];
    if (!has_data(s, i)) continue;
    if (std::isfinite(v.interval.lo))
      out += fmt::format(
          "<line class=\"whisker\" x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1:.1f}\" "
          "y2=\"{2:.1f}\"/>",
          f.x(i), f.y(v.interval.lo), f.y(v.interval.hi));
    const auto flags = week_flags(s, i);
    out += fmt::format(
        "<circle class=\"pt{}\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3.5\"><title>{}</title></circle>",
        v.below     ? " below"
        : v.too_few ? " few"
                    : "",
        f.x(i), f.y(v.estimate),
        text(fmt::format("{}: {} {} · {} items · {} points vs baseline{}{}", m.windows[i],
                         pct(v.estimate), interval_text(v.interval), s.series.windows[i].items,
                         points(v.diff), flags.empty() ? "" : " · ", joined(flags))));
  }
  return out;
}

// The estimate per week with its interval as a whisker, the baseline as a dashed line over the
// shaded baseline weeks, and each alert's week flagged (its sentence as the flag's tooltip).
std::string series_chart(const SeriesStatus& s, const MonitorStatus& m) {
  const Frame f = frame_of(s);
  std::string out = fmt::format(
      "<svg class=\"chart\" viewBox=\"0 0 {:.0f} {:.0f}\" role=\"img\" aria-label=\"{}\">",
      f.left + f.width + 10, f.top + f.height + 26,
      attr(s.series.dimension + " · " + detail::series_label(s.series.slice, s.series.value)));
  const double band = f.width / static_cast<double>(f.weeks);
  for (std::size_t i = 0; i < s.weeks.size(); ++i)
    if (s.weeks[i].in_baseline)
      out += fmt::format(
          "<rect class=\"band\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" "
          "height=\"{:.1f}\"/>",
          f.x(i) - band / 2, f.top, band, f.height);
  out += chart_axes(f, m);
  if (std::isfinite(s.baseline))
    out += fmt::format(
        "<line class=\"base\" x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{:.1f}\" "
        "y2=\"{:.1f}\"><title>{}</title></line>",
        f.left, f.left + f.width, f.y(s.baseline), f.y(s.baseline), text(baseline_text(s)));
  out += estimate_line(f, s) + week_marks(f, s, m);
  for (const auto& a : s.alerts) {
    const auto it = std::find(m.windows.begin(), m.windows.end(), a.window);
    if (it == m.windows.end()) continue;
    const double x = f.x(static_cast<std::size_t>(it - m.windows.begin()));
    out += fmt::format(
        "<line class=\"alarm\" x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1:.1f}\" "
        "y2=\"{2:.1f}\"/><path class=\"flag\" d=\"M{0:.1f} {1:.1f}l-5 -9h10z\">"
        "<title>{3}</title></path>",
        x, f.top + 9, f.top + f.height, text(a.test + ": " + a.message));
  }
  return out + "</svg>";
}

// Every cell escaped; the first column is the week, the last the flags, numbers between.
std::string html_table(const std::vector<std::string>& header, const Rows& rows,
                       const std::vector<bool>& alarm) {
  std::string out = "<table><thead><tr>";
  for (std::size_t i = 0; i < header.size(); ++i)
    out += fmt::format("<th{}>{}</th>", i == 0 || i + 1 == header.size() ? "" : " class=\"num\"",
                       text(header[i]));
  out += "</tr></thead><tbody>\n";
  for (std::size_t row = 0; row < rows.size(); ++row) {
    const auto& r = rows[row];
    out += "<tr>";
    for (std::size_t i = 0; i < r.size(); ++i) {
      const char* cls = i == 0 ? "id" : i + 1 < r.size() ? "num" : alarm[row] ? "flags" : "";
      out += fmt::format("<td class=\"{}\">{}</td>", cls, text(r[i]));
    }
    out += "</tr>\n";
  }
  return out + "</tbody></table>\n";
}

std::string alerts_section(const MonitorStatus& s) {
  if (s.alerts.empty())
    return "<section id=\"alerts\" class=\"verdict pass\"><div class=\"big\">NO ALERTS</div>" +
           text(checked_text(s)) + "</section>\n";
  std::string out = fmt::format(
      "<section id=\"alerts\" class=\"verdict fail\"><div class=\"big\">{} ALERT{}</div>"
      "most recent first<ol>",
      s.alerts.size(), s.alerts.size() == 1 ? "" : "S");
  for (const auto& a : s.alerts)
    out += fmt::format("<li><strong>{} · {} · {}</strong><br>{}</li>", text(a.window), text(a.kind),
                       text(a.test), text(a.message));
  return out + "</ol></section>\n";
}

std::string dimension_section(const std::string& dimension,
                              const std::vector<const SeriesStatus*>& series,
                              const MonitorStatus& s) {
  std::string out = fmt::format("<h2>{}</h2>\n", text(dimension));
  for (const SeriesStatus* q : series) {
    out += fmt::format("<h3>{}</h3>\n<p class=\"meta\">graded by {} · {} · {}</p>\n",
                       text(detail::series_label(q->series.slice, q->series.value)),
                       text(q->series.source), text(baseline_text(*q)),
                       text(trend_text(*q, s.confidence)));
    out += series_chart(*q, s) + "\n<details><summary>every week</summary>" +
           html_table(week_header(s), week_rows(s, *q), week_alarms(*q)) + "</details>\n";
  }
  return out;
}

}  // namespace

// ---- renderings ---------------------------------------------------------------------------------

std::string status_terminal(const MonitorStatus& s, bool color) {
  const Style st{color};
  std::ostringstream out;
  const std::string span =
      s.windows.empty() ? "" : fmt::format(", {} – {}", s.windows.front(), s.windows.back());
  out << st.bold(plain(fmt::format("qualbar monitor · {} week{}{}", s.windows.size(),
                                   s.windows.size() == 1 ? "" : "s", span)))
      << st.dim(fmt::format(" · {} quality series · intervals at {:g}% confidence",
                            s.quality.size(), 100.0 * s.confidence))
      << "\n\n";
  print_alerts(out, s, st);
  for (const auto& [dimension, series] : by_dimension(s)) {
    std::size_t slices = 0, shown = 0;
    for (const SeriesStatus* q : series) {
      if (!q->series.slice.empty() && slices++ >= kTerminalSlices) continue;
      print_series(out, s, *q, st);
      ++shown;
    }
    if (shown < series.size())
      out << st.dim(
          plain(fmt::format("\n  … and {} more slices of {} (--format json or html has "
                            "every slice)\n",
                            series.size() - shown, dimension)));
  }
  print_drift(out, s, st);
  return out.str();
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
                       {"latency_p50_ms", num(t.latency_p50)},
                       {"latency_p95_ms", num(t.latency_p95)},
                       {"cost_usd", t.cost},
                       {"cost_records", t.cost_records}});
  json quality = json::array(), drift = json::array(), alerts = json::array();
  for (const auto& q : s.quality) quality.push_back(series_json(q, s));
  for (const auto& d : s.drift) drift.push_back(drift_json(d));
  for (const auto& a : s.alerts) alerts.push_back(alert_json(a));
  const json doc = {{"schema", "qualbar.monitor-status/1"},
                    {"settings", settings_json(s.settings)},
                    {"confidence", s.confidence},
                    {"windows", s.windows},
                    {"traffic", traffic},
                    {"quality", quality},
                    {"drift_baseline", s.drift_baseline},
                    {"drift", drift},
                    {"alerts", alerts}};
  return doc.dump(2) + "\n";
}

std::string status_html(const MonitorStatus& s) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src "
      "'unsafe-inline'; img-src data:; script-src 'none'; base-uri 'none'; form-action "
      "'none'\">\n<meta name=\"referrer\" content=\"no-referrer\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += fmt::format("<title>{} · qualbar monitor</title>\n",
                     s.alerts.empty() ? "no alerts" : fmt::format("{} alerts", s.alerts.size()));
  out += "<style>" + std::string(html::page_style()) + kChartStyle +
         "</style>\n</head>\n<body>\n<main>\n<h1>Production monitor</h1>\n";
  out += fmt::format(
      "<p class=\"meta\">{} weeks{} · {} quality series · intervals at {:g}% confidence · a week "
      "with fewer than {} graded items is listed, not tested</p>\n",
      s.windows.size(),
      s.windows.empty() ? "" : text(", " + s.windows.front() + " – " + s.windows.back()),
      s.quality.size(), 100.0 * s.confidence, s.settings.min_graded);
  out += alerts_section(s);
  for (const auto& [dimension, series] : by_dimension(s))
    out += dimension_section(dimension, series, s);
  if (!s.drift_baseline.empty())
    out += fmt::format(
               "<h2>Input drift</h2>\n<p class=\"meta\">Each week against the baseline "
               "weeks {}. {}.</p>\n",
               text(s.drift_baseline), text(drift_rule(s.settings))) +
           html_table(drift_header(), drift_rows(s), drift_alarms(s));
  return out +
         "<footer>qualbar monitor status · shaded: baseline weeks · dashed green line: "
         "baseline · red flags: alerts (hover for the sentence)</footer>\n</main>\n"
         "</body>\n</html>\n";
}

}  // namespace qb::monitor
