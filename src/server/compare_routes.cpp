// Two runs of a suite compared: the page (`qualbar compare --format html` with links to page
// through the changed cases) and the API (the same `qualbar.comparison/1` document as
// `qualbar compare --format json`, with each changed case's word diff).
#include <algorithm>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "qualbar/compare/compare.hpp"
#include "qualbar/compare/compare_html.hpp"
#include "qualbar/compare/compare_json.hpp"
#include "qualbar/core/error.hpp"
#include "qualbar/review/review.hpp"
#include "qualbar/store/store.hpp"
#include "qualbar/util/word_diff.hpp"
#include "report/html_escape.hpp"
#include "server/pages.hpp"
#include "server/routes.hpp"

namespace qb::server {
namespace {

// Changed cases listed per dimension unless `cases` says otherwise, and the most it may say.
constexpr std::size_t kComparedCasesShown = 10;
constexpr std::size_t kComparedCasesMost = 1000;

// What a comparison page or API call asks for: the two runs, and which of the changed cases.
struct CompareQuery {
  std::string a, b;       // full ids
  std::size_t cases = 0;  // listed per dimension
  std::string dimension;  // only this dimension's changed cases ("" for every dimension)
  std::size_t after = 0;  // from this position among them
};

// A complete run's record: 404 for no such run, 409 for a run with no scores yet.
RunInfo comparable_run(Store& store, const std::string& id) {
  const std::string full = resolve_run(store, id);
  RunInfo info = store.runs().load_summary(full).info;
  if (info.status == RunStatus::monitor)
    throw HttpError(400, fmt::format("{} is the production monitor of suite '{}', not a run: it "
                                     "cannot be compared",
                                     info.id, info.suite_name));
  if (info.status != RunStatus::complete)
    throw HttpError(409, fmt::format("run {} is {} and has no scores to compare yet", info.id,
                                     to_string(info.status)));
  return info;
}

CompareQuery compare_query(Store& store, const Request& r) {
  CompareQuery q;
  const RunInfo a = comparable_run(store, r.params.at("a"));
  const RunInfo b = comparable_run(store, r.params.at("b"));
  if (a.suite_name != b.suite_name) {
    throw HttpError(400, fmt::format("runs {} (suite '{}') and {} (suite '{}') are of different "
                                     "suites: a comparison pairs the cases of two runs of one "
                                     "suite",
                                     a.id, a.suite_name, b.id, b.suite_name));
  }
  q.a = a.id;
  q.b = b.id;
  q.cases = number_param(r, "cases", kComparedCasesShown, kComparedCasesMost);
  q.dimension = r.param("dimension").value_or("");
  if (!q.dimension.empty()) q.after = number_param(r, "after", 0, static_cast<std::size_t>(-1) / 2);
  return q;
}

// Both runs loaded and compared; with a dimension, its changed cases from `after` only.
Comparison compare_stored(Store& store, const CompareQuery& q, std::string& suite_name) {
  const review::RunData a = review::load_run_data(store, q.a);
  const review::RunData b = review::load_run_data(store, q.b);
  CompareOptions options;
  options.list_cases = q.dimension.empty() ? q.cases : q.after + q.cases;
  Comparison cmp = compare_runs(
      CompareSide{a.stored.info, a.suite, a.dataset.cases, a.stored.responses, a.stored.scores},
      CompareSide{b.stored.info, b.suite, b.dataset.cases, b.stored.responses, b.stored.scores},
      options);
  suite_name = b.suite.name;
  if (q.dimension.empty()) return cmp;
  const auto it = std::find_if(cmp.changed_cases.begin(), cmp.changed_cases.end(),
                               [&](const ChangedCases& d) { return d.dimension == q.dimension; });
  if (it == cmp.changed_cases.end()) {
    std::vector<std::string> names;
    for (const ChangedCases& d : cmp.changed_cases) names.push_back(d.dimension);
    throw HttpError(
        400, fmt::format("query parameter 'dimension': '{}' is not a pass/fail "
                         "dimension of both runs. Changed cases are listed for: {}",
                         q.dimension,
                         names.empty() ? "none" : fmt::format("{}", fmt::join(names, ", "))));
  }
  ChangedCases kept = std::move(*it);
  const std::size_t skip = std::min(q.after, kept.listed.size());
  kept.listed.erase(kept.listed.begin(), kept.listed.begin() + static_cast<std::ptrdiff_t>(skip));
  kept.skipped = q.after;
  cmp.changed_cases = {std::move(kept)};
  return cmp;
}

std::string compare_path(const CompareQuery& q) {
  return "/compare/" + url_component(q.a) + "/" + url_component(q.b);
}

// Where the next page of a dimension's changed cases is, or "" when this is the last.
std::string next_cases_link(const CompareQuery& q, const ChangedCases& d) {
  const std::size_t shown_to = d.skipped + d.listed.size();
  if (d.listed.empty() || shown_to >= d.changed()) return "";
  std::vector<std::pair<std::string, std::string>> pairs = {{"dimension", d.dimension},
                                                            {"after", std::to_string(shown_to)}};
  if (q.cases != kComparedCasesShown) pairs.emplace_back("cases", std::to_string(q.cases));
  return compare_path(q) + query_string(pairs);
}

// The bar of links above the comparison, and the pages of its changed cases below it.
std::string compare_links_bar(const CompareQuery& q) {
  return fmt::format(
      "<nav class=\"site\" style=\"display:flex;gap:1em;padding:.4em 0;border-bottom:1px solid "
      "#ccc;margin-bottom:1em\"><a href=\"/\">Runs</a> <a href=\"/runs/{0}\">A's report</a> "
      "<a href=\"/runs/{0}/cases\">A's cases</a> <a href=\"/runs/{1}\">B's report</a> "
      "<a href=\"/runs/{1}/cases\">B's cases</a> <a href=\"/compare/{1}/{0}\">swap A and B</a>"
      "</nav>\n",
      url_component(q.a), url_component(q.b));
}

std::string changed_pages_section(const CompareQuery& q, const Comparison& cmp) {
  std::string items;
  for (const ChangedCases& d : cmp.changed_cases) {
    if (d.changed() == 0) continue;
    const std::string next = next_cases_link(q, d);
    items += fmt::format(
        "<li>{}: {} of {} shown{}{}</li>\n", html::text(d.dimension),
        d.listed.empty() ? std::string("none")
                         : fmt::format("{}–{}", d.skipped + 1, d.skipped + d.listed.size()),
        d.changed(),
        next.empty() ? ""
                     : fmt::format(" · <a href=\"{}\">next {} →</a>", html::attr(next), q.cases),
        q.dimension.empty()
            ? fmt::format(" · <a href=\"{}\">only these</a>",
                          html::attr(compare_path(q) + query_string({{"dimension", d.dimension}})))
            : "");
  }
  std::string s = "<section id=\"changed-pages\"><h2>Pages of changed cases</h2>\n";
  if (!q.dimension.empty())
    s += fmt::format("<p><a href=\"{}\">every dimension</a></p>\n", html::attr(compare_path(q)));
  return s +
         (items.empty() ? "<p>No case changed its verdict.</p>\n" : "<ul>" + items + "</ul>\n") +
         "</section>\n";
}

Response compare_page(Store& store, const Request& r) {
  const CompareQuery q = compare_query(store, r);
  std::string suite_name;
  const Comparison cmp = compare_stored(store, q, suite_name);
  std::string html = comparison_html(cmp, suite_name);
  if (const std::size_t at = html.find("<main>\n"); at != std::string::npos)
    html.insert(at + 7, compare_links_bar(q));
  if (const std::size_t at = html.rfind("<footer>"); at != std::string::npos)
    html.insert(at, changed_pages_section(q, cmp));
  Response out = Response::html(std::move(html));
  out.headers.emplace_back("Content-Security-Policy", page_policy());
  return out;
}

// The words only one side has, in order, from a word diff's pieces.
nlohmann::ordered_json changed_words(const std::vector<DiffPiece>& pieces) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const DiffPiece& p : pieces)
    if (p.changed) out.push_back(std::string(p.text));
  return out;
}

