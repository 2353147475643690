// The production dashboard: the incidents, then a weekly chart per dimension (estimate, interval,
// baseline, alerts marked) with its slices as small multiples and each slice's chart and table,
// the operations panels, input drift and review progress (status_panels.cpp). One body for the
// served page and for `monitor status --out html`'s file. No script; every outside string escaped.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>

#include <fmt/format.h>

#include "monitor/status_internal.hpp"
#include "monitor/status_panels.hpp"
#include "monitor/status_rows.hpp"
#include "qualbar/monitor/status.hpp"
#include "report/html_escape.hpp"

namespace qb::monitor {

// Every cell escaped; the first column is the week, the last the flags, numbers between.
std::string detail::html_table(const std::vector<std::string>& header, const Rows& rows,
                                 const std::vector<bool>& alarm) {
  std::string out = "<table><thead><tr>";
  for (std::size_t i = 0; i < header.size(); ++i)
    out += fmt::format("<th{}>{}</th>", i == 0 || i + 1 == header.size() ? "" : " class=\"num\"",
                       html::text(header[i]));
  out += "</tr></thead><tbody>\n";
  for (std::size_t row = 0; row < rows.size(); ++row) {
    const auto& r = rows[row];
    out += "<tr>";
    for (std::size_t i = 0; i < r.size(); ++i) {
      const char* cls = i == 0 ? "id" : i + 1 < r.size() ? "num" : alarm[row] ? "flags" : "";
      out += fmt::format("<td class=\"{}\">{}</td>", cls, html::text(r[i]));
    }
    out += "</tr>\n";
  }
  return out + "</tbody></table>\n";
}

namespace {

using namespace detail;  // NOLINT: the shared rows and sentences

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

// Whole steps of 1, 2, 5, 10 or 20 points around every estimate and baseline of `all` (and their
// intervals, `with_intervals`): one scale for a chart, or for a dimension's small multiples side
// by side (whose small slices' wide intervals would flatten every line).
Frame frame_over(const std::vector<const SeriesStatus*>& all, bool with_intervals = true) {
  Frame f;
  double lo = 1, hi = 0;
  for (const SeriesStatus* s : all) {
    f.weeks = std::max<std::size_t>(f.weeks, s->weeks.size());
    for (const auto& v : s->weeks) {
      const double nan = stats::kNaN;
      for (double x : {with_intervals ? v.interval.lo : nan, with_intervals ? v.interval.hi : nan,
                       v.estimate, s->baseline}) {
        if (!std::isfinite(x)) continue;
        lo = std::min(lo, x);
        hi = std::max(hi, x);
      }
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

Frame frame_of(const SeriesStatus& s) { return frame_over({&s}); }

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
                         percent(v.estimate), interval_text(v.interval), s.series.windows[i].items,
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

// The latest week a series has a usable estimate, or its size when none.
std::size_t latest_week(const SeriesStatus& s) {
  std::size_t last = s.weeks.size();
  for (std::size_t i = 0; i < s.weeks.size(); ++i)
    if (has_data(s, i) && !s.weeks[i].too_few) last = i;
  return last;
}

// One slice's weeks in a small chart on the scale `f` shares with its neighbours: the baseline
// dashed, the estimate joined, a week below the baseline red.
std::string multiple_chart(const Frame& f, const SeriesStatus& q, const MonitorStatus& m) {
  std::string out = fmt::format(
      "<svg class=\"chart mini\" viewBox=\"0 0 {:.0f} {:.0f}\" role=\"img\" "
      "aria-label=\"{}\">",
      f.left + f.width + 4, f.top + f.height + 4,
      attr(q.series.dimension + " · " + detail::series_label(q.series.slice, q.series.value)));
  for (double r : {f.lo, f.hi})
    out += fmt::format("<line class=\"grid\" x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{:.1f}\" "
                       "y2=\"{:.1f}\"/>",
                       f.left, f.left + f.width, f.y(r), f.y(r));
  if (std::isfinite(q.baseline))
    out += fmt::format("<line class=\"base\" x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{:.1f}\" "
                       "y2=\"{:.1f}\"/>",
                       f.left, f.left + f.width, f.y(q.baseline), f.y(q.baseline));
  out += estimate_line(f, q);
  for (std::size_t i = 0; i < q.weeks.size(); ++i) {
    const WindowVerdict& v = q.weeks[i];
    if (!has_data(q, i) || v.too_few) continue;
    out += fmt::format("<circle class=\"pt{}\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"2.5\">"
                       "<title>{}</title></circle>",
                       v.below ? " below" : "", f.x(i), f.y(v.estimate),
                       text(fmt::format("{}: {} {}", m.windows[i], percent(v.estimate),
                                        interval_text(v.interval))));
  }
  return out + "</svg>";
}

// A dimension's slices side by side on one scale, worst first as the status orders them: a 90%
// average that hides a 50% category shows as one chart far below the others.
std::string small_multiples(const std::vector<const SeriesStatus*>& series,
                            const MonitorStatus& m) {
  std::vector<const SeriesStatus*> slices;
  for (const SeriesStatus* q : series)
    if (!q->series.slice.empty()) slices.push_back(q);
  if (slices.empty()) return {};
  // The overall series too: the scale it is read against.
  Frame f = frame_over(series, /*with_intervals=*/false);
  f.left = 4;
  f.top = 4;
  f.width = 172;
  f.height = 56;
  std::string out = fmt::format(
      "<p class=\"meta\">Each slice on one scale ({} – {}), worst first; dashed: its baseline; "
      "red: a week below it</p>\n",
      percent(f.lo), percent(f.hi));
  std::vector<std::string> keys;  // the slices' names, in the order their worst value comes
  for (const SeriesStatus* q : slices)
    if (std::find(keys.begin(), keys.end(), q->series.slice) == keys.end())
      keys.push_back(q->series.slice);
  for (const std::string& key : keys) {
    out += fmt::format("<h4 class=\"meta\">by {}</h4>\n<div class=\"multiples\">", text(key));
    for (const SeriesStatus* q : slices) {
      if (q->series.slice != key) continue;
      const std::size_t last = latest_week(*q);
      const bool alert = !q->alerts.empty() || (last < q->weeks.size() && q->weeks[last].below);
      out += fmt::format(
          "<figure class=\"multiple{}\"><figcaption><strong>{}</strong> {}</figcaption>{}"
          "</figure>",
          alert ? " alert" : "", text(detail::series_label(q->series.slice, q->series.value)),
          last < q->weeks.size()
              ? text(fmt::format("{} in {} · baseline {}", percent(q->weeks[last].estimate),
                                 m.windows[last], percent(q->baseline)))
              : std::string("no week with enough grades"),
          multiple_chart(f, *q, m));
    }
    out += "</div>\n";
  }
  return out;
}

// Weeks nobody graded enough, with the command that hands them out: before the alerts, since
// "no alerts" says nothing about them.
std::string gaps_section(const MonitorStatus& s) {
  if (s.gaps.empty()) return {};
  std::string out = "<section id=\"gaps\" class=\"verdict fail\"><div class=\"big\">NOT "
                    "TESTED</div>" +
                    text(gaps_headline(s)) + "<ul>";
  for (const auto& line : gap_lines(s)) out += "<li>" + text(line) + "</li>";
  return out + "</ul>Hand them to reviewers: <code>" + text(gaps_command(s)) +
         "</code></section>\n";
}

// The incidents first (open, then resolved); the detectors' alerts folded under them.
std::string incidents_section(const MonitorStatus& s) {
  const bool open = open_incidents(s) > 0;
  std::string headline = incidents_headline(s);
  if (!open && !s.gaps.empty()) headline += " on the weeks tested";
  std::string out = fmt::format(
      "<section id=\"incidents\" class=\"verdict {}\"><div class=\"big\">{}</div>{}",
      open ? "fail" : "pass", text(headline),
      open ? "each one drifting signal, every detector and slice that saw it"
           : text(checked_text(s)));
  if (!s.incidents.empty()) {
    out += "<ol>";
    for (const auto& i : s.incidents)
      out += fmt::format("<li class=\"{}\"><strong>{}</strong><br>{}{}</li>",
                         i.open ? "open" : "resolved", text(incident_title(i)), text(i.summary),
                         i.acknowledged.empty() ? "" : "<br><em>" + text(i.acknowledged) + "</em>");
    out += "</ol>";
  }
  if (!s.alerts.empty()) {
    out += fmt::format("<details><summary>{} detector alert{} (most recent first)</summary><ol>",
                       s.alerts.size(), s.alerts.size() == 1 ? "" : "s");
    for (const auto& a : s.alerts)
      out += fmt::format("<li><strong>{} · {} · {}</strong><br>{}</li>", text(a.window),
                         text(a.kind), text(a.test), text(a.message));
    out += "</ol></details>";
  }
  return out + "</section>\n";
}

std::string series_block(const SeriesStatus& q, const MonitorStatus& s) {
  return fmt::format("<h3>{}</h3>\n<p class=\"meta\">graded by {} · {} · {} · {}</p>\n",
                     text(detail::series_label(q.series.slice, q.series.value)),
                     text(q.series.source), text(baseline_text(q)),
                     text(power_text(q, s.settings)), text(trend_text(q, s.confidence))) +
         series_chart(q, s) + "\n<details><summary>every week</summary>" +
         html_table(week_header(s), week_rows(s, q), week_alarms(q)) + "</details>\n";
}

// A dimension: its overall chart, its slices as small multiples, then each slice's own chart and
// table (folded: the multiples say which to open).
std::string dimension_section(const std::string& dimension,
                              const std::vector<const SeriesStatus*>& series,
                              const MonitorStatus& s) {
  std::string out = fmt::format("<h2>{}</h2>\n", text(dimension));
  std::string slices;
  for (const SeriesStatus* q : series)
    (q->series.slice.empty() ? out : slices) += series_block(*q, s);
  out += small_multiples(series, s);
  if (!slices.empty())
    out += "<details class=\"slices\"><summary>each slice's chart and weeks</summary>\n" + slices +
           "</details>\n";
  return out;
}

}  // namespace

std::string_view status_html_style() {
  static const std::string style = std::string(kChartStyle) + detail::kPanelStyle;
  return style;
}

std::string status_html_body(const MonitorStatus& s) {
  std::string out = "<h1>Production monitor</h1>\n";
  out += fmt::format(
      "<p class=\"meta\">{} · {} weeks{} · {} quality series · intervals at {:g}% confidence · a "
      "week with fewer than {} graded items is listed, not tested</p>\n",
      text(s.monitor), s.windows.size(),
      s.windows.empty() ? "" : text(", " + s.windows.front() + " – " + s.windows.back()),
      s.quality.size(), 100.0 * s.confidence, s.settings.min_graded);
  // Open incidents are the verdict and come first; with none, the untested weeks do ("no
  // incident" says nothing about them).
  if (open_incidents(s) > 0)
    out += incidents_section(s) + gaps_section(s);
  else
    out += gaps_section(s) + incidents_section(s);
  for (const auto& [dimension, series] : by_dimension(s))
    out += dimension_section(dimension, series, s);
  out += detail::operations_panels(s);
  if (!s.operations.empty())
    out += "<p class=\"meta\">Errors, refusals, latency and cost each week against the baseline "
           "weeks; a rise beyond the tolerance alerts.</p>\n" +
           html_table(operations_header(), operations_rows(s), operations_alarms(s));
  if (!s.drift_baseline.empty())
    out += fmt::format(
               "<h2>Input drift</h2>\n<p class=\"meta\">Each week against the baseline "
               "weeks {}. {}.</p>\n",
               text(s.drift_baseline), text(drift_rule(s.settings))) +
           html_table(drift_header(), drift_rows(s), drift_alarms(s));
  out += detail::review_section(s);
  return out +
         "<footer>qualbar monitor status · shaded: baseline weeks · dashed green line: "
         "baseline · red flags: alerts (hover for the sentence)</footer>\n";
}

std::string status_html(const MonitorStatus& s) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src "
      "'unsafe-inline'; img-src data:; script-src 'none'; base-uri 'none'; form-action "
      "'none'\">\n<meta name=\"referrer\" content=\"no-referrer\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += fmt::format("<title>{} · qualbar monitor</title>\n", text(incidents_headline(s)));
  out += "<style>" + std::string(html::page_style()) + std::string(status_html_style()) +
         "</style>\n</head>\n<body>\n<main>\n" + status_html_body(s) + "</main>\n</body>\n</html>\n";
  return out;
}

}  // namespace qb::monitor
