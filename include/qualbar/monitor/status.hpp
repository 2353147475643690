#pragma once
// The monitor's verdict on production: graded quality week by week per dimension × slice against
// the baseline, gradual-drift detectors (CUSUM, Page–Hinkley, Mann–Kendall with Theil–Sen), and
// input drift (category mix, input and output lengths) against the baseline weeks. Pure: the
// weekly series come in (gathered from the store by the CLI), the status and its alerts go out.

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "qualbar/stats/common.hpp"
#include "qualbar/stats/sequential.hpp"
#include "qualbar/stats/trend.hpp"
#include "qualbar/suite/suite.hpp"

namespace qb::monitor {

// Lengths in characters on log-spaced bins, four a doubling: bin 0 holds 0, bin b ≥ 1 holds
// [2^((b−1)/4), 2^(b/4)). Counts add, so windows and ingest processes merge.
inline constexpr std::size_t kLengthBins = 96;
struct LengthHistogram {
  std::array<std::uint64_t, kLengthBins> counts{};
  void add(std::size_t length);
  void merge(const LengthHistogram& other);
  [[nodiscard]] std::uint64_t total() const;
  static std::size_t bin_of(std::size_t length);
  static double bin_lower(std::size_t bin);  // the bin's lower edge (0 for bin 0)
};

// What every record of one week says, whatever was sampled.
struct WindowTraffic {
  std::string window;  // "2026-W47"
  std::uint64_t volume = 0;
  std::uint64_t errors = 0;                         // records whose call failed
  std::map<std::string, std::uint64_t> categories;  // the category mix ("(none)" when absent)
  LengthHistogram input_length, output_length;
  double latency_p50 = stats::kNaN, latency_p95 = stats::kNaN;  // ms, from the week's sketch
  double cost = 0;                  // USD over the records that report a cost
  std::uint64_t cost_records = 0;   // records that report one
  // Records a `refused` monitor dimension judged a refusal, of the records it applied to.
  std::uint64_t refusals = 0, refusal_records = 0;
};

// One week of one dimension in one slice. With stratified sampling the items carry weights
// (records of a rare, oversampled stratum count for fewer records of traffic): `passes` and `n`
// are weighted sums, `effective_n` Kish's effective sample size (Σw)²/Σw², equal to the item
// count when weights are equal.
struct WindowQuality {
  std::string window;
  std::size_t items = 0;  // graded items (0: no data that week)
  double n = 0;           // Σ weights
  double passes = 0;      // Σ weights of the passing items
  double effective_n = 0;
  [[nodiscard]] double estimate() const { return n > 0 ? passes / n : stats::kNaN; }
};

struct QualitySeries {
  std::string dimension;
  std::string slice;   // "" overall, else "category"
  std::string value;   // "" overall, else "refunds"
  std::string source;  // who graded: "people", "judge" or "every record" (a model-free scorer)
  std::vector<WindowQuality> windows;  // aligned with StatusInput::windows
};

// People's grading of one dimension's sample in one week: what the sample holds, how many of its
// records people graded, and how often two reviewers of one record agreed.
struct ReviewWeek {
  std::string window;
  std::size_t sampled = 0;        // records of the week's sample (what reviewers are handed)
  std::size_t graded = 0;         // of them, with a people's grade (agreed or adjudicated)
  std::size_t double_graded = 0;  // graded by two reviewers or more
  std::size_t agreed = 0;         // of those, every reviewer gave the same grade
};

// Review progress of a dimension people grade, week by week (aligned with the windows).
struct ReviewProgress {
  std::string dimension;
  std::vector<ReviewWeek> weeks;
};

struct StatusInput {
  std::string monitor;                 // its run id, "m-" and the suite's name
  std::vector<std::string> windows;    // every week from the first to the last, gaps included
  std::vector<WindowTraffic> traffic;  // aligned with windows
  std::vector<QualitySeries> quality;
  // The baseline from a stored run (suite `monitor.baseline_run`): "dimension|slice|value" →
  // pass rate and its n. Absent: the first baseline_windows weeks with data are the baseline.
  std::map<std::string, std::pair<double, double>> baseline_run;
  std::string baseline_run_id;
  // The suite's critical slices as "category=legal": their alerts open incidents as the overall
  // series' do (other slices need a stronger signal: find_incidents).
  std::vector<std::string> critical;
  // Incidents resolved by hand (`monitor resolve`): id → the newest week then. Such an incident is
  // closed; an alert in a later week on its signal opens a new one.
  std::map<std::string, std::string> closed;
  double confidence = 0.95;  // of the weekly intervals and the Theil–Sen slope's (the suite's)
  std::vector<ReviewProgress> review;  // every dimension people grade
};

// One alert. Its key is the condition (kind, dimension, slice, test): the same condition is
// alerted once, not every time the status is computed.
struct Alert {
  std::string kind;       // "quality-drop", "quality-trend", "input-drift", "operations"
  std::string dimension;  // input drift: what drifted ("category mix", "input length",
                          // "output length"), so that key() tells KS on inputs from outputs
  std::string slice, value;
  std::string window;  // the week the alert is raised for: CUSUM and Page–Hinkley their alarm
                       // week, the weekly test the first week below, the trend the last week,
                       // input drift the first week over its limit
  std::string test;    // "CUSUM", "Page–Hinkley", "Mann–Kendall", "two-proportion z", "PSI",
                       // "chi-square", "Kolmogorov–Smirnov"
  double size = stats::kNaN;     // points below baseline; slope in points a week; PSI; KS D
  double p_value = stats::kNaN;  // where the test has one
  std::string message;           // one sentence for a PM: what, where, since when, how big
  // The condition: kind, dimension, slice, test, and for a drop or a rise its week (each episode
  // is alerted once; a trend, dated on the last week, is one condition).
  [[nodiscard]] std::string key() const;
};

struct WindowVerdict {
  double estimate = stats::kNaN;
  stats::Interval interval;      // Wilson at effective_n
  double diff = stats::kNaN;     // estimate − baseline
  double p_value = stats::kNaN;  // one-sided test of a drop below the baseline
  bool below = false;            // diff < −tolerance and p_value < alpha
  bool too_few = false;          // items < min_graded
  bool in_baseline = false;      // one of the pooled baseline weeks: listed, not tested
  // The weeks this verdict pools (SeriesStatus::pooled_weeks at most): the estimate, interval and
  // test are over the weeks to this one on the same side of the baseline's end.
  std::size_t weeks_pooled = 1;
  std::size_t items = 0;   // graded items over those weeks
  double effective_n = 0;  // and their effective size
};

// A drop (a rise, for an operational signal) from the first week a detector fires until the
// signal has been back within tolerance for resolve_weeks measured weeks in a row; the detectors
// start afresh after it, so a second drop months later is seen as one. Window indexes.
struct Episode {
  std::size_t from = 0, end = 0;  // its weeks [from, end); end = windows.size() while it lasts
  std::optional<std::size_t> cusum, page_hinkley;  // each detector's first alarm in it
  std::optional<std::size_t> below;  // its first week below the baseline (over the tolerance)
};

struct SeriesStatus {
  QualitySeries series;
  double baseline = stats::kNaN;
  double baseline_n = 0;
  std::string baseline_from;         // "run r-…" or "2026-W01 – 2026-W04"
  std::string baseline_missing;      // why there is no baseline ("" when there is, or no data)
  // 1 when a week alone has enough graded items to be tested; settings.pool_weeks for a slice
  // whose typical week has fewer than min_graded (e.g. a small category): each week is then
  // tested on the weeks to it pooled, and the detectors run on non-overlapping blocks.
  std::size_t pooled_weeks = 1;
  // The smallest drop below the baseline the weekly test detects with 80% power at a typical
  // week's effective n (one-sided, at alpha, the baseline's own error counted), in one week and
  // over four: what a quiet series can and cannot rule out. NaN without a baseline.
  double detectable_week = stats::kNaN, detectable_four_weeks = stats::kNaN;
  // The weekly test's level: settings.alpha for an overall series and a critical slice; for any
  // other slice alpha divided by the dimension's other slices (Bonferroni), whose detectors'
  // alerts are evidence that joins an incident but opens none (find_incidents).
  double alpha = stats::kNaN;
  bool opens_incidents = true;
  std::vector<WindowVerdict> weeks;  // aligned with windows
  // The detectors watch the weeks after the baseline: their paths start at window
  // `detectors_from` (path[i] is window detectors_from + i; alarm likewise).
  std::size_t detectors_from = 0;
  // The CUSUM unit: the standard error of a typical week's difference from the baseline (the
  // week's effective n and the baseline's both count).
  double sigma = stats::kNaN;
  stats::CusumParams cusum_params;
  stats::PageHinkleyParams page_hinkley_params;
  stats::SequentialResult cusum, page_hinkley;  // from the first week after the baseline
  std::vector<Episode> episodes;
  stats::MannKendallResult trend;     // over every tested or baseline week
  double trend_p_down = stats::kNaN;  // one-sided p of a downward trend
  stats::TheilSenResult slope;        // per week, as a share (×100 for points a week)
  std::vector<Alert> alerts;
};

struct WindowDrift {
  std::string window;
  bool baseline = false;
  double category_psi = stats::kNaN;
  double category_p = stats::kNaN;                          // chi-square against the baseline mix
  double input_ks = stats::kNaN, input_ks_p = stats::kNaN;  // D and p on the binned lengths
  double output_ks = stats::kNaN, output_ks_p = stats::kNaN;
  double input_psi = stats::kNaN, output_psi = stats::kNaN;
  // This week meets an alert condition (after the baseline weeks only).
  bool category_shift = false, input_shift = false, output_shift = false;
};

// A dimension people grade (every dimension not scored on every record, judged ones included:
// people's grades are the ground truth) whose closed weeks, grading due, hold too few grades to
// be tested: weeks nobody can say anything about.
struct GradingGap {
  std::string dimension;
  std::vector<std::string> weeks;   // oldest first
  std::vector<std::size_t> graded;  // aligned with weeks
};

// A slice that drives a quality incident: how many points of the dimension's overall rate its
// drop accounts for over the incident's weeks (its weekly shortfall against its own baseline,
// weighted by its share of the graded records).
struct IncidentSlice {
  std::string slice, value;
  double points = stats::kNaN;
  bool alerted = false;  // a detector fired on this slice itself
};

// One drifting signal: every detector alert on it, in any slice, while it is open (and within
// merge_weeks of its resolution, which reopens it). Open until the signal has been back within
// tolerance for resolve_weeks weeks in a row.
struct Incident {
  std::string id;      // the signal and the week it started: "helpful@2026-W12"
  std::string kind;    // "quality", "input" or "operations"
  std::string signal;  // a dimension; "category mix", "input length", "output length"; or an
                       // operational signal ("latency p95", "error rate", …)
  std::string started, last;           // the first and the latest week an alert fired
  std::vector<std::string> detectors;  // the tests that agree, in the order they first fired
  std::vector<IncidentSlice> slices;   // quality: the drivers, largest share first
  std::vector<std::size_t> alerts;     // into MonitorStatus::alerts
  bool open = true;
  std::string resolved;  // the week the signal had been back for resolve_weeks ("" while open)
  double size = stats::kNaN;  // quality: the overall rate's points below baseline, that week:
  std::string size_week;      // the latest week of the incident the overall rate was tested
  std::string summary;        // one sentence for a PM
  // Who acknowledged it, when, and their note (from the store: record_incidents); "" when nobody.
  std::string acknowledged;
  bool by_hand = false;  // resolved with `monitor resolve` (StatusInput::closed)
};

// One operational signal week by week: the error rate, the refusal rate (when a `refused`
// dimension is monitored), latency p50 and p95, cost per response. Higher is worse for each, so
// the detectors watch for a rise beyond the signal's tolerance: `tolerance` points for a rate,
// latency_tolerance or cost_tolerance (a share of the baseline) for the others. Each week is
// measured in tolerances above the baseline (`excess`): CUSUM (allowance ¾, decision interval 3)
// and Page–Hinkley run on it, a week is `over` beyond 1 (for a rate, also significantly:
// one-sided two-proportion z at alpha), and Mann–Kendall alerts on a rising trend whose
// Theil–Sen rise over the weeks is more than one tolerance.
struct OperationsSeries {
  std::string signal;  // "error rate", "refusal rate", "latency p50", "latency p95",
                       // "cost per response"
  std::string unit;    // "rate" (a share), "ms" or "USD"
  std::vector<double> values;  // aligned with windows, NaN in a week without the measure
  std::vector<double> counts;  // the records each week's value is over
  double baseline = stats::kNaN;  // the baseline weeks' value (pooled for a rate, else median)
  std::string baseline_from;
  double tolerance = stats::kNaN;  // the rise that matters, in the signal's unit
  std::vector<double> excess;      // (value − baseline) / tolerance, NaN where no value
  std::vector<double> p_values;    // a rate's one-sided test of a rise that week (else NaN)
  std::vector<bool> over;          // beyond tolerance (and significant, for a rate)
  std::vector<bool> in_baseline;
  std::size_t detectors_from = 0;  // the first week after the baseline
  stats::SequentialResult cusum, page_hinkley;  // on −excess: a rise is a drop
  std::vector<Episode> episodes;
  double trend_p_up = stats::kNaN;
  double rise = stats::kNaN;  // Theil–Sen's fitted rise over the weeks, in the signal's unit
};

struct MonitorStatus {
  std::string monitor;
  std::vector<std::string> windows;
  std::vector<WindowTraffic> traffic;
  std::vector<SeriesStatus> quality;  // overall series first, then slices worst first
  std::vector<WindowDrift> drift;
  std::vector<OperationsSeries> operations;  // the signals with data, in the order above
  std::vector<Alert> alerts;  // every alert of the status, most recent week first
  // The alerts grouped by signal: open incidents first, then the most recent start first.
  std::vector<Incident> incidents;
  // Closed weeks with traffic, older than grading_grace_weeks, whose overall series of people's
  // grades has fewer than min_graded graded records.
  std::vector<GradingGap> gaps;
  MonitorSettings settings;
  double confidence = 0.95;
  std::string drift_baseline;  // the weeks pooled as the input baseline, "" when none
  std::vector<std::string> critical;  // StatusInput::critical
  std::map<std::string, std::string> closed;  // StatusInput::closed
  std::vector<ReviewProgress> review;         // StatusInput::review
};

// The alerts, one per key (the earliest week when several series share a key):
//  * quality-drop: the lower CUSUM (target the baseline, k and h in settings.cusum_k/_h units of
//    `sigma`) or Page–Hinkley (the stats module's defaults for a rate) alarms on the weeks after
//    the baseline; or a week is `below` (two-proportion z on effective counts).
//  * quality-trend: Mann–Kendall over every usable week, one-sided p of a fall < alpha, with a
//    negative Theil–Sen slope.
//  * input-drift, against the first baseline_windows weeks with traffic: category PSI >
//    psi_alert, or chi-square p < alpha with PSI > psi_alert / 2; a length KS p < alpha with
//    D > 0.1.
MonitorStatus compute_status(const StatusInput& in, const MonitorSettings& settings);

// The incidents of a status (compute_status sets MonitorStatus::incidents with it): its alerts
// grouped per signal (merge_weeks), resolved where the signal came back (resolve_weeks: for a
// quality signal the overall series' weeks are each tested and within `tolerance` of the
// baseline; for an input signal, weeks with traffic and no shift), with the slices that drive
// each quality incident.
std::vector<Incident> find_incidents(const MonitorStatus& s);
// Open incidents (acknowledged ones too): `monitor status` exits 1 while there is one.
std::size_t open_incidents(const MonitorStatus& s);

// Renderings: terminal (open alerts first, then each dimension's weeks, then input drift), JSON
// ("qualbar.monitor-status/1", with every weekly series), and a self-contained HTML page: the
// production dashboard (status_html_body) framed as a file.
// `width`: the terminal columns its tables fit (0: no limit).
std::string status_terminal(const MonitorStatus& s, bool color, std::size_t width = 0);
std::string status_json(const MonitorStatus& s);
std::string status_html(const MonitorStatus& s);
// The production dashboard, without the page around it (what `qualbar serve` frames in its own
// page and status_html in a file): the incidents first; a weekly chart per dimension (estimate,
// interval, baseline band, alerts) with small multiples of its categories on one scale, each
// slice's chart and table; panels of traffic, errors, latency and cost; input drift; review
// progress per week. Inline SVG, no script, every outside string escaped. It needs
// status_html_style() on the page.
std::string status_html_body(const MonitorStatus& s);
std::string_view status_html_style();
// One incident as the JSON status has it (also what the store keeps and the webhook posts).
std::string incident_json(const MonitorStatus& s, const Incident& i);

}  // namespace qb::monitor
