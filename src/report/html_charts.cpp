#include "report/html_charts.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "qualbar/report/format.hpp"
#include "qualbar/util/text.hpp"
#include "report/html_escape.hpp"

namespace qb::html {
namespace {

// A round step for about `ticks` ticks between 0 and `max`: 1, 2, 2.5 or 5 times a power of ten.
double nice_step(double max, int ticks) {
  if (!(max > 0)) return 1.0;
  const double raw = max / ticks;
  const double p = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (m * p >= raw) return m * p;
  }
  return 10.0 * p;
}

// The statistic a dimension's chart shows: the one its overall bar limits (p95, cost per
// useful response), else the estimate.
std::string plotted_stat(const DimensionResult& d) {
  if (!d.overall.bars.empty()) return d.overall.bars.front().stat;
  return "estimate";
}

double value_of(const Cell& c, const std::string& stat) {
  if (stat == "estimate") return c.estimate;
  return c.stat(stat).value_or(NAN);
}

std::optional<double> bar_of(const Cell& c, const std::string& stat) {
  for (const auto& b : c.bars) {
    if (b.stat == stat) return b.limit;
  }
  return std::nullopt;
}

std::string tick_label(double v, const DimensionResult& d, double step) {
  if (d.unit.empty() && d.aggregation == Aggregation::rate)
    return step < 0.01 ? fmt::format("{:.1f}%", 100.0 * v) : fmt::format("{:.0f}%", 100.0 * v);
  if (d.unit == "USD") return fmt::format("${:g}", v);
  if (d.unit == "ms") return fmt::format("{:g} ms", v);
  return fmt::format("{:g}", v);
}

std::string stat_name(const std::string& stat, const DimensionResult& d) {
  if (stat == "estimate") return d.estimate_name;
  if (stat == "per_useful") return "per useful response";
  if (stat == "per_response") return "per response";
  return stat;
}

// Cuts a label to `max` code points, adding "…".
std::string shorten(const std::string& s, std::size_t max) {
  std::size_t points = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
    if (points++ == max) return s.substr(0, i) + "…";
  }
  return s;
}

// A cell's interval as a whisker, drawn within the plot: an end past the scale (a p95 interval
// open to a 30 s timeout) or missing (too few cases for an upper end) stops at the plot's edge
// with an arrowhead there, and the whisker's title gives the real ends or why one is missing.
template <typename X>
std::string whisker(const Cell& c, const DimensionResult& d, double confidence, const X& x,
                    double y, double top) {
  const bool beyond_hi = !std::isfinite(c.interval.hi) || c.interval.hi > top;
  const bool beyond_lo = !std::isfinite(c.interval.lo) || c.interval.lo < 0.0;
  const double lo = beyond_lo ? 0.0 : c.interval.lo;
  const double hi = beyond_hi ? top : c.interval.hi;
  std::string title =
      fmt::format("{:g}% interval {}", 100.0 * confidence, interval_text(c, d, confidence));
  if (beyond_hi || beyond_lo) title += ": it goes on past the chart's edge (arrow)";
  std::string s = fmt::format(
      "<line class=\"whisker\" x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{:.1f}\" y2=\"{:.1f}\">"
      "<title>{}</title></line>",
      x(lo), x(hi), y, y, text(title));
  if (beyond_hi)
    s += fmt::format(
        "<path class=\"beyond\" d=\"M{0:.1f} {1:.1f}L{2:.1f} {3:.1f}L{0:.1f} {4:.1f}Z\">"
        "<title>{5}</title></path>",
        x(top), y - 4, x(top) + 7, y, y + 4, text(title));
  if (beyond_lo)
    s += fmt::format(
        "<path class=\"beyond\" d=\"M{0:.1f} {1:.1f}L{2:.1f} {3:.1f}L{0:.1f} {4:.1f}Z\">"
        "<title>{5}</title></path>",
        x(0.0), y - 4, x(0.0) - 7, y, y + 4, text(title));
  return s;
}

}  // namespace

