// The monitor's verdict: each quality series against its baseline week by week, the drift
// detectors over the weeks after the baseline, input drift against the baseline weeks, and the
// alerts a person should read. Pure: no store, no clock.
#include "qualbar/monitor/status.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <span>
#include <utility>

#include <fmt/format.h>

#include "monitor/status_internal.hpp"
#include "qualbar/stats/drift.hpp"
#include "qualbar/stats/intervals.hpp"
#include "qualbar/stats/power.hpp"
#include "qualbar/stats/tests.hpp"

namespace qb::monitor {
namespace {

using detail::count_of;
using detail::p_drop;
using detail::p_text;
using detail::span_text;
using stats::kNaN;

// A length shift smaller than this is not worth an alert however significant: on a week of
// production traffic the KS test finds trivial differences.
constexpr double kKsMinD = 0.1;


// ---- quality ------------------------------------------------------------------------------------

struct Baseline {
  double rate = kNaN;
  double n = 0;  // effective
  std::string from;
  std::string missing;  // why there is none ("" when there is one, or no data yet)
  std::vector<bool> member;  // the weeks pooled
  std::size_t end = 0;       // the first week after the baseline: testing starts here
};

Baseline baseline_of(const QualitySeries& s, const StatusInput& in, const MonitorSettings& st,
                     std::size_t pooled) {
  Baseline b;
  b.member.assign(s.windows.size(), false);
  const auto run = in.baseline_run.find(s.dimension + "|" + s.slice + "|" + s.value);
  if (run != in.baseline_run.end()) {
    b.rate = run->second.first;
    b.n = run->second.second;
    b.from = "run " + in.baseline_run_id;
    return b;
  }
  // The first baseline_windows weeks with data, each with min_graded items (a share of it for a
  // pooled series): a sparse week among them means no baseline (and says which), never a later —
  // perhaps already drifted — week.
  const std::size_t needed = (st.min_graded + pooled - 1) / pooled;
  double passes = 0, n = 0;
  std::size_t used = 0, first = 0;
  for (std::size_t i = 0; i < s.windows.size() && used < st.baseline_windows; ++i) {
    const WindowQuality& w = s.windows[i];
    if (w.items == 0 || !(w.n > 0)) continue;
    if (w.items < needed) {
      b.missing = fmt::format(
          "no baseline: {}, one of the first {} weeks with data, has {} graded (at least {} "
          "needed); grade more of it, or set monitor.baseline_run",
          in.windows[i], st.baseline_windows, w.items, needed);
      b.member.assign(s.windows.size(), false);
      b.end = s.windows.size();
      return b;
    }
    if (used++ == 0) first = i;
    passes += w.passes;
    n += w.n;
    b.n += w.effective_n;
    b.member[i] = true;
    b.end = i + 1;
  }
  if (used == 0) {
    b.end = s.windows.size();  // no baseline: nothing can be tested
    return b;
  }
  b.rate = passes / n;
  b.from = span_text(in.windows, first, b.end - 1);
  return b;
}

// Week i of the series with the weeks before it, up to `pooled` in all, on the same side of the
// baseline's end (a test never mixes baseline weeks into the weeks it tests).
WindowQuality pooled_week(const QualitySeries& s, std::size_t i, std::size_t pooled,
                          std::size_t end, std::size_t& weeks) {
  WindowQuality w = s.windows[i];
  weeks = 1;
  for (std::size_t j = i; j-- > 0 && weeks < pooled && (j >= end) == (i >= end);) {
    const WindowQuality& x = s.windows[j];
    w.items += x.items;
    w.n += x.n;
    w.passes += x.passes;
    w.effective_n += x.effective_n;
    ++weeks;
  }
  return w;
}

WindowVerdict verdict_of(const QualitySeries& s, std::size_t i, const Baseline& b,
                         const MonitorSettings& st, double confidence, std::size_t pooled,
                         double alpha) {
  WindowVerdict v;
  const WindowQuality w = pooled_week(s, i, pooled, b.end, v.weeks_pooled);
  v.items = w.items;
  v.effective_n = w.effective_n;
  v.too_few = w.items < st.min_graded;
  v.in_baseline = b.member[i];
  v.estimate = w.estimate();
  if (w.items == 0 || !(w.n > 0)) return v;
  // Weighted items carry the information of effective_n equal ones: the interval and the test
  // use effective counts.
  const std::size_t n_eff = std::max<std::size_t>(1, count_of(w.effective_n));
  const std::size_t x_eff = std::min(n_eff, count_of(v.estimate * static_cast<double>(n_eff)));
  v.interval = stats::wilson(x_eff, n_eff, confidence);
  v.diff = v.estimate - b.rate;
  if (v.too_few || i < b.end) return v;
  const std::size_t base_n = count_of(b.n);
  v.p_value = p_drop(
      stats::two_proportion_z(x_eff, n_eff, std::min(base_n, count_of(b.rate * b.n)), base_n));
  v.below = v.diff < -st.tolerance && v.p_value < alpha;
  return v;
}

// For a pooled series, the weeks that close a block of pooled_weeks (counted back from the
// baseline's end, and forward from it): the detectors run on these alone, so that no two of
// their values share a week. Every week for a weekly series.
bool block_end(const SeriesStatus& s, std::size_t i) {
  const std::size_t k = s.pooled_weeks, end = s.detectors_from;
  if (k <= 1) return true;
  return i >= end ? (i - end + 1) % k == 0 : (end - 1 - i) % k == 0;
}

bool tested(const SeriesStatus& s, std::size_t i) {
  return i >= s.detectors_from && !s.weeks[i].too_few && std::isfinite(s.weeks[i].estimate);
}

// The effective n of a typical tested week (the median), for the detectors' standard error;
// the baseline weeks' when no week is tested yet.
double typical_n(const SeriesStatus& s) {
  std::vector<double> ns, base;
  for (std::size_t i = 0; i < s.weeks.size(); ++i) {
    if (tested(s, i) && block_end(s, i)) ns.push_back(s.weeks[i].effective_n);
    if (s.weeks[i].in_baseline) base.push_back(s.weeks[i].effective_n);
  }
  if (ns.empty()) ns = std::move(base);
  if (ns.empty()) return kNaN;
  std::sort(ns.begin(), ns.end());
  return stats::quantile_sorted(ns, 0.5);
}

// The weeks' estimates from week `from` on, NaN where a week cannot be used: the detectors'
// stream.
std::vector<double> stream_from(const SeriesStatus& s, std::size_t from) {
  std::vector<double> out;
  for (std::size_t i = from; i < s.weeks.size(); ++i)
    out.push_back(!s.weeks[i].too_few && std::isfinite(s.weeks[i].estimate) && block_end(s, i)
                      ? s.weeks[i].estimate
                      : kNaN);
  return out;
}

void run_detectors(SeriesStatus& s, const MonitorSettings& st, double confidence) {
  const std::vector<double> whole = stream_from(s, 0);
  const std::span<const double> stream =
      std::span(whole).subspan(std::min(s.detectors_from, whole.size()));
  const double n = typical_n(s);
  // CUSUM adds up each week's distance from an *estimated* baseline, whose error does not average
  // out: its unit is the standard error of that distance, 1/n + 1/n_baseline (with four baseline
  // weeks, 12% wider than a week's alone). Without it a baseline estimated a little high makes
  // the statistic drift up on a stable series and doubles the false alarms.
  const double n_cusum = n * s.baseline_n / (n + s.baseline_n);
  if (s.baseline > 0 && s.baseline < 1 && n_cusum > 0)
    s.sigma = std::sqrt(s.baseline * (1 - s.baseline) / n_cusum);
  s.cusum_params = stats::cusum_params_for_rate(s.baseline, n_cusum, st.cusum_k, st.cusum_h);
  s.cusum = stats::cusum_lower(stream, s.cusum_params);
  // Page–Hinkley with the same decision interval as CUSUM (cusum_h): one setting trades both
  // detectors' false alarms for delay.
  s.page_hinkley_params = stats::page_hinkley_params_for_rate(s.baseline, n, 0.5, st.cusum_h);
  s.page_hinkley = stats::page_hinkley_lower(stream, s.page_hinkley_params);
  s.trend = stats::mann_kendall(whole);
  s.trend_p_down = p_drop(s.trend);
  s.slope = stats::theil_sen(whole, confidence);  // x is the week: a slope per week
}

// The smallest drop the weekly test detects with 80% power over k weeks of a typical size, at the
// series' own level, against the baseline (whose own error counts: n·n_b / (n + n_b) cases
// against a known rate).
double detectable(const SeriesStatus& s, double week_n, double k) {
  if (!(s.baseline > 0) || !(week_n > 0) || !(s.baseline_n > 0)) return kNaN;
  const double n = k * week_n * s.baseline_n / (k * week_n + s.baseline_n);
  return stats::min_detectable_drop_one_sample(s.baseline, std::max<std::size_t>(1, count_of(n)),
                                               s.alpha, 0.8, stats::Sides::one_sided);
}

void set_detectable(SeriesStatus& s) {
  std::vector<double> ns;
  for (std::size_t i = 0; i < s.series.windows.size(); ++i)
    if (s.series.windows[i].items > 0) ns.push_back(s.series.windows[i].effective_n);
  if (ns.empty()) return;
  std::sort(ns.begin(), ns.end());
  const double week_n = stats::quantile_sorted(ns, 0.5);
  s.detectable_week = detectable(s, week_n, 1);
  s.detectable_four_weeks = detectable(s, week_n, 4);
}

// A slice whose typical week (the median of its weeks with data) has fewer than min_graded
// graded items is tested on pool_weeks weeks pooled; an overall series never is (its short weeks
// are grading gaps to fill).
std::size_t pooled_weeks_of(const QualitySeries& q, const MonitorSettings& st) {
  if (q.slice.empty() || st.pool_weeks <= 1) return 1;
  std::vector<double> items;
  for (const auto& w : q.windows)
    if (w.items > 0) items.push_back(static_cast<double>(w.items));
  if (items.empty()) return 1;
  std::sort(items.begin(), items.end());
  return stats::quantile_sorted(items, 0.5) < static_cast<double>(st.min_graded) ? st.pool_weeks
                                                                                  : 1;
}

// "fell to 88.1% in 2026-W21, 5.9 points below its baseline of 94.0% (2026-W01 – 2026-W04)"
std::string drop_text(const SeriesStatus& s, const std::string& window, const WindowVerdict& v) {
  const std::string base =
      fmt::format("its baseline of {} ({})", percent(s.baseline), s.baseline_from);
  if (!(v.diff < 0))
    return fmt::format("stood at {} in {} against {}", percent(v.estimate), window, base);
  return fmt::format("fell to {} in {}, {:.1f} points below {}", percent(v.estimate), window,
                     -100.0 * v.diff, base);
}

Alert drop_alert(const SeriesStatus& s, const std::vector<std::string>& windows, std::size_t i,
                 const char* test) {
  const QualitySeries& q = s.series;
  const WindowVerdict& v = s.weeks[i];
  Alert a{.kind = "quality-drop",
          .dimension = q.dimension,
          .slice = q.slice,
          .value = q.value,
          .window = windows[i],
          .test = test,
          .size = -100.0 * v.diff};
  a.message = fmt::format("{} {}; {} detected the drop that week.",
                          detail::series_name(q.dimension, q.slice, q.value),
                          drop_text(s, windows[i], v), test);
  return a;
}

// An episode's first week below the baseline: the week the drop became visible on its own.
void weekly_alert(const SeriesStatus& s, const Episode& e,
                  const std::vector<std::string>& windows, std::vector<Alert>& out) {
  if (!e.below) return;
  const std::size_t first = *e.below;
  std::size_t later = 0, since = 0;
  for (std::size_t i = first + 1; i < e.end && i < s.weeks.size(); ++i) {
    if (!tested(s, i)) continue;
    ++since;
    later += s.weeks[i].below ? 1 : 0;
  }
  const QualitySeries& q = s.series;
  const WindowVerdict& v = s.weeks[first];
  Alert a = drop_alert(s, windows, first, "two-proportion z");
  a.p_value = v.p_value;
  a.message = fmt::format("{} {}; the week alone is significantly lower (two-proportion z, {})",
                          detail::series_name(q.dimension, q.slice, q.value),
                          drop_text(s, windows[first], v), p_text(v.p_value));
  if (since > 0)
    a.message += fmt::format(", and {} of the {} weeks since were below too", later, since);
  a.message += ".";
  out.push_back(std::move(a));
}

void trend_alert(const SeriesStatus& s, const std::vector<std::string>& windows,
                 const MonitorSettings& st, double confidence, std::vector<Alert>& out) {
  if (!(s.trend_p_down < st.alpha && s.slope.slope < 0)) return;
  std::size_t first = windows.size(), last = 0;
  for (std::size_t i = 0; i < s.weeks.size(); ++i) {
    if (s.weeks[i].too_few || !std::isfinite(s.weeks[i].estimate)) continue;
    first = std::min(first, i);
    last = i;
  }
  const QualitySeries& q = s.series;
  const auto fitted = [&](std::size_t i) {
    return s.slope.intercept + s.slope.slope * static_cast<double>(i);
  };
  Alert a{.kind = "quality-trend",
          .dimension = q.dimension,
          .slice = q.slice,
          .value = q.value,
          .window = windows[last],
          .test = "Mann–Kendall",
          .size = 100.0 * s.slope.slope,
          .p_value = s.trend_p_down};
  a.message = fmt::format(
      "{} has been falling {:.2f} points a week ({:g}% interval {:.2f} to {:.2f}, Theil–Sen), "
      "from about {} in {} to {} in {}; the downward trend is significant (Mann–Kendall, {}).",
      detail::series_name(q.dimension, q.slice, q.value), -100.0 * s.slope.slope,
      100.0 * confidence, -100.0 * s.slope.slope_interval.hi, -100.0 * s.slope.slope_interval.lo,
      percent(fitted(first)), windows[first], percent(fitted(last)), windows[last],
      p_text(s.trend_p_down));
  out.push_back(std::move(a));
}

std::vector<Alert> series_alerts(const SeriesStatus& s, const std::vector<std::string>& windows,
                                 const MonitorSettings& st, double confidence) {
  std::vector<Alert> out;
  for (const auto& e : s.episodes) {
    if (e.cusum) out.push_back(drop_alert(s, windows, *e.cusum, "CUSUM"));
    if (e.page_hinkley) out.push_back(drop_alert(s, windows, *e.page_hinkley, "Page–Hinkley"));
    weekly_alert(s, e, windows, out);
  }
  trend_alert(s, windows, st, confidence, out);
  return out;
}

// Splits the weeks after the baseline into drop episodes (Episode): from the first
// week a detector fires, until the series has been back within tolerance for resolve_weeks tested
// weeks in a row; then the detectors start afresh. The first episode's detectors are the
// series' own (s.cusum, s.page_hinkley, run on every week after the baseline).
void find_episodes(SeriesStatus& s, const MonitorSettings& st) {
  const std::size_t n = s.weeks.size();
  for (std::size_t from = s.detectors_from; from < n;) {
    Episode e{.from = from, .end = n};
    const std::vector<double> stream = stream_from(s, from);
    const auto c = stats::cusum_lower(stream, s.cusum_params).alarm;
    const auto p = stats::page_hinkley_lower(stream, s.page_hinkley_params).alarm;
    std::size_t first = n;
    if (c) first = std::min(first, from + *c);
    if (p) first = std::min(first, from + *p);
    for (std::size_t i = from; i < first; ++i)
      if (s.weeks[i].below) first = i;
    if (first == n) break;
    std::size_t back = 0;
    for (std::size_t i = first + 1; i < n && e.end == n; ++i) {
      if (!tested(s, i)) continue;
      back = s.weeks[i].diff >= -st.tolerance ? back + 1 : 0;
      if (back >= std::max<std::size_t>(1, st.resolve_weeks)) e.end = i + 1;
    }
    if (c && from + *c < e.end) e.cusum = from + *c;
    if (p && from + *p < e.end) e.page_hinkley = from + *p;
    for (std::size_t i = from; i < e.end && !e.below; ++i)
      if (s.weeks[i].below) e.below = i;
    s.episodes.push_back(e);
    from = e.end;
  }
}

// The series with one week per window of the input, whatever the caller sent.
QualitySeries aligned(QualitySeries s, const std::vector<std::string>& windows) {
  s.windows.resize(windows.size());
  for (std::size_t i = 0; i < windows.size(); ++i) s.windows[i].window = windows[i];
  return s;
}

SeriesStatus series_status(const QualitySeries& series, const StatusInput& in,
                           const MonitorSettings& st, std::size_t other_slices) {
  SeriesStatus s;
  s.series = aligned(series, in.windows);
  const bool critical = std::find(in.critical.begin(), in.critical.end(),
                                  series.slice + "=" + series.value) != in.critical.end();
  s.opens_incidents = series.slice.empty() || critical;
  s.alpha = s.opens_incidents ? st.alpha
                              : st.alpha / static_cast<double>(std::max<std::size_t>(1, other_slices));
  s.pooled_weeks = pooled_weeks_of(s.series, st);
  const Baseline b = baseline_of(s.series, in, st, s.pooled_weeks);
  s.baseline = b.rate;
  s.baseline_n = b.n;
  s.baseline_from = b.from;
  s.baseline_missing = b.missing;
  s.detectors_from = b.end;
  for (std::size_t i = 0; i < in.windows.size(); ++i)
    s.weeks.push_back(verdict_of(s.series, i, b, st, in.confidence, s.pooled_weeks, s.alpha));
  run_detectors(s, st, in.confidence);
  find_episodes(s, st);
  set_detectable(s);
  s.alerts = series_alerts(s, in.windows, st, in.confidence);
  return s;
}

double worst_diff(const SeriesStatus& s) {
  double worst = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < s.weeks.size(); ++i)
    if (tested(s, i) && s.weeks[i].diff < worst) worst = s.weeks[i].diff;
  return worst;
}

// Overall series first in the input's order, then slices with the deepest weekly drop first.
void order_series(std::vector<SeriesStatus>& q) {
  std::stable_sort(q.begin(), q.end(), [](const SeriesStatus& a, const SeriesStatus& b) {
    const bool ao = a.series.slice.empty(), bo = b.series.slice.empty();
    if (ao || bo) return ao && !bo;
    return worst_diff(a) < worst_diff(b);
  });
}

// ---- input drift --------------------------------------------------------------------------------

struct TrafficBaseline {
  std::map<std::string, std::uint64_t> categories;
  LengthHistogram input, output;
  std::vector<bool> member;
  std::size_t end = 0;
  std::string from;
};

TrafficBaseline traffic_baseline(const std::vector<WindowTraffic>& traffic,
                                 const std::vector<std::string>& windows,
                                 const MonitorSettings& st) {
  TrafficBaseline b;
  b.member.assign(traffic.size(), false);
  std::size_t used = 0, first = 0;
  for (std::size_t i = 0; i < traffic.size() && used < st.baseline_windows; ++i) {
    const WindowTraffic& w = traffic[i];
    if (w.volume == 0) continue;
    if (used++ == 0) first = i;
    for (const auto& [c, k] : w.categories) b.categories[c] += k;
    b.input.merge(w.input_length);
    b.output.merge(w.output_length);
    b.member[i] = true;
    b.end = i + 1;
  }
  if (used > 0) b.from = span_text(windows, first, b.end - 1);
  return b;
}

// The two category mixes on the same categories (the union, in name order).
struct Mixes {
  std::vector<std::string> names;
  std::vector<double> base, current;
};

Mixes mixes(const std::map<std::string, std::uint64_t>& base,
            const std::map<std::string, std::uint64_t>& current) {
  Mixes m;
  std::map<std::string, std::pair<double, double>> all;
  for (const auto& [c, k] : base) all[c].first = static_cast<double>(k);
  for (const auto& [c, k] : current) all[c].second = static_cast<double>(k);
  for (const auto& [c, counts] : all) {
    m.names.push_back(c);
    m.base.push_back(counts.first);
    m.current.push_back(counts.second);
  }
  return m;
}

std::vector<double> as_doubles(const LengthHistogram& h) {
  return {h.counts.begin(), h.counts.end()};
}

// Two-sample KS on binned lengths: D read at the bin edges only, p from the one-sample
// distribution at the effective size n·m/(n + m) (as the asymptotic two-sample test). Binning
// can only hide part of the largest gap between the CDFs, never add to it, so D and the test are
// conservative: a shift within one bin (about ±9% of a length) goes unseen.
stats::TestResult binned_ks(const LengthHistogram& a, const LengthHistogram& b) {
  stats::TestResult r;
  const auto na = static_cast<double>(a.total()), nb = static_cast<double>(b.total());
  if (na == 0 || nb == 0) {
    r.reason = "no lengths on one side";
    return r;
  }
  double fa = 0, fb = 0, d = 0;
  for (std::size_t i = 0; i < kLengthBins; ++i) {
    fa += static_cast<double>(a.counts[i]) / na;
    fb += static_cast<double>(b.counts[i]) / nb;
    d = std::max(d, std::fabs(fa - fb));
  }
  r.statistic = d;
  r.p_value = stats::kstwo_sf(std::max<std::size_t>(1, count_of(na * nb / (na + nb))), d);
  return r;
}

WindowDrift drift_of(const WindowTraffic& w, const TrafficBaseline& b) {
  WindowDrift d;
  d.window = w.window;
  if (w.volume == 0 || b.end == 0) return d;
  const Mixes m = mixes(b.categories, w.categories);
  if (!m.names.empty()) {
    d.category_psi = stats::psi(m.base, m.current).value;
    std::vector<double> table = m.base;
    table.insert(table.end(), m.current.begin(), m.current.end());
    d.category_p = stats::chi_square_independence(table, 2, m.names.size()).p_value;
  }
  const auto ks_in = binned_ks(b.input, w.input_length);
  const auto ks_out = binned_ks(b.output, w.output_length);
  d.input_ks = ks_in.statistic;
  d.input_ks_p = ks_in.p_value;
  d.output_ks = ks_out.statistic;
  d.output_ks_p = ks_out.p_value;
  if (b.input.total() > 0 && w.input_length.total() > 0)
    d.input_psi = stats::psi(as_doubles(b.input), as_doubles(w.input_length)).value;
  if (b.output.total() > 0 && w.output_length.total() > 0)
    d.output_psi = stats::psi(as_doubles(b.output), as_doubles(w.output_length)).value;
  return d;
}

// Which category's share moved most: "\"refunds\" went from 10.0% to 30.0% of traffic".
std::string biggest_move(const TrafficBaseline& b, const WindowTraffic& w) {
  const Mixes m = mixes(b.categories, w.categories);
  double tb = 0, tc = 0;
  for (std::size_t i = 0; i < m.names.size(); ++i) {
    tb += m.base[i];
    tc += m.current[i];
  }
  std::size_t best = 0;
  double move = -1;
  for (std::size_t i = 0; i < m.names.size(); ++i) {
    const double change = std::fabs(m.current[i] / tc - m.base[i] / tb);
    if (change > move) {
      move = change;
      best = i;
    }
  }
  return fmt::format("\"{}\" went from {} of traffic in the baseline weeks ({}) to {}",
                     m.names[best], percent(m.base[best] / tb), b.from,
                     percent(m.current[best] / tc));
}

Alert category_alert(const WindowDrift& d, const WindowTraffic& w, const TrafficBaseline& b,
                     const MonitorSettings& st) {
  const bool by_psi = d.category_psi > st.psi_alert;
  Alert a{.kind = "input-drift",
          .dimension = "category mix",
          .window = d.window,
          .test = by_psi ? "PSI" : "chi-square",
          .size = d.category_psi,
          .p_value = by_psi ? kNaN : d.category_p};  // PSI has no p-value
  a.message = fmt::format("The category mix shifted in {}: {}; PSI {:.2f} {}.", d.window,
                          biggest_move(b, w), d.category_psi,
                          by_psi ? fmt::format("(alert above {:g})", st.psi_alert)
                                 : fmt::format("with chi-square {}", p_text(d.category_p)));
  return a;
}

Alert length_alert(const char* what, const char* noun, double ks, double p,
                   const LengthHistogram& base, const LengthHistogram& now,
                   const std::string& window, const std::string& from) {
  Alert a{.kind = "input-drift",
          .dimension = what,
          .window = window,
          .test = "Kolmogorov–Smirnov",
          .size = ks,
          .p_value = p};
  a.message = fmt::format(
      "{} lengths changed in {}: a median of about {:.0f} characters against {:.0f} in the "
      "baseline weeks ({}); Kolmogorov–Smirnov D = {:.2f}, {}.",
      noun, window, detail::approx_quantile(now, 0.5), detail::approx_quantile(base, 0.5), from, ks,
      p_text(p));
  return a;
}

std::vector<Alert> drift_alerts(std::vector<WindowDrift>& drift,
                                const std::vector<WindowTraffic>& traffic, const TrafficBaseline& b,
                                const MonitorSettings& st) {
  std::vector<Alert> out;
  bool category = false, input = false, output = false;  // alerted once, at the first week
  for (std::size_t i = b.end; i < drift.size(); ++i) {
    WindowDrift& d = drift[i];
    // On a week of traffic chi-square finds trivial shifts significant: it alerts only when the
    // PSI also shows a shift of some size (half the alert level).
    d.category_shift = d.category_psi > st.psi_alert ||
                       (d.category_p < st.alpha && d.category_psi > st.psi_alert / 2);
    d.input_shift = d.input_ks_p < st.alpha && d.input_ks > kKsMinD;
    d.output_shift = d.output_ks_p < st.alpha && d.output_ks > kKsMinD;
    const WindowTraffic& w = traffic[i];
    if (d.category_shift && !std::exchange(category, true))
      out.push_back(category_alert(d, w, b, st));
    if (d.input_shift && !std::exchange(input, true))
      out.push_back(length_alert("input length", "Input", d.input_ks, d.input_ks_p, b.input,
                                 w.input_length, d.window, b.from));
    if (d.output_shift && !std::exchange(output, true))
      out.push_back(length_alert("output length", "Output", d.output_ks, d.output_ks_p, b.output,
                                 w.output_length, d.window, b.from));
  }
  return out;
}

std::vector<WindowTraffic> aligned_traffic(const StatusInput& in) {
  std::vector<WindowTraffic> t = in.traffic;
  t.resize(in.windows.size());
  for (std::size_t i = 0; i < in.windows.size(); ++i) t[i].window = in.windows[i];
  return t;
}

// ---- alerts -------------------------------------------------------------------------------------

// One alert per key, the first raised (the earliest week): the same condition is one alert.
// Then the most recent week first.
std::vector<Alert> final_alerts(std::vector<Alert> all, const std::vector<std::string>& windows) {
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < windows.size(); ++i) index.emplace(windows[i], i);
  const auto at = [&](const Alert& a) { return index.count(a.window) ? index[a.window] : 0; };
  std::stable_sort(all.begin(), all.end(),
                   [&](const Alert& a, const Alert& b) { return at(a) < at(b); });
  std::vector<Alert> out;
  std::map<std::string, bool> seen;
  for (auto& a : all)
    if (!std::exchange(seen[a.key()], true)) out.push_back(std::move(a));
  std::stable_sort(out.begin(), out.end(),
                   [&](const Alert& a, const Alert& b) { return at(a) > at(b); });
  return out;
}

}  // namespace

