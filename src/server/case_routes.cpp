// A run's cases: the case explorer page (filters, one row per case with every dimension's
// verdict, pages), the cases API, and the export of every case a filter keeps as JSONL or CSV,
// streamed page by page from the store.
#include <cmath>
#include <map>
#include <memory>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "qualbar/core/error.hpp"
#include "qualbar/io/dataset.hpp"
#include "qualbar/metrics/report.hpp"
#include "qualbar/store/store.hpp"
#include "report/html_escape.hpp"
#include "review/csv.hpp"
#include "server/pages.hpp"
#include "server/routes.hpp"
#include "server/stored_report.hpp"

namespace qb::server {
namespace {

using nlohmann::json;

// Cases an export reads from the store at a time (one chunk of the answer): two of the store's
// blocks of 64.
constexpr std::size_t kExportPage = 128;
// The explorer counts the cases its filter keeps up to this many; past it, "more than".
constexpr std::size_t kCountedCases = 10'000;

CaseFilter case_filter(const Request& r) {
  CaseFilter filter;
  filter.failing = r.param("failing").value_or("");
  filter.slice = r.param("slice").value_or("");
  filter.slice_value = filter.slice.empty() ? "" : r.param("value").value_or("");
  filter.text = r.param("q").value_or("");
  return filter;
}

std::optional<std::size_t> after_param(const Request& r) {
  if (!r.param("after") || r.param("after")->empty()) return std::nullopt;
  return number_param(r, "after", 0, static_cast<std::size_t>(-1) / 2);
}

// The filter's query parameters, to carry into a link (the next page, an export).
std::vector<std::pair<std::string, std::string>> filter_pairs(const CaseFilter& f) {
  return {{"failing", f.failing}, {"slice", f.slice}, {"value", f.slice_value}, {"q", f.text}};
}

bool case_fails(const DimensionResult& dim, const Score& sc) {
  return case_failed(dim, ScoreView{sc.value, sc.status, sc.evidence});
}

// One case as the API and the JSONL export give it: the dataset line, the answer, every
// dimension's score with whether the case fails it (as the report counts it).
json case_row_json(const CaseRow& c, const Report& report) {
  json scores = json::object();
  for (std::size_t d = 0; d < c.scores.size() && d < report.dimensions.size(); ++d) {
    const Score& sc = c.scores[d];
    const DimensionResult& dim = report.dimensions[d];
    scores[dim.name] = {{"value", sc.value},
                        {"status", std::string(to_string(sc.status))},
                        {"evidence", sc.evidence},
                        {"failing", case_fails(dim, sc)}};
  }
  return {
      {"index", c.index},
      {"id", c.id},
      {"case", json::parse(c.case_json, nullptr, false)},
      {"response", c.response_json ? json::parse(*c.response_json, nullptr, false) : json(nullptr)},
      {"scores", std::move(scores)}};
}

Response cases_api(Store& store, const Request& r) {
  const auto s = stored_report(store, r.params.at("id"));
  const std::string& id = s->data.stored.info.id;
  const std::size_t limit = number_param(r, "limit", 50, 1000);
  const CasePage page = store.runs().cases(id, case_filter(r), after_param(r), limit);
  json rows = json::array();
  for (const CaseRow& c : page.rows) rows.push_back(case_row_json(c, s->report));
  json out = {{"run", id}, {"cases", rows}, {"next", nullptr}};
  if (page.next) out["next"] = *page.next;
  return Response::json(dump(out));
}

// A stored case and its answer parsed back into their types (the run's suite's limits).
struct ParsedCase {
  Case c;
  std::optional<qb::Response> response;  // the system's answer, not an HTTP one
};

ParsedCase parse_case_row(const CaseRow& row, const std::string& run, const Limits& limits) {
  const std::string where = fmt::format("run {} case {}", run, row.id);
  Dataset one;
  parse_cases(row.case_json + "\n", where, one, limits);
  ParsedCase out{one.cases.empty() ? Case{} : std::move(one.cases.front()), std::nullopt};
  if (row.response_json) {
    std::vector<qb::Response> r = parse_responses(*row.response_json + "\n", where, limits);
    if (!r.empty()) out.response = std::move(r.front());
  }
  return out;
}

// A value as a CSV cell: the shortest text that reads back as the same number.
std::string number_cell(double v) { return std::isfinite(v) ? fmt::format("{}", v) : ""; }

std::vector<std::string> csv_header(const Report& report) {
  std::vector<std::string> row = {"id", "input", "reference", "output"};
  for (const DimensionResult& d : report.dimensions) {
    row.push_back(d.name + " value");
    row.push_back(d.name + " status");
    row.push_back(d.name + " failing");
  }
  return row;
}

std::vector<std::string> csv_row(const CaseRow& row, const ParsedCase& p, const Report& report) {
  std::vector<std::string> out = {
      row.id, p.c.input, p.c.reference.value_or(""),
      p.response ? (p.response->is_error() ? "" : p.response->output) : ""};
  for (std::size_t d = 0; d < report.dimensions.size(); ++d) {
    if (d >= row.scores.size()) {
      out.insert(out.end(), {"", "", ""});
      continue;
    }
    const Score& sc = row.scores[d];
    out.push_back(number_cell(sc.value));
    out.push_back(std::string(to_string(sc.status)));
    out.push_back(case_fails(report.dimensions[d], sc) ? "true" : "false");
  }
  return out;
}

// A file name made of the run's id, safe in a header and on any file system.
std::string export_file_name(const std::string& run, const std::string& extension) {
  std::string name = "qualbar-" + run + "-cases";
  for (char& c : name) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '_' || c == '.';
    if (!plain) c = '_';
  }
  return name + "." + extension;
}

// What an export streams from: its own store connection (the answer is written on whichever
// server thread writes the connection), the run's report, where the pages are.
struct ExportState {
  std::unique_ptr<Store> store;
  std::shared_ptr<const StoredReport> run;
  CaseFilter filter;
  bool csv = false;
  bool started = false;
  std::optional<std::size_t> after;
};

bool next_export_part(ExportState& e, std::string& out) {
  const std::string& id = e.run->data.stored.info.id;
  const Report& report = e.run->report;
  if (e.csv && !e.started) out += review::write_csv({csv_header(report)});
  if (e.started && !e.after) return false;
  e.started = true;
  const CasePage page = e.store->runs().cases(id, e.filter, e.after, kExportPage);
  if (e.csv) {
    std::vector<std::vector<std::string>> rows;
    for (const CaseRow& c : page.rows)
      rows.push_back(csv_row(c, parse_case_row(c, id, e.run->data.suite.limits), report));
    out += review::write_csv_rows(rows);
  } else {
    for (const CaseRow& c : page.rows) out += dump(case_row_json(c, report));
  }
  e.after = page.next;
  return e.after.has_value();
}

Response export_api(const std::string& store_path, const Request& r) {
  Store& store = thread_store(store_path);
  const std::string format = r.param("format").value_or("jsonl");
  if (format != "jsonl" && format != "csv")
    throw HttpError(400, fmt::format("query parameter 'format': '{}' is not an export format "
                                     "(jsonl, csv)",
                                     format));
  auto e = std::make_shared<ExportState>();
  e->run = stored_report(store, r.params.at("id"));
  e->filter = case_filter(r);
  e->csv = format == "csv";
  const std::string& id = e->run->data.stored.info.id;
  // A dimension or slice the run does not have is a 400 now, before the answer starts.
  (void)store.runs().cases(id, e->filter, std::nullopt, 1);
  e->store = open_store(store_path, StoreAccess::existing);
  Response out;
  out.content_type = e->csv ? "text/csv; charset=utf-8" : "application/jsonl; charset=utf-8";
  out.headers.emplace_back("Content-Disposition", fmt::format("attachment; filename=\"{}\"",
                                                              export_file_name(id, format)));
  out.stream = [e](std::string& part) { return next_export_part(*e, part); };
  return out;
}

// ---- the explorer page ---------------------------------------------------------------------

// Every slice of the run and its values, as the report names them.
std::map<std::string, std::set<std::string>> run_slices(const Report& report) {
  std::map<std::string, std::set<std::string>> out;
  for (const DimensionResult& d : report.dimensions)
    for (const Cell& c : d.cells) out[c.slice].insert(c.value);
  return out;
}

std::string select_option(const std::string& value, const std::string& label, bool selected) {
  return fmt::format("<option value=\"{}\"{}>{}</option>", html::attr(value),
                     selected ? " selected" : "", html::text(label));
}

std::string explorer_form(const std::string& id, const Report& report, const CaseFilter& f) {
  std::string s = fmt::format(
      "<form method=\"get\" action=\"/runs/{}/cases\" class=\"filters\">\n<label>failing "
      "<select name=\"failing\">{}",
      url_component(id), select_option("", "any dimension or none", f.failing.empty()));
  for (const DimensionResult& d : report.dimensions)
    s += select_option(d.name, d.name, d.name == f.failing);
  s += "</select></label>\n<label>slice <select name=\"slice\">" +
       select_option("", "all cases", f.slice.empty());
  const auto slices = run_slices(report);
  for (const auto& [slice, values] : slices) s += select_option(slice, slice, slice == f.slice);
  s += "</select></label>\n<label>value <select name=\"value\">" + select_option("", "—", false);
  for (const auto& [slice, values] : slices) {
    s += fmt::format("<optgroup label=\"{}\">", html::attr(slice));
    for (const std::string& v : values)
      s += select_option(v, v, slice == f.slice && v == f.slice_value);
    s += "</optgroup>";
  }
  s += fmt::format(
      "</select></label>\n<label>words <input type=\"search\" name=\"q\" value=\"{}\"></label>\n"
      "<button type=\"submit\">Filter</button> <a href=\"/runs/{}/cases\">all cases</a></form>\n",
      html::attr(f.text), url_component(id));
  return s;
}

// "that fail grounded, in category=billing, with the words “refund”" (nothing for no filter).
std::string filter_words(const CaseFilter& f) {
  std::vector<std::string> parts;
  if (!f.failing.empty()) parts.push_back("that fail " + html::text(f.failing));
  if (!f.slice.empty())
    parts.push_back("in " + html::text(f.slice) + "=" + html::text(f.slice_value));
  if (!f.text.empty()) parts.push_back("with the words “" + html::text(f.text) + "”");
  return fmt::format("{}", fmt::join(parts, ", "));
}

// The cases the filter keeps, counted page by page up to kCountedCases (nullopt past it).
std::optional<std::size_t> count_cases(Store& store, const std::string& id, const CaseFilter& f,
                                       std::size_t n_cases) {
  if (f.failing.empty() && f.slice.empty() && f.text.empty()) return n_cases;
  std::size_t n = 0;
  std::optional<std::size_t> after;
  do {
    const CasePage page = store.runs().cases(id, f, after, 1000);
    n += page.rows.size();
    after = page.next;
    if (n > kCountedCases) return std::nullopt;
  } while (after);
  return n;
}

std::string verdicts_cell(const CaseRow& row, const Report& report) {
  std::string s = "<ul class=\"verdicts\">";
  for (std::size_t d = 0; d < report.dimensions.size() && d < row.scores.size(); ++d) {
    const DimensionResult& dim = report.dimensions[d];
    const Score& sc = row.scores[d];
    const bool failing = case_fails(dim, sc);
    const bool rated = dim.kind == ScoreKind::binary || dim.threshold.has_value();
    const std::string label = failing                                    ? "FAIL"
                              : sc.status == ScoreStatus::not_applicable ? "n/a"
                              : sc.status == ScoreStatus::ungraded       ? "ungraded"
                              : rated                                    ? "pass"
                                      : fmt::format("{:.4g}", sc.value);
    s += fmt::format("<li><span class=\"status {}\">{}</span> {}", failing ? "fail" : "pass",
                     html::text(label), html::text(dim.name));
    if (!sc.evidence.empty())
      s += " <span class=\"evidence\">" + html::text(sc.evidence) + "</span>";
    s += "</li>";
  }
  return s + "</ul>";
}

std::string case_html_row(const CaseRow& row, const ParsedCase& p, const Report& report) {
  std::string input = html::text(p.c.input);
  if (const std::vector<Context>& contexts = p.c.details().contexts; !contexts.empty()) {
    input += fmt::format("<details><summary>{} context{}</summary>", contexts.size(),
                         contexts.size() == 1 ? "" : "s");
    for (const Context& c : contexts) {
      input += "<p>";
      if (!c.id.empty()) input += "<b>" + html::text(c.id) + "</b> ";
      input += html::text(c.text) + "</p>";
    }
    input += "</details>";
  }
  const std::string output = !p.response ? "<em>not answered</em>"
                             : p.response->is_error()
                                 ? "<em>the call failed:</em> " + html::text(*p.response->error)
                                 : html::text(p.response->output);
  return fmt::format(
      "<tr><td class=\"id\">{}<br><span class=\"note\">index {}</span></td><td "
      "class=\"text\">{}</td>"
      "<td class=\"text\">{}</td><td class=\"text\">{}</td><td>{}</td></tr>\n",
      html::text(row.id), row.index, input,
      p.c.reference ? html::text(*p.c.reference) : std::string("—"), output,
      verdicts_cell(row, report));
}

constexpr const char* kExplorerStyle =
    "form.filters{display:flex;flex-wrap:wrap;gap:.8em;align-items:end;margin:1em 0}"
    "table.cases td{vertical-align:top}table.cases td.text{max-width:28em;white-space:pre-wrap}"
    "ul.verdicts{list-style:none;padding:0;margin:0}ul.verdicts .evidence{color:#555}";

// The explorer's table of one page of cases, with what it shows and the link to the next page.
std::string explorer_cases(Store& store, const StoredReport& s, const CaseFilter& f,
                           const Request& r) {
  const RunInfo& info = s.data.stored.info;
  const std::size_t limit = number_param(r, "limit", 50, 500);
  const std::size_t from = number_param(r, "from", 1, static_cast<std::size_t>(-1) / 2);
  const CasePage cases = store.runs().cases(info.id, f, after_param(r), limit);
  const auto total = count_cases(store, info.id, f, info.n_cases);
  const std::string what = filter_words(f);
  if (cases.rows.empty())
    return fmt::format("<p>No cases{}.</p>\n", what.empty() ? "" : " " + what);
  const std::string filters = query_string(filter_pairs(f));
  const std::string export_base =
      fmt::format("/api/v1/runs/{}/cases/export{}{}format=", url_component(info.id), filters,
                  filters.empty() ? "?" : "&");
  std::string body = fmt::format(
      "<p>Showing {}–{} of {} cases{}. Export them all: <a href=\"{}jsonl\">JSONL</a> · <a "
      "href=\"{}csv\">CSV</a></p>\n",
      from, from + cases.rows.size() - 1,
      total ? fmt::format("{}", *total) : fmt::format("more than {}", kCountedCases),
      what.empty() ? "" : " " + what, html::attr(export_base), html::attr(export_base));
  body +=
      "<table class=\"cases\">\n<thead><tr><th>case</th><th>input and contexts</th>"
      "<th>reference</th><th>output</th><th>verdicts</th></tr></thead>\n<tbody>\n";
  for (const CaseRow& row : cases.rows)
    body += case_html_row(row, parse_case_row(row, info.id, s.data.suite.limits), s.report);
  body += "</tbody>\n</table>\n";
  if (cases.next) {
    auto pairs = filter_pairs(f);
    pairs.emplace_back("after", std::to_string(*cases.next));
    pairs.emplace_back("from", std::to_string(from + cases.rows.size()));
    if (limit != 50) pairs.emplace_back("limit", std::to_string(limit));
    body += fmt::format("<p><a href=\"/runs/{}/cases{}\" rel=\"next\">next page →</a></p>\n",
                        url_component(info.id), html::attr(query_string(pairs)));
  }
  return body;
}

Response explorer_page(Store& store, const Request& r) {
  const auto s = stored_report(store, r.params.at("id"));
  const RunInfo& info = s->data.stored.info;
  CaseFilter f = case_filter(r);
  if (f.slice_value.empty()) f.slice.clear();  // a slice without a value: every case
  std::string body =
      fmt::format("<style>{}</style>\n<h1>Cases · {}</h1>\n", kExplorerStyle, html::text(info.id));
  body += fmt::format(
      "<p class=\"meta\">{} · model {} · {} cases · <a href=\"/runs/{}\">the run's report</a>"
      "</p>\n",
      html::text(info.suite_name), html::text(info.model), info.n_cases, url_component(info.id));
  body += explorer_form(info.id, s->report, f);
  int status = 200;
  try {
    body += explorer_cases(store, *s, f, r);
  } catch (const InputError& e) {  // a value of another slice, words without a letter
    body += "<p class=\"fail\">" + html::text(e.what()) + "</p>\n";
    status = 400;
  }
  Response out = page(r, "Cases · " + info.id, body);
  out.status = status;
  return out;
}

}  // namespace

void add_case_routes(Router& router, const RouteContext& context) {
  const std::string store_path = context.store_path;
  const auto with_store = [store_path](Response (*f)(Store&, const Request&)) -> Handler {
    return [store_path, f](const Request& r) { return f(thread_store(store_path), r); };
  };
  router.add("GET", "/api/v1/runs/{id}/cases", Access::read, with_store(&cases_api));
  router.add("GET", "/api/v1/runs/{id}/cases/export", Access::read,
             [store_path](const Request& r) { return export_api(store_path, r); });
  router.add("GET", "/runs/{id}/cases", Access::read, with_store(&explorer_page));
}

}  // namespace qb::server
