// The dashboard's panels: traffic, errors, latency and cost week by week against their baselines,
// and people's review progress (graded against what a week needs, reviewers' agreement). Inline
// SVG; every outside string escaped.
#include "monitor/status_panels.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

#include <fmt/format.h>

#include "monitor/status_internal.hpp"
#include "qualbar/util/text.hpp"
#include "report/html_escape.hpp"

namespace qb::monitor::detail {
namespace {

using html::attr;
using html::text;

// One line (or the bars) of a panel: a value per week, NaN where there is none.
struct PanelLine {
  std::string name;
  std::vector<double> values;
  std::vector<bool> over;  // weeks beyond the signal's tolerance (drawn red); may be empty
  bool second = false;     // drawn in the second colour (latency p95 beside p50)
};

struct Panel {
  std::string title;
  std::string caption;  // under the title: the baseline, the latest week
  std::vector<PanelLine> lines;
  bool bars = false;                // the first line as bars (volumes, counts)
  double reference = stats::kNaN;   // a dashed line: the baseline, or a week's quota
  std::string reference_label;
  std::function<std::string(double)> label;
  bool alert = false;
};

constexpr double kPanelLeft = 52, kPanelTop = 8, kPanelWidth = 240, kPanelHeight = 80;

std::string panel_axes(const Panel& p, const std::vector<std::string>& windows, double top) {
  const auto y = [&](double v) { return kPanelTop + (1 - v / top) * kPanelHeight; };
  std::string out;
  for (double v : {0.0, top})
    out += fmt::format(
        "<line class=\"grid\" x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{:.1f}\" y2=\"{:.1f}\"/>"
        "<text class=\"tick\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>",
        kPanelLeft, kPanelLeft + kPanelWidth, y(v), y(v), kPanelLeft - 4, y(v) + 4,
        text(p.label(v)));
  if (!windows.empty()) {
    out += fmt::format("<text class=\"tick\" x=\"{:.1f}\" y=\"{:.1f}\">{}</text>", kPanelLeft,
                       kPanelTop + kPanelHeight + 14, text(windows.front()));
    out += fmt::format(
        "<text class=\"tick\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>",
        kPanelLeft + kPanelWidth, kPanelTop + kPanelHeight + 14, text(windows.back()));
  }
  if (std::isfinite(p.reference))
    out += fmt::format(
        "<line class=\"{}\" x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{:.1f}\" y2=\"{:.1f}\">"
        "<title>{}</title></line>",
        p.bars ? "quota" : "base", kPanelLeft, kPanelLeft + kPanelWidth, y(p.reference),
        y(p.reference), text(p.reference_label));
  return out;
}

std::string panel_line(const Panel& p, const PanelLine& l, const std::vector<std::string>& windows,
                       double top, bool bars) {
  const double band = kPanelWidth / static_cast<double>(std::max<std::size_t>(1, windows.size()));
  const auto x = [&](std::size_t i) { return kPanelLeft + (static_cast<double>(i) + 0.5) * band; };
  const auto y = [&](double v) { return kPanelTop + (1 - v / top) * kPanelHeight; };
  std::string out, points;
  for (std::size_t i = 0; i <= l.values.size() && i <= windows.size(); ++i) {
    const bool has = i < l.values.size() && i < windows.size() && std::isfinite(l.values[i]);
    if (!bars && has) points += fmt::format("{:.1f},{:.1f} ", x(i), y(l.values[i]));
    if (!bars && !has && !points.empty()) {
      out += fmt::format("<polyline class=\"{}\" points=\"{}\"/>", l.second ? "line2" : "est",
                         points);
      points.clear();
    }
    if (!has) continue;
    const bool over = i < l.over.size() && l.over[i];
    const std::string tip = text(fmt::format("{} · {}: {}", windows[i], l.name, p.label(l.values[i])));
    if (bars)
      out += fmt::format(
          "<rect class=\"vol{}\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\">"
          "<title>{}</title></rect>",
          over ? " over" : "", x(i) - band * 0.35, y(l.values[i]), band * 0.7,
          kPanelTop + kPanelHeight - y(l.values[i]), tip);
    else
      out += fmt::format(
          "<circle class=\"{}\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"2.5\"><title>{}</title></circle>",
          over ? "pt below" : l.second ? "pt2" : "pt", x(i), y(l.values[i]), tip);
  }
  return out;
}

std::string panel_svg(const Panel& p, const std::vector<std::string>& windows) {
  double top = std::isfinite(p.reference) ? p.reference : 0;
  for (const auto& l : p.lines)
    for (double v : l.values)
      if (std::isfinite(v)) top = std::max(top, v);
  top = top > 0 ? top * 1.1 : 1;
  std::string out = fmt::format(
      "<figure class=\"panel{}\"><figcaption><strong>{}</strong> {}</figcaption>"
      "<svg class=\"chart mini\" viewBox=\"0 0 {:.0f} {:.0f}\" role=\"img\" aria-label=\"{}\">",
      p.alert ? " alert" : "", text(p.title), text(p.caption), kPanelLeft + kPanelWidth + 6,
      kPanelTop + kPanelHeight + 20, attr(p.title));
  out += panel_axes(p, windows, top);
  for (std::size_t i = 0; i < p.lines.size(); ++i)
    out += panel_line(p, p.lines[i], windows, top, p.bars && i == 0);
  return out + "</svg></figure>";
}

std::string signal_value(const std::string& unit, double v) {
  if (!std::isfinite(v)) return "—";
  if (unit == "rate") return percent(v);
  if (unit == "ms") return fmt::format("{:.0f} ms", v);
  if (unit == "USD") return fmt::format("${:.4f}", v);
  return fmt::format("{:g}", v);
}

const OperationsSeries* signal(const MonitorStatus& s, const std::string& name) {
  for (const auto& o : s.operations)
    if (o.signal == name) return &o;
  return nullptr;
}

bool has_alert(const MonitorStatus& s, const std::string& name) {
  return std::any_of(s.alerts.begin(), s.alerts.end(), [&](const Alert& a) {
    return a.kind == "operations" && a.dimension == name;
  });
}

// A panel of operational signals (one, or latency's two) against the first one's baseline.
Panel signal_panel(const MonitorStatus& s, const std::string& title,
                   const std::vector<std::string>& names) {
  Panel p;
  p.title = title;
  for (const std::string& name : names) {
    const OperationsSeries* o = signal(s, name);
    if (o == nullptr) continue;
    if (p.lines.empty()) {
      const std::string unit = o->unit;
      p.label = [unit](double v) { return signal_value(unit, v); };
      p.reference = o->baseline;
      p.reference_label = "baseline " + signal_value(unit, o->baseline) + " (" + o->baseline_from + ")";
    }
    p.lines.push_back({name, o->values, o->over, !p.lines.empty()});
    p.alert = p.alert || has_alert(s, name);
    std::size_t last = o->values.size();
    for (std::size_t w = 0; w < o->values.size(); ++w)
      if (std::isfinite(o->values[w])) last = w;
    if (last < o->values.size())
      p.caption += (p.caption.empty() ? "" : " · ") +
                   fmt::format("{} {}", name, signal_value(o->unit, o->values[last]));
  }
  if (names.size() > 1 && !p.lines.empty()) p.caption += " (dashed: " + names.front() + " baseline)";
  return p;
}

}  // namespace

std::string operations_panels(const MonitorStatus& s) {
  if (s.traffic.empty()) return {};
  Panel volume;
  volume.title = "Traffic";
  volume.bars = true;
  volume.label = [](double v) { return fmt::format("{:.0f}", v); };
  PanelLine records{"records", {}, {}, false};
  std::uint64_t total = 0;
  for (const auto& t : s.traffic) {
    records.values.push_back(static_cast<double>(t.volume));
    total += t.volume;
  }
  volume.caption = fmt::format("{} records in {} weeks", total, s.traffic.size());
  volume.lines.push_back(std::move(records));
  std::string out = "<h2>Traffic and operations</h2>\n<div class=\"panels\">" +
                    panel_svg(volume, s.windows);
  for (const auto& [title, names] :
       std::vector<std::pair<std::string, std::vector<std::string>>>{
           {"Errors", {"error rate"}},
           {"Latency", {"latency p50", "latency p95"}},
           {"Cost", {"cost per response"}},
           {"Refusals", {"refusal rate"}}}) {
    const Panel p = signal_panel(s, title, names);
    if (!p.lines.empty()) out += panel_svg(p, s.windows);
  }
  return out + "</div>\n";
}

std::string review_section(const MonitorStatus& s) {
  if (s.review.empty()) return {};
  const std::size_t need = s.settings.min_graded;
  std::string out =
      fmt::format("<h2>Review progress</h2>\n<p class=\"meta\">People's grades on each week's "
                  "sample: a week needs {} graded records to be tested; agreement is over the "
                  "records two reviewers graded.</p>\n",
                  need);
  for (const ReviewProgress& p : s.review) {
    std::vector<std::string> short_weeks;
    for (const GradingGap& g : s.gaps)
      if (g.dimension == p.dimension) short_weeks = g.weeks;
    Panel panel;
    panel.title = p.dimension;
    panel.bars = true;
    panel.reference = static_cast<double>(need);
    panel.reference_label = fmt::format("{} graded records a week are needed", need);
    panel.label = [](double v) { return fmt::format("{:.0f}", v); };
    PanelLine graded{"graded", {}, {}, false};
    Rows rows;
    std::vector<bool> alarms;
    std::size_t sum = 0;
    for (const ReviewWeek& w : p.weeks) {
      const bool gap =
          std::find(short_weeks.begin(), short_weeks.end(), w.window) != short_weeks.end();
      graded.values.push_back(static_cast<double>(w.graded));
      graded.over.push_back(gap);
      sum += w.graded;
      rows.push_back({w.window, std::to_string(w.sampled), std::to_string(w.graded),
                      std::to_string(need), std::to_string(w.double_graded),
                      w.double_graded == 0
                          ? std::string("—")
                          : percent(static_cast<double>(w.agreed) /
                                    static_cast<double>(w.double_graded)),
                      gap                ? fmt::format("not tested: {} short", need - std::min(need, w.graded))
                      : w.graded >= need ? std::string("enough")
                                         : std::string("")});
      alarms.push_back(gap);
    }
    panel.caption = fmt::format("{} graded over {} weeks; red: a closed week short of grades", sum,
                                p.weeks.size());
    panel.alert = !short_weeks.empty();
    panel.lines.push_back(std::move(graded));
    out += fmt::format("<h3>{}</h3>\n", text(p.dimension)) + "<div class=\"panels\">" +
           panel_svg(panel, s.windows) + "</div>\n<details><summary>every week</summary>" +
           html_table({"week", "sampled", "graded", "needed", "by two reviewers", "agreement", ""},
                      rows, alarms) +
           "</details>\n";
  }
  return out;
}

}  // namespace qb::monitor::detail
