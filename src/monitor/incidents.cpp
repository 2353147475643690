// Incidents: the status's detector alerts grouped per drifting signal, so that one problem reads
// as one incident however many slices and detectors see it (docs/monitor.md, "Incidents").
#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "monitor/status_internal.hpp"
#include "qualbar/monitor/status.hpp"

namespace qb::monitor {
namespace {

constexpr std::size_t kDriverSlices = 5;  // the slices an incident names

struct Signal {
  std::string kind, name;
};

Signal signal_of(const Alert& a) {
  if (a.kind == "input-drift") return {"input", a.dimension};
  if (a.kind == "operations") return {"operations", a.dimension};
  return {"quality", a.dimension};
}

// The overall series of a dimension (the first: people's before the judge's are named apart).
const SeriesStatus* overall_of(const MonitorStatus& s, const std::string& dimension) {
  for (const auto& q : s.quality)
    if (q.series.slice.empty() && q.series.dimension == dimension) return &q;
  return nullptr;
}

// Whether an alert opens an incident by itself: any but a quality alert on a slice that is not
// critical, which opens one only as its weekly test (at the Bonferroni level its series is
// tested at); its CUSUM, Page–Hinkley and trend alerts are evidence that joins one.
bool opens(const MonitorStatus& s, const Alert& a) {
  if (a.kind != "quality-drop" && a.kind != "quality-trend") return true;
  if (a.slice.empty()) return true;
  for (const auto& q : s.quality)
    if (q.series.dimension == a.dimension && q.series.slice == a.slice &&
        q.series.value == a.value)
      return q.opens_incidents || a.test == "two-proportion z";
  return true;
}

const OperationsSeries* operations_of(const MonitorStatus& s, const std::string& signal) {
  for (const auto& o : s.operations)
    if (o.signal == signal) return &o;
  return nullptr;
}

// Week w shows the signal back: for quality, the overall rate tested that week and within
// tolerance of its baseline; for an operational signal, measured and within its tolerance; for
// input, a week with traffic and no shift of that kind.
bool back_at(const MonitorStatus& s, const Incident& inc, std::size_t w) {
  if (inc.kind == "operations") {
    const OperationsSeries* o = operations_of(s, inc.signal);
    return o != nullptr && detail::operations_back_at(*o, w);
  }
  if (inc.kind == "quality") {
    const SeriesStatus* q = overall_of(s, inc.signal);
    if (q == nullptr || w >= q->weeks.size()) return false;
    const WindowVerdict& v = q->weeks[w];
    return !v.too_few && !v.in_baseline && std::isfinite(v.diff) &&
           v.diff >= -s.settings.tolerance;
  }
  if (w >= s.drift.size() || w >= s.traffic.size() || s.traffic[w].volume == 0) return false;
  const WindowDrift& d = s.drift[w];
  if (inc.signal == "category mix") return !d.category_shift;
  if (inc.signal == "input length") return !d.input_shift;
  if (inc.signal == "output length") return !d.output_shift;
  return false;
}

// The week (index) the incident resolved at, scanning weeks after its last alert up to `until`
// (exclusive); `until` when it did not.
std::size_t resolved_by(const MonitorStatus& s, const Incident& inc, std::size_t last,
                        std::size_t until) {
  std::size_t run = 0;
  for (std::size_t w = last + 1; w < until; ++w) {
    run = back_at(s, inc, w) ? run + 1 : 0;
    if (run >= std::max<std::size_t>(1, s.settings.resolve_weeks)) return w;
  }
  return until;
}

// How many points of the overall rate each slice's shortfall accounts for over weeks
// [from, to]: Σ (slice baseline − slice rate) × slice n / Σ overall n.
std::vector<IncidentSlice> drivers(const MonitorStatus& s, const Incident& inc, std::size_t from,
                                   std::size_t to) {
  const SeriesStatus* overall = overall_of(s, inc.signal);
  if (overall == nullptr) return {};
  double total = 0;
  for (std::size_t w = from; w <= to && w < overall->series.windows.size(); ++w)
    total += overall->series.windows[w].n;
  std::vector<IncidentSlice> out;
  for (const auto& q : s.quality) {
    if (q.series.slice.empty() || q.series.dimension != inc.signal || !std::isfinite(q.baseline))
      continue;
    double lost = 0;
    for (std::size_t w = from; w <= to && w < q.series.windows.size(); ++w) {
      const WindowQuality& wq = q.series.windows[w];
      if (wq.n > 0) lost += (q.baseline - wq.estimate()) * wq.n;
    }
    IncidentSlice d{q.series.slice, q.series.value, total > 0 ? lost / total : stats::kNaN, false};
    for (const std::size_t a : inc.alerts)
      if (s.alerts[a].slice == d.slice && s.alerts[a].value == d.value) d.alerted = true;
    // A slice counts as a driver when it lost the overall rate at least a tenth of a point, or
    // when a detector fired on it.
    if (d.alerted || (std::isfinite(d.points) && d.points >= 0.001)) out.push_back(d);
  }
  std::stable_sort(out.begin(), out.end(), [](const IncidentSlice& a, const IncidentSlice& b) {
    const double x = std::isfinite(a.points) ? a.points : -1, y = std::isfinite(b.points) ? b.points : -1;
    return x > y;
  });
  if (out.size() > kDriverSlices) out.resize(kDriverSlices);
  return out;
}

std::string summary_of(const MonitorStatus& s, const Incident& inc, std::size_t from,
                       std::size_t to) {
  std::string what;
  if (inc.kind == "operations") {
    const OperationsSeries* o = operations_of(s, inc.signal);
    what = o == nullptr ? inc.signal + " rose"
                        : detail::operations_incident_text(*o, s.windows, from, to, inc.open);
  } else if (inc.kind == "quality") {
    // An open incident says how far below it is now; a resolved one, that it fell.
    what = inc.open && std::isfinite(inc.size)
               ? fmt::format("{} is {:.1f} points below its baseline in {}", inc.signal, inc.size,
                             inc.size_week)
               : fmt::format("{} fell below its baseline", inc.signal);
  } else {
    what = inc.signal == "category mix"   ? "The category mix of production traffic shifted"
           : inc.signal == "output length" ? "The length of the answers shifted"
                                           : "The length of production inputs shifted";
    what += " from the baseline weeks";
  }
  std::string text = fmt::format("{}, since {} ({}).", what, inc.started,
                                 fmt::join(inc.detectors, ", "));
  if (!inc.slices.empty()) {
    std::vector<std::string> parts;
    for (const auto& d : inc.slices) {
      parts.push_back(std::isfinite(d.points)
                          ? fmt::format("{} ({:.1f} points)", detail::series_label(d.slice, d.value),
                                        100.0 * d.points)
                          : detail::series_label(d.slice, d.value));
    }
    text += fmt::format(" Most of it: {}.", fmt::join(parts, ", "));
  }
  if (inc.by_hand)
    text += fmt::format(" Resolved by hand in {}.", inc.resolved);
  else if (!inc.open)
    text += fmt::format(" Back within tolerance since {}.", inc.resolved);
  return text;
}

}  // namespace

std::vector<Incident> find_incidents(const MonitorStatus& s) {
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < s.windows.size(); ++i) index.emplace(s.windows[i], i);
  const auto week = [&](const Alert& a) {
    const auto it = index.find(a.window);
    return it == index.end() ? std::size_t{0} : it->second;
  };
  // The alerts of each signal, oldest first.
  std::vector<std::size_t> order(s.alerts.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return week(s.alerts[a]) < week(s.alerts[b]);
  });
  std::vector<Incident> out;
  std::vector<std::size_t> held;               // alerts that open no incident themselves
  std::map<std::string, std::size_t> current;  // signal → its latest incident in `out`
  std::vector<std::size_t> last_week;          // aligned with out
  for (const std::size_t a : order) {
    const Alert& alert = s.alerts[a];
    const Signal sig = signal_of(alert);
    const std::string key = sig.kind + "|" + sig.name;
    const std::size_t w = week(alert);
    auto it = current.find(key);
    bool joins = false;
    if (it != current.end()) {
      const Incident& inc = out[it->second];
      const std::size_t last = last_week[it->second];
      // An alert joins the signal's incident while it is open, however long ago its last alert
      // was (the signal never came back), and reopens it when the signal fires again within
      // merge_weeks of coming back: one problem flapping at the edge is one incident.
      const std::size_t back = resolved_by(s, inc, last, w);
      joins = back == w || w <= back + s.settings.merge_weeks;
      // Resolved by hand as of a week: an alert after it is a new incident.
      const auto closed = s.closed.find(inc.id);
      if (closed != s.closed.end() && index.count(closed->second) && w > index[closed->second])
        joins = false;
    }
    if (!joins && !opens(s, alert)) {
      held.push_back(a);  // evidence: it joins an incident on its signal that spans its week
      continue;
    }
    if (!joins) {
      Incident inc;
      inc.kind = sig.kind;
      inc.signal = sig.name;
      inc.started = alert.window;
      inc.id = fmt::format("{}@{}", sig.name, alert.window);
      std::replace(inc.id.begin(), inc.id.end(), ' ', '-');
      current[key] = out.size();
      out.push_back(std::move(inc));
      last_week.push_back(w);
      it = current.find(key);
    }
    Incident& inc = out[it->second];
    inc.alerts.push_back(a);
    if (std::find(inc.detectors.begin(), inc.detectors.end(), alert.test) == inc.detectors.end())
      inc.detectors.push_back(alert.test);
    last_week[it->second] = std::max(last_week[it->second], w);
    inc.last = s.windows.empty() ? alert.window : s.windows[last_week[it->second]];
  }
  // Where incident i ends: the week its signal had been back for resolve_weeks, or the week it
  // was resolved by hand if that came first; windows.size() while it is open.
  const auto resolution = [&](std::size_t i) {
    const std::size_t r = resolved_by(s, out[i], last_week[i], s.windows.size());
    const auto closed = s.closed.find(out[i].id);
    if (closed == s.closed.end() || !index.count(closed->second)) return std::pair{r, false};
    const std::size_t c = index[closed->second];
    return std::pair{std::min(r, c), c < r};
  };
  // A held alert joins the incident on its signal whose weeks (from merge_weeks before its start
  // to its resolution) include the alert's.
  for (const std::size_t a : held) {
    const Signal sig = signal_of(s.alerts[a]);
    const std::size_t w = week(s.alerts[a]);
    for (std::size_t i = 0; i < out.size(); ++i) {
      Incident& inc = out[i];
      if (inc.kind != sig.kind || inc.signal != sig.name) continue;
      const std::size_t from = index.count(inc.started) ? index[inc.started] : 0;
      if (w + s.settings.merge_weeks < from || w > resolution(i).first) continue;
      inc.alerts.push_back(a);
      if (std::find(inc.detectors.begin(), inc.detectors.end(), s.alerts[a].test) ==
          inc.detectors.end())
        inc.detectors.push_back(s.alerts[a].test);
      break;
    }
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    Incident& inc = out[i];
    const std::size_t from = index.count(inc.started) ? index[inc.started] : 0;
    const auto [r, by_hand] = resolution(i);
    inc.by_hand = by_hand;
    inc.open = r == s.windows.size();
    if (!inc.open) inc.resolved = s.windows[r];
    const std::size_t to = inc.open ? (s.windows.empty() ? 0 : s.windows.size() - 1) : r;
    if (inc.kind == "quality") {
      inc.slices = drivers(s, inc, from, to);
      if (const SeriesStatus* q = overall_of(s, inc.signal)) {
        // The latest week the overall rate was tested.
        for (std::size_t w = to + 1; w-- > from;) {
          if (w < q->weeks.size() && std::isfinite(q->weeks[w].diff) && !q->weeks[w].too_few) {
            inc.size = -100.0 * q->weeks[w].diff;
            inc.size_week = s.windows[w];
            break;
          }
        }
      }
    }
    inc.summary = summary_of(s, inc, from, to);
  }
  std::stable_sort(out.begin(), out.end(), [&](const Incident& a, const Incident& b) {
    if (a.open != b.open) return a.open;
    return index[a.started] > index[b.started];
  });
  return out;
}

std::size_t open_incidents(const MonitorStatus& s) {
  return static_cast<std::size_t>(std::count_if(s.incidents.begin(), s.incidents.end(),
                                                [](const Incident& i) { return i.open; }));
}

}  // namespace qb::monitor
