// The admin's page: who may sign in, the API tokens, the audit log.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "qualbar/store/store.hpp"
#include "report/html_escape.hpp"
#include "server/routes.hpp"

namespace qb::server {
namespace {

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : " ") + s;
  return out;
}

std::string users_table(Store& store) {
  std::string s =
      "<h2>People</h2>\n<table>\n<thead><tr><th>name</th><th>role</th><th>added (UTC)</th>"
      "<th>may sign in</th></tr></thead>\n<tbody>\n";
  for (const User& u : store.accounts().users()) {
    s += fmt::format("<tr><td>{}</td><td>{}{}</td><td>{}</td><td>{}</td></tr>\n",
                     html::text(u.name), html::text(u.role), u.adjudicator ? ", adjudicator" : "",
                     html::text(u.created_at.substr(0, 16)),
                     u.revoked_at.empty() ? "yes" : "revoked " + html::text(u.revoked_at.substr(0, 10)));
  }
  return s + "</tbody>\n</table>\n<p>Add a person with <code>qualbar users add NAME --role "
             "viewer</code>; it prints their one-time sign-in link.</p>\n";
}

std::string tokens_table(Store& store) {
  std::string s =
      "<h2>API tokens</h2>\n<table>\n<thead><tr><th>id</th><th>name</th><th>scopes</th>"
      "<th>made by</th><th>made (UTC)</th><th>state</th></tr></thead>\n<tbody>\n";
  for (const ApiToken& t : store.accounts().tokens()) {
    s += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                     html::text(t.id), html::text(t.name), html::text(joined(t.scopes)),
                     html::text(t.created_by), html::text(t.created_at.substr(0, 16)),
                     t.revoked_at.empty() ? "active" : "revoked");
  }
  return s + "</tbody>\n</table>\n";
}

std::string audit_table(Store& store) {
  std::string s =
      "<h2>Audit log (newest 100)</h2>\n<table>\n<thead><tr><th>when (UTC)</th><th>who</th>"
      "<th>what</th><th>on</th><th>detail</th></tr></thead>\n<tbody>\n";
  for (const AuditEntry& e : store.accounts().audit_log(100)) {
    s += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                     html::text(e.at.substr(0, 19)), html::text(e.who), html::text(e.action),
                     html::text(e.target), html::text(e.detail));
  }
  return s + "</tbody>\n</table>\n";
}

}  // namespace

void add_admin_routes(Router& router, const RouteContext& context) {
  const std::string store_path = context.store_path;
  router.add("GET", "/admin", Access::admin, [store_path](const Request& r) {
    Store& store = thread_store(store_path);
    return page(r, "People and tokens",
                "<h1>People and tokens</h1>\n" + users_table(store) + tokens_table(store) +
                    audit_table(store));
  });
  router.add("GET", "/api/v1/audit", Access::admin, [store_path](const Request& r) {
    const std::size_t limit = number_param(r, "limit", 100, 10'000);
    nlohmann::json rows = nlohmann::json::array();
    for (const AuditEntry& e : thread_store(store_path).accounts().audit_log(limit)) {
      rows.push_back({{"at", e.at},
                      {"who", e.who},
                      {"action", e.action},
                      {"target", e.target},
                      {"detail", e.detail}});
    }
    return Response::json(dump({{"audit", rows}}));
  });
}

}  // namespace qb::server
