// What admins change of runs, through the API and the runs page's forms: labels and note,
// archive and restore, delete. Every change is audited.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "qualbar/core/error.hpp"
#include "qualbar/server/accounts.hpp"
#include "qualbar/store/store.hpp"
#include "qualbar/util/files.hpp"
#include "server/routes.hpp"

namespace qb::server {
namespace {

using nlohmann::json;

// PATCH /api/v1/runs/RUN {"labels": [...], "note": "..."}: either field, each replacing what the
// run has.
Response patch_run(Store& store, const Request& r) {
  const std::string id = resolve_run(store, r.params.at("id"));
  const json body = json_body(r);
  if (!body.is_object()) throw HttpError(400, "the body must be a JSON object");
  for (const auto& [key, value] : body.items()) {
    if (key != "labels" && key != "note")
      throw HttpError(400, fmt::format("field '{}': not a field of a run (labels, note)", key));
  }
  RunInfo info = store.runs().load_summary(id).info;
  if (body.contains("labels")) {
    const json& labels = body["labels"];
    if (!labels.is_array()) throw HttpError(400, "field 'labels': expected an array of strings");
    info.labels.clear();
    for (std::size_t i = 0; i < labels.size(); ++i) {
      const std::string field = fmt::format("field 'labels[{}]'", i);
      if (!labels[i].is_string()) throw HttpError(400, field + ": expected a string");
      check_run_label(labels[i].get<std::string>(), field);
      info.labels.push_back(labels[i].get<std::string>());
    }
  }
  if (body.contains("note")) {
    if (!body["note"].is_string()) throw HttpError(400, "field 'note': expected a string");
    info.note = body["note"].get<std::string>();
    check_run_note(info.note, "field 'note'");
  }
  const auto unit = store.begin();
  store.runs().set_run_labels(id, info.labels, info.note);
  std::string listed;
  for (const auto& l : info.labels) listed += (listed.empty() ? "" : ", ") + l;
  audit(store, r.who->name, "runs.label", id, fmt::format("labels [{}], note: {}", listed, info.note));
  unit->commit();
  return Response::json(dump({{"id", id}, {"labels", info.labels}, {"note", info.note}}));
}

// Archive, restore or delete: the run's id afterwards and what was done.
std::string change(Store& store, const Request& r, const std::string& what) {
  const std::string id = resolve_run(store, r.params.at("id"));
  const auto unit = store.begin();
  if (what == "delete") store.runs().delete_run(id);
  else store.runs().set_run_archived(id, what == "archive" ? now_rfc3339() : "");
  audit(store, r.who->name, "runs." + what, id);
  unit->commit();
  return id;
}

}  // namespace

void add_run_admin_routes(Router& router, const RouteContext& context) {
  const std::string path = context.store_path;
  router.add("PATCH", "/api/v1/runs/{id}", Access::admin,
             [path](const Request& r) { return patch_run(thread_store(path), r); });
  for (const std::string what : {"archive", "restore", "delete"}) {
    const std::string past = what == "delete" ? "deleted" : what + "d";
    router.add(what == "delete" ? "DELETE" : "POST",
               what == "delete" ? "/api/v1/runs/{id}" : "/api/v1/runs/{id}/" + what,
               Access::admin, [path, what, past](const Request& r) {
                 const std::string id = change(thread_store(path), r, what);
                 return Response::json(dump({{"id", id}, {past, true}}));
               });
    // The runs page's buttons: a form post, then back to the list.
    router.add("POST", "/runs/{id}/" + what, Access::admin, [path, what](const Request& r) {
      (void)change(thread_store(path), r, what);
      return Response::redirect("/");
    });
  }
}

}  // namespace qb::server
