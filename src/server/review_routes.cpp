// Review queues on qualbar serve (docs/review.md, "Review queues in the browser"; docs/api.md):
// the reviewer's pages and API (blind: no model, run, case id, judge verdict or other reviewer's
// grade in anything a reviewer can fetch), the admin's overview and queue creation, and
// adjudication by admins and reviewers marked as adjudicators.
#include <cmath>
#include <ctime>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "qualbar/core/error.hpp"
#include "qualbar/review/grades.hpp"
#include "qualbar/review/queue.hpp"
#include "qualbar/server/accounts.hpp"
#include "qualbar/store/store.hpp"
#include "qualbar/util/files.hpp"
#include "qualbar/util/text.hpp"
#include "report/html_escape.hpp"
#include "server/review_pages.hpp"
#include "server/routes.hpp"

namespace qb::server {
namespace {

using nlohmann::json;

std::int64_t unix_now() { return static_cast<std::int64_t>(std::time(nullptr)); }

ReviewQueue queue_or_404(Store& store, const Request& r) {
  auto q = store.review().queue(r.params.at("queue"));
  if (!q) throw HttpError(404, fmt::format("no review queue '{}'", r.params.at("queue")));
  return *q;
}

// `v` as a whole number of 0 or more; nullopt for anything else.
std::optional<long long> whole_number(const std::string& v) {
  std::size_t used = 0;
  long long n = -1;
  try {
    n = std::stoll(v, &used);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (used == 0 || used != v.size() || n < 0) return std::nullopt;
  return n;
}

// The {pos} of the path: an item's place in its queue; 404 when it is not a whole number.
std::int64_t pos_param(const Request& r) {
  const auto n = whole_number(r.params.at("pos"));
  if (!n) throw HttpError(404, "no such item in this queue");
  return *n;
}

bool is_admin(const Request& r) { return r.who && r.who->role == "admin"; }

// Admins, and reviewers marked as adjudicators.
bool may_adjudicate(Store& store, const Request& r) {
  if (is_admin(r)) return true;
  const auto u = store.accounts().user(r.who->name);
  return u && u->adjudicator;
}

void require_adjudicator(Store& store, const Request& r) {
  if (!may_adjudicate(store, r))
    throw HttpError(403, "adjudication is for admins and reviewers marked as adjudicators "
                         "(qualbar users add NAME --role reviewer --adjudicator)");
}

// A form post's fields; 400 when the body is not a form.
std::map<std::string, std::string> form_of(const Request& r) {
  auto f = parse_query(r.body);
  if (!f) throw HttpError(400, "the form could not be read");
  return *f;
}

// A JSON object body (json_body, and 400 for anything but an object).
json body_object(const Request& r) {
  json j = json_body(r);
  if (!j.is_object()) throw HttpError(400, "the body must be a JSON object");
  return j;
}

// What a reviewer may see of a queue: no source, no runs.
json queue_json(const ReviewQueue& q, const review::QueueProgress& p, bool admin) {
  json j = {{"id", q.id},
            {"name", q.name},
            {"dimensions", q.dimensions},
            {"pairwise", q.pairwise},
            {"per_item", q.per_item},
            {"lock_seconds", q.lock_seconds},
            {"instructions", q.instructions},
            {"open", q.closed_at.empty()},
            {"items", q.entries},
            {"finished", q.finished},
            {"graded_by_me", p.mine},
            {"skipped_by_me", p.skipped}};
  if (admin) {
    j["source"] = q.source;
    j["runs"] = q.runs;
    j["created_by"] = q.created_by;
    j["created_at"] = q.created_at;
    j["closed_at"] = q.closed_at;
  }
  return j;
}

// One item as a reviewer sees it (the JSON twin of the item page). A pair's answers are
// "answers", in the order shown: grades say "first", "second" or "tie"; which run wrote which is
// not said.
json item_json(const review::QueueItemView& v) {
  json dims = json::array();
  for (const auto& d : v.dimensions) {
    json scale = {{"lo", d.scale.lo}, {"hi", d.scale.hi}, {"ordinal", d.scale.ordinal},
                  {"text", d.scale.describe()}};
    json mine = d.mine ? json(*d.mine) : json(nullptr);
    if (v.pairwise) {
      scale = {{"choices", {"first", "second", "tie"}},
               {"text", "which answer is better: first, second or tie"}};
      mine = d.picked ? json(std::string(review::to_string(*d.picked))) : json(nullptr);
    }
    dims.push_back({{"name", d.name}, {"rubric", d.rubric}, {"scale", scale}, {"mine", mine}});
  }
  const auto cites = [](const std::vector<std::string>& ids, const std::string& id) {
    return std::find(ids.begin(), ids.end(), id) != ids.end();
  };
  json contexts = json::array();
  for (const auto& x : v.c.details().contexts) {
    json c = {{"id", x.id}, {"text", x.text}, {"cited", cites(v.cited, x.id)}};
    if (v.pairwise) {
      json by = json::array();
      if (cites(v.cited, x.id)) by.push_back(1);
      if (cites(v.cited_second, x.id)) by.push_back(2);
      c["cited"] = !by.empty();
      c["cited_by"] = by;
    }
    contexts.push_back(std::move(c));
  }
  json checks = json::array();
  for (const auto& a : v.c.details().asserts)
    checks.push_back({{"type", a.type}, {"check", a.args_json}});
  json j = {{"pos", v.pos},          {"item", v.item},         {"dimensions", dims},
            {"category", v.c.category}, {"contexts", contexts}, {"checks", checks},
            {"reference", v.c.reference.value_or("")}, {"output", v.output},
            {"note", v.note},        {"correction", v.correction}};
  if (v.c.details().messages.empty()) {
    j["input"] = v.c.input;
  } else {
    j["input"] = json::array();
    for (const auto& m : v.c.details().messages)
      j["input"].push_back({{"role", m.role}, {"content", m.content}});
  }
  if (v.pairwise) {
    j.erase("output");
    j["pairwise"] = true;
    j["answers"] = {v.output, v.output_second};
  }
  if (!v.correction) j["locked_until"] = v.locked_until;
  return j;
}

// One grade of a form or a JSON body: a pick ("first", "second", "tie") of a pair, else a number.
void add_grade(review::Submission& s, const std::string& dimension, const std::string& value,
               const std::string& field) {
  if (const auto p = review::parse_pick(value)) {
    s.picks[dimension] = *p;
    return;
  }
  try {
    std::size_t used = 0;
    s.grades[dimension] = std::stod(value, &used);
    if (used != value.size()) throw std::invalid_argument(value);
  } catch (const std::exception&) {
    throw InputError(fmt::format("field '{}': '{}' is not a grade (a number on the scale, or of a "
                                 "pair first, second or tie)",
                                 field, value));
  }
}

// The grades of a form post: "grade.DIM" fields.
review::Submission submission_of_form(const std::map<std::string, std::string>& f,
                                      std::int64_t pos) {
  review::Submission s;
  s.pos = pos;
  const auto action = f.find("action");
  if (action != f.end() && action->second == "skip") {
    const auto reason = f.find("reason");
    s.skip_reason = reason == f.end() ? "" : reason->second;
    return s;
  }
  for (const auto& [key, value] : f)
    if (key.rfind("grade.", 0) == 0) add_grade(s, key.substr(6), value, key);
  if (const auto note = f.find("note"); note != f.end()) s.note = note->second;
  return s;
}

review::Submission submission_of_json(const json& j, std::int64_t pos) {
  review::Submission s;
  s.pos = pos;
  for (const auto& [key, value] : j.items()) {
    if (key != "grades" && key != "note" && key != "skip")
      throw InputError(fmt::format("field '{}': not a field of a grade (grades, note, skip)", key));
  }
  if (j.contains("skip")) {
    if (!j["skip"].is_string()) throw InputError("field 'skip': expected the reason, a string");
    s.skip_reason = j["skip"].get<std::string>();
  }
  if (j.contains("grades")) {
    if (!j["grades"].is_object()) throw InputError("field 'grades': expected an object");
    for (const auto& [dim, g] : j["grades"].items()) {
      if (g.is_number())
        s.grades[dim] = g.get<double>();
      else if (g.is_string())
        add_grade(s, dim, g.get<std::string>(), "grades." + dim);
      else
        throw InputError(fmt::format("field 'grades.{}': expected a number, or of a pair "
                                     "\"first\", \"second\" or \"tie\"",
                                     dim));
    }
  }
  if (j.contains("note")) {
    if (!j["note"].is_string()) throw InputError("field 'note': expected a string");
    s.note = j["note"].get<std::string>();
  }
  return s;
}

// A submission through a page or the API: the outcome, or 409 with the reason.
review::SubmitOutcome submit_or_409(Store& store, const ReviewQueue& q, const Request& r,
                                    const review::Submission& s) {
  try {
    return review::submit(store, q, r.who->name, s, unix_now());
  } catch (const review::QueueConflict& e) {
    throw HttpError(409, e.what());
  }
}

std::string_view outcome_name(review::SubmitOutcome o) {
  switch (o) {
    case review::SubmitOutcome::stored: return "stored";
    case review::SubmitOutcome::corrected: return "corrected";
    case review::SubmitOutcome::skipped: return "skipped";
  }
  return "stored";
}

review::QueueRequest queue_request_of_form(const std::map<std::string, std::string>& f,
                                           const std::string& who) {
  const auto field = [&](const char* name) {
    const auto it = f.find(name);
    return it == f.end() ? std::string() : it->second;
  };
  const auto whole = [&](const char* name, long long fallback) -> long long {
    const std::string v = field(name);
    if (v.empty()) return fallback;
    const auto n = whole_number(v);
    if (!n) throw InputError(fmt::format("field '{}': '{}' is not a whole number", name, v));
    return *n;
  };
  review::QueueRequest q;
  q.pick.runs = {field("run").empty() ? "latest" : field("run")};
  if (!field("compare_with").empty()) q.pick.runs.push_back(field("compare_with"));
  q.pick.dimensions = comma_list(field("dimensions"));
  q.pick.sample = static_cast<std::size_t>(whole("sample", 200));
  q.pick.per_item = static_cast<std::size_t>(whole("per_item", 2));
  if (!field("week").empty()) q.pick.weeks = {field("week")};
  q.lock_seconds = whole("lock_minutes", 15) * 60;
  q.name = field("name");
  q.instructions = field("instructions");
  q.created_by = who;
  return q;
}

review::QueueCreated create_audited(Store& store, const review::QueueRequest& rq,
                                    const std::string& who) {
  review::QueueCreated made;
  try {
    made = review::create_queue(store, rq);
  } catch (const InputError& e) {
    throw HttpError(400, e.what());
  }
  audit(store, who, "review.queue.create", made.queue.id,
        fmt::format("{} items from {}", made.queue.entries, made.queue.source));
  return made;
}

void add_reviewer_pages(Router& router, const std::string& store_path) {
  router.add("GET", "/review", Access::review, [store_path](const Request& r) {
    Store& store = thread_store(store_path);
    std::vector<QueueListEntry> list;
    for (auto& q : store.review().queues()) {
      const auto p = review::queue_progress(store, q, r.who->name);
      list.push_back({std::move(q), p});
    }
    return page(r, "Review", queue_list_html(r, list, is_admin(r), may_adjudicate(store, r)));
  });
  router.add("GET", "/review/{queue}", Access::review, [store_path](const Request& r) {
    Store& store = thread_store(store_path);
    const ReviewQueue q = queue_or_404(store, r);
    const auto v = review::next_item(store, q, r.who->name, unix_now());
    const auto p = review::queue_progress(store, q, r.who->name);
    const auto undo = review::last_graded(store, q, r.who->name);
    if (!v) return page(r, q.name, queue_done_html(q, p, undo), review_script_hash());
    return page(r, q.name, item_html(r, q, *v, p, undo), review_script_hash());
  });
  router.add("GET", "/review/{queue}/items/{pos}", Access::review, [store_path](const Request& r) {
    Store& store = thread_store(store_path);
    const ReviewQueue q = queue_or_404(store, r);
    const auto v = review::graded_item(store, q, r.who->name, pos_param(r));
    if (!v) throw HttpError(404, "you have not graded this item of the queue");
    return page(r, q.name,
                item_html(r, q, *v, review::queue_progress(store, q, r.who->name), std::nullopt),
                review_script_hash());
  });
  router.add("POST", "/review/{queue}/items/{pos}", Access::review, [store_path](const Request& r) {
    Store& store = thread_store(store_path);
    const ReviewQueue q = queue_or_404(store, r);
    review::Submission s = submission_of_form(form_of(r), pos_param(r));
    try {
      (void)submit_or_409(store, q, r, s);
    } catch (const HttpError& e) {
      if (e.status() != 409) throw;
      Response out = page(r, "Not stored",
                          fmt::format("<h1>Your grade was not stored</h1>\n<p class=\"notice\" "
                                      "id=\"conflict\">{}</p>\n<p><a href=\"/review/{}\">Open "
                                      "your next item</a></p>\n",
                                      html::text(e.what()), url_component(q.id)));
      out.status = 409;
      return out;
    }
    return Response::redirect("/review/" + url_component(q.id));
  });
}

void add_admin_review_pages(Router& router, const std::string& store_path) {
  router.add("POST", "/review", Access::admin, [store_path](const Request& r) {
    Store& store = thread_store(store_path);
    const auto made = create_audited(store, queue_request_of_form(form_of(r), r.who->name), r.who->name);
    return Response::redirect("/review/" + url_component(made.queue.id) + "/overview");
  });
  router.add("GET", "/review/{queue}/overview", Access::admin, [store_path](const Request& r) {
    Store& store = thread_store(store_path);
    const ReviewQueue q = queue_or_404(store, r);
    return page(r, q.name, overview_html(r, q, review::queue_overview(store, q, 0.95)));
  });
  router.add("POST", "/review/{queue}/close", Access::admin, [store_path](const Request& r) {
    Store& store = thread_store(store_path);
    const ReviewQueue q = queue_or_404(store, r);
    const auto unit = store.begin();
    store.review().close_queue(q.id, now_rfc3339());
    audit(store, r.who->name, "review.queue.close", q.id);
    unit->commit();
    return Response::redirect("/review/" + url_component(q.id) + "/overview");
  });
  router.add("GET", "/review/{queue}/adjudicate", Access::review, [store_path](const Request& r) {
    Store& store = thread_store(store_path);
    require_adjudicator(store, r);
    const ReviewQueue q = queue_or_404(store, r);
    return page(r, "Adjudication", adjudication_html(r, q, review::queue_disagreements(store, q)));
  });
  router.add("GET", "/review/{queue}/adjudicate/{pos}", Access::review,
             [store_path](const Request& r) {
               Store& store = thread_store(store_path);
               require_adjudicator(store, r);
               const ReviewQueue q = queue_or_404(store, r);
               const auto item = review::entry_item(store, q, pos_param(r));
               if (!item) throw HttpError(404, "this queue has no such item");
               return page(r, "Adjudication",
                           adjudication_html(r, q, review::queue_disagreements(store, q), &*item));
             });
  router.add("POST", "/review/{queue}/adjudicate/{pos}", Access::review,
             [store_path](const Request& r) {
               Store& store = thread_store(store_path);
               require_adjudicator(store, r);
               const ReviewQueue q = queue_or_404(store, r);
               const auto f = form_of(r);
               const auto get = [&](const char* k) {
                 const auto it = f.find(k);
                 return it == f.end() ? std::string() : it->second;
               };
               double grade = 0;
               try {
                 grade = std::stod(get("grade"));
               } catch (const std::exception&) {
                 throw HttpError(400, "field 'grade': choose a grade");
               }
               try {
                 review::adjudicate(store, q, r.who->name, pos_param(r), get("dimension"), grade,
                                    get("note"));
               } catch (const review::QueueConflict& e) {
                 throw HttpError(409, e.what());
               }
               return Response::redirect("/review/" + url_component(q.id) + "/adjudicate");
             });
}

void add_review_api(Router& router, const std::string& store_path) {
  router.add("GET", "/api/v1/review/queues", Access::review, [store_path](const Request& r) {
    Store& store = thread_store(store_path);
    json out = json::array();
    for (const auto& q : store.review().queues()) {
      if (!q.closed_at.empty() && !is_admin(r)) continue;
      out.push_back(queue_json(q, review::queue_progress(store, q, r.who->name), is_admin(r)));
    }
    return Response::json(dump({{"queues", out}}));
  });
  router.add("POST", "/api/v1/review/queues", Access::admin, [store_path](const Request& r) {
    Store& store = thread_store(store_path);
    const json j = body_object(r);
    std::map<std::string, std::string> f;
    for (const auto& [key, value] : j.items())
      f[key] = value.is_string() ? value.get<std::string>() : value.dump();
    if (j.contains("dimensions") && j["dimensions"].is_array()) {
      std::string dims;
      for (const auto& d : j["dimensions"]) dims += (dims.empty() ? "" : ",") + d.get<std::string>();
      f["dimensions"] = dims;
    }
    const auto made = create_audited(store, queue_request_of_form(f, r.who->name), r.who->name);
    return Response::json(dump({{"queue", queue_json(made.queue, {}, true)}}), 201);
  });
  router.add("GET", "/api/v1/review/queues/{queue}/next", Access::review,
             [store_path](const Request& r) {
               Store& store = thread_store(store_path);
               const ReviewQueue q = queue_or_404(store, r);
               const auto v = review::next_item(store, q, r.who->name, unix_now());
               const auto p = review::queue_progress(store, q, r.who->name);
               return Response::json(dump({{"item", v ? item_json(*v) : json(nullptr)},
                                           {"queue", queue_json(q, p, is_admin(r))}}));
             });
  router.add("GET", "/api/v1/review/queues/{queue}/items/{pos}", Access::review,
             [store_path](const Request& r) {
               Store& store = thread_store(store_path);
               const ReviewQueue q = queue_or_404(store, r);
               const auto v = review::graded_item(store, q, r.who->name, pos_param(r));
               if (!v) throw HttpError(404, "you have not graded this item of the queue");
               return Response::json(dump({{"item", item_json(*v)}}));
             });
  router.add("POST", "/api/v1/review/queues/{queue}/items/{pos}", Access::review,
             [store_path](const Request& r) {
               Store& store = thread_store(store_path);
               const ReviewQueue q = queue_or_404(store, r);
               const auto outcome =
                   submit_or_409(store, q, r, submission_of_json(body_object(r), pos_param(r)));
               const auto p = review::queue_progress(store, q, r.who->name);
               return Response::json(dump({{"outcome", outcome_name(outcome)},
                                           {"queue", queue_json(q, p, is_admin(r))}}));
             });
  router.add("GET", "/api/v1/review/queues/{queue}/overview", Access::admin,
             [store_path](const Request& r) {
               Store& store = thread_store(store_path);
               const ReviewQueue q = queue_or_404(store, r);
               const auto o = review::queue_overview(store, q, 0.95);
               json reviewers = json::array();
               for (const auto& x : o.reviewers) {
                 const auto num = [](double v) { return std::isfinite(v) ? json(v) : json(nullptr); };
                 reviewers.push_back({{"reviewer", x.reviewer},
                                      {"graded", x.done},
                                      {"skipped", x.skipped},
                                      {"median_seconds", x.median_seconds},
                                      {"compared", x.compared},
                                      {"agrees_with_others", num(x.agrees_with_others)},
                                      {"adjudicated", x.adjudicated},
                                      {"agrees_with_adjudication", num(x.agrees_with_adjudication)}});
               }
               return Response::json(dump({{"queue", queue_json(q, {}, true)},
                                           {"agreement", json::parse(review::agreement_json(o.agreement))},
                                           {"reviewers", reviewers},
                                           {"open_disagreements", o.open_disagreements}}));
             });
  router.add("GET", "/api/v1/review/queues/{queue}/disagreements", Access::review,
             [store_path](const Request& r) {
               Store& store = thread_store(store_path);
               require_adjudicator(store, r);
               const ReviewQueue q = queue_or_404(store, r);
               json out = json::array();
               for (const auto& d : review::queue_disagreements(store, q)) {
                 json grades = json::object(), notes = json::object();
                 for (const auto& [who, g] : d.grades)
                   grades[who] = q.pairwise ? json(d.scale.label(static_cast<int>(g))) : json(g);
                 for (const auto& [who, n] : d.notes) notes[who] = n;
                 out.push_back({{"pos", d.pos}, {"item", d.item}, {"dimension", d.dimension},
                                {"grades", grades}, {"notes", notes}});
               }
               return Response::json(dump({{"disagreements", out}}));
             });
  router.add("POST", "/api/v1/review/queues/{queue}/adjudications", Access::review,
             [store_path](const Request& r) {
               Store& store = thread_store(store_path);
               require_adjudicator(store, r);
               const ReviewQueue q = queue_or_404(store, r);
               const json j = body_object(r);
               if (!j.contains("pos") || !j["pos"].is_number_integer())
                 throw HttpError(400, "field 'pos': expected the item's place in the queue");
               if (!j.contains("dimension") || !j["dimension"].is_string())
                 throw HttpError(400, "field 'dimension': expected a string");
               // A grade on the dimension's scale; of a pair "A", "B" or "tie".
               std::optional<double> grade;
               if (j.contains("grade") && j["grade"].is_number()) grade = j["grade"].get<double>();
               if (q.pairwise && j.contains("grade") && j["grade"].is_string())
                 grade = parse_pair_choice(j["grade"].get<std::string>());
               if (!grade)
                 throw HttpError(400, q.pairwise ? "field 'grade': expected \"A\", \"B\" or \"tie\""
                                                 : "field 'grade': expected a number");
               try {
                 review::adjudicate(store, q, r.who->name, j["pos"].get<std::int64_t>(),
                                    j["dimension"].get<std::string>(), *grade,
                                    j.value("note", std::string()));
               } catch (const review::QueueConflict& e) {
                 throw HttpError(409, e.what());
               }
               return Response::json(dump({{"outcome", "adjudicated"}}), 201);
             });
}

}  // namespace

void add_review_routes(Router& router, const RouteContext& context) {
  add_reviewer_pages(router, context.store_path);
  add_admin_review_pages(router, context.store_path);
  add_review_api(router, context.store_path);
}

}  // namespace qb::server
