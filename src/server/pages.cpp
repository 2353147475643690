#include "server/pages.hpp"

#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "qualbar/core/error.hpp"
#include "qualbar/store/store.hpp"
#include "report/html_escape.hpp"

namespace qb::server {

Store& thread_store(const std::string& path) {
  thread_local std::unique_ptr<Store> store;
  thread_local std::string opened;
  if (!store || opened != path) {
    store = open_store(path, StoreAccess::existing);
    opened = path;
  }
  return *store;
}

std::string dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string resolve_run(Store& store, const std::string& id) {
  try {
    return store.runs().resolve_run_id(id);
  } catch (const InputError& e) {
    throw HttpError(404, e.what());
  }
}

std::size_t number_param(const Request& r, const std::string& name, std::size_t fallback,
                         std::size_t most) {
  const auto v = r.param(name);
  if (!v) return fallback;
  std::size_t used = 0;
  unsigned long long n = 0;
  try {
    n = std::stoull(*v, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != v->size() || n > most) {
    throw HttpError(400, fmt::format("query parameter '{}': expected a whole number from 0 to {}",
                                     name, most));
  }
  return static_cast<std::size_t>(n);
}

std::string page_policy(std::string_view script_hashes) {
  return fmt::format(
      "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src {}; "
      "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
      script_hashes.empty() ? std::string("'none'") : std::string(script_hashes));
}

nlohmann::json json_body(const Request& r) {
  if (r.header("content-type").rfind("application/json", 0) != 0)
    throw HttpError(415, "send the body as JSON (Content-Type: application/json)");
  try {
    return nlohmann::json::parse(r.body);
  } catch (const nlohmann::json::parse_error& e) {
    // "[json.exception.parse_error.101] parse error at line 1, column 5: ..." without its code.
    std::string why = e.what();
    if (const auto at = why.find("] "); at != std::string::npos) why = why.substr(at + 2);
    throw HttpError(400, "the body is not valid JSON: " + why);
  }
}

std::string csrf_field(const Request& r) {
  if (!r.who || r.who->csrf.empty()) return "";
  return "<input type=\"hidden\" name=\"csrf\" value=\"" + html::attr(r.who->csrf) + "\">";
}

std::string url_component(std::string_view s) {
  std::string out;
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out += ch;
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

std::string query_string(const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::string out;
  for (const auto& [name, value] : pairs) {
    if (value.empty()) continue;
    out += out.empty() ? '?' : '&';
    out += url_component(name);
    out += '=';
    out += url_component(value);
  }
  return out;
}

namespace {

// The sections of the site a role may open, in the navigation's order.
std::string navigation(const Request& r) {
  if (!r.who) return "";
  const std::string& role = r.who->role;
  std::string links;
  const auto link = [&](const char* href, const char* label) {
    links += fmt::format("<a href=\"{}\">{}</a> ", href, label);
  };
  if (role == "admin" || role == "viewer") link("/", "Runs");
  if (role == "admin" || role == "viewer") link("/production", "Production");
  if (role == "admin" || role == "reviewer") link("/review", "Review");
  if (role == "admin") link("/admin", "People and tokens");
  return fmt::format(
      "<nav class=\"site\">{}<span class=\"who\">{} ({})</span> <form method=\"post\" "
      "action=\"/signout\" class=\"inline\">{}<button type=\"submit\">Sign out</button></form>"
      "</nav>\n",
      links, html::text(r.who->name), html::text(role), csrf_field(r));
}

constexpr const char* kSiteStyle =
    "nav.site{display:flex;gap:1em;align-items:center;padding:.4em 0;border-bottom:1px solid "
    "#ccc;margin-bottom:1em}nav.site .who{margin-left:auto;color:#555}form.inline{display:inline}";

}  // namespace

Response page(const Request& r, const std::string& title, const std::string& body,
              std::string_view script_hashes, std::string_view style) {
  std::string s = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  s += "<title>" + html::text(title) + " · qualbar</title>\n<style>" + html::page_style() +
       kSiteStyle + std::string(style) + "</style>\n</head>\n<body>\n<main>\n" + navigation(r) + body +
       "</main>\n</body>\n</html>\n";
  Response out = Response::html(std::move(s));
  out.headers.emplace_back("Content-Security-Policy", page_policy(script_hashes));
  return out;
}

}  // namespace qb::server
