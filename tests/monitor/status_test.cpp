#include "qualbar/monitor/status.hpp"

#include <algorithm>
#include <cmath>
#include <iostream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "qualbar/stats/intervals.hpp"
#include "qualbar/stats/power.hpp"
#include "qualbar/stats/random.hpp"

namespace qb::monitor {
namespace QB_UNITY_ID {

using stats::Rng;

constexpr std::size_t kWeeks = 26;
const char* const kDimension = "moderation_correct";

std::vector<std::string> week_names(std::size_t n) {
  std::vector<std::string> w;
  for (std::size_t i = 0; i < n; ++i) w.push_back(fmt::format("2026-W{:02}", i + 1));
  return w;
}

// One week of graded production: `sampled` records of true quality p, each graded by two
// reviewers who are wrong with probability 3% independently. An item is kept only when they
// agree, as qualbar's review keeps consensus grades.
WindowQuality graded_week(Rng& rng, const std::string& window, double p, int sampled) {
  WindowQuality w;
  w.window = window;
  for (int i = 0; i < sampled; ++i) {
    const bool truth = rng.uniform() < p;
    const bool a = truth != (rng.uniform() < 0.03);
    const bool b = truth != (rng.uniform() < 0.03);
    if (a != b) continue;
    ++w.items;
    w.passes += a ? 1.0 : 0.0;
  }
  w.n = w.effective_n = static_cast<double>(w.items);
  return w;
}

// The product's third failure when `drift` (94% falling linearly to 87% over 26 weeks), a flat
// 94% otherwise: 200 items sampled a week, one overall series, no traffic.
StatusInput production(std::uint64_t seed, bool drift, std::size_t weeks = kWeeks) {
  Rng rng(seed, 7);
  StatusInput in;
  in.windows = week_names(weeks);
  QualitySeries s{.dimension = kDimension, .source = "people"};
  for (std::size_t w = 0; w < weeks; ++w) {
    const double p = drift ? 0.94 - 0.07 * static_cast<double>(w) / 25.0 : 0.94;
    s.windows.push_back(graded_week(rng, in.windows[w], p, 200));
  }
  in.quality.push_back(std::move(s));
  return in;
}

bool is_quality(const Alert& a) { return a.kind == "quality-drop" || a.kind == "quality-trend"; }

std::size_t week_index(const std::string& window) {
  return static_cast<std::size_t>(std::stoi(window.substr(6))) - 1;
}

// The first week (0-based) any quality-drop alert names; kWeeks when none.
std::size_t first_drop_week(const MonitorStatus& s) {
  std::size_t first = kWeeks;
  for (const auto& a : s.alerts)
    if (a.kind == "quality-drop") first = std::min(first, week_index(a.window));
  return first;
}

// ---- the six-month drift ------------------------------------------------------------------------

TEST(MonitorStatus, CatchesTheSixMonthDriftWithinWeeks) {
  const MonitorStatus s = compute_status(production(2026, true), MonitorSettings{});
  ASSERT_EQ(s.quality.size(), 1U);
  EXPECT_EQ(s.quality[0].baseline_from, "2026-W01 – 2026-W04");
  const auto drop = std::find_if(s.alerts.rbegin(), s.alerts.rend(),
                                 [](const Alert& a) { return a.kind == "quality-drop"; });
  ASSERT_NE(drop, s.alerts.rend());
  EXPECT_EQ(drop->dimension, kDimension);
  EXPECT_EQ(drop->slice, "");
  EXPECT_LT(week_index(drop->window), 19U) << drop->message;  // before week 20
  EXPECT_NE(drop->message.find(drop->window), std::string::npos) << drop->message;
  EXPECT_NE(drop->message.find("below its baseline of"), std::string::npos) << drop->message;
  EXPECT_GT(drop->size, 2.0);  // points below the baseline
  for (const auto& a : s.alerts)
    std::cout << a.key() << " @ " << a.window << ": " << a.message << '\n';
}

// Measured with the defaults (300 seeds): on one series of 200 a week, the first quality-drop
// alert comes in week 18 at the median (10% by week 12, 90% by week 24), when the true rate has
// fallen about 5 points; CUSUM is usually first. The defaults trade this delay for a false
// incident in under 5% of half-years across the overall series and eight categories
// (docs/monitor.md, "How well the defaults work"); alpha 0.001 and cusum_k 0.75 caught it three
// weeks sooner with 3.5× the false alarms.
TEST(MonitorStatus, DetectionWeeksOverSeeds) {
  std::vector<std::size_t> weeks;
  std::map<std::string, std::size_t> by_test;
  std::size_t any_quality = 0;
  for (std::uint64_t seed = 0; seed < 300; ++seed) {
    const MonitorStatus s = compute_status(production(seed, true), MonitorSettings{});
    weeks.push_back(first_drop_week(s) + 1);  // 1-based, 27 = never
    for (const auto& a : s.alerts) ++by_test[a.test];
    any_quality += std::any_of(s.alerts.begin(), s.alerts.end(), is_quality) ? 1 : 0;
  }
  std::sort(weeks.begin(), weeks.end());
  const auto at = [&](double q) { return weeks[static_cast<std::size_t>(q * (weeks.size() - 1))]; };
  std::cout << fmt::format(
      "detection week (1-based): min {}, 10% {}, median {}, 90% {}, 95% {}, "
      "max {}\n",
      weeks.front(), at(0.1), at(0.5), at(0.9), at(0.95), weeks.back());
  for (const auto& [test, n] : by_test) std::cout << "  " << test << ": " << n << " of 300\n";
  EXPECT_LE(at(0.5), 19U);
  EXPECT_LE(at(0.9), 25U);
  EXPECT_GE(any_quality, 290U);  // nearly every drift is caught within the half year
}

// The figure docs/monitor.md states: 1.9% of stable half-years of one series raise a quality
// alert of any kind (CUSUM 1.0%, Page–Hinkley 0.3%).
TEST(MonitorStatus, FalseAlarmsOnAFlatSeriesStayUnderFourPercent) {
  constexpr std::uint64_t kSeeds = 1000;
  std::size_t alarmed = 0;
  std::map<std::string, std::size_t> by_test;
  for (std::uint64_t seed = 0; seed < kSeeds; ++seed) {
    const MonitorStatus s = compute_status(production(10'000 + seed, false), MonitorSettings{});
    bool any = false;
    for (const auto& a : s.alerts) {
      if (!is_quality(a)) continue;
      any = true;
      ++by_test[a.test];
    }
    alarmed += any ? 1 : 0;
  }
  const double share = static_cast<double>(alarmed) / kSeeds;
  std::cout << fmt::format("flat 94%, 26 weeks: {:.1f}% of series raise a quality alert\n",
                           100.0 * share);
  for (const auto& [test, n] : by_test) std::cout << "  " << test << ": " << n << '\n';
  EXPECT_LT(share, 0.04);
}

// ---- input drift --------------------------------------------------------------------------------

double normal(Rng& rng) {
  const double u = 1.0 - rng.uniform(), v = rng.uniform();
  return std::sqrt(-2.0 * std::log(u)) * std::cos(6.283185307179586 * v);
}

// 5,000 records a week: categories drawn from `mix`, lengths log-normal around `median`.
WindowTraffic traffic_week(Rng& rng, const std::string& window,
                           const std::vector<std::pair<std::string, double>>& mix,
                           double input_median) {
  WindowTraffic t;
  t.window = window;
  for (int i = 0; i < 5000; ++i) {
    double u = rng.uniform();
    std::string category = mix.back().first;
    for (const auto& [name, share] : mix) {
      if (u < share) {
        category = name;
        break;
      }
      u -= share;
    }
    ++t.categories[category];
    t.input_length.add(static_cast<std::size_t>(input_median * std::exp(0.6 * normal(rng))));
    t.output_length.add(static_cast<std::size_t>(300 * std::exp(0.5 * normal(rng))));
    ++t.volume;
    t.errors += rng.uniform() < 0.01 ? 1 : 0;
  }
  return t;
}

using Mix = std::vector<std::pair<std::string, double>>;
const Mix kUsual = {{"billing", 0.5}, {"refunds", 0.1}, {"shipping", 0.4}};
const Mix kShifted = {{"billing", 0.3}, {"refunds", 0.35}, {"shipping", 0.35}};

StatusInput traffic(std::uint64_t seed, std::size_t shift_week, std::size_t double_week) {
  Rng rng(seed, 3);
  StatusInput in;
  in.windows = week_names(kWeeks);
  for (std::size_t w = 0; w < kWeeks; ++w)
    in.traffic.push_back(traffic_week(rng, in.windows[w], w + 1 >= shift_week ? kShifted : kUsual,
                                      w + 1 >= double_week ? 400.0 : 200.0));
  return in;
}

std::vector<Alert> drift_alerts(const MonitorStatus& s) {
  std::vector<Alert> out;
  for (const auto& a : s.alerts)
    if (a.kind == "input-drift") out.push_back(a);
  return out;
}

TEST(MonitorStatus, CategoryShiftAlertsWithPsi) {
  const MonitorStatus s = compute_status(traffic(5, 15, 99), MonitorSettings{});
  const auto alerts = drift_alerts(s);
  ASSERT_EQ(alerts.size(), 1U);
  EXPECT_EQ(alerts[0].key(), "input-drift|category mix|=|PSI");
  EXPECT_EQ(alerts[0].window, "2026-W15");
  EXPECT_GT(alerts[0].size, 0.25);
  EXPECT_NE(alerts[0].message.find("\"refunds\" went from 9.7% of traffic in the baseline weeks "
                                   "(2026-W01 – 2026-W04) to 35.1%"),
            std::string::npos)
      << alerts[0].message;
  EXPECT_EQ(s.drift_baseline, "2026-W01 – 2026-W04");
  EXPECT_TRUE(s.drift[0].baseline);
  EXPECT_TRUE(s.drift[20].category_shift);
  EXPECT_FALSE(s.drift[13].category_shift);
}

TEST(MonitorStatus, UnchangedTrafficRaisesNoDriftAlert) {
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    const MonitorStatus s = compute_status(traffic(seed, 99, 99), MonitorSettings{});
    EXPECT_TRUE(drift_alerts(s).empty()) << seed << ": " << drift_alerts(s)[0].message;
    EXPECT_LT(s.drift.back().category_psi, 0.01);
    EXPECT_LT(s.drift.back().input_ks, 0.05);
  }
}

TEST(MonitorStatus, DoubledInputLengthsAlertWithKolmogorovSmirnov) {
  const MonitorStatus s = compute_status(traffic(9, 99, 10), MonitorSettings{});
  const auto alerts = drift_alerts(s);
  ASSERT_EQ(alerts.size(), 1U);
  EXPECT_EQ(alerts[0].key(), "input-drift|input length|=|Kolmogorov–Smirnov");
  EXPECT_EQ(alerts[0].window, "2026-W10");
  EXPECT_GT(alerts[0].size, 0.3);
  EXPECT_LT(alerts[0].p_value, 1e-6);
  EXPECT_TRUE(s.drift[9].input_shift);
  EXPECT_FALSE(s.drift[9].output_shift);
  EXPECT_GT(s.drift[9].input_psi, 0.25);
  EXPECT_NE(alerts[0].message.find("Input lengths changed in 2026-W10"), std::string::npos)
      << alerts[0].message;
}

// ---- baselines, sparse weeks, gaps -----------------------------------------------------------

QualitySeries flat_series(const std::vector<std::string>& windows, std::size_t items, double rate) {
  QualitySeries s{.dimension = kDimension, .source = "people"};
  for (const auto& w : windows) {
    const auto n = static_cast<double>(items);
    s.windows.push_back(
        {.window = w, .items = items, .n = n, .passes = std::round(rate * n), .effective_n = n});
  }
  return s;
}

TEST(MonitorStatus, BaselineFromARunTestsEveryWeek) {
  StatusInput in;
  in.windows = week_names(8);
  in.quality.push_back(flat_series(in.windows, 200, 0.85));
  in.baseline_run["moderation_correct||"] = {0.94, 1000.0};
  in.baseline_run_id = "r-42";
  const MonitorStatus s = compute_status(in, MonitorSettings{});
  const SeriesStatus& q = s.quality[0];
  EXPECT_EQ(q.baseline_from, "run r-42");
  EXPECT_DOUBLE_EQ(q.baseline, 0.94);
  EXPECT_EQ(q.detectors_from, 0U);
  EXPECT_TRUE(q.weeks[0].below);  // nine points down from the first week
  ASSERT_FALSE(s.alerts.empty());
  EXPECT_NE(s.alerts.back().message.find("its baseline of 94.0% (run r-42)"), std::string::npos)
      << s.alerts.back().message;
}

TEST(MonitorStatus, SparseWeeksAreListedNotTested) {
  StatusInput in;
  in.windows = week_names(10);
  in.quality.push_back(flat_series(in.windows, 200, 0.94));
  in.quality[0].windows[7] = {
      .window = in.windows[7], .items = 12, .n = 12, .passes = 2, .effective_n = 12};
  const MonitorStatus s = compute_status(in, MonitorSettings{});
  const SeriesStatus& q = s.quality[0];
  EXPECT_EQ(q.baseline_from, "2026-W01 – 2026-W04");
  EXPECT_TRUE(q.weeks[3].in_baseline);
  EXPECT_TRUE(q.weeks[7].too_few);
  EXPECT_FALSE(q.weeks[7].below);
  EXPECT_TRUE(std::isnan(q.weeks[7].p_value));
  EXPECT_NEAR(q.weeks[7].estimate, 2.0 / 12.0, 1e-12);  // still listed
  EXPECT_TRUE(std::isfinite(q.weeks[6].p_value));
  EXPECT_TRUE(s.alerts.empty()) << s.alerts[0].message;
  EXPECT_NE(status_terminal(s, false).find("too few to test (12 graded)"), std::string::npos);
}

// The baseline is the first baseline_windows weeks with data: a sparse one among them leaves the
// series without a baseline, saying which week and why, rather than reaching for a later week
// (which may already have drifted).
TEST(MonitorStatus, ASparseWeekAmongTheFirstLeavesNoBaselineAndSaysWhy) {
  StatusInput in;
  in.windows = week_names(10);
  in.quality.push_back(flat_series(in.windows, 200, 0.94));
  in.quality[0].windows[2] = {
      .window = in.windows[2], .items = 10, .n = 10, .passes = 3, .effective_n = 10};
  for (std::size_t w = 6; w < 10; ++w) in.quality[0].windows[w].passes = 120;  // 60%: a drop
  const MonitorStatus s = compute_status(in, MonitorSettings{});
  const SeriesStatus& q = s.quality[0];
  EXPECT_TRUE(q.baseline_from.empty());
  EXPECT_FALSE(q.weeks[4].in_baseline);
  EXPECT_EQ(q.baseline_missing,
            "no baseline: 2026-W03, one of the first 4 weeks with data, has 10 graded (at least "
            "30 needed); grade more of it, or set monitor.baseline_run");
  EXPECT_NE(status_terminal(s, false).find(q.baseline_missing), std::string::npos);
  const auto j = nlohmann::json::parse(status_json(s));
  EXPECT_EQ(j["quality"][0]["baseline"]["missing"], q.baseline_missing);
}

// A closed week with traffic but too few grades to test a people-graded dimension is a gap the
// status leads with, with the command that fills it; the newest closed week has its grace week;
// dimensions scored on every record are never short.
TEST(MonitorStatus, ClosedWeeksShortOfGradesAreNotTestedAndSaySo) {
  StatusInput in;
  in.monitor = "m-support";
  in.windows = week_names(10);  // W10 is the open week
  for (const auto& w : in.windows) in.traffic.push_back({.window = w, .volume = 5000});
  in.quality.push_back(flat_series(in.windows, 200, 0.94));
  in.quality[0].windows[3] = {.window = in.windows[3], .items = 12, .n = 12, .passes = 11,
                              .effective_n = 12};
  in.quality[0].windows[8] = {.window = in.windows[8]};  // W09: closed last week, nobody graded
  QualitySeries pii = flat_series(in.windows, 3, 1.0);
  pii.dimension = "no_pii";
  pii.source = "every record";
  in.quality.push_back(pii);
  QualitySeries judge = flat_series(in.windows, 5, 0.9);  // the judge's series follows people's
  judge.source = "judge";
  in.quality.push_back(judge);
  MonitorStatus s = compute_status(in, MonitorSettings{});
  ASSERT_EQ(s.gaps.size(), 1U);
  EXPECT_EQ(s.gaps[0].dimension, kDimension);
  EXPECT_EQ(s.gaps[0].weeks, std::vector<std::string>{"2026-W04"});  // W09 is within its grace
  EXPECT_EQ(s.gaps[0].graded, std::vector<std::size_t>{12});
  const std::string t = status_terminal(s, false);
  EXPECT_EQ(t.find("NOT TESTED: 1 closed week could not be tested: fewer than 30 graded records"),
            t.find('\n') + 2)
      << t;  // first, under the title
  EXPECT_NE(t.find("  ✗ moderation_correct: 2026-W04 (12 graded)\n"), std::string::npos) << t;
  EXPECT_NE(t.find("Hand them to reviewers: qualbar review export --run m-support --dimension "
                   "moderation_correct --week 2026-W04 --dir review/"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("No open incidents on the weeks that could be tested"), std::string::npos) << t;
  const auto j = nlohmann::json::parse(status_json(s));
  EXPECT_EQ(j["grading_gaps"][0]["weeks"][0]["week"], "2026-W04");
  EXPECT_EQ(j["grading_gaps"][0]["weeks"][0]["graded"], 12);
  EXPECT_NE(status_html(s).find("NOT TESTED"), std::string::npos);

  MonitorSettings no_grace;
  no_grace.grading_grace_weeks = 0;
  s = compute_status(in, no_grace);
  ASSERT_EQ(s.gaps.size(), 1U);
  EXPECT_EQ(s.gaps[0].weeks, (std::vector<std::string>{"2026-W04", "2026-W09"}));
  EXPECT_EQ(s.gaps[0].graded, (std::vector<std::size_t>{12, 0}));
}

TEST(MonitorStatus, MissingWeeksAreGaps) {
  StatusInput in = production(77, true);
  for (std::size_t w : {5U, 6U, 11U}) in.quality[0].windows[w] = {.window = in.windows[w]};
  in.traffic.resize(3);  // traffic only for the first weeks: the rest have none
  const MonitorStatus s = compute_status(in, MonitorSettings{});
  const SeriesStatus& q = s.quality[0];
  EXPECT_TRUE(std::isnan(q.weeks[5].estimate));
  EXPECT_FALSE(q.weeks[5].below);
  EXPECT_EQ(q.cusum.missing, 3U);
  EXPECT_EQ(q.cusum.path.size(), kWeeks - q.detectors_from);
  EXPECT_EQ(s.traffic.size(), kWeeks);
  EXPECT_EQ(s.drift.size(), kWeeks);
  EXPECT_NE(first_drop_week(s), kWeeks);
  EXPECT_NE(status_terminal(s, false).find("no data"), std::string::npos);
}

// A drop, a recovery, and a second drop months later: two episodes, each alerted, and two
// incidents — the first resolved, the second open. (Before, every detector fired once per
// series, and the second drop went unseen.)
TEST(MonitorStatus, ASecondDropAfterARecoveryIsAlertedAndIsASecondIncident) {
  Rng rng(31, 7);
  StatusInput in;
  in.windows = week_names(40);
  QualitySeries q{.dimension = kDimension, .source = "people"};
  for (std::size_t w = 0; w < 40; ++w) {
    const bool low = (w >= 8 && w < 14) || w >= 28;
    q.windows.push_back(graded_week(rng, in.windows[w], low ? 0.80 : 0.94, 200));
  }
  in.quality.push_back(q);
  const MonitorStatus s = compute_status(in, MonitorSettings{});
  ASSERT_EQ(s.quality[0].episodes.size(), 2U) << status_terminal(s, false);
  EXPECT_GE(s.quality[0].episodes[1].from, 14U);
  ASSERT_EQ(s.incidents.size(), 2U) << status_terminal(s, false);
  EXPECT_TRUE(s.incidents[0].open);
  EXPECT_GE(s.incidents[0].started, "2026-W29");
  EXPECT_FALSE(s.incidents[1].open);
  EXPECT_GE(s.incidents[1].started, "2026-W09");
  EXPECT_LE(s.incidents[1].started, "2026-W12");
}

// ---- alerts and renderings ------------------------------------------------------------------

TEST(MonitorStatus, AlertKeysDedupe) {
  StatusInput in = production(2026, true);
  QualitySeries judged = in.quality[0];
  judged.source = "judge";  // the same dimension and slice graded twice
  in.quality.push_back(judged);
  const MonitorStatus s = compute_status(in, MonitorSettings{});
  std::map<std::string, int> keys;
  for (const auto& a : s.alerts) ++keys[a.key()];
  for (const auto& [key, n] : keys) EXPECT_EQ(n, 1) << key;
  // A drop's key names its week: one CUSUM alert for this one drop.
  std::size_t cusum = 0;
  for (const auto& [key, n] : keys)
    cusum += key.starts_with("quality-drop|moderation_correct|=|CUSUM|2026-W") ? 1 : 0;
  EXPECT_EQ(cusum, 1U);
  EXPECT_EQ(s.quality[1].alerts.size(), s.quality[0].alerts.size());
  for (std::size_t i = 1; i < s.alerts.size(); ++i)
    EXPECT_GE(s.alerts[i - 1].window, s.alerts[i].window);  // most recent first
}

StatusInput with_slices() {
  StatusInput in = production(2026, true);
  const auto& windows = in.windows;
  QualitySeries hostile = flat_series(windows, 60, 0.9);
  hostile.slice = "category";
  hostile.value = "<script>alert(1)</script>";
  QualitySeries refunds = flat_series(windows, 60, 0.9);
  refunds.slice = "category";
  refunds.value = "refunds";
  for (std::size_t w = 12; w < windows.size(); ++w) refunds.windows[w].passes = 36;  // 60%
  in.quality.push_back(hostile);
  in.quality.push_back(refunds);
  Rng rng(1, 1);
  for (const auto& w : windows) in.traffic.push_back(traffic_week(rng, w, kUsual, 200.0));
  in.traffic[20].categories["<img src=x onerror=alert(2)>"] = 4000;
  return in;
}

TEST(MonitorStatus, SlicesFollowTheOverallSeriesWorstFirst) {
  const MonitorStatus s = compute_status(with_slices(), MonitorSettings{});
  ASSERT_EQ(s.quality.size(), 3U);
  EXPECT_EQ(s.quality[0].series.slice, "");
  EXPECT_EQ(s.quality[1].series.value, "refunds");
  const std::string t = status_terminal(s, false);
  EXPECT_EQ(t.find("\033["), std::string::npos);
  EXPECT_LT(t.find("ALERTS"), t.find("moderation_correct · overall"));
  EXPECT_LT(t.find("moderation_correct · overall"),
            t.find("moderation_correct · category=refunds"));
  EXPECT_LT(t.find("moderation_correct · category=refunds"),
            t.find("moderation_correct · category=<script>"));
  EXPECT_NE(t.find("INPUT DRIFT"), std::string::npos);
  EXPECT_NE(status_terminal(s, true).find("\033["), std::string::npos);
}

// A small category (about 9 graded a week, as the default floor samples it) is tested on four
// weeks pooled: a drop from 95% to 70% is caught within weeks, the status says how it was tested
// and what it can detect; over 200 flat half-years it raises a false alert rarely.
StatusInput with_small_slice(std::uint64_t seed, bool drop) {
  StatusInput in = production(seed, false);
  Rng rng(seed, 3);
  QualitySeries legal{.dimension = kDimension, .slice = "category", .value = "legal",
                      .source = "people"};
  for (std::size_t w = 0; w < in.windows.size(); ++w)
    legal.windows.push_back(graded_week(rng, in.windows[w], drop && w >= 12 ? 0.70 : 0.95, 9));
  in.quality.push_back(legal);
  return in;
}

const SeriesStatus& slice_of(const MonitorStatus& s, const std::string& value) {
  for (const auto& q : s.quality)
    if (q.series.value == value) return q;
  throw std::runtime_error("no series " + value);
}

TEST(MonitorStatus, ASmallSliceIsTestedOnFourWeeksPooledAndSaysWhatItCanDetect) {
  const MonitorStatus s = compute_status(with_small_slice(4, true), MonitorSettings{});
  const SeriesStatus& legal = slice_of(s, "legal");
  EXPECT_EQ(legal.pooled_weeks, 4U);
  EXPECT_TRUE(std::isfinite(legal.baseline)) << legal.baseline_missing;
  EXPECT_EQ(s.quality[0].pooled_weeks, 1U) << "the overall series is weekly";
  // Week 20 is tested on weeks 17-20.
  EXPECT_EQ(legal.weeks[19].weeks_pooled, 4U);
  EXPECT_GE(legal.weeks[19].items, 30U);
  EXPECT_FALSE(legal.weeks[19].too_few);
  // The first tested week after the baseline pools the weeks since the baseline only.
  EXPECT_EQ(legal.weeks[legal.detectors_from].weeks_pooled, 1U);
  std::string first = "9999";
  for (const auto& a : s.alerts)
    if (a.value == "legal") first = std::min(first, a.window);
  EXPECT_GE(first, "2026-W13");
  EXPECT_LE(first, "2026-W20") << status_terminal(s, false);
  const std::string t = status_terminal(s, false);
  EXPECT_NE(t.find("tested on 4 weeks pooled"), std::string::npos);
  EXPECT_NE(t.find("(80% power)"), std::string::npos);
  // One week of ~9 detects far less than four.
  EXPECT_GT(legal.detectable_week, legal.detectable_four_weeks);
  const auto j = nlohmann::json::parse(status_json(s));
  for (const auto& q : j["quality"])
    if (q["value"] == "legal") {
      EXPECT_EQ(q["pooled_weeks"], 4);
    }
}

TEST(MonitorStatus, TheDetectableDropIsTheWeeklyTestsAtEightyPercentPower) {
  const MonitorStatus s = compute_status(production(5, false), MonitorSettings{});
  const SeriesStatus& q = s.quality[0];
  std::vector<double> ns;
  for (const auto& w : q.series.windows) ns.push_back(w.effective_n);
  std::sort(ns.begin(), ns.end());
  const double week = ns[ns.size() / 2 - 1] / 2 + ns[ns.size() / 2] / 2;  // the median of 26
  const auto expected = [&](double k) {
    const double n = k * week * q.baseline_n / (k * week + q.baseline_n);
    return stats::min_detectable_drop_one_sample(
        q.baseline, static_cast<std::size_t>(std::llround(n)), MonitorSettings{}.alpha, 0.8,
        stats::Sides::one_sided);
  };
  EXPECT_DOUBLE_EQ(q.detectable_week, expected(1));
  EXPECT_DOUBLE_EQ(q.detectable_four_weeks, expected(4));
  // About 190 graded a week against a 94% baseline at alpha 0.0002: some 9.5 points in a week,
  // 6 over four.
  EXPECT_GT(q.detectable_week, 0.07);
  EXPECT_LT(q.detectable_week, 0.11);
  EXPECT_LT(q.detectable_four_weeks, q.detectable_week);
}

TEST(MonitorStatus, APooledSliceRarelyAlertsOnAFlatStream) {
  std::size_t alerted = 0;
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    const MonitorStatus s = compute_status(with_small_slice(seed, false), MonitorSettings{});
    alerted += std::any_of(s.alerts.begin(), s.alerts.end(),
                           [](const Alert& a) { return a.value == "legal"; })
                   ? 1
                   : 0;
  }
  EXPECT_LE(alerted, 20U) << "at most 10% of flat half-years";
}

// The terminal shows the worst three slices of a dimension and says how many more there are, on
// a line of its own (not framed by '?' where its line breaks were).
// ---- incidents ----------------------------------------------------------------------------------

std::vector<const Incident*> of_kind(const MonitorStatus& s, const std::string& kind) {
  std::vector<const Incident*> out;
  for (const auto& i : s.incidents)
    if (i.kind == kind) out.push_back(&i);
  return out;
}

TEST(MonitorIncidents, OneDropSeenBySlicesAndDetectorsIsOneIncidentDrivenByItsSlice) {
  // The overall rate drifts down and the refunds category falls from 90% to 60% at week 13.
  StatusInput in = with_slices();
  in.traffic.clear();
  const MonitorStatus s = compute_status(in, MonitorSettings{});
  std::size_t quality_alerts = 0;
  for (const auto& a : s.alerts) quality_alerts += is_quality(a) ? 1 : 0;
  ASSERT_GE(quality_alerts, 3U) << "several detectors and slices fire";
  const auto incidents = of_kind(s, "quality");
  ASSERT_EQ(incidents.size(), 1U) << status_terminal(s, false);
  const Incident& i = *incidents.front();
  EXPECT_TRUE(i.open);
  EXPECT_EQ(i.signal, kDimension);
  EXPECT_EQ(i.id, std::string(kDimension) + "@" + i.started);
  EXPECT_EQ(i.alerts.size(), quality_alerts);
  EXPECT_GE(i.detectors.size(), 2U);
  ASSERT_FALSE(i.slices.empty());
  EXPECT_EQ(i.slices.front().value, "refunds");
  EXPECT_TRUE(i.slices.front().alerted);
  // A third of the records fall 30 points: about 10 points of the overall rate... weighted by
  // the slice's 60 records a week against the overall series' ~190.
  EXPECT_GT(i.slices.front().points, 0.05);
  EXPECT_NE(i.summary.find("category=refunds"), std::string::npos) << i.summary;
  EXPECT_EQ(open_incidents(s), 1U);
  // The terminal and the page open with it; the detectors' alerts come after.
  const std::string t = status_terminal(s, false);
  EXPECT_LT(t.find("1 OPEN INCIDENT"), t.find("DETECTOR ALERTS")) << t;
  EXPECT_LT(t.find(i.id), t.find("DETECTOR ALERTS"));
  const std::string h = status_html(s);
  EXPECT_LT(h.find("1 OPEN INCIDENT"), h.find("detector alerts"));
  const auto j = nlohmann::json::parse(status_json(s));
  EXPECT_EQ(j["open_incidents"], 1);
  ASSERT_EQ(j["incidents"].size(), s.incidents.size());
  EXPECT_EQ(j["incidents"][0]["id"], i.id);
  EXPECT_EQ(j["incidents"][0]["alerts"].size(), i.alerts.size());
}

TEST(MonitorIncidents, TwoProblemsAreTwoIncidents) {
  // A quality drift and a category-mix shift from week 15 on: two incidents, whatever the alerts.
  StatusInput in = production(2026, true);
  const StatusInput shifted = traffic(5, 15, 99);
  in.traffic = shifted.traffic;
  const MonitorStatus s = compute_status(in, MonitorSettings{});
  ASSERT_GE(s.alerts.size(), 3U);
  EXPECT_EQ(of_kind(s, "quality").size(), 1U) << status_terminal(s, false);
  const auto input = of_kind(s, "input");
  ASSERT_EQ(input.size(), 1U) << status_terminal(s, false);
  EXPECT_EQ(input.front()->signal, "category mix");
  EXPECT_EQ(input.front()->id, "category-mix@" + input.front()->started);
  EXPECT_EQ(open_incidents(s), 2U);
}

TEST(MonitorIncidents, AFlatStreamHasNone) {
  const MonitorStatus s = compute_status(production(2026, false), MonitorSettings{});
  EXPECT_TRUE(s.incidents.empty()) << status_terminal(s, false);
  EXPECT_NE(status_terminal(s, false).find("No open incidents"), std::string::npos);
}

// A hand-made status: one overall series whose weeks are below or back, and alerts on it.
MonitorStatus made_status(const std::vector<bool>& below, const std::vector<std::size_t>& alerted,
                          const MonitorSettings& settings) {
  MonitorStatus s;
  s.settings = settings;
  s.windows = week_names(below.size());
  SeriesStatus q;
  q.series = QualitySeries{.dimension = kDimension, .source = "people"};
  q.baseline = 0.9;
  for (std::size_t w = 0; w < below.size(); ++w) {
    q.series.windows.push_back(
        {.window = s.windows[w], .items = 100, .n = 100, .passes = below[w] ? 80.0 : 90.0,
         .effective_n = 100});
    WindowVerdict v;
    v.estimate = below[w] ? 0.8 : 0.9;
    v.diff = v.estimate - 0.9;
    v.below = below[w];
    v.in_baseline = w < 2;
    q.weeks.push_back(v);
  }
  s.quality.push_back(q);
  for (std::size_t k = 0; k < alerted.size(); ++k) {
    s.alerts.push_back(Alert{.kind = "quality-drop",
                             .dimension = kDimension,
                             .window = s.windows[alerted[k]],
                             .test = k % 2 == 0 ? "CUSUM" : "two-proportion z"});
  }
  return s;
}

TEST(MonitorIncidents, ResolvesAfterResolveWeeksBackWithinTolerance) {
  //                      0  1  2  3     4     5     6  7  8  9
  const std::vector<bool> below{false, false, true, true, false, false, false, false, false,
                                false};
  MonitorStatus s = made_status(below, {2, 3}, MonitorSettings{});
  auto incidents = find_incidents(s);
  ASSERT_EQ(incidents.size(), 1U);
  EXPECT_FALSE(incidents[0].open);
  EXPECT_EQ(incidents[0].resolved, "2026-W06") << "two weeks back: weeks 5 and 6";
  EXPECT_EQ(incidents[0].started, "2026-W03");
  EXPECT_EQ(incidents[0].last, "2026-W04");
  // Stricter: seven weeks back needed, six available after the last alert.
  MonitorSettings strict;
  strict.resolve_weeks = 7;
  s.settings = strict;
  incidents = find_incidents(s);
  ASSERT_EQ(incidents.size(), 1U);
  EXPECT_TRUE(incidents[0].open);
  EXPECT_EQ(incidents[0].resolved, "");
}

TEST(MonitorIncidents, AnOpenIncidentTakesEveryLaterAlertAndReopensWithinMergeWeeks) {
  std::vector<bool> below(24, false);
  for (const std::size_t w : {3, 4, 5, 6, 7, 8, 9, 10}) below[w] = true;
  for (std::size_t w = 14; w < 24; ++w) below[w] = true;
  // Alerts at weeks 3 and 10, the signal below in between: one incident, 7 weeks apart (it never
  // came back). Back in weeks 11 and 12 (resolve_weeks 2): resolved at week 12. The alert at
  // week 15 is within merge_weeks (4) of that: the same problem again, the incident reopens.
  MonitorStatus s = made_status(below, {3, 10, 15}, MonitorSettings{});
  auto incidents = find_incidents(s);
  ASSERT_EQ(incidents.size(), 1U);
  EXPECT_TRUE(incidents[0].open);
  EXPECT_EQ(incidents[0].started, "2026-W04");
  EXPECT_EQ(incidents[0].last, "2026-W16");
  EXPECT_EQ(incidents[0].alerts.size(), 3U);
  // merge_weeks 2: week 15 is 3 weeks after the resolution, a second incident; the first one
  // keeps both of its alerts and its resolution.
  MonitorSettings narrow;
  narrow.merge_weeks = 2;
  s.settings = narrow;
  incidents = find_incidents(s);
  ASSERT_EQ(incidents.size(), 2U);
  EXPECT_TRUE(incidents[0].open) << "the open one first";
  EXPECT_EQ(incidents[0].started, "2026-W16");
  EXPECT_FALSE(incidents[1].open);
  EXPECT_EQ(incidents[1].started, "2026-W04");
  EXPECT_EQ(incidents[1].last, "2026-W11");
  EXPECT_EQ(incidents[1].resolved, "2026-W13");
  EXPECT_EQ(incidents[1].alerts.size(), 2U);
  EXPECT_EQ(incidents[1].detectors.size(), 2U);
}

// Resolved by hand as of week 8: closed there, though the signal is still below; the alert in
// week 12 opens a new incident.
TEST(MonitorIncidents, AnIncidentResolvedByHandClosesAndALaterAlertOpensANewOne) {
  std::vector<bool> below(16, false);
  for (std::size_t w = 3; w < 16; ++w) below[w] = true;
  MonitorStatus s = made_status(below, {3, 5, 12}, MonitorSettings{});
  ASSERT_EQ(find_incidents(s).size(), 1U);
  s.closed[std::string(kDimension) + "@2026-W04"] = "2026-W09";
  const auto incidents = find_incidents(s);
  ASSERT_EQ(incidents.size(), 2U);
  EXPECT_TRUE(incidents[0].open);
  EXPECT_EQ(incidents[0].started, "2026-W13");
  EXPECT_FALSE(incidents[1].open);
  EXPECT_TRUE(incidents[1].by_hand);
  EXPECT_EQ(incidents[1].resolved, "2026-W09");
  EXPECT_EQ(incidents[1].alerts.size(), 2U);
  EXPECT_NE(incidents[1].summary.find("Resolved by hand in 2026-W09"), std::string::npos);
}

TEST(MonitorStatus, TheTerminalCountsTheSlicesItLeavesOut) {
  StatusInput in = with_slices();
  const auto windows = week_names(kWeeks);
  for (const char* v : {"billing", "shipping", "returns"}) {
    QualitySeries more = flat_series(windows, 60, 0.9);
    more.slice = "category";
    more.value = v;
    in.quality.push_back(more);
  }
  const std::string t = status_terminal(compute_status(in, MonitorSettings{}), false);
  EXPECT_NE(t.find("\n  … and 2 more slices of moderation_correct (--format json or html has "
                   "every slice)\n"),
            std::string::npos)
      << t;
  EXPECT_EQ(t.find("?  … and"), std::string::npos) << t;
}

TEST(MonitorStatus, JsonHasEverySeriesAndWeek) {
  const MonitorStatus s = compute_status(with_slices(), MonitorSettings{});
  const auto j = nlohmann::json::parse(status_json(s));
  EXPECT_EQ(j["schema"], "qualbar.monitor-status/1");
  ASSERT_EQ(j["quality"].size(), 3U);
  const auto& overall = j["quality"][0];
  EXPECT_EQ(overall["dimension"], kDimension);
  EXPECT_EQ(overall["weeks"].size(), kWeeks);
  EXPECT_EQ(overall["baseline"]["from"], "2026-W01 – 2026-W04");
  EXPECT_TRUE(overall["weeks"][0]["p_value"].is_null());  // a baseline week is not tested
  EXPECT_TRUE(overall["cusum"]["path"][0].is_null());
  EXPECT_TRUE(overall["cusum"]["alarm"].is_string());
  EXPECT_TRUE(overall["theil_sen"]["slope_per_week"].get<double>() < 0);
  EXPECT_EQ(j["traffic"].size(), kWeeks);
  EXPECT_EQ(j["drift"].size(), kWeeks);
  EXPECT_FALSE(j["alerts"].empty());
  EXPECT_EQ(j["alerts"][0]["key"].get<std::string>(), s.alerts[0].key());
}

TEST(MonitorStatus, HtmlHasAChartPerSeriesAndEscapes) {
  const MonitorStatus s = compute_status(with_slices(), MonitorSettings{});
  const std::string h = status_html(s);
  const auto count = [&](const std::string& what) {
    std::size_t n = 0;
    for (auto at = h.find(what); at != std::string::npos; at = h.find(what, at + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count("<svg class=\"chart\" "), s.quality.size());
  // Every slice again as a small multiple, beside its dimension's others on one scale.
  const auto slices = static_cast<std::size_t>(std::count_if(
      s.quality.begin(), s.quality.end(), [](const SeriesStatus& q) { return !q.series.slice.empty(); }));
  EXPECT_GT(slices, 0U);
  EXPECT_EQ(count("<figure class=\"multiple"), slices);
  EXPECT_LT(h.find("<div class=\"multiples\">"), h.find("each slice's chart and weeks"));
  EXPECT_EQ(h.find("<script"), std::string::npos);
  EXPECT_EQ(h.find("<img"), std::string::npos);
  EXPECT_NE(h.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(h.find("Content-Security-Policy"), std::string::npos);
  EXPECT_NE(h.find("class=\"flag\""), std::string::npos);  // alert weeks are marked
}

TEST(MonitorStatus, QuietStatusSaysWhatWasChecked) {
  StatusInput in;
  in.windows = week_names(6);
  in.quality.push_back(flat_series(in.windows, 200, 0.94));
  const MonitorStatus s = compute_status(in, MonitorSettings{});
  EXPECT_TRUE(s.alerts.empty());
  EXPECT_EQ(status_terminal(s, false).rfind("qualbar monitor · 6 weeks, 2026-W01 – 2026-W06", 0),
            0U);
  EXPECT_NE(status_terminal(s, false).find("No open incidents: 1 quality series checked"),
            std::string::npos);
  EXPECT_NE(status_html(s).find("No open incidents"), std::string::npos);
}

TEST(MonitorStatus, WeightedWeeksUseTheirEffectiveSize) {
  StatusInput in;
  in.windows = week_names(6);
  in.quality.push_back(flat_series(in.windows, 200, 0.94));
  // 100 graded items standing for 400 records, as informative as 50 equal ones.
  in.quality[0].windows[5] = {
      .window = in.windows[5], .items = 100, .n = 400, .passes = 320, .effective_n = 50};
  const MonitorStatus s = compute_status(in, MonitorSettings{});
  const WindowVerdict& v = s.quality[0].weeks[5];
  EXPECT_DOUBLE_EQ(v.estimate, 0.8);
  const stats::Interval expected = stats::wilson(40, 50, 0.95);
  EXPECT_DOUBLE_EQ(v.interval.lo, expected.lo);
  EXPECT_DOUBLE_EQ(v.interval.hi, expected.hi);
  EXPECT_TRUE(v.below);
}

TEST(MonitorStatus, DegenerateInputsStillRender) {
  const MonitorStatus empty = compute_status(StatusInput{}, MonitorSettings{});
  EXPECT_TRUE(empty.alerts.empty());
  EXPECT_NE(status_terminal(empty, false).find("No open incidents"), std::string::npos);
  EXPECT_TRUE(nlohmann::json::parse(status_json(empty))["quality"].empty());
  EXPECT_NE(status_html(empty).find("No open incidents"), std::string::npos);

  StatusInput perfect;  // every baseline item passes: no CUSUM σ, the detector says why
  perfect.windows = week_names(8);
  perfect.quality.push_back(flat_series(perfect.windows, 100, 1.0));
  const MonitorStatus s = compute_status(perfect, MonitorSettings{});
  EXPECT_FALSE(s.quality[0].cusum.reason.empty());
  EXPECT_TRUE(s.alerts.empty());
  EXPECT_NE(status_terminal(s, false).find("CUSUM: not run"), std::string::npos);
  EXPECT_TRUE(nlohmann::json::parse(status_json(s))["quality"][0]["cusum"]["alarm"].is_null());
}

// ---- LengthHistogram ------------------------------------------------------------------------

TEST(LengthHistogram, BinsAreLogSpacedFourADoubling) {
  EXPECT_EQ(LengthHistogram::bin_of(0), 0U);
  EXPECT_EQ(LengthHistogram::bin_of(1), 1U);
  EXPECT_EQ(LengthHistogram::bin_of(2), 5U);
  EXPECT_EQ(LengthHistogram::bin_of(3), 7U);
  EXPECT_EQ(LengthHistogram::bin_of(4), 9U);
  EXPECT_EQ(LengthHistogram::bin_of(1024), 41U);
  EXPECT_EQ(LengthHistogram::bin_of(std::size_t{1} << 40), kLengthBins - 1);
  EXPECT_DOUBLE_EQ(LengthHistogram::bin_lower(0), 0.0);
  EXPECT_DOUBLE_EQ(LengthHistogram::bin_lower(41), 1024.0);
  for (std::size_t n = 1; n < 200'000; n += 1 + n / 50) {
    const std::size_t b = LengthHistogram::bin_of(n);
    EXPECT_LE(LengthHistogram::bin_lower(b), static_cast<double>(n)) << n;
    EXPECT_LT(static_cast<double>(n), LengthHistogram::bin_lower(b + 1)) << n;
  }
}

TEST(LengthHistogram, MergeAddsCounts) {
  LengthHistogram a, b;
  a.add(0);
  a.add(100);
  b.add(100);
  b.add(5000);
  a.merge(b);
  EXPECT_EQ(a.total(), 4U);
  EXPECT_EQ(a.counts[0], 1U);
  EXPECT_EQ(a.counts[LengthHistogram::bin_of(100)], 2U);
  EXPECT_EQ(a.counts[LengthHistogram::bin_of(5000)], 1U);
  EXPECT_EQ(b.total(), 2U);
}

}  // namespace QB_UNITY_ID
}  // namespace qb::monitor
