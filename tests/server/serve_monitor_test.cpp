// qualbar serve evaluates the monitors itself: two serve processes on one store open each incident
// once and post it to the webhook once. /metrics is the Prometheus text format, checked by a
// small parser of that format.
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <sstream>

#include "serve_fixture.hpp"

namespace qb {
namespace QB_UNITY_ID {

using nlohmann::json;
using test::run_qualbar;

int port_of(test::RunningQualbar& server) {
  for (int i = 0; i < 400; ++i) {
    const std::string out = server.out_so_far();
    const auto at = out.find("http://127.0.0.1:");
    if (at != std::string::npos) return std::stoi(out.substr(at + 17));
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return 0;
}

TEST(ServeMonitor, TwoServersOnOneStoreOpenEachIncidentOnceAndPostItOnce) {
  test::TempDir dir("qualbar-serve-monitor");
  ASSERT_EQ(run_qualbar("demo --dir d --store s.db", dir).exit_code, 0);
  ASSERT_EQ(run_qualbar("monitor ingest d/production.jsonl --suite d/suite.yaml --store s.db", dir)
                .exit_code,
            0);
  const auto t = run_qualbar("tokens add prom --scope read --store s.db", dir);
  const std::string token = t.out.substr(t.out.find("  qbt_") + 2, 47);

  httplib::Server hook;
  std::mutex mu;
  std::vector<json> posted;
  hook.Post("/hook", [&](const httplib::Request& req, httplib::Response& res) {
    const std::lock_guard lock(mu);
    posted.push_back(json::parse(req.body));
    res.status = 200;
  });
  const int hook_port = hook.bind_to_any_port("127.0.0.1");
  std::thread hook_thread([&] { hook.listen_after_bind(); });
  const std::string url = "http://127.0.0.1:" + std::to_string(hook_port) + "/hook";

  std::vector<std::unique_ptr<test::RunningQualbar>> servers;
  for (int i = 0; i < 2; ++i) {
    servers.push_back(test::start_qualbar({"serve", "--store", "s.db", "--listen", "127.0.0.1:0",
                                           "--monitor-every", "1", "--webhook", url},
                                          dir));
  }
  const int port = port_of(*servers[0]);
  ASSERT_NE(port, 0) << servers[0]->err_so_far();
  ASSERT_NE(port_of(*servers[1]), 0) << servers[1]->err_so_far();
  // Both tick every second: wait for the first post, then several more ticks of each.
  for (int i = 0; i < 600; ++i) {
    {
      const std::lock_guard lock(mu);
      if (!posted.empty()) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::this_thread::sleep_for(std::chrono::seconds(4));

  httplib::Client c("127.0.0.1", port);
  c.set_default_headers({{"Authorization", "Bearer " + token}});
  const auto r = c.Get("/api/v1/monitors/m-support-assistant-demo/incidents");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const json incidents = json::parse(r->body);
  std::set<std::string> open;
  for (const auto& i : incidents["incidents"])
    if (i["open"].get<bool>()) open.insert(i["id"].get<std::string>());
  const std::string metrics = c.Get("/metrics")->body;
  for (auto& s : servers) {
    s->signal(SIGTERM);
    const auto ended = s->wait();
    EXPECT_EQ(ended.exit_code, 0) << ended.err;
  }
  hook.stop();
  hook_thread.join();

  ASSERT_FALSE(open.empty()) << "the demo's production log drifts: an incident is open";
  std::multiset<std::string> opened;
  for (const auto& p : posted) {
    EXPECT_EQ(p["event"], "incident.opened") << p.dump();
    opened.insert(p["incident"]["id"].get<std::string>());
  }
  EXPECT_EQ(opened.size(), open.size()) << "one post per incident, whichever server posted it";
  EXPECT_EQ(std::set<std::string>(opened.begin(), opened.end()), open);
  EXPECT_NE(metrics.find("qualbar_monitor_open_incidents{suite=\"support-assistant-demo\""),
            std::string::npos)
      << metrics;
}

// The Prometheus text format 0.0.4 as promtool checks it, for what /metrics writes: every sample
// of a family announced by its HELP and TYPE lines, names and labels well formed, label values
// escaped, a histogram's buckets cumulative and ending at le="+Inf" equal to its _count.
struct Family {
  std::string type;
  std::vector<std::pair<std::map<std::string, std::string>, double>> samples;  // by full name
  std::vector<std::string> names;
};

std::map<std::string, Family> parse_exposition(const std::string& text) {
  std::map<std::string, Family> families;
  std::set<std::string> helped;
  const std::regex help(R"(^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$)");
  const std::regex type(
      R"(^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$)");
  const std::regex sample(R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$)");
  const std::regex label(R"re(^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\\\|\\"|\\n)*)"(,|$))re");
  std::string current;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::smatch m;
    if (std::regex_match(line, m, help)) {
      EXPECT_TRUE(helped.insert(m[1]).second) << "HELP twice: " << line;
      continue;
    }
    if (std::regex_match(line, m, type)) {
      EXPECT_TRUE(helped.count(m[1])) << "TYPE before HELP: " << line;
      EXPECT_FALSE(families.count(m[1])) << "TYPE twice: " << line;
      current = m[1];
      families[current].type = m[2];
      continue;
    }
    EXPECT_FALSE(line.empty() || line[0] == '#') << "unexpected line: " << line;
    EXPECT_TRUE(std::regex_match(line, m, sample)) << "not a sample: " << line;
    if (m.empty()) continue;
    const std::string name = m[1];
    const std::string& type_of = families[current].type;
    const bool ok =
        name == current ||
        (type_of == "histogram" &&
         (name == current + "_bucket" || name == current + "_sum" || name == current + "_count"));
    EXPECT_TRUE(ok) << name << " outside its family " << current;
    std::map<std::string, std::string> labels;
    std::string rest = m[3];
    while (!rest.empty()) {
      std::smatch l;
      if (!std::regex_search(rest, l, label)) {
        ADD_FAILURE() << "bad labels in: " << line;
        break;
      }
      labels[l[1]] = l[2];
      rest = l.suffix();
    }
    std::size_t used = 0;
    const std::string value = m[4];
    double v = 0;
    if (value == "+Inf" || value == "-Inf" || value == "NaN") {
      v = value == "NaN" ? std::nan("") : (value == "+Inf" ? 1 : -1) * INFINITY;
    } else {
      v = std::stod(value, &used);
      EXPECT_EQ(used, value.size()) << line;
    }
    if (name != current) labels["__name__"] = name;
    families[current].samples.emplace_back(labels, v);
  }
  return families;
}

void check_histograms(const std::map<std::string, Family>& families) {
  for (const auto& [name, f] : families) {
    if (f.type != "histogram") continue;
    // Per series (labels but le): buckets in order, cumulative, +Inf last and equal to _count.
    std::map<std::map<std::string, std::string>, std::vector<std::pair<std::string, double>>>
        buckets;
    std::map<std::map<std::string, std::string>, double> counts;
    for (auto [labels, v] : f.samples) {
      const std::string kind = labels["__name__"];
      labels.erase("__name__");
      if (kind == name + "_bucket") {
        const std::string le = labels["le"];
        labels.erase("le");
        buckets[labels].emplace_back(le, v);
      } else if (kind == name + "_count") {
        counts[labels] = v;
      }
    }
    ASSERT_FALSE(buckets.empty()) << name;
    for (const auto& [series, b] : buckets) {
      ASSERT_EQ(b.back().first, "+Inf") << name;
      ASSERT_TRUE(counts.count(series)) << name << ": no _count";
      EXPECT_EQ(b.back().second, counts.at(series)) << name;
      for (std::size_t i = 1; i < b.size(); ++i) {
        EXPECT_LE(b[i - 1].second, b[i].second) << name << " not cumulative at le=" << b[i].first;
        if (b[i].first != "+Inf") {
          EXPECT_LT(std::stod(b[i - 1].first), std::stod(b[i].first));
        }
      }
    }
  }
}

TEST(ServeMetrics, MetricsAreThePrometheusTextFormat) {
  test::ServedDemo demo;
  auto read = demo.with_token("read");
  for (const char* path : {"/api/v1/runs", "/api/v1/runs/latest/summary", "/nothing/here"})
    (void)read.Get(path);
  EXPECT_EQ(demo.anonymous().Get("/metrics")->status, 401);
  EXPECT_EQ(demo.as("reviewer").Get("/metrics")->status, 403);
  const auto r = read.Get("/metrics");
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  const auto families = parse_exposition(r->body);
  check_histograms(families);
  for (const char* name :
       {"qualbar_run_passed", "qualbar_monitor_records_ingested_total",
        "qualbar_monitor_records_sampled_total", "qualbar_monitor_open_incidents",
        "qualbar_review_backlog", "qualbar_http_request_duration_seconds"}) {
    EXPECT_TRUE(families.count(name)) << name << " missing:\n" << r->body;
  }
  EXPECT_NE(r->body.find("qualbar_run_passed{suite=\"support-assistant-demo\"} 0\n"),
            std::string::npos)
      << r->body;
  EXPECT_NE(
      r->body.find("qualbar_monitor_records_ingested_total{suite=\"support-assistant-demo\"} "),
      std::string::npos);
  EXPECT_NE(r->body.find("qualbar_http_request_duration_seconds_count{route=\"/api/v1/runs/{id}/"
                         "summary\",method=\"GET\"} 1\n"),
            std::string::npos)
      << r->body;
  EXPECT_NE(r->body.find("route=\"(none)\""), std::string::npos);
  // Label values are escaped.
  EXPECT_EQ(parse_exposition("# HELP a x\n# TYPE a gauge\na{s=\"q\\\"uote\\\\\"} 1\n")
                .at("a")
                .samples[0]
                .first.at("s"),
            "q\\\"uote\\\\");
}

}  // namespace QB_UNITY_ID
}  // namespace qb