std::string slice_chart(const DimensionResult& d, std::size_t max_rows, double confidence) {
  const std::string stat = plotted_stat(d);
  const bool with_interval = stat == "estimate" || stat == d.estimate_name;
  std::vector<const Cell*> rows{&d.overall};
  for (std::size_t i = 0; i < d.cells.size() && i < max_rows; ++i) rows.push_back(&d.cells[i]);

  // The scale: 0–100% for rates where higher is better; otherwise 0 to the largest number shown,
  // with intervals allowed to widen it by a quarter at most (a p95 interval open to 30 s would
  // squeeze every dot into one corner; a clipped whisker runs to the edge).
  double hi = 0.0, hi_interval = 0.0;
  for (const Cell* c : rows) {
    for (double v : {value_of(*c, stat), bar_of(*c, stat).value_or(NAN)}) {
      if (std::isfinite(v)) hi = std::max(hi, v);
    }
    if (with_interval && std::isfinite(c->interval.hi))
      hi_interval = std::max(hi_interval, c->interval.hi);
  }
  hi = std::max(hi, std::min(hi_interval, 1.25 * hi));
  if (d.unit.empty() && (d.higher_is_better || hi > 0.5)) hi = 1.0;
  const double step = nice_step(hi > 0 ? hi : 1.0, 4);
  const double top = std::max(step, std::ceil(hi / step - 1e-9) * step);

  constexpr double kLabelW = 250, kPlotX = 260, kPlotW = 420, kRowH = 24, kHead = 26;
  constexpr double kValueX = kPlotX + kPlotW + 40;
  const double height = kHead + kRowH * static_cast<double>(rows.size()) + 10;
  auto x = [&](double v) { return kPlotX + kPlotW * std::clamp(v / top, 0.0, 1.0); };

  std::string s = fmt::format(
      "<svg class=\"chart\" viewBox=\"0 0 900 {0:.0f}\" width=\"900\" height=\"{0:.0f}\" "
      "role=\"img\" aria-label=\"{1}: {2} per slice with intervals and bars\">",
      height, attr(d.name), attr(stat_name(stat, d)));
  for (double t = 0; t <= top + step / 2; t += step) {
    s += fmt::format(
        "<line class=\"grid\" x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1:.0f}\" y2=\"{2:.0f}\"/>"
        "<text class=\"tick\" x=\"{0:.1f}\" y=\"16\" text-anchor=\"middle\">{3}</text>",
        x(t), kHead - 4, height - 6, text(tick_label(t, d, step)));
  }
  s += fmt::format("<text class=\"tick\" x=\"{:.0f}\" y=\"16\">n · {}</text>", kValueX,
                   text(stat_name(stat, d)));
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Cell& c = *rows[i];
    const double y = kHead + kRowH * static_cast<double>(i) + kRowH / 2;
    const std::string label = c.label() + (c.critical ? " ★" : "");
    s += fmt::format("<g class=\"row {}{}\">", status_class(c.status), i == 0 ? " overall" : "");
    if (i % 2 == 1)
      s += fmt::format("<rect class=\"band\" x=\"0\" y=\"{:.0f}\" width=\"900\" height=\"{:.0f}\"/>",
                       y - kRowH / 2, kRowH);
    s += fmt::format("<text class=\"label\" x=\"{:.0f}\" y=\"{:.0f}\" text-anchor=\"end\">{}<title>{}"
                     "</title></text>",
                     kLabelW, y + 4, text(shorten(label, 36)), text(label));
    const double v = value_of(c, stat);
    if (with_interval && std::isfinite(v) &&
        (std::isfinite(c.interval.lo) || std::isfinite(c.interval.hi)))
      s += whisker(c, d, confidence, x, y, top);
    // Each row's own bar, across the row: rows that share a bar form one continuous line.
    if (const auto own_bar = bar_of(c, stat)) {
      s += fmt::format(
          "<line class=\"bar\" x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1:.1f}\" y2=\"{2:.1f}\"/>",
          x(*own_bar), y - kRowH / 2, y + kRowH / 2);
    }
    if (std::isfinite(v))
      s += fmt::format("<circle class=\"dot\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"5\"/>", x(v), y);
    s += fmt::format("<text class=\"value\" x=\"{:.0f}\" y=\"{:.0f}\">{} · {}</text></g>",
                     kValueX, y + 4, c.n, text(format_stat(stat, v, d)));
  }
  return s + "</svg>";
}

