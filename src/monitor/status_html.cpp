// The monitor status as one self-contained HTML page: the alerts, then a weekly chart per
// dimension and slice (estimate, interval, baseline, alerts marked) with its table, then input
// drift. No script; every outside string escaped.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>

#include <fmt/format.h>

#include "monitor/status_internal.hpp"
#include "monitor/status_rows.hpp"
#include "qualbar/monitor/status.hpp"
#include "report/html_escape.hpp"

namespace qb::monitor {
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

std::string dimension_section(const std::string& dimension,
                              const std::vector<const SeriesStatus*>& series,
                              const MonitorStatus& s) {
  std::string out = fmt::format("<h2>{}</h2>\n", text(dimension));
  for (const SeriesStatus* q : series) {
    out += fmt::format("<h3>{}</h3>\n<p class=\"meta\">graded by {} · {} · {} · {}</p>\n",
                       text(detail::series_label(q->series.slice, q->series.value)),
                       text(q->series.source), text(baseline_text(*q)),
                       text(power_text(*q, s.settings)), text(trend_text(*q, s.confidence)));
    out += series_chart(*q, s) + "\n<details><summary>every week</summary>" +
           html_table(week_header(s), week_rows(s, *q), week_alarms(*q)) + "</details>\n";
  }
  return out;
}

}  // namespace

std::string status_html(const MonitorStatus& s) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src "
      "'unsafe-inline'; img-src data:; script-src 'none'; base-uri 'none'; form-action "
      "'none'\">\n<meta name=\"referrer\" content=\"no-referrer\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += fmt::format("<title>{} · qualbar monitor</title>\n",
                     text(incidents_headline(s)));
  out += "<style>" + std::string(html::page_style()) + kChartStyle +
         "</style>\n</head>\n<body>\n<main>\n<h1>Production monitor</h1>\n";
  out += fmt::format(
      "<p class=\"meta\">{} weeks{} · {} quality series · intervals at {:g}% confidence · a week "
      "with fewer than {} graded items is listed, not tested</p>\n",
      s.windows.size(),
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
  if (!s.operations.empty())
    out += "<h2>Operations</h2>\n<p class=\"meta\">Errors, refusals, latency and cost each week "
           "against the baseline weeks; a rise beyond the tolerance alerts.</p>\n" +
           html_table(operations_header(), operations_rows(s), operations_alarms(s));
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