std::string Alert::key() const {
  if (kind == "quality-drop" || (kind == "operations" && test != "Mann–Kendall"))
    return fmt::format("{}|{}|{}={}|{}|{}", kind, dimension, slice, value, test, window);
  return fmt::format("{}|{}|{}={}|{}", kind, dimension, slice, value, test);
}

namespace {

// The weeks each dimension people grade could not be tested on, once due: closed (the
// newest week is open), past the grace weeks, with traffic, and fewer than min_graded graded.
std::vector<GradingGap> grading_gaps(const StatusInput& in, const MonitorSettings& settings) {
  std::vector<GradingGap> out;
  const std::size_t n = in.windows.size();
  const std::size_t grace = settings.grading_grace_weeks;
  const std::size_t due = n > 1 + grace ? n - 1 - grace : 0;
  for (const QualitySeries& q : in.quality) {
    // People's grades are what a week is tested on: the judge's own series follows them.
    if (!q.slice.empty() || q.source != "people") continue;
    GradingGap gap{q.dimension, {}, {}};
    for (std::size_t w = 0; w < due && w < q.windows.size(); ++w) {
      const bool traffic = w < in.traffic.size() && in.traffic[w].volume > 0;
      if (traffic && q.windows[w].items < settings.min_graded) {
        gap.weeks.push_back(in.windows[w]);
        gap.graded.push_back(q.windows[w].items);
      }
    }
    if (!gap.weeks.empty()) out.push_back(std::move(gap));
  }
  return out;
}

}  // namespace

