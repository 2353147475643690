// The operational signals of production traffic — error rate, refusal rate, latency p50 and p95,
// cost per response — watched for a rise with the detectors the quality series use, each week
// measured in tolerances above its baseline (status.hpp, OperationsSeries). Pure.
#include <algorithm>
#include <cmath>
#include <span>
#include <utility>

#include <fmt/format.h>

#include "monitor/status_internal.hpp"
#include "qualbar/stats/intervals.hpp"
#include "qualbar/stats/tests.hpp"
#include "qualbar/stats/trend.hpp"

namespace qb::monitor::detail {
namespace {

using stats::kNaN;

// The detectors on the weekly excess, in tolerances: CUSUM accumulates what a week is above three
// quarters of a tolerance and alarms at 3 — a rise of one tolerance held for 12 weeks, of 1.25
// for 6; one under 0.8 tolerance never within a half-year. A week alone alerts beyond one.
constexpr double kCusumK = 0.75;
constexpr double kCusumH = 3.0;

// One signal's raw weekly values and the records under each.
OperationsSeries raw_series(const std::vector<WindowTraffic>& traffic, const char* signal) {
  OperationsSeries o;
  o.signal = signal;
  const std::string_view name = signal;
  o.unit = name == "error rate" || name == "refusal rate" ? "rate"
           : name == "cost per response"                 ? "USD"
                                                         : "ms";
  for (const WindowTraffic& t : traffic) {
    double value = kNaN, count = 0;
    if (name == "error rate" && t.volume > 0) {
      count = static_cast<double>(t.volume);
      value = static_cast<double>(t.errors) / count;
    } else if (name == "refusal rate" && t.refusal_records > 0) {
      count = static_cast<double>(t.refusal_records);
      value = static_cast<double>(t.refusals) / count;
    } else if (name == "latency p50" || name == "latency p95") {
      value = name == "latency p50" ? t.latency_p50 : t.latency_p95;
      count = std::isfinite(value) ? static_cast<double>(t.volume - t.errors) : 0;
    } else if (name == "cost per response" && t.cost_records > 0) {
      count = static_cast<double>(t.cost_records);
      value = t.cost / count;
    }
    o.values.push_back(value);
    o.counts.push_back(count);
  }
  return o;
}

bool is_rate(const OperationsSeries& o) { return o.unit == "rate"; }

// The events of a rate's week (errors, refusals), from its value and records.
std::size_t events(const OperationsSeries& o, std::size_t w) {
  return std::min(count_of(o.counts[w]), count_of(o.values[w] * o.counts[w]));
}

// The first baseline_windows weeks with the measure: a rate pooled over their records, a
// latency or a cost their median (a quantile's weekly values do not pool).
void set_baseline(OperationsSeries& o, const std::vector<std::string>& windows,
                  const MonitorSettings& st) {
  o.in_baseline.assign(o.values.size(), false);
  std::vector<double> values;
  double x = 0, n = 0;
  std::size_t first = 0, used = 0;
  for (std::size_t w = 0; w < o.values.size() && used < st.baseline_windows; ++w) {
    if (!std::isfinite(o.values[w]) || !(o.counts[w] > 0)) continue;
    if (used++ == 0) first = w;
    o.in_baseline[w] = true;
    o.detectors_from = w + 1;
    values.push_back(o.values[w]);
    x += o.values[w] * o.counts[w];
    n += o.counts[w];
  }
  if (used == 0) {
    o.detectors_from = o.values.size();
    return;
  }
  if (is_rate(o)) {
    o.baseline = x / n;
  } else {
    std::sort(values.begin(), values.end());
    o.baseline = stats::quantile_sorted(values, 0.5);
  }
  o.baseline_from = span_text(windows, first, o.detectors_from - 1);
  o.tolerance = is_rate(o)                  ? st.tolerance
                : o.signal == "cost per response" ? st.cost_tolerance * o.baseline
                                                  : st.latency_tolerance * o.baseline;
}

void test_weeks(OperationsSeries& o, const MonitorSettings& st) {
  const std::size_t n = o.values.size();
  o.excess.assign(n, kNaN);
  o.p_values.assign(n, kNaN);
  o.over.assign(n, false);
  if (!(o.tolerance > 0)) return;
  double base_x = 0, base_n = 0;
  for (std::size_t w = 0; w < n; ++w)
    if (o.in_baseline[w]) {
      base_x += o.values[w] * o.counts[w];
      base_n += o.counts[w];
    }
  for (std::size_t w = 0; w < n; ++w) {
    if (!std::isfinite(o.values[w])) continue;
    // A latency or a cost from fewer records than a graded week needs is listed, not tested.
    if (!is_rate(o) && o.counts[w] < static_cast<double>(st.min_graded)) continue;
    o.excess[w] = (o.values[w] - o.baseline) / o.tolerance;
    if (w < o.detectors_from) continue;
    bool significant = true;
    if (is_rate(o)) {
      const stats::TestResult t = stats::two_proportion_z(
          events(o, w), count_of(o.counts[w]), std::min(count_of(base_n), count_of(base_x)),
          count_of(base_n));
      o.p_values[w] = p_rise(t);
      significant = o.p_values[w] < st.alpha;
    }
    o.over[w] = o.excess[w] > 1.0 && significant;
  }
}

// −excess from week `from` on (a rise is a drop for the lower detectors), NaN where untested.
std::vector<double> stream_from(const OperationsSeries& o, std::size_t from) {
  std::vector<double> stream;
  for (std::size_t w = from; w < o.excess.size(); ++w)
    stream.push_back(std::isfinite(o.excess[w]) ? -o.excess[w] : kNaN);
  return stream;
}

stats::SequentialResult cusum_of(std::span<const double> stream) {
  return stats::cusum_lower(stream, stats::CusumParams{0.0, kCusumK, kCusumH});
}

stats::SequentialResult page_hinkley_of(std::span<const double> stream) {
  return stats::page_hinkley_lower(stream,
                                   stats::PageHinkleyParams{.delta = kCusumK, .lambda = kCusumH});
}

// The rise episodes (status.hpp, Episode): from the first week a detector fires until the signal
// has been measured within tolerance for resolve_weeks weeks in a row; then they start afresh.
void find_episodes(OperationsSeries& o, const MonitorSettings& st) {
  const std::size_t n = o.excess.size();
  for (std::size_t from = o.detectors_from; from < n;) {
    Episode e{.from = from, .end = n};
    const std::vector<double> stream = stream_from(o, from);
    const auto c = cusum_of(stream).alarm, p = page_hinkley_of(stream).alarm;
    std::size_t first = n;
    if (c) first = std::min(first, from + *c);
    if (p) first = std::min(first, from + *p);
    for (std::size_t w = from; w < first; ++w)
      if (o.over[w]) first = w;
    if (first == n) break;
    std::size_t back = 0;
    for (std::size_t w = first + 1; w < n && e.end == n; ++w) {
      if (!std::isfinite(o.excess[w])) continue;
      back = operations_back_at(o, w) ? back + 1 : 0;
      if (back >= std::max<std::size_t>(1, st.resolve_weeks)) e.end = w + 1;
    }
    if (c && from + *c < e.end) e.cusum = from + *c;
    if (p && from + *p < e.end) e.page_hinkley = from + *p;
    for (std::size_t w = from; w < e.end && !e.below; ++w)
      if (o.over[w]) e.below = w;
    o.episodes.push_back(e);
    from = e.end;
  }
}

void run_detectors(OperationsSeries& o, double confidence) {
  const std::vector<double> stream = stream_from(o, o.detectors_from);
  o.cusum = cusum_of(stream);
  o.page_hinkley = page_hinkley_of(stream);
  std::vector<double> whole;
  std::size_t first = o.values.size(), last = 0;
  for (std::size_t w = 0; w < o.values.size(); ++w) {
    const bool usable = std::isfinite(o.excess[w]);
    whole.push_back(usable ? o.values[w] : kNaN);
    if (usable) {
      first = std::min(first, w);
      last = w;
    }
  }
  o.trend_p_up = p_rise(stats::mann_kendall(whole));
  const stats::TheilSenResult ts = stats::theil_sen(whole, confidence);
  if (first < last) o.rise = ts.slope * static_cast<double>(last - first);
}

std::string rise_text(const OperationsSeries& o, double value) {
  if (is_rate(o))
    return fmt::format("{:.1f} points above", 100.0 * (value - o.baseline));
  return fmt::format("{:.0f}% above", 100.0 * (value / o.baseline - 1.0));
}

Alert week_alert(const OperationsSeries& o, const std::vector<std::string>& windows,
                 std::size_t w, const char* test) {
  Alert a{.kind = "operations",
          .dimension = o.signal,
          .window = windows[w],
          .test = test,
          .size = is_rate(o) ? 100.0 * (o.values[w] - o.baseline) : o.values[w] - o.baseline,
          .p_value = o.p_values[w]};
  a.message = fmt::format("{} rose to {} in {}, {} its baseline of {} ({}); {}.",
                          capitalized(o.signal), operations_value(o, o.values[w]), windows[w],
                          rise_text(o, o.values[w]), operations_value(o, o.baseline),
                          o.baseline_from,
                          std::string_view(test) == "weekly limit"
                              ? fmt::format("beyond its tolerance of {} for the first time",
                                            operations_tolerance(o))
                          : std::string_view(test) == "two-proportion z"
                              ? fmt::format("significantly beyond its tolerance of {} ({})",
                                            operations_tolerance(o), p_text(o.p_values[w]))
                              : fmt::format("{} detected the rise that week", test));
  return a;
}

}  // namespace

std::string capitalized(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

std::string operations_value(const OperationsSeries& o, double v) {
  if (!std::isfinite(v)) return "—";
  if (is_rate(o)) return percent(v);
  if (o.unit == "USD") return fmt::format("${:.3g}", v);
  return fmt::format("{:.0f} ms", v);
}

std::string operations_tolerance(const OperationsSeries& o) {
  if (is_rate(o)) return fmt::format("+{:g} points", 100.0 * o.tolerance);
  return fmt::format("+{:.0f}%", 100.0 * o.tolerance / o.baseline);
}

std::vector<OperationsSeries> operations_status(const std::vector<WindowTraffic>& traffic,
                                                const std::vector<std::string>& windows,
                                                const MonitorSettings& st, double confidence) {
  std::vector<OperationsSeries> out;
  for (const char* signal :
       {"error rate", "refusal rate", "latency p50", "latency p95", "cost per response"}) {
    OperationsSeries o = raw_series(traffic, signal);
    if (std::none_of(o.values.begin(), o.values.end(), [](double v) { return std::isfinite(v); }))
      continue;
    set_baseline(o, windows, st);
    test_weeks(o, st);
    run_detectors(o, confidence);
    find_episodes(o, st);
    out.push_back(std::move(o));
  }
  return out;
}

std::vector<Alert> operations_alerts(const std::vector<OperationsSeries>& ops,
                                     const std::vector<std::string>& windows,
                                     const MonitorSettings& st) {
  std::vector<Alert> out;
  for (const OperationsSeries& o : ops) {
    if (!(o.tolerance > 0)) continue;
    for (const Episode& e : o.episodes) {
      if (e.cusum) out.push_back(week_alert(o, windows, *e.cusum, "CUSUM"));
      if (e.page_hinkley) out.push_back(week_alert(o, windows, *e.page_hinkley, "Page–Hinkley"));
      if (e.below)
        out.push_back(
            week_alert(o, windows, *e.below, is_rate(o) ? "two-proportion z" : "weekly limit"));
    }
    if (o.trend_p_up < st.alpha && o.rise > o.tolerance) {
      std::size_t last = 0;
      for (std::size_t w = 0; w < o.excess.size(); ++w)
        if (std::isfinite(o.excess[w])) last = w;
      Alert a{.kind = "operations",
              .dimension = o.signal,
              .window = windows[last],
              .test = "Mann–Kendall",
              .size = is_rate(o) ? 100.0 * o.rise : o.rise,
              .p_value = o.trend_p_up};
      a.message = fmt::format(
          "{} has been rising: by about {} over the weeks to {} (Theil–Sen), more than its "
          "tolerance of {}; the upward trend is significant (Mann–Kendall, {}).",
          capitalized(o.signal),
          is_rate(o) ? fmt::format("{:.1f} points", 100.0 * o.rise) : operations_value(o, o.rise),
          windows[last], operations_tolerance(o), p_text(o.trend_p_up));
      out.push_back(std::move(a));
    }
  }
  return out;
}

bool operations_back_at(const OperationsSeries& o, std::size_t w) {
  return w < o.excess.size() && w >= o.detectors_from && std::isfinite(o.excess[w]) && !o.over[w] &&
         o.excess[w] <= 1.0;
}

std::string operations_incident_text(const OperationsSeries& o,
                                     const std::vector<std::string>& windows, std::size_t from,
                                     std::size_t to, bool open) {
  if (open) {
    for (std::size_t w = std::min(to + 1, o.values.size()); w-- > from;) {
      if (!std::isfinite(o.excess[w])) continue;
      return fmt::format("{} is {} in {}, {} its baseline of {} ({})", capitalized(o.signal),
                         operations_value(o, o.values[w]), windows[w],
                         o.excess[w] > 1.0 ? rise_text(o, o.values[w]) : std::string("back within tolerance of"),
                         operations_value(o, o.baseline), o.baseline_from);
    }
  }
  return fmt::format("{} rose above its baseline of {}", capitalized(o.signal),
                     operations_value(o, o.baseline));
}

}  // namespace qb::monitor::detail
