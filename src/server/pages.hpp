#pragma once
// What every route file of the server shares: the store of this thread, JSON output, query
// numbers, a run id resolved, and the page frame (navigation, sign-out, the page's policy).
// Internal.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "qualbar/server/serve.hpp"
#include "server/http.hpp"

namespace qb {
class Store;
}

namespace qb::server {

class IngestService;

// What a route file needs to know of the server it is part of.
struct RouteContext {
  std::string store_path;
  bool tls = false;         // served over TLS: cookies are Secure
  std::string public_url;   // where people open it ("" when not said): sign-in links, Origin
  std::shared_ptr<IngestService> ingest;  // the writer of production records sent in
};

// This thread's connection to the store (SQLite connections are not shared between threads; WAL
// lets each read while another writes), opened on first use.
Store& thread_store(const std::string& path);

// A JSON document as the API sends it (invalid UTF-8 replaced), with a final newline.
std::string dump(const nlohmann::json& j);

// A run id from a path (a prefix, latest, latest~N) resolved; 404 when the store has none.
std::string resolve_run(Store& store, const std::string& id);

// A whole-number query parameter from 0 to `most`; `fallback` when absent; 400 otherwise.
std::size_t number_param(const Request& r, const std::string& name, std::size_t fallback,
                         std::size_t most);

// The policy of the server's own pages: inline style, no script unless `script_hashes` (each
// "'sha256-...'") allows one, forms to this origin only.
std::string page_policy(std::string_view script_hashes = "");

// A page in the report's style: <title>, the navigation for who is signed in (the sections their
// role may open, their name, a sign-out button with the CSRF token), then `body` in <main>.
// `style`: the body's own classes, after the report's stylesheet.
Response page(const Request& r, const std::string& title, const std::string& body,
              std::string_view script_hashes = "", std::string_view style = "");

// A JSON request body, or 400 saying where it is malformed; 415 when it is not said to be JSON.
nlohmann::json json_body(const Request& r);

// The hidden form field that carries the session's CSRF token in a page's form.
std::string csrf_field(const Request& r);

// `s` percent-encoded for a path segment or a query value: every byte but A–Z a–z 0–9 - . _ ~.
std::string url_component(std::string_view s);

// "?a=1&b=two" of the pairs whose value is not empty, each encoded ("" when none is left).
std::string query_string(const std::vector<std::pair<std::string, std::string>>& pairs);

}  // namespace qb::server