std::string reliability_diagram(const nlohmann::json& data) {
  constexpr double kX = 50, kY = 20, kS = 280;
  std::string s =
      "<svg class=\"chart reliability\" viewBox=\"0 0 360 350\" width=\"360\" height=\"350\" "
      "role=\"img\" aria-label=\"reliability diagram: accuracy against confidence\">";
  for (int t = 0; t <= 4; ++t) {
    const double f = t / 4.0;
    s += fmt::format(
        "<line class=\"grid\" x1=\"{0:.0f}\" x2=\"{1:.0f}\" y1=\"{2:.0f}\" y2=\"{2:.0f}\"/>"
        "<text class=\"tick\" x=\"{3:.0f}\" y=\"{4:.0f}\" text-anchor=\"end\">{5:.0f}%</text>"
        "<text class=\"tick\" x=\"{6:.0f}\" y=\"{7:.0f}\" text-anchor=\"middle\">{8:.2g}</text>",
        kX, kX + kS, kY + kS * (1 - f), kX - 6, kY + kS * (1 - f) + 4, 100 * f, kX + kS * f,
        kY + kS + 16, f);
  }
  s += fmt::format("<line class=\"diagonal\" x1=\"{:.0f}\" y1=\"{:.0f}\" x2=\"{:.0f}\" y2=\"{:.0f}\"/>",
                   kX, kY + kS, kX + kS, kY);
  if (data.contains("reliability_diagram")) {
    const std::size_t bins = data.value("bins", std::size_t{10});
    const int decimals = decimals_for_parts(bins);  // distinct bin labels at any bin count
    for (const auto& b : data["reliability_diagram"]) {
      if (!b["accuracy"].is_number() || !b["lo"].is_number() || !b["hi"].is_number()) continue;
      const double lo = b["lo"].get<double>(), hi = b["hi"].get<double>();
      const double acc = b["accuracy"].get<double>();
      const auto n = b["n"].get<std::size_t>();
      s += fmt::format(
          "<rect class=\"bin\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\">"
          "<title>confidence {}–{}: accuracy {} (n={})</title></rect>"
          "<text class=\"tick\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>",
          kX + kS * lo + 1, kY + kS * (1 - acc), kS * (hi - lo) - 2, kS * acc,
          fixed_text(lo, decimals), fixed_text(hi, decimals), percent(acc), n,
          kX + kS * (lo + hi) / 2, kY + kS * (1 - acc) - 4, n);
      if (b["mean_confidence"].is_number()) {
        s += fmt::format("<circle class=\"conf\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3\"/>",
                         kX + kS * b["mean_confidence"].get<double>(), kY + kS * (1 - acc));
      }
    }
  }
  s += fmt::format(
      "<text class=\"axis\" x=\"{:.0f}\" y=\"345\" text-anchor=\"middle\">confidence</text>"
      "<text class=\"axis\" x=\"12\" y=\"{:.0f}\" text-anchor=\"middle\" "
      "transform=\"rotate(-90 12 {:.0f})\">accuracy</text>",
      kX + kS / 2, kY + kS / 2, kY + kS / 2);
  return s + "</svg>";
}