MonitorStatus compute_status(const StatusInput& in, const MonitorSettings& settings) {
  MonitorStatus out;
  out.monitor = in.monitor;
  out.windows = in.windows;
  out.gaps = grading_gaps(in, settings);
  out.settings = settings;
  out.confidence = in.confidence;
  out.traffic = aligned_traffic(in);

  std::vector<Alert> alerts;
  // A dimension's slices other than the critical ones share one weekly test level (Bonferroni):
  // eight categories tested at alpha each would make a false incident most half-years.
  std::map<std::string, std::size_t> other_slices;
  for (const auto& q : in.quality)
    if (!q.slice.empty() && std::find(in.critical.begin(), in.critical.end(),
                                      q.slice + "=" + q.value) == in.critical.end())
      ++other_slices[q.dimension + "|" + q.source];
  out.critical = in.critical;
  out.closed = in.closed;
  out.review = in.review;
  for (const auto& q : in.quality)
    out.quality.push_back(series_status(q, in, settings, other_slices[q.dimension + "|" + q.source]));
  order_series(out.quality);
  for (const auto& s : out.quality) alerts.insert(alerts.end(), s.alerts.begin(), s.alerts.end());

  const TrafficBaseline b = traffic_baseline(out.traffic, in.windows, settings);
  out.drift_baseline = b.from;
  for (std::size_t i = 0; i < out.traffic.size(); ++i) {
    out.drift.push_back(drift_of(out.traffic[i], b));
    out.drift.back().baseline = b.member[i];
  }
  const auto drift = drift_alerts(out.drift, out.traffic, b, settings);
  alerts.insert(alerts.end(), drift.begin(), drift.end());
  out.operations = detail::operations_status(out.traffic, in.windows, settings, in.confidence);
  const auto ops = detail::operations_alerts(out.operations, in.windows, settings);
  alerts.insert(alerts.end(), ops.begin(), ops.end());
  out.alerts = final_alerts(std::move(alerts), in.windows);
  out.incidents = find_incidents(out);
  return out;
}

}  // namespace qb::monitor
