// Production: the monitored suites with their open incidents, each one's dashboard (the renderer
// `qualbar monitor status --out html` writes), and the monitor status and incidents as JSON.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "qualbar/core/error.hpp"
#include "qualbar/monitor/monitor.hpp"
#include "qualbar/review/review.hpp"
#include "qualbar/store/store.hpp"
#include "report/html_escape.hpp"
#include "server/pages.hpp"
#include "server/routes.hpp"

namespace qb::server {
namespace {

using nlohmann::json;

// The monitors the store holds: runs of status monitor, "m-" and their suite's name.
constexpr std::size_t kMostMonitors = 1000;

std::vector<RunInfo> monitors(Store& store) {
  std::vector<RunInfo> out;
  for (RunInfo& info : store.runs().list_runs(100'000))
    if (info.status == RunStatus::monitor && out.size() < kMostMonitors) out.push_back(std::move(info));
  return out;
}

// A monitor's status as `qualbar monitor status` computes it, from the suite stored with it;
// incidents acknowledged or resolved by hand say so, and nothing is recorded.
struct MonitorView {
  RunInfo info;
  monitor::MonitorStatus status;
};

MonitorView monitor_view(Store& store, const std::string& id) {
  const std::string full = resolve_run(store, id);
  const review::RunData run = review::load_run_data(store, full, /*with_cases=*/false);
  if (run.stored.info.status != RunStatus::monitor)
    throw HttpError(404, fmt::format("run {} is not a monitor: monitors are named m-SUITE "
                                     "(GET /api/v1/monitors lists them)",
                                     full));
  monitor::StatusInput in;
  try {
    in = monitor::gather_status(store, run.suite);
  } catch (const InputError& e) {
    throw HttpError(404, fmt::format("monitor {}: {}", full, e.what()));
  }
  MonitorView view{run.stored.info, monitor::compute_status(in, run.suite.monitor)};
  monitor::annotate_incidents(store, run.suite, view.status);
  return view;
}

json monitor_json(const RunInfo& info, const monitor::MonitorStatus* status) {
  json out = {{"id", info.id},
              {"suite", info.suite_name},
              {"started_at", info.started_at},
              {"first_week", nullptr},
              {"last_week", nullptr},
              {"open_incidents", nullptr},
              {"links",
               {{"status", "/api/v1/monitors/" + info.id + "/status"},
                {"incidents", "/api/v1/monitors/" + info.id + "/incidents"},
                {"page", "/production/" + info.id}}}};
  if (status != nullptr && !status->windows.empty()) {
    out["first_week"] = status->windows.front();
    out["last_week"] = status->windows.back();
    out["open_incidents"] = monitor::open_incidents(*status);
  }
  return out;
}

// Each monitor with its status, or without one when it has no production records yet.
std::vector<std::pair<RunInfo, std::optional<monitor::MonitorStatus>>> every_monitor(Store& store) {
  std::vector<std::pair<RunInfo, std::optional<monitor::MonitorStatus>>> out;
  for (RunInfo& info : monitors(store)) {
    std::optional<monitor::MonitorStatus> status;
    try {
      status = monitor_view(store, info.id).status;
    } catch (const HttpError&) {
      // listed without a status: nothing ingested yet
    }
    out.emplace_back(std::move(info), std::move(status));
  }
  return out;
}

Response monitors_api(Store& store, const Request&) {
  json list = json::array();
  for (const auto& [info, status] : every_monitor(store))
    list.push_back(monitor_json(info, status ? &*status : nullptr));
  return Response::json(dump({{"monitors", list}}));
}

Response incidents_api(Store& store, const Request& r) {
  const MonitorView v = monitor_view(store, r.params.at("monitor"));
  json incidents = json::array();
  for (const auto& i : v.status.incidents)
    incidents.push_back(json::parse(monitor::incident_json(v.status, i)));
  return Response::json(dump({{"monitor", v.info.id},
                              {"open_incidents", monitor::open_incidents(v.status)},
                              {"incidents", incidents}}));
}

Response production_page(Store& store, const Request& r) {
  std::string body =
      "<h1>Production</h1>\n<table>\n<thead><tr><th>monitor</th><th>suite</th><th>weeks</th>"
      "<th class=\"num\">open incidents</th><th class=\"num\">incidents</th></tr></thead>\n"
      "<tbody>\n";
  const auto all = every_monitor(store);
  for (const auto& [info, status] : all) {
    const std::size_t open = status ? monitor::open_incidents(*status) : 0;
    body += fmt::format(
        "<tr><td><a href=\"/production/{}\">{}</a></td><td>{}</td><td>{}</td>"
        "<td class=\"num\"><span class=\"status {}\">{}</span></td><td class=\"num\">{}</td></tr>\n",
        html::attr(info.id), html::text(info.id), html::text(info.suite_name),
        status && !status->windows.empty()
            ? html::text(status->windows.front() + " – " + status->windows.back())
            : std::string("no production records yet"),
        open > 0 ? "fail" : "pass", status ? std::to_string(open) : std::string("—"),
        status ? std::to_string(status->incidents.size()) : std::string("—"));
  }
  body += "</tbody>\n</table>\n";
  if (all.empty())
    body += "<p>No monitored suite yet: <code>qualbar monitor ingest FILE --suite SUITE</code> "
            "starts one.</p>\n";
  return page(r, "Production", body);
}

Response dashboard_page(Store& store, const Request& r) {
  const MonitorView v = monitor_view(store, r.params.at("monitor"));
  const std::string id = html::attr(v.info.id);
  const std::string links = fmt::format(
      "<p class=\"meta\"><a href=\"/production\">Production</a> · suite {} · "
      "<a href=\"/runs/{}/judge-check\">judge check on this sample</a> · "
      "<a href=\"/api/v1/monitors/{}/status\">as JSON</a></p>\n",
      html::text(v.info.suite_name), id, id);
  return page(r, "Production · " + v.info.id, links + monitor::status_html_body(v.status), "",
              monitor::status_html_style());
}

}  // namespace

void add_production_routes(Router& router, const RouteContext& context) {
  const std::string store_path = context.store_path;
  const auto with_store = [store_path](Response (*f)(Store&, const Request&)) -> Handler {
    return [store_path, f](const Request& r) { return f(thread_store(store_path), r); };
  };
  router.add("GET", "/api/v1/monitors", Access::read, with_store(&monitors_api));
  router.add("GET", "/api/v1/monitors/{monitor}/status", Access::read,
             with_store([](Store& s, const Request& r) {
               // The document `qualbar monitor status --format json` writes.
               return Response::json(monitor::status_json(monitor_view(s, r.params.at("monitor")).status));
             }));
  router.add("GET", "/api/v1/monitors/{monitor}/incidents", Access::read,
             with_store(&incidents_api));
  router.add("GET", "/production", Access::read, with_store(&production_page));
  router.add("GET", "/production/{monitor}", Access::read, with_store(&dashboard_page));
}

}  // namespace qb::server