std::string histogram(std::span<const double> values, const DimensionResult& d) {
  std::vector<double> v;
  for (double x : values) {
    if (std::isfinite(x) && x >= 0) v.push_back(x);
  }
  if (v.empty()) return "";
  const double p99 = d.overall.stat("p99").value_or(*std::max_element(v.begin(), v.end()));
  double top = p99 * 1.05;
  if (const auto bar = bar_of(d.overall, "p95")) top = std::max(top, *bar * 1.1);
  const double step = nice_step(top, 5);
  top = std::ceil(top / step) * step;
  constexpr int kBins = 40;
  std::vector<std::size_t> counts(kBins + 1, 0);  // the last: above the scale
  for (double x : v) {
    const auto b = static_cast<std::size_t>(std::floor(x / top * kBins));
    ++counts[std::min<std::size_t>(b, kBins)];
  }
  const std::size_t most = *std::max_element(counts.begin(), counts.end());
  constexpr double kX = 50, kW = 760, kY = 24, kH = 150;
  const double bw = kW / kBins;
  auto x = [&](double ms) { return kX + kW * std::clamp(ms / top, 0.0, 1.0); };
  std::string s = fmt::format(
      "<svg class=\"chart\" viewBox=\"0 0 900 210\" width=\"900\" height=\"210\" role=\"img\" "
      "aria-label=\"{}: distribution of {} measurements\">",
      attr(d.name), v.size());
  for (double t = 0; t <= top + step / 2; t += step) {
    s += fmt::format(
        "<text class=\"tick\" x=\"{:.1f}\" y=\"{:.0f}\" text-anchor=\"middle\">{:g} ms</text>", x(t),
        kY + kH + 16, t);
  }
  for (int b = 0; b <= kBins; ++b) {
    if (counts[b] == 0) continue;
    const double h = kH * static_cast<double>(counts[b]) / static_cast<double>(most);
    const double bx = b < kBins ? kX + bw * b : kX + kW + 20;
    s += fmt::format(
        "<rect class=\"bin{}\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\"><title>{}"
        "</title></rect>",
        b < kBins ? "" : " over", bx + 0.5, kY + kH - h, bw - 1, h,
        b < kBins ? fmt::format("{:.0f}–{:.0f} ms: {}", top * b / kBins, top * (b + 1) / kBins,
                                counts[b])
                  : fmt::format("above {:g} ms: {}", top, counts[b]));
  }
  if (counts[kBins] > 0)
    s += fmt::format(
        "<text class=\"tick\" x=\"{:.1f}\" y=\"{:.0f}\" text-anchor=\"middle\">&gt; {:g} ms</text>",
        kX + kW + 20 + bw / 2, kY + kH + 30, top);
  auto mark = [&](double ms, const char* cls, const std::string& label, double dy) {
    if (!std::isfinite(ms)) return;
    s += fmt::format(
        "<line class=\"{0}\" x1=\"{1:.1f}\" x2=\"{1:.1f}\" y1=\"{2:.0f}\" y2=\"{3:.0f}\"/>"
        "<text class=\"mark\" x=\"{4:.1f}\" y=\"{5:.0f}\">{6}</text>",
        cls, x(ms), kY - 6, kY + kH, x(ms) + 3, kY + dy, text(label));
  };
  mark(d.overall.stat("p50").value_or(NAN), "quantile", "p50", 0);
  mark(d.overall.stat("p95").value_or(NAN), "quantile", "p95", 0);
  if (const auto bar = bar_of(d.overall, "p95"))
    mark(*bar, "bar", "bar " + bar_text(d.overall.bars.front(), d), 14);
  return s + "</svg>";
}

// The CSS class of a cell's status: fail, pass, small or none.
std::string status_class(CellStatus s) {
  switch (s) {
    case CellStatus::fail:
      return "fail";
    case CellStatus::pass:
      return "pass";
    case CellStatus::too_small:
      return "small";
    case CellStatus::no_bar:
    case CellStatus::no_data:
      return "none";
  }
  return "none";
}

}  // namespace qb::html
