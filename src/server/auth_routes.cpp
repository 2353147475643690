// Sign-in by one-time link, sessions, API tokens, and the gate every route passes
// (docs/serve.md, "People and tokens").
#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "qualbar/core/error.hpp"
#include "qualbar/server/accounts.hpp"
#include "qualbar/store/store.hpp"
#include "qualbar/util/files.hpp"
#include "qualbar/util/secret.hpp"
#include "report/html_escape.hpp"
#include "server/routes.hpp"

namespace qb::server {
namespace {

constexpr const char* kSessionCookie = "qualbar_session";
// Failed sign-ins one client address may make in kSigninWindowSeconds before it waits.
constexpr std::size_t kMaxFailedSignins = 10;
constexpr long long kSigninWindowSeconds = 15 * 60;

std::string cookie_value(const Request& r, std::string_view name) {
  const std::string all = r.header("cookie");
  std::size_t at = 0;
  while (at < all.size()) {
    const std::size_t end = std::min(all.find(';', at), all.size());
    std::string_view part(all.data() + at, end - at);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.size() > name.size() && part.substr(0, name.size()) == name &&
        part[name.size()] == '=') {
      return std::string(part.substr(name.size() + 1));
    }
    at = end + 1;
  }
  return "";
}

// The API and /metrics answer a machine: errors as JSON, never a sign-in page.
bool is_api(const Request& r) { return r.path.rfind("/api/", 0) == 0 || r.path == "/metrics"; }

// A refusal the way the asker reads it: JSON for the API, a page for a browser.
Response refuse(const Request& r, int status, const std::string& message) {
  if (is_api(r)) return Response::error(status, message);
  Response out = page(r, status == 403 ? "Not allowed" : "Refused",
                      "<h1>" + std::string(status == 403 ? "Not allowed" : "Refused") +
                          "</h1>\n<p>" + html::text(message) + "</p>\n");
  out.status = status;
  return out;
}

// Whether a state-changing request through a session comes from this site's own pages: the
// browser says so (Sec-Fetch-Site, Origin) and the form or script carries the session's CSRF
// token. A cross-site form post fails the first; a forged same-site one the second.
std::optional<std::string> cross_site(const Request& r, const RouteContext& context) {
  const std::string site = r.header("sec-fetch-site");
  if (!site.empty() && site != "same-origin" && site != "none")
    return "a request from another site (Sec-Fetch-Site: " + site + ")";
  const std::string origin = r.header("origin");
  // Under Referrer-Policy: no-referrer a browser sends "Origin: null" even from this site's own
  // form; then only Sec-Fetch-Site can say where the request comes from.
  if (origin == "null") {
    if (site == "same-origin") return std::nullopt;
    return std::string("a request whose origin the browser does not say (Origin: null)");
  }
  if (!origin.empty()) {
    const std::string host = r.header("host");
    const bool own = origin == (context.tls ? "https://" : "http://") + host ||
                     (!context.public_url.empty() && origin == context.public_url);
    if (!own) return "a request from another origin (" + origin + ")";
  }
  return std::nullopt;
}

std::string csrf_sent(const Request& r) {
  if (std::string h = r.header("x-csrf-token"); !h.empty()) return h;
  if (r.header("content-type").rfind("application/x-www-form-urlencoded", 0) == 0) {
    if (const auto form = parse_query(r.body)) {
      if (const auto it = form->find("csrf"); it != form->end()) return it->second;
    }
  }
  return "";
}

std::optional<Response> check_token(Request& r, Access need, Store& store) {
  const std::string auth = r.header("authorization");
  const std::string secret = auth.substr(7);
  const auto token = store.accounts().token(sha256_hex(secret));
  if (!token) return Response::error(401, "the API token is unknown or revoked");
  const auto has = [&](const char* scope) {
    return std::find(token->scopes.begin(), token->scopes.end(), scope) != token->scopes.end();
  };
  const char* scope = need == Access::read            ? "read"
                      : need == Access::runs_write    ? "runs:write"
                      : need == Access::records_write ? "records:write"
                                                      : nullptr;
  if (scope == nullptr)
    return Response::error(403, "an API token cannot open this: it is for people who sign in");
  if (!has(scope)) {
    return Response::error(
        403, fmt::format("this API token ({}) lacks the '{}' scope: `qualbar tokens add NAME "
                         "--scope {}` makes one that has it",
                         token->id, scope, scope));
  }
  r.who = Principal{"token " + token->name, "", token->scopes, "", ""};
  return std::nullopt;
}

bool role_may(const std::string& role, Access need) {
  switch (need) {
    case Access::open:
    case Access::signed_in: return true;
    case Access::read: return role == "admin" || role == "viewer";
    case Access::review: return role == "admin" || role == "reviewer";
    case Access::admin:
    case Access::runs_write:
    case Access::records_write: return role == "admin";
  }
  return false;
}

std::string why_not(const std::string& role, Access need) {
  if (role == "reviewer")
    return "a reviewer's session opens the review pages only: runs, models, reports and judge "
           "verdicts stay hidden so that grading stays blind";
  if (need == Access::review) return "the review pages are for reviewers and admins";
  return fmt::format("this needs an admin; you are signed in as a {}", role);
}

std::optional<Response> gate(Request& r, Access need, const RouteContext& context) {
  Store& store = thread_store(context.store_path);
  if (r.header("authorization").rfind("Bearer ", 0) == 0) return check_token(r, need, store);
  const std::string cookie = cookie_value(r, kSessionCookie);
  std::optional<Session> session;
  if (!cookie.empty()) session = store.accounts().session(sha256_hex(cookie), now_rfc3339());
  if (!session) {
    const std::string why = cookie.empty() ? "sign in first" : "your session has ended";
    if (is_api(r) || r.method != "GET") {
      return Response::error(
          401, why + ": open a sign-in link (`qualbar users link NAME`), or send an API token "
                     "(Authorization: Bearer …)");
    }
    return Response::redirect(cookie.empty() ? "/signin" : "/signin?ended=1");
  }
  r.who = Principal{session->user, session->role, {}, session->csrf, sha256_hex(cookie)};
  if (!role_may(session->role, need)) return refuse(r, 403, why_not(session->role, need));
  if (r.method != "GET" && r.method != "HEAD") {
    if (const auto why = cross_site(r, context))
      return refuse(r, 403, "refused " + *why + ": only qualbar's own pages may change things");
    if (!same_secret(csrf_sent(r), session->csrf)) {
      return refuse(r, 403,
                    "the request lacks this session's CSRF token (reload the page and try again)");
    }
  }
  return std::nullopt;
}

std::string session_cookie(const RouteContext& context, const std::string& value, long long max_age) {
  return fmt::format("{}={}; Path=/; Max-Age={}; HttpOnly; SameSite=Strict{}", kSessionCookie,
                     value, max_age, context.tls ? "; Secure" : "");
}

Response signin_page(const Request& r) {
  std::string body = "<h1>Sign in to qualbar</h1>\n";
  if (r.param("ended")) body += "<p class=\"warn\">Your session has ended.</p>\n";
  if (r.param("signed_out")) body += "<p>You are signed out.</p>\n";
  body +=
      "<p>qualbar has no passwords: an admin gives each person a one-time sign-in link with "
      "<code>qualbar users add NAME --role viewer</code> (a new person) or <code>qualbar users "
      "link NAME</code> (a new link). Open the link and press <em>Sign in</em>.</p>\n";
  return page(r, "Sign in", body);
}

// The page a sign-in link opens: one button that posts the secret, so that a link preview or a
// mail scanner that fetches the link does not use it up.
Response signin_link_page(const Request& r) {
  const std::string body = fmt::format(
      "<h1>Sign in to qualbar</h1>\n<form method=\"post\" action=\"/signin\">"
      "<input type=\"hidden\" name=\"secret\" value=\"{}\"><button type=\"submit\" "
      "autofocus>Sign in</button></form>\n<p>The link works once and for {} hours after it was "
      "made.</p>\n",
      html::attr(r.params.at("secret")), kSigninLinkHours);
  return page(r, "Sign in", body);
}

Response signin(const Request& r, const RouteContext& context) {
  if (const auto why = cross_site(r, context)) {
    return refuse(r, 403, "refused " + *why + ": sign in from qualbar's own sign-in page");
  }
  Store& store = thread_store(context.store_path);
  const std::string client = r.peer.empty() ? "unknown" : r.peer;
  if (store.accounts().failed_signins(client, rfc3339_from_now(-kSigninWindowSeconds)) >=
      kMaxFailedSignins) {
    Response out = refuse(r, 429, "too many sign-in attempts from this address: wait 15 minutes");
    out.headers.emplace_back("Retry-After", std::to_string(kSigninWindowSeconds));
    return out;
  }
  std::string secret;
  if (const auto form = parse_query(r.body)) {
    if (const auto it = form->find("secret"); it != form->end()) secret = it->second;
  }
  // The link used up and the session made in one unit: a link is never spent without a session.
  const auto unit = store.begin();
  const auto user = secret.empty() ? std::nullopt
                                   : store.accounts().use_signin_link(sha256_hex(secret),
                                                                      now_rfc3339());
  if (!user) {
    store.accounts().record_failed_signin(client, now_rfc3339(),
                                          rfc3339_from_now(-kSigninWindowSeconds));
    unit->commit();
    return refuse(r, 403,
                  "this sign-in link is unknown, used or expired: ask an admin for a new one "
                  "(`qualbar users link NAME`)");
  }
  const std::string session = random_secret();
  store.accounts().add_session(sha256_hex(session), *user, random_secret(), now_rfc3339(),
                               rfc3339_from_now(static_cast<long long>(kSessionHours) * 3600));
  audit(store, *user, "session.signin", *user, "from " + client);
  unit->commit();
  const auto u = store.accounts().user(*user);
  Response out = Response::redirect(u && u->role == "reviewer" ? "/review" : "/");
  out.headers.emplace_back("Set-Cookie", session_cookie(context, session,
                                                        static_cast<long long>(kSessionHours) * 3600));
  return out;
}

Response signout(const Request& r, const RouteContext& context) {
  Store& store = thread_store(context.store_path);
  store.accounts().end_session(r.who->session);
  audit(store, r.who->name, "session.signout", r.who->name);
  Response out = Response::redirect("/signin?signed_out=1");
  out.headers.emplace_back("Set-Cookie", session_cookie(context, "", 0));
  return out;
}

}  // namespace

Gate make_gate(const RouteContext& context) {
  return [context](Request& r, Access need) { return gate(r, need, context); };
}

void add_auth_routes(Router& router, const RouteContext& context) {
  router.add("GET", "/signin", Access::open, [](const Request& r) { return signin_page(r); });
  router.add("GET", "/signin/{secret}", Access::open,
             [](const Request& r) { return signin_link_page(r); });
  router.add("POST", "/signin", Access::open,
             [context](const Request& r) { return signin(r, context); });
  router.add("POST", "/signout", Access::signed_in,
             [context](const Request& r) { return signout(r, context); });
  router.add("GET", "/api/v1/me", Access::signed_in, [](const Request& r) {
    return Response::json(dump({{"name", r.who->name},
                                {"role", r.who->role},
                                {"scopes", r.who->scopes},
                                {"csrf", r.who->csrf}}));
  });
}

}  // namespace qb::server
