// The runs: the list (filtered, with a way to compare two), a run's summary and report as JSON,
// and the run's page.
#include <map>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "qualbar/core/error.hpp"
#include "qualbar/metrics/report.hpp"
#include "qualbar/store/store.hpp"
#include "report/html_escape.hpp"
#include "server/pages.hpp"
#include "server/routes.hpp"
#include "server/stored_report.hpp"

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
          {"labels", info.labels},
          {"note", info.note},
          {"git_commit", info.git_commit},
          {"archived_at", info.archived_at},
          {"links",
           {{"summary", "/api/v1/runs/" + info.id + "/summary"},
            {"report", "/api/v1/runs/" + info.id + "/report"},
            {"cases", "/api/v1/runs/" + info.id + "/cases"},
            {"page", "/runs/" + info.id}}}};
}

// 400 for a status filter that names no status.
void check_status_param(const Request& r) {
  if (const auto s = r.param("status"); s && !s->empty() && *s != "complete" && *s != "running" &&
                                        *s != "interrupted" && *s != "failed") {
    throw HttpError(400, fmt::format("query parameter 'status': '{}' is not a status (complete, "
                                     "running, interrupted, failed)",
                                     *s));
  }
}

// The runs a filter keeps: suite, model and status equal, the label among theirs, archived runs
// only with archived=1; started on or after `since` and before `until` (RFC 3339 dates or times,
// compared as UTC text: 2026-11-27 or 2026-11-27T09:00). An empty parameter (a form's "any")
// filters nothing.
bool keeps(const Request& r, const RunInfo& info) {
  const auto is = [&](const char* name, const std::string& value) {
    const auto want = r.param(name);
    return !want || want->empty() || *want == value;
  };
  const std::string since = r.param("since").value_or(""), until = r.param("until").value_or("");
  const auto label = r.param("label");
  if (label && !label->empty() && std::find(info.labels.begin(), info.labels.end(), *label) == info.labels.end())
    return false;
  if (!info.archived_at.empty() && r.param("archived").value_or("0") != "1") return false;
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
  check_status_param(r);
  json runs = json::array();
  for (const RunInfo& info : newest_runs(store, limit)) {
    if (!keeps(r, info)) continue;
    runs.push_back(run_json(info));
  }
  return Response::json(dump({{"runs", runs}}));
}

Response summary_api(Store& store, const Request& r) {
  const auto s = stored_report(store, r.params.at("id"));
  if (s->summary.empty()) {
    const json report = json::parse(render(*s, "json"));
    json failures = json::array();
    if (report.contains("summary") && report["summary"].contains("failures"))
      failures = report["summary"]["failures"];
    s->summary = dump({{"run", run_json(s->data.stored.info)},
                       {"passed", s->report.passed},
                       {"failures", failures}});
  }
  return Response::json(s->summary);
}

// How many runs the list page reads (newest first) before it filters them.
constexpr std::size_t kListedRuns = 500;

// A start as people read it: "2026-12-07 01:54".
std::string started_text(const std::string& rfc3339) {
  std::string s = rfc3339.substr(0, 16);
  if (s.size() > 10 && s[10] == 'T') s[10] = ' ';
  return s;
}

constexpr const char* kRunsStyle =
    "span.label{background:#e8ecf7;border-radius:3px;padding:0 .35em;margin-right:.2em}"
    "span.note{color:#555}span.commit{color:#777;font-family:monospace}"
    "button.danger{color:#a00}button.quiet{color:#555}";

// A <select> of `name` with "any" and each of `values`, the request's value selected.
std::string filter_select(const Request& r, const std::string& name,
                          const std::set<std::string>& values) {
  const std::string chosen = r.param(name).value_or("");
  std::string s =
      fmt::format("<label>{} <select name=\"{}\"><option value=\"\">any</option>", name, name);
  for (const std::string& v : values) {
    s += fmt::format("<option value=\"{}\"{}>{}</option>", html::attr(v),
                     v == chosen ? " selected" : "", html::text(v));
  }
  return s + "</select></label>\n";
}

