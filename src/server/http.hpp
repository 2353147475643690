#pragma once
// The server's requests and responses as plain data, and the router that maps one to the other.
// Only http_server.cpp sees Boost.Beast; every handler works on these types. Internal.

#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace qb::server {

class RequestMetrics;  // server/metrics.hpp

// Who may reach a route (docs/serve.md, "People and tokens"). Checked by the router's gate before the
// handler runs, so a handler never sees a request it should not answer.
enum class Access {
  open,           // anyone: health checks and the sign-in pages
  signed_in,      // any signed-in person, whatever the role (sign out)
  read,           // viewers and admins, and API tokens with the `read` scope; never reviewers
  review,         // reviewers and admins: the review pages
  admin,          // admins only
  runs_write,     // admins, and API tokens with the `runs:write` scope
  records_write,  // admins, and API tokens with the `records:write` scope
};

// Who sent a request: a signed-in person or an API token.
struct Principal {
  std::string name;                 // the user's name, or "token NAME"
  std::string role;                 // admin, reviewer or viewer; "" for a token
  std::vector<std::string> scopes;  // a token's scopes; empty for a person
  std::string csrf;                 // the session's CSRF token; "" for a token
  std::string session;              // the session's id hash; "" for a token
};

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string path;    // decoded, without the query
  std::map<std::string, std::string> query;  // decoded; the last value of a repeated key
  std::map<std::string, std::string> headers;  // lower-case names
  // Mutable so that a handler that keeps a large body (an ingest, queued for the store's
  // writer) moves it rather than copies it.
  mutable std::string body;
  std::map<std::string, std::string> params;  // from the route's {name} segments
  std::string peer;                           // the client's IP address
  std::optional<Principal> who;               // set by the gate for a route that is not open

  [[nodiscard]] std::string header(const std::string& lower_name) const;
  [[nodiscard]] std::optional<std::string> param(const std::string& name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // beyond the security headers
  // A body too big to hold at once (an export of every case): each call appends the next part to
  // `out` and returns false once nothing is left. Sent in chunks (chunked transfer encoding)
  // instead of `body`. It is called on whichever server thread writes the connection, so it
  // holds everything it reads from (its own store connection), never a thread's.
  std::function<bool(std::string& out)> stream;
  // An answer given later (an ingest waits for the store's writer): the handler returns at once
  // with `deferred` set, the server calls it with `send`, and `send` is called once, from any
  // thread, with the answer. The connection holds no thread meanwhile.
  std::function<void(std::function<void(Response)> send)> deferred;

  static Response json(std::string body, int status = 200);
  static Response html(std::string body, int status = 200);
  // 303 See Other to `location` (after a form post, to a sign-in page).
  static Response redirect(const std::string& location);
  // {"error": {"status": 404, "message": "..."}} — what every API error looks like.
  static Response error(int status, std::string_view message);
};

using Handler = std::function<Response(const Request&)>;
// Decides whether a request may reach a route: nullopt lets it through (with `who` set), a
// response is sent instead (a sign-in redirect, 401, 403, 429).
using Gate = std::function<std::optional<Response>(Request&, Access)>;

// A handler's way to answer with an error status (404 for an unknown run, 403, 413, ...).
class HttpError : public std::runtime_error {
 public:
  HttpError(int status, const std::string& message)
      : std::runtime_error(message), status_(status) {}
  [[nodiscard]] int status() const { return status_; }

 private:
  int status_;
};

// Routes by method and path pattern: "/api/v1/runs/{id}/summary" matches one segment per {name}.
class Router {
 public:
  void add(std::string method, std::string pattern, Access access, Handler handler);
  // Every route but an open one passes `gate` first; without a gate every route is open.
  void set_gate(Gate gate) { gate_ = std::move(gate); }
  // Each request's time to answer is recorded there, by route pattern and method.
  void set_metrics(RequestMetrics* metrics) { metrics_ = metrics; }
  // The handler's response; 404 for no path, 405 (with Allow) for a path with other methods.
  // A handler's HttpError becomes its status, an InputError 400, anything else 500 (the reason
  // goes to the server's log, not to the client).
  [[nodiscard]] Response handle(Request request) const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    Access access;
    Handler handler;
  };
  // handle() but the timing; `route` is set to the pattern that matched.
  [[nodiscard]] Response dispatch(Request& request, std::string& route) const;

  std::vector<Route> routes_;
  Gate gate_;
  RequestMetrics* metrics_ = nullptr;
};

// Whether a request target (path and query) takes production records, whose body may be as
// large as ServeOptions::max_ingest_bytes rather than max_body_bytes.
bool ingest_target(std::string_view target);

// Percent-decoding of a path or a query component ('+' is a space in a query); nullopt when it is
// malformed or decodes to invalid UTF-8 or a NUL byte.
std::optional<std::string> url_decode(std::string_view s, bool query);

// "a=1&b=two" into its decoded pairs; nullopt when a part is malformed.
std::optional<std::map<std::string, std::string>> parse_query(std::string_view q);

}  // namespace qb::server
