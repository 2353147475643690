// Production records in: POST /api/v1/records (and /api/v1/monitors/MONITOR/records), JSONL as
// `monitor ingest` reads it, and POST /v1/traces, OTLP/HTTP JSON spans with the GenAI semantic
// conventions (docs/ingest.md). Both queue their records for the store's writer
// (ingest_service.cpp) and answer once the records are stored.
#include <cctype>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "qualbar/core/error.hpp"
#include "qualbar/monitor/ingest.hpp"
#include "qualbar/monitor/otlp.hpp"
#include "qualbar/store/store.hpp"
#include "server/body_buffers.hpp"
#include "server/ingest_service.hpp"
#include "server/pages.hpp"
#include "server/routes.hpp"

namespace qb::server {
namespace {

constexpr std::size_t kMaxOtlpDepth = 64;

// The monitor a request names: `monitor` (a run id or prefix) or `suite` (a suite's name), from
// the path or the query; for OTLP, else the resource's service.name; else the store's only
// monitor. 404 when it is not a monitor, 400 when none is named and the store has several.
std::string ingest_monitor(Store& store, const Request& r, const std::string& service) {
  std::string id;
  if (const auto it = r.params.find("monitor"); it != r.params.end())
    id = it->second;
  else if (const auto m = r.param("monitor"))
    id = *m;
  const auto suite = r.query.find("suite");
  if (id.empty() && suite != r.query.end()) id = monitor::monitor_id(Suite{.name = suite->second});
  if (id.empty() && !service.empty()) {
    const std::string from_service = monitor::monitor_id(Suite{.name = service});
    try {
      if (store.runs().resolve_run_id(from_service) == from_service) id = from_service;
    } catch (const InputError&) {  // NOLINT(bugprone-empty-catch): no monitor of that name
    }
  }
  if (id.empty()) {
    std::vector<std::string> found;
    for (const RunInfo& info : store.runs().list_runs(100'000))
      if (info.status == RunStatus::monitor) found.push_back(info.id);
    if (found.size() != 1)
      throw HttpError(400, fmt::format("say which monitor the records are for: ?suite=NAME or "
                                       "?monitor=m-NAME (the store has {} monitors; GET "
                                       "/api/v1/monitors lists them)",
                                       found.size()));
    return found.front();
  }
  const std::string full = resolve_run(store, id);
  if (store.runs().load_summary(full).info.status != RunStatus::monitor)
    throw HttpError(404, fmt::format("run {} is not a monitor: records go to a monitor (m-SUITE), "
                                     "which `qualbar monitor ingest FILE --suite suite.yaml` "
                                     "creates with its suite",
                                     full));
  return full;
}

// The Idempotency-Key, scoped to who sent it; "" when none.
std::string idempotency_key(const Request& r) {
  const std::string key = r.header("idempotency-key");
  if (key.empty()) return "";
  if (key.size() > 255 ||
      !std::all_of(key.begin(), key.end(), [](unsigned char c) { return c > 32 && c < 127; }))
    throw HttpError(400, "the Idempotency-Key must be 1 to 255 visible ASCII characters");
  return fmt::format("{}\n{}\n{}", r.who ? r.who->name : "", r.path, key);
}

// Bodies the server cannot read are refused by name rather than misread.
void check_encoding(const Request& r, bool otlp) {
  const std::string encoding = r.header("content-encoding");
  if (!encoding.empty() && encoding != "identity")
    throw HttpError(415, fmt::format("Content-Encoding '{}' is not read: send the body "
                                     "uncompressed (the OpenTelemetry Collector's otlphttp "
                                     "exporter: compression: none)",
                                     encoding));
  const std::string type = r.header("content-type");
  if (type.find("protobuf") != std::string::npos)
    throw HttpError(415, otlp ? "OTLP protobuf is not read: send OTLP/HTTP JSON (Content-Type: "
                                "application/json; the OpenTelemetry Collector's otlphttp "
                                "exporter: encoding: json)"
                              : "records are JSON lines, not protobuf");
}

// The job queued for the writer once the handler returns; `arrival` is let go as it is.
Response queue(IngestService& service, IngestJob job,
               std::shared_ptr<IngestService::Arrival> arrival) {
  return Response{
      .status = 202,
      .deferred = [&service, job = std::move(job),
                   arrival = std::move(arrival)](std::function<void(Response)> send) mutable {
        job.send = std::move(send);
        std::function<void(Response)> refuse = job.send;
        const bool queued = service.submit(job);
        arrival.reset();
        if (!queued) {
          Response r = Response::error(429,
                                       "the ingest queue is full: retry after the "
                                       "time Retry-After says");
          r.headers.emplace_back("Retry-After", "1");
          refuse(std::move(r));
        }
      }};
}

std::string source_of(const Request& r) {
  return fmt::format("{} {} from {}", r.method, r.path, r.who ? r.who->name : r.peer);
}

}  // namespace

void add_ingest_routes(Router& router, const RouteContext& context) {
  if (!context.ingest) return;
  IngestService& service = *context.ingest;
  const std::string store_path = context.store_path;
  const auto records = [&service, store_path](const Request& r) {
    auto arrival = service.arriving();
    check_encoding(r, false);
    IngestJob job;
    job.monitor = ingest_monitor(thread_store(store_path), r, "");
    job.source = source_of(r);
    job.idempotency = idempotency_key(r);
    job.body = std::move(r.body);
    return queue(service, std::move(job), std::move(arrival));
  };
  router.add("POST", "/api/v1/records", Access::records_write, records);
  router.add("POST", "/api/v1/monitors/{monitor}/records", Access::records_write, records);
  router.add("POST", "/v1/traces", Access::records_write, [&service, store_path](const Request& r) {
    auto arrival = service.arriving();
    check_encoding(r, true);
    monitor::OtlpRecords spans;
    try {
      spans = monitor::otlp_json_records(r.body, kMaxOtlpDepth);
    } catch (const InputError& e) {
      throw HttpError(400, e.what());
    }
    recycle_body_buffer(r.body);  // its spans are records now
    IngestJob job;
    job.monitor = ingest_monitor(thread_store(store_path), r, spans.service);
    job.source = source_of(r);
    job.idempotency = idempotency_key(r);
    job.otlp = true;
    job.spans = spans.spans;
    job.skipped_spans = spans.skipped;
    job.body = std::move(spans.lines);
    return queue(service, std::move(job), std::move(arrival));
  });
}

}  // namespace qb::server