// The runs filter: suite, model, status and the start's dates, as a GET form.
std::string runs_filter_form(const Request& r, const std::vector<RunInfo>& runs) {
  std::set<std::string> suites, models, labels;
  for (const RunInfo& info : runs) {
    if (info.status == RunStatus::monitor) continue;
    suites.insert(info.suite_name);
    models.insert(info.model);
    labels.insert(info.labels.begin(), info.labels.end());
  }
  std::string s = "<form method=\"get\" action=\"/\" class=\"filters\">\n";
  s += filter_select(r, "suite", suites) + filter_select(r, "model", models) +
       (labels.empty() ? "" : filter_select(r, "label", labels)) +
       filter_select(r, "status", {"complete", "running", "interrupted", "failed"});
  for (const char* name : {"since", "until"}) {
    s += fmt::format("<label>{} <input type=\"date\" name=\"{}\" value=\"{}\"></label>\n", name,
                     name, html::attr(r.param(name).value_or("")));
  }
  s += fmt::format("<label><input type=\"checkbox\" name=\"archived\" value=\"1\"{}> archived too"
                   "</label>\n",
                   r.param("archived").value_or("") == "1" ? " checked" : "");
  return s + "<button type=\"submit\">Filter</button> <a href=\"/\">all runs</a></form>\n";
}

// What a team said of a run (its labels, note, commit), under its id in the runs list.
std::string run_about(const RunInfo& info) {
  std::string s;
  for (const auto& label : info.labels) s += "<span class=\"label\">" + html::text(label) + "</span> ";
  if (!info.note.empty()) s += "<span class=\"note\">" + html::text(info.note) + "</span> ";
  if (!info.git_commit.empty())
    s += "<span class=\"commit\">commit " + html::text(info.git_commit.substr(0, 10)) + "</span> ";
  if (!info.archived_at.empty())
    s += "<span class=\"note\">archived " + html::text(info.archived_at.substr(0, 10)) + "</span>";
  return s.empty() ? "" : "<br><small>" + s + "</small>";
}

// An admin's buttons on a run: archive (or restore) and delete, each a form with the CSRF token.
std::string run_actions(const Request& r, const RunInfo& info) {
  if (!r.who || r.who->role != "admin") return "";
  const auto button = [&](const char* what, const char* label, const char* confirm_class) {
    return fmt::format(
        "<form method=\"post\" action=\"/runs/{}/{}\" class=\"inline\">{}<button type=\"submit\""
        " class=\"{}\">{}</button></form>",
        url_component(info.id), what, csrf_field(r), confirm_class, label);
  };
  return " " + (info.archived_at.empty() ? button("archive", "archive", "quiet")
                                         : button("restore", "restore", "quiet")) +
         " " + button("delete", "delete", "danger");
}

// Two runs of a suite to compare: A (the baseline) and B (the candidate), newest first; chosen
// at first, the newest run that has an earlier one of its suite as B, and that one as A.
std::string compare_form(const std::vector<const RunInfo*>& complete) {
  if (complete.size() < 2) return "";
  std::size_t a = 1, b = 0;
  for (std::size_t i = 0, found = 0; i < complete.size() && !found; ++i) {
    for (std::size_t j = i + 1; j < complete.size(); ++j) {
      if (complete[j]->suite_name != complete[i]->suite_name) continue;
      a = j, b = i, found = 1;
      break;
    }
  }
  const auto options = [&](std::size_t chosen) {
    std::string s;
    for (std::size_t i = 0; i < complete.size(); ++i) {
      const RunInfo& info = *complete[i];
      s += fmt::format("<option value=\"{}\"{}>{} · {} · {} · {}</option>", html::attr(info.id),
                       i == chosen ? " selected" : "", html::text(info.id),
                       html::text(info.suite_name), html::text(info.model),
                       html::text(started_text(info.started_at)));
    }
    return s;
  };
  return fmt::format(
      "<form method=\"get\" action=\"/compare\" class=\"filters\">\n<label>A (baseline) <select "
      "name=\"a\">{}</select></label>\n<label>B (candidate) <select name=\"b\">{}</select>"
      "</label>\n<button type=\"submit\">Compare</button></form>\n",
      options(a), options(b));
}

std::string run_result(const RunInfo& info) {
  return info.status != RunStatus::complete ? std::string(to_string(info.status))
         : info.passed                      ? "PASS"
                                            : "FAIL";
}

