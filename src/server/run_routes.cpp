// The runs: the list, a run's summary, report and cases as JSON, and the run's page.
#include <algorithm>
#include <memory>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "qualbar/core/error.hpp"
#include "qualbar/metrics/report.hpp"
#include "qualbar/metrics/report_codec.hpp"
#include "qualbar/report/format.hpp"
#include "qualbar/review/review.hpp"
#include "qualbar/store/store.hpp"
#include "report/html_escape.hpp"
#include "server/pages.hpp"
#include "server/routes.hpp"

namespace qb::server {
namespace {

using nlohmann::json;

json run_json(const RunInfo& info) {
  return {{"id", info.id},
          {"suite", info.suite_name},
          {"model", info.model},
          {"provider", info.provider},
          {"started_at", info.started_at},
          {"ended_at", info.ended_at},
          {"status", to_string(info.status)},
          {"n_cases", info.n_cases},
          {"n_errors", info.n_errors},
          {"passed", info.passed},
          {"links",
           {{"summary", "/api/v1/runs/" + info.id + "/summary"},
            {"report", "/api/v1/runs/" + info.id + "/report"},
            {"cases", "/api/v1/runs/" + info.id + "/cases"},
            {"page", "/runs/" + info.id}}}};
}

// The stored report of a complete run, decoded, with the suite it was run with.
struct StoredReport {
  review::RunData data;
  Report report;
  // The summary's JSON, made on first use (a thread's cache entry: no other thread reads it).
  mutable std::string summary;
};

StoredReport load_report(Store& store, const std::string& full_id) {
  StoredReport out{review::load_run_data(store, full_id, /*with_cases=*/false), {}};
  const RunInfo& info = out.data.stored.info;
  if (info.status != RunStatus::complete) {
    throw HttpError(409, fmt::format("run {} is {} and has no report yet", info.id,
                                     to_string(info.status)));
  }
  if (out.data.stored.report.empty()) {
    throw HttpError(409, fmt::format("run {} was stored by an older qualbar: run `qualbar report "
                                     "{}` once to store its report",
                                     info.id, info.id));
  }
  out.report = decode_report(out.data.stored.report, "store run " + info.id);
  return out;
}

// A complete run's report never changes: each server thread keeps the last few it decoded (the
// suite parsed, the report decoded), so a page or an API call reads the store once, for the id.
constexpr std::size_t kCachedReports = 8;

const StoredReport& stored_report(Store& store, const std::string& id) {
  thread_local std::vector<std::pair<std::string, std::shared_ptr<const StoredReport>>> cache;
  const std::string full = resolve_run(store, id);
  for (std::size_t i = 0; i < cache.size(); ++i) {
    if (cache[i].first != full) continue;
    std::rotate(cache.begin(), cache.begin() + static_cast<std::ptrdiff_t>(i),
                cache.begin() + static_cast<std::ptrdiff_t>(i) + 1);  // most recent first
    return *cache.front().second;
  }
  auto loaded = std::make_shared<const StoredReport>(load_report(store, full));
  if (cache.size() == kCachedReports) cache.pop_back();
  cache.insert(cache.begin(), {full, std::move(loaded)});
  return *cache.front().second;
}

// A registered report format of a stored report (json, html, markdown, ...), without the cases.
std::string render(const StoredReport& s, const std::string& format) {
  const ScoreTable none;
  std::ostringstream out;
  report_format_registry().get(format).write(
      ReportInput{s.report, s.data.suite, {}, {}, none}, out);
  return out.str();
}

// The runs a filter keeps: suite, model and status equal; started on or after `since` and before
// `until` (RFC 3339 dates or times, compared as UTC text: 2026-11-27 or 2026-11-27T09:00).
bool keeps(const Request& r, const RunInfo& info) {
  const auto is = [&](const char* name, const std::string& value) {
    const auto want = r.param(name);
    return !want || *want == value;
  };
  const std::string since = r.param("since").value_or(""), until = r.param("until").value_or("");
  return is("suite", info.suite_name) && is("model", info.model) &&
         is("status", std::string(to_string(info.status))) &&
         (since.empty() || info.started_at >= since) && (until.empty() || info.started_at < until);
}

// The newest `limit` runs, monitors left out (they are listed under /api/v1/monitors): the store
// lists both, so it is asked again for as many more as there were monitors among them.
std::vector<RunInfo> newest_runs(Store& store, std::size_t limit) {
  std::size_t asked = limit;
  for (;;) {
    std::vector<RunInfo> all = store.runs().list_runs(asked), runs;
    for (RunInfo& info : all)
      if (info.status != RunStatus::monitor && runs.size() < limit) runs.push_back(std::move(info));
    if (runs.size() >= limit || all.size() < asked) return runs;
    asked += limit - runs.size();
  }
}

Response runs_api(Store& store, const Request& r) {
  const std::size_t limit = number_param(r, "limit", 100, 10'000);
  if (const auto s = r.param("status");
      s && *s != "complete" && *s != "running" && *s != "interrupted" && *s != "failed") {
    throw HttpError(400, fmt::format("query parameter 'status': '{}' is not a status (complete, "
                                     "running, interrupted, failed)",
                                     *s));
  }
  json runs = json::array();
  for (const RunInfo& info : newest_runs(store, limit)) {
    if (!keeps(r, info)) continue;
    runs.push_back(run_json(info));
  }
  return Response::json(dump({{"runs", runs}}));
}

Response summary_api(Store& store, const Request& r) {
  const StoredReport& s = stored_report(store, r.params.at("id"));
  if (s.summary.empty()) {
    const json report = json::parse(render(s, "json"));
    json failures = json::array();
    if (report.contains("summary") && report["summary"].contains("failures"))
      failures = report["summary"]["failures"];
    s.summary = dump({{"run", run_json(s.data.stored.info)},
                      {"passed", s.report.passed},
                      {"failures", failures}});
  }
  return Response::json(s.summary);
}

Response cases_api(Store& store, const Request& r) {
  const StoredReport& s = stored_report(store, r.params.at("id"));
  const std::string& id = s.data.stored.info.id;
  CaseFilter filter;
  filter.failing = r.param("failing").value_or("");
  filter.slice = r.param("slice").value_or("");
  filter.slice_value = r.param("value").value_or("");
  filter.text = r.param("q").value_or("");
  std::optional<std::size_t> after;
  if (r.param("after")) after = number_param(r, "after", 0, static_cast<std::size_t>(-1) / 2);
  const std::size_t limit = number_param(r, "limit", 50, 1000);
  const CasePage page = store.runs().cases(id, filter, after, limit);
  json rows = json::array();
  for (const CaseRow& c : page.rows) {
    // Every dimension's score, with whether the case fails it (as the report counts it).
    json scores = json::object();
    for (std::size_t d = 0; d < c.scores.size() && d < s.report.dimensions.size(); ++d) {
      const Score& sc = c.scores[d];
      const DimensionResult& dim = s.report.dimensions[d];
      scores[dim.name] = {{"value", sc.value},
                          {"status", std::string(to_string(sc.status))},
                          {"evidence", sc.evidence},
                          {"failing", case_failed(dim, ScoreView{sc.value, sc.status, sc.evidence})}};
    }
    json row = {{"index", c.index},
                {"id", c.id},
                {"case", json::parse(c.case_json, nullptr, false)},
                {"response", c.response_json ? json::parse(*c.response_json, nullptr, false)
                                             : json(nullptr)},
                {"scores", std::move(scores)}};
    rows.push_back(std::move(row));
  }
  json out = {{"run", id}, {"cases", rows}, {"next", nullptr}};
  if (page.next) out["next"] = *page.next;
  return Response::json(dump(out));
}

Response runs_page(Store& store, const Request& r) {
  std::string body = "<h1>Runs</h1>\n<table>\n<thead><tr><th>run</th><th>started (UTC)</th>"
                     "<th>suite</th><th>model</th><th>cases</th><th>errors</th><th>result</th>"
                     "</tr></thead>\n<tbody>\n";
  std::size_t shown = 0;
  for (const RunInfo& info : store.runs().list_runs(200)) {
    if (info.status == RunStatus::monitor) continue;
    ++shown;
    const std::string result = info.status != RunStatus::complete ? std::string(to_string(info.status))
                               : info.passed                        ? "PASS"
                                                                    : "FAIL";
    body += fmt::format(
        "<tr><td><a href=\"/runs/{}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td>"
        "<td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>\n",
        html::attr(info.id), html::text(info.id), html::text(info.started_at),
        html::text(info.suite_name), html::text(info.model), info.n_cases, info.n_errors,
        html::text(result));
  }
  body += "</tbody>\n</table>\n";
  if (shown == 0) body += "<p>No runs yet: <code>qualbar run SUITE</code> stores one here.</p>\n";
  return page(r, "Runs", body);
}

}  // namespace

void add_run_routes(Router& router, const RouteContext& context) {
  const std::string store_path = context.store_path;
  const auto with_store = [store_path](Response (*f)(Store&, const Request&)) -> Handler {
    return [store_path, f](const Request& r) { return f(thread_store(store_path), r); };
  };
  router.add("GET", "/api/v1/runs", Access::read, with_store(&runs_api));
  router.add("GET", "/api/v1/runs/{id}/summary", Access::read, with_store(&summary_api));
  router.add("GET", "/api/v1/runs/{id}/report", Access::read,
             with_store([](Store& s, const Request& r) {
               return Response::json(render(stored_report(s, r.params.at("id")), "json"));
             }));
  router.add("GET", "/api/v1/runs/{id}/cases", Access::read, with_store(&cases_api));
  router.add("GET", "/", Access::read, with_store(&runs_page));
  router.add("GET", "/runs/{id}", Access::read, with_store([](Store& s, const Request& r) {
               // The run's HTML report as `qualbar report --format html` writes it; its own
               // policy (a meta element) allows its one script by hash.
               Response page = Response::html(render(stored_report(s, r.params.at("id")), "html"));
               page.headers.emplace_back("Content-Security-Policy",
                                         "frame-ancestors 'none'; form-action 'self'");
               return page;
             }));
}

}  // namespace qb::server