Response compare_api(Store& store, const Request& r) {
  const CompareQuery q = compare_query(store, r);
  std::string suite_name;
  const Comparison cmp = compare_stored(store, q, suite_name);
  nlohmann::ordered_json j = comparison_json(cmp);
  j["suite"] = suite_name;
  j["links"] = {{"page", compare_path(q)}};
  auto& dims = j["changed_cases"]["dimensions"];
  for (std::size_t d = 0; d < cmp.changed_cases.size() && d < dims.size(); ++d) {
    const ChangedCases& changed = cmp.changed_cases[d];
    dims[d]["after"] = changed.skipped;
    const std::size_t shown_to = changed.skipped + changed.listed.size();
    dims[d]["next"] = !changed.listed.empty() && shown_to < changed.changed()
                          ? nlohmann::ordered_json(shown_to)
                          : nlohmann::ordered_json();
    for (std::size_t k = 0; k < changed.listed.size(); ++k) {
      const FlippedCase& c = changed.listed[k];
      const WordDiff diff = word_diff(c.a.output, c.b.output);
      dims[d]["cases"][k]["words_only_in_a"] = changed_words(diff.a);
      dims[d]["cases"][k]["words_only_in_b"] = changed_words(diff.b);
    }
  }
  return Response::json(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
}

// The runs list's compare form: ?a=RUN&b=RUN to the comparison's own address.
Response compare_form_target(Store& store, const Request& r) {
  const std::string a = r.param("a").value_or(""), b = r.param("b").value_or("");
  if (a.empty() || b.empty())
    throw HttpError(400, "compare needs two runs: /compare?a=RUN&b=RUN, or /compare/RUN/RUN");
  return Response::redirect("/compare/" + url_component(resolve_run(store, a)) + "/" +
                            url_component(resolve_run(store, b)));
}

}  // namespace

void add_compare_routes(Router& router, const RouteContext& context) {
  const std::string store_path = context.store_path;
  const auto with_store = [store_path](Response (*f)(Store&, const Request&)) -> Handler {
    return [store_path, f](const Request& r) { return f(thread_store(store_path), r); };
  };
  router.add("GET", "/api/v1/compare/{a}/{b}", Access::read, with_store(&compare_api));
  router.add("GET", "/compare/{a}/{b}", Access::read, with_store(&compare_page));
  router.add("GET", "/compare", Access::read, with_store(&compare_form_target));
}

}  // namespace qb::server