Response runs_page(Store& store, const Request& r) {
  check_status_param(r);
  const std::vector<RunInfo> all = store.runs().list_runs(kListedRuns);
  // Each complete run's previous complete run of the same suite (the list is newest first).
  std::map<std::string, std::string> previous;  // run id → the run before it
  std::map<std::string, std::string> last_of_suite;
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    if (it->status != RunStatus::complete) continue;
    if (const auto p = last_of_suite.find(it->suite_name); p != last_of_suite.end())
      previous[it->id] = p->second;
    last_of_suite[it->suite_name] = it->id;
  }
  std::string rows;
  std::vector<const RunInfo*> complete;
  for (const RunInfo& info : all) {
    if (info.status == RunStatus::monitor || !keeps(r, info)) continue;
    if (info.status == RunStatus::complete) complete.push_back(&info);
    std::string links;
    if (info.status == RunStatus::complete) {
      links = fmt::format("<a href=\"/runs/{}/cases\">cases</a>", url_component(info.id));
      if (const auto p = previous.find(info.id); p != previous.end())
        links += fmt::format(" · <a href=\"/compare/{}/{}\">compare with previous</a>",
                             url_component(p->second), url_component(info.id));
    }
    rows += fmt::format(
        "<tr><td><a href=\"/runs/{}\">{}</a>{}</td><td>{}</td><td>{}</td><td>{}</td>"
        "<td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td>{}{}</td></tr>\n",
        url_component(info.id), html::text(info.id), run_about(info), html::text(started_text(info.started_at)),
        html::text(info.suite_name), html::text(info.model), info.n_cases, info.n_errors,
        html::text(run_result(info)), links, run_actions(r, info));
  }
  std::string body = "<h1>Runs</h1>\n" + runs_filter_form(r, all) + compare_form(complete);
  if (rows.empty()) {
    body += all.empty() ? "<p>No runs yet: <code>qualbar run SUITE</code> stores one here.</p>\n"
                        : "<p>No run matches the filter.</p>\n";
    return page(r, "Runs", body, "", kRunsStyle);
  }
  body +=
      "<table>\n<thead><tr><th>run</th><th>started (UTC)</th><th>suite</th><th>model</th>"
      "<th>cases</th><th>errors</th><th>result</th><th></th></tr></thead>\n<tbody>\n" +
      rows + "</tbody>\n</table>\n";
  return page(r, "Runs", body, "", kRunsStyle);
}

// The run's HTML report as `qualbar report --format html` writes it, with a bar of links to the
// runs, the run's cases and the comparison with the run before it. The report's own policy (a
// meta element) allows its one script by hash.
Response run_page(Store& store, const Request& r) {
  const auto s = stored_report(store, r.params.at("id"));
  const RunInfo& info = s->data.stored.info;
  std::string html = render(*s, "html", "/runs/" + url_component(info.id) + "/cases");
  std::string bar = fmt::format(
      "<nav class=\"site\" style=\"display:flex;gap:1em;padding:.4em 0;border-bottom:1px solid "
      "#ccc;margin-bottom:1em\"><a href=\"/\">Runs</a> <a href=\"/runs/{}/cases\">Case explorer"
      "</a>",
      url_component(info.id));
  for (const RunInfo& other : store.runs().list_runs(kListedRuns)) {
    // The newest complete run of the suite that started before this one.
    if (other.status != RunStatus::complete || other.suite_name != info.suite_name ||
        other.started_at >= info.started_at || other.id == info.id)
      continue;
    bar += fmt::format(" <a href=\"/compare/{}/{}\">Compare with the previous run</a>",
                       url_component(other.id), url_component(info.id));
    break;
  }
  bar += "</nav>\n";
  if (const std::size_t at = html.find("<main>\n"); at != std::string::npos)
    html.insert(at + 7, bar);
  Response out = Response::html(std::move(html));
  out.headers.emplace_back("Content-Security-Policy", "frame-ancestors 'none'; form-action 'self'");
  return out;
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
               return Response::json(render(*stored_report(s, r.params.at("id")), "json"));
             }));
  router.add("GET", "/", Access::read, with_store(&runs_page));
  router.add("GET", "/runs/{id}", Access::read, with_store(&run_page));
}

}  // namespace qb::server
