// The judge check of a run (or a monitor's production sample): the judge against people per
// judged dimension, as a page and as the JSON `qualbar judge-check --run ID --format json` writes.
#include <fmt/format.h>

#include "qualbar/core/error.hpp"
#include "qualbar/review/judge_check.hpp"
#include "qualbar/review/review.hpp"
#include "qualbar/store/store.hpp"
#include "report/html_escape.hpp"
#include "server/pages.hpp"
#include "server/routes.hpp"

namespace qb::server {
namespace {

struct RunJudgeCheck {
  std::string run;
  bool monitor = false;  // a monitor's production sample, not a run
  std::vector<review::DimensionCheck> checks;
  std::string nothing;  // why there is nothing to check ("" when there is)
};

// As `qualbar judge-check --run ID` checks it: the run's items, the thresholds of its suite.
RunJudgeCheck run_judge_check(Store& store, const std::string& id) {
  RunJudgeCheck out{resolve_run(store, id), false, {}, {}};
  out.monitor = store.runs().load_summary(out.run).info.status == RunStatus::monitor;
  review::JudgeCheckRequest request;
  request.runs = {out.run};
  review::JudgeCheckInputs in;
  try {
    in = review::gather_judge_check(store, request);
  } catch (const InputError& e) {
    out.nothing = e.what();  // no judged dimension people graded: not the asker's mistake
    return out;
  }
  for (const auto& d : in.dimensions) out.checks.push_back(review::check_judge(d, in.settings));
  return out;
}

Response judge_check_page(Store& store, const Request& r) {
  const RunJudgeCheck c = run_judge_check(store, r.params.at("id"));
  const bool monitor = c.monitor;
  const std::string back =
      monitor ? fmt::format("<a href=\"/production/{}\">the dashboard</a>", html::attr(c.run))
              : fmt::format("<a href=\"/runs/{}\">the run's report</a>", html::attr(c.run));
  const std::string body = fmt::format(
      "<h1>Judge check</h1>\n<p class=\"meta\">{} {} · the judge against people on the items both "
      "graded · {} · <a href=\"/api/v1/runs/{}/judge-check\">as JSON</a></p>\n",
      monitor ? "monitor" : "run", html::text(c.run), back, html::attr(c.run));
  return page(r, "Judge check · " + c.run,
              body + (c.nothing.empty() ? review::judge_check_html(c.checks)
                                        : "<p>" + html::text(c.nothing) + "</p>\n"));
}

}  // namespace

void add_judge_check_routes(Router& router, const RouteContext& context) {
  const std::string store_path = context.store_path;
  router.add("GET", "/api/v1/runs/{id}/judge-check", Access::read,
             [store_path](const Request& r) {
               const RunJudgeCheck c = run_judge_check(thread_store(store_path), r.params.at("id"));
               if (!c.nothing.empty())
                 throw HttpError(409, fmt::format("run {}: {}", c.run, c.nothing));
               return Response::json(review::judge_check_json(c.checks));
             });
  router.add("GET", "/runs/{id}/judge-check", Access::read, [store_path](const Request& r) {
    return judge_check_page(thread_store(store_path), r);
  });
}

}  // namespace qb::server
