// The operational signals of the monitor (errors, refusals, latency, cost): a rise beyond
// tolerance is an incident, a flat stream is quiet, and a signal back for resolve_weeks resolves.
#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "qualbar/monitor/status.hpp"
#include "qualbar/stats/random.hpp"

namespace qb::monitor {
namespace QB_UNITY_ID {

using stats::Rng;

constexpr std::size_t kWeeks = 26;

// What one week of traffic measures, before noise.
struct Week {
  double error_rate = 0.01;
  double refusal_rate = 0.03;
  double p50 = 1091, p95 = 2400;  // ms
  double cost = 0.0004;           // USD per response
};

// 26 weeks of 10,000 records each; `week(w)` says what week w truly is. Latency and cost move
// ±3% from week to week as real traffic does; the rates are binomial.
StatusInput traffic(std::uint64_t seed, const std::function<Week(std::size_t)>& week) {
  Rng rng(seed, 11);
  StatusInput in;
  for (std::size_t w = 0; w < kWeeks; ++w) {
    in.windows.push_back(fmt::format("2026-W{:02}", w + 1));
    const Week truth = week(w);
    WindowTraffic t;
    t.window = in.windows.back();
    t.volume = 10000;
    for (std::size_t i = 0; i < t.volume; ++i) {
      t.errors += rng.uniform() < truth.error_rate ? 1 : 0;
      t.refusals += rng.uniform() < truth.refusal_rate ? 1 : 0;
    }
    t.refusal_records = t.volume;
    const auto jitter = [&] { return 1.0 + 0.03 * (2.0 * rng.uniform() - 1.0); };
    t.latency_p50 = truth.p50 * jitter();
    t.latency_p95 = truth.p95 * jitter();
    t.cost_records = t.volume;
    t.cost = truth.cost * jitter() * static_cast<double>(t.volume);
    in.traffic.push_back(t);
  }
  return in;
}

const Incident* incident_on(const MonitorStatus& s, const std::string& signal) {
  for (const auto& i : s.incidents)
    if (i.signal == signal) return &i;
  return nullptr;
}

std::size_t operations_incidents(const MonitorStatus& s) {
  return static_cast<std::size_t>(std::count_if(s.incidents.begin(), s.incidents.end(),
                                                [](const Incident& i) { return i.kind == "operations"; }));
}

// The issue's example: p50 rising from 1,091 to 1,585 ms over six months, unflagged before.
TEST(MonitorOperations, ALatencyRiseIsOneIncidentNamingTheBaseline) {
  const MonitorStatus s = compute_status(traffic(1, [](std::size_t w) {
                                           Week x;
                                           x.p50 = 1091 + (1585 - 1091) * static_cast<double>(w) / 25.0;
                                           return x;
                                         }),
                                         MonitorSettings{});
  ASSERT_EQ(operations_incidents(s), 1u) << status_terminal(s, false);
  const Incident* i = incident_on(s, "latency p50");
  ASSERT_NE(i, nullptr);
  EXPECT_TRUE(i->open);
  EXPECT_EQ(i->kind, "operations");
  EXPECT_EQ(i->id.substr(0, 12), "latency-p50@");
  // The rise passes 20% of the baseline (≈ 1,120 ms, weeks 1–4) about week 12; CUSUM sees it soon
  // after, not at the end.
  EXPECT_GE(i->started, "2026-W10") << i->summary;
  EXPECT_LE(i->started, "2026-W20") << i->summary;
  EXPECT_NE(i->summary.find("Latency p50 is "), std::string::npos) << i->summary;
  EXPECT_NE(i->summary.find("above its baseline"), std::string::npos) << i->summary;
  EXPECT_NE(i->summary.find("2026-W01 – 2026-W04"), std::string::npos) << i->summary;
  EXPECT_EQ(open_incidents(s), 1u);

  const std::string terminal = status_terminal(s, false);
  EXPECT_NE(terminal.find("OPERATIONS"), std::string::npos);
  EXPECT_LT(terminal.find("latency-p50@"), terminal.find("OPERATIONS")) << "incidents come first";
  const auto j = nlohmann::json::parse(status_json(s));
  bool found = false;
  for (const auto& o : j["operations"]) {
    if (o["signal"] != "latency p50") continue;
    found = true;
    EXPECT_EQ(o["unit"], "ms");
    EXPECT_NEAR(o["tolerance"].get<double>(), 0.2 * o["baseline"].get<double>(), 1e-9);
    EXPECT_EQ(o["weeks"].size(), kWeeks);
    EXPECT_TRUE(o["weeks"][25]["over"].get<bool>());
    EXPECT_FALSE(o["weeks"][0]["over"].get<bool>());
  }
  EXPECT_TRUE(found);
  const std::string h = status_html(s);
  EXPECT_NE(h.find("<h2>Traffic and operations</h2>"), std::string::npos);
  // The latency panel: both quantiles, and a week over the tolerance drawn red.
  const auto latency = h.find("<strong>Latency</strong>");
  ASSERT_NE(latency, std::string::npos);
  const std::string panel = h.substr(latency, h.find("</figure>", latency) - latency);
  EXPECT_NE(panel.find("latency p95"), std::string::npos);
  EXPECT_NE(panel.find("class=\"pt below\""), std::string::npos);
}

TEST(MonitorOperations, ErrorsJumpingThreePointsOpenAnIncidentThatResolvesWhenTheyFallBack) {
  const auto errors = [](std::size_t from, std::size_t to) {
    return [from, to](std::size_t w) {
      Week x;
      if (w >= from && w < to) x.error_rate = 0.04;
      return x;
    };
  };
  MonitorStatus s = compute_status(traffic(2, errors(14, kWeeks)), MonitorSettings{});
  const Incident* i = incident_on(s, "error rate");
  ASSERT_NE(i, nullptr) << status_terminal(s, false);
  EXPECT_EQ(i->started, "2026-W15");
  EXPECT_TRUE(i->open);
  EXPECT_NE(std::find(i->detectors.begin(), i->detectors.end(), "two-proportion z"),
            i->detectors.end());
  EXPECT_EQ(operations_incidents(s), 1u) << status_terminal(s, false);

  // Back to 1% from week 20: two weeks later it resolves by itself.
  s = compute_status(traffic(2, errors(14, 19)), MonitorSettings{});
  i = incident_on(s, "error rate");
  ASSERT_NE(i, nullptr);
  EXPECT_FALSE(i->open) << i->summary;
  EXPECT_EQ(i->resolved, "2026-W21");
  EXPECT_EQ(open_incidents(s), 0u) << status_terminal(s, false);
}

// A rise of one point on a 1% error rate is significant on 10,000 records but within the
// 2-point tolerance: no incident.
TEST(MonitorOperations, ASignificantRiseWithinToleranceIsNoIncident) {
  const MonitorStatus s = compute_status(traffic(3,
                                                 [](std::size_t w) {
                                                   Week x;
                                                   if (w >= 10) x.error_rate = 0.02;
                                                   return x;
                                                 }),
                                         MonitorSettings{});
  EXPECT_EQ(incident_on(s, "error rate"), nullptr) << status_terminal(s, false);
}

// More refusals is the problem; fewer is not an alert of any kind.
TEST(MonitorOperations, RefusalsRisingAreAnIncidentAndFallingAreNot) {
  const auto refusals = [](double later) {
    return [later](std::size_t w) {
      Week x;
      if (w >= 12) x.refusal_rate = later;
      return x;
    };
  };
  MonitorStatus s = compute_status(traffic(4, refusals(0.09)), MonitorSettings{});
  const Incident* i = incident_on(s, "refusal rate");
  ASSERT_NE(i, nullptr) << status_terminal(s, false);
  EXPECT_EQ(i->started, "2026-W13");
  EXPECT_NE(i->summary.find("points above its baseline of 3.0%"), std::string::npos) << i->summary;
  s = compute_status(traffic(4, refusals(0.0)), MonitorSettings{});
  EXPECT_EQ(operations_incidents(s), 0u) << status_terminal(s, false);
}

TEST(MonitorOperations, CostPerResponseUsesItsOwnTolerance) {
  const auto cost = [](std::size_t w) {
    Week x;
    if (w >= 8) x.cost = 0.0006;  // +50%
    return x;
  };
  MonitorStatus s = compute_status(traffic(5, cost), MonitorSettings{});
  ASSERT_NE(incident_on(s, "cost per response"), nullptr) << status_terminal(s, false);
  MonitorSettings lax;
  lax.cost_tolerance = 0.6;
  s = compute_status(traffic(5, cost), lax);
  EXPECT_EQ(incident_on(s, "cost per response"), nullptr) << status_terminal(s, false);
}

// Errors up, back for months, up again: two incidents, the first resolved.
TEST(MonitorOperations, ASecondRiseAfterARecoveryIsASecondIncident) {
  const MonitorStatus s = compute_status(traffic(7,
                                                 [](std::size_t w) {
                                                   Week x;
                                                   if ((w >= 7 && w < 11) || w >= 20)
                                                     x.error_rate = 0.05;
                                                   return x;
                                                 }),
                                         MonitorSettings{});
  std::vector<const Incident*> errors;
  for (const auto& i : s.incidents)
    if (i.signal == "error rate") errors.push_back(&i);
  ASSERT_EQ(errors.size(), 2U) << status_terminal(s, false);
  EXPECT_TRUE(errors[0]->open);
  EXPECT_EQ(errors[0]->started, "2026-W21");
  EXPECT_FALSE(errors[1]->open);
  EXPECT_EQ(errors[1]->started, "2026-W08");
  EXPECT_EQ(errors[1]->resolved, "2026-W13");
}

// Steady traffic with its week-to-week noise: over 200 half-years, an operational incident in
// at most 2% of them (five signals, four detectors each, 22 tested weeks).
TEST(MonitorOperations, SteadyTrafficRarelyRaisesAnIncident) {
  std::size_t with_incident = 0;
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    const MonitorStatus s = compute_status(traffic(seed, [](std::size_t) { return Week{}; }),
                                           MonitorSettings{});
    ASSERT_EQ(s.operations.size(), 5u);
    with_incident += operations_incidents(s) > 0 ? 1 : 0;
  }
  EXPECT_LE(with_incident, 4u);
}

// A week whose latency comes from fewer records than a graded week needs is listed, not tested;
// a monitor without latencies or costs has no such signal at all.
TEST(MonitorOperations, ThinWeeksAreNotTestedAndAbsentMeasuresAreNoSignal) {
  StatusInput in = traffic(6, [](std::size_t) { return Week{}; });
  in.traffic[20].volume = 10;
  in.traffic[20].errors = 0;
  in.traffic[20].latency_p50 = 9000;
  for (auto& t : in.traffic) {
    t.cost_records = 0;
    t.cost = 0;
  }
  const MonitorStatus s = compute_status(in, MonitorSettings{});
  EXPECT_EQ(incident_on(s, "latency p50"), nullptr) << status_terminal(s, false);
  for (const auto& o : s.operations) {
    EXPECT_NE(o.signal, "cost per response");
    if (o.signal == "latency p50") {
      EXPECT_TRUE(std::isnan(o.excess[20]));
      EXPECT_FALSE(o.over[20]);
    }
  }
}

}  // namespace QB_UNITY_ID
}  // namespace qb::monitor
