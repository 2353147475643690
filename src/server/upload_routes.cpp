// POST /api/v1/runs: a finished run uploaded as a run bundle (store/run_bundle.hpp), by a CI job
// with a `runs:write` token (`qualbar push`). Audited.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "qualbar/core/error.hpp"
#include "qualbar/server/accounts.hpp"
#include "qualbar/store/run_bundle.hpp"
#include "qualbar/store/store.hpp"
#include "server/routes.hpp"

namespace qb::server {
namespace {

// The run stored under exactly `id`, if any (not a run `id` is a prefix of).
std::optional<RunInfo> stored_run(Store& store, const std::string& id) {
  try {
    RunInfo info = store.runs().load_summary(id).info;
    if (info.id == id) return info;
  } catch (const InputError&) {
  }
  return std::nullopt;
}

// 200 when the same run is stored already (a retried push), 409 when another run has its id.
Response already_stored(const RunInfo& stored, const RunBundle& b) {
  if (!same_run(stored, b.run.info)) {
    throw HttpError(409,
                    fmt::format("a different run with id '{}' is already stored (suite {}, "
                                "model {}, started {}); nothing was written",
                                stored.id, stored.suite_name, stored.model, stored.started_at));
  }
  return Response::json(dump({{"id", stored.id},
                              {"stored", false},
                              {"message", "this run is stored already"},
                              {"links", {{"page", "/runs/" + stored.id}}}}));
}

Response upload_run(Store& store, const Request& r) {
  if (r.body.empty())
    throw HttpError(400,
                    "send a run bundle as the body: `qualbar run --out bundle=FILE` writes one");
  const RunBundle b = read_run_bundle(r.body, "the bundle");
  const std::string& id = b.run.info.id;
  if (auto stored = stored_run(store, id)) return already_stored(*stored, b);
  try {
    const auto unit = store.begin();
    save_run_bundle(store, b);
    audit(store, r.who->name, "runs.upload", id,
          fmt::format("suite {}, model {}, {} cases{}", b.run.info.suite_name, b.run.info.model,
                      b.run.info.n_cases, b.withheld ? ", texts withheld" : ""));
    unit->commit();
  } catch (const RunError&) {
    // Another upload of the same id won the race: answer as if it had come first.
    if (auto stored = stored_run(store, id)) return already_stored(*stored, b);
    throw;
  }
  Response out = Response::json(dump({{"id", id},
                                      {"stored", true},
                                      {"cases", b.run.info.n_cases},
                                      {"passed", b.run.info.passed},
                                      {"links",
                                       {{"page", "/runs/" + id},
                                        {"summary", "/api/v1/runs/" + id + "/summary"},
                                        {"report", "/api/v1/runs/" + id + "/report"},
                                        {"cases", "/api/v1/runs/" + id + "/cases"}}}}),
                                201);
  out.headers.emplace_back("Location", "/api/v1/runs/" + id + "/summary");
  return out;
}

}  // namespace

void add_upload_routes(Router& router, const RouteContext& context) {
  const std::string path = context.store_path;
  router.add("POST", "/api/v1/runs", Access::runs_write,
             [path](const Request& r) { return upload_run(thread_store(path), r); });
}

}  // namespace qb::server
