// GET /metrics: what qualbar serve and its store hold, in the Prometheus text format (0.0.4):
// runs' last verdicts, each monitor's records, open incidents and review backlog, and the
// server's request latency by route.
#include <map>
#include <memory>

#include "qualbar/core/error.hpp"
#include "qualbar/monitor/monitor.hpp"
#include "qualbar/review/review.hpp"
#include "qualbar/store/store.hpp"
#include "server/ingest_service.hpp"
#include "server/metrics.hpp"
#include "server/routes.hpp"

namespace qb::server {
namespace {

// The newest complete run of each suite: 1 when it met every bar.
void run_verdicts(MetricsText& t, const std::vector<RunInfo>& runs) {
  t.family("qualbar_run_passed", "gauge",
           "1 when the newest complete run of the suite met every bar, else 0.");
  std::map<std::string, bool> newest;
  for (const RunInfo& info : runs) {  // newest first
    if (info.status == RunStatus::complete && info.archived_at.empty())
      newest.emplace(info.suite_name, info.passed);
  }
  for (const auto& [suite, passed] : newest)
    t.sample("qualbar_run_passed", {{"suite", suite}}, passed ? 1 : 0);
}

// Each monitor's status, computed as its dashboard computes it; none without records yet.
struct MonitorMetrics {
  std::string suite;
  std::uint64_t ingested = 0;
  std::size_t sampled = 0;
  std::map<std::string, std::size_t> open;  // signal → open incidents
  std::vector<std::tuple<std::string, std::string, std::size_t>> backlog;  // week, dimension, n
};

std::vector<MonitorMetrics> monitor_metrics(Store& store, const std::vector<RunInfo>& runs) {
  std::vector<MonitorMetrics> out;
  for (const RunInfo& info : runs) {
    if (info.status != RunStatus::monitor) continue;
    const review::RunData run = review::load_run_data(store, info.id, /*with_cases=*/false);
    monitor::StatusInput in;
    try {
      in = monitor::gather_status(store, run.suite);
    } catch (const InputError&) {
      continue;  // no production records yet
    }
    const monitor::MonitorStatus status = monitor::compute_status(in, run.suite.monitor);
    MonitorMetrics m;
    m.suite = info.suite_name;
    for (const auto& w : status.traffic) m.ingested += w.volume;
    m.sampled = store.monitor().samples(info.id).size();
    for (const auto& i : status.incidents)
      if (i.open) ++m.open[i.signal];
    for (const auto& p : status.review) {
      for (const auto& w : p.weeks)
        if (w.sampled > w.graded)
          m.backlog.emplace_back(w.window, p.dimension, w.sampled - w.graded);
    }
    out.push_back(std::move(m));
  }
  return out;
}

void write_monitors(MetricsText& t, const std::vector<MonitorMetrics>& monitors) {
  t.family("qualbar_monitor_records_ingested_total", "counter",
           "Production records ingested into the suite's monitor.");
  for (const auto& m : monitors)
    t.sample("qualbar_monitor_records_ingested_total", {{"suite", m.suite}},
             static_cast<double>(m.ingested));
  t.family("qualbar_monitor_records_sampled_total", "counter",
           "Production records kept whole in the suite's sample (for review and the judge).");
  for (const auto& m : monitors)
    t.sample("qualbar_monitor_records_sampled_total", {{"suite", m.suite}},
             static_cast<double>(m.sampled));
  t.family("qualbar_monitor_open_incidents", "gauge",
           "Open incidents of the suite's monitor, by signal (a dimension, an input or an "
           "operational signal).");
  for (const auto& m : monitors) {
    for (const auto& [signal, n] : m.open)
      t.sample("qualbar_monitor_open_incidents", {{"suite", m.suite}, {"signal", signal}},
               static_cast<double>(n));
  }
  t.family("qualbar_review_backlog", "gauge",
           "Sampled records of a week that people have not graded yet on a dimension.");
  for (const auto& m : monitors) {
    for (const auto& [week, dimension, n] : m.backlog)
      t.sample("qualbar_review_backlog",
               {{"suite", m.suite}, {"week", week}, {"dimension", dimension}},
               static_cast<double>(n));
  }
}

// What this process was sent over HTTP (POST /api/v1/records, /v1/traces) since it started, and
// what waits for the store's writer.
void write_ingest(MetricsText& t, const IngestService::Snapshot& s) {
  const auto counter = [&](const char* name, const char* help,
                           std::uint64_t IngestService::Counts::*field) {
    t.family(name, "counter", help);
    for (const auto& [monitor, c] : s.monitors) {
      const std::string suite = monitor.rfind("m-", 0) == 0 ? monitor.substr(2) : monitor;
      t.sample(name, {{"suite", suite}}, static_cast<double>(c.*field));
    }
  };
  counter("qualbar_ingest_records_received_total",
          "Production records this server was sent for the suite (good and bad lines).",
          &IngestService::Counts::received);
  counter("qualbar_ingest_records_quarantined_total",
          "Lines sent for the suite that were not valid records (kept in the quarantine file).",
          &IngestService::Counts::quarantined);
  counter("qualbar_ingest_records_duplicate_total",
          "Records sent for the suite whose id was already counted in its week.",
          &IngestService::Counts::duplicates);
  t.family("qualbar_ingest_queue_requests", "gauge",
           "Requests of production records waiting for the store's writer.");
  t.sample("qualbar_ingest_queue_requests", {}, static_cast<double>(s.queued_requests));
  t.family("qualbar_ingest_queue_bytes", "gauge", "Bytes of those requests' bodies.");
  t.sample("qualbar_ingest_queue_bytes", {}, static_cast<double>(s.queued_bytes));
  t.family("qualbar_ingest_refused_total", "counter",
           "Requests answered 429 because the ingest queue was full.");
  t.sample("qualbar_ingest_refused_total", {}, static_cast<double>(s.refused));
}

}  // namespace

void add_metrics_routes(Router& router, const RouteContext& context,
                        const std::shared_ptr<RequestMetrics>& requests) {
  router.set_metrics(requests.get());
  const std::string path = context.store_path;
  const std::shared_ptr<IngestService> ingest = context.ingest;
  router.add("GET", "/metrics", Access::read, [path, requests, ingest](const Request&) {
    Store& store = thread_store(path);
    const std::vector<RunInfo> runs = store.runs().list_runs(100'000);
    MetricsText t;
    run_verdicts(t, runs);
    write_monitors(t, monitor_metrics(store, runs));
    if (ingest) write_ingest(t, ingest->snapshot());
    requests->write(t.text());
    Response r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = std::move(t.text());
    return r;
  });
}

}  // namespace qb::server
