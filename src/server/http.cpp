#include "server/http.hpp"

#include <chrono>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "qualbar/core/error.hpp"
#include "qualbar/util/text.hpp"
#include "server/metrics.hpp"

namespace qb::server {
namespace {

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at < path.size()) {
    if (path[at] == '/') {
      ++at;
      continue;
    }
    const std::size_t end = std::min(path.find('/', at), path.size());
    out.emplace_back(path.substr(at, end - at));
    at = end;
  }
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string Request::header(const std::string& lower_name) const {
  const auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

std::optional<std::string> Request::param(const std::string& name) const {
  const auto it = query.find(name);
  if (it == query.end()) return std::nullopt;
  return it->second;
}

Response Response::json(std::string body, int status) {
  return Response{status, "application/json", std::move(body), {}};
}

Response Response::html(std::string body, int status) {
  return Response{status, "text/html; charset=utf-8", std::move(body), {}};
}

Response Response::error(int status, std::string_view message) {
  const nlohmann::json j = {
      {"error", {{"status", status}, {"message", std::string(message)}}}};
  return json(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n", status);
}

Response Response::redirect(const std::string& location) {
  Response r{303, "text/plain; charset=utf-8", "See " + location + "\n", {}};
  r.headers.emplace_back("Location", location);
  return r;
}

void Router::add(std::string method, std::string pattern, Access access, Handler handler) {
  std::vector<std::string> segments = split_path(pattern);
  routes_.push_back(
      Route{std::move(method), std::move(pattern), std::move(segments), access, std::move(handler)});
}

Response Router::handle(Request request) const {
  const auto start = std::chrono::steady_clock::now();
  std::string route = "(none)";  // no route matched: a 404 or a 405
  Response response = dispatch(request, route);
  if (metrics_ != nullptr) {
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    metrics_->record(route, request.method, took.count());
  }
  return response;
}

Response Router::dispatch(Request& request, std::string& route_pattern) const {
  const std::vector<std::string> parts = split_path(request.path);
  std::vector<std::string> allowed;
  for (const Route& route : routes_) {
    if (route.segments.size() != parts.size()) continue;
    std::map<std::string, std::string> params;
    bool match = true;
    for (std::size_t i = 0; i < parts.size() && match; ++i) {
      const std::string& want = route.segments[i];
      if (want.size() > 2 && want.front() == '{' && want.back() == '}')
        params[want.substr(1, want.size() - 2)] = parts[i];
      else
        match = want == parts[i];
    }
    if (!match) continue;
    if (route.method != request.method &&
        !(route.method == "GET" && request.method == "HEAD")) {
      allowed.push_back(route.method);
      continue;
    }
    request.params = std::move(params);
    route_pattern = route.pattern;
    try {
      if (route.access != Access::open && gate_) {
        if (auto refused = gate_(request, route.access)) return std::move(*refused);
      }
      return route.handler(request);
    } catch (const HttpError& e) {
      return Response::error(e.status(), e.what());
    } catch (const InputError& e) {
      return Response::error(400, e.what());
    } catch (const std::exception& e) {
      std::cerr << fmt::format("qualbar serve: {} {}: {}\n", request.method,
                               display_text(request.path), display_text(e.what()));
      return Response::error(500, "the server could not answer this request; its log says why");
    }
  }
  if (!allowed.empty()) {
    Response r = Response::error(
        405, fmt::format("{} is not allowed here", display_text(request.method)));
    std::string allow;
    for (const auto& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
    r.headers.emplace_back("Allow", allow);
    return r;
  }
  return Response::error(404, fmt::format("nothing at {}", display_text(request.path)));
}

std::optional<std::string> url_decode(std::string_view s, bool query) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      const int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (query && s[i] == '+') {
      out.push_back(' ');
    } else {
      out.push_back(s[i]);
    }
  }
  if (out.find('\0') != std::string::npos || find_invalid_utf8(out)) return std::nullopt;
  return out;
}

std::optional<std::map<std::string, std::string>> parse_query(std::string_view q) {
  std::map<std::string, std::string> out;
  while (!q.empty()) {
    const std::size_t amp = std::min(q.find('&'), q.size());
    const std::string_view part = q.substr(0, amp);
    q.remove_prefix(std::min(q.size(), amp + 1));
    if (part.empty()) continue;
    const std::size_t eq = part.find('=');
    auto key = url_decode(part.substr(0, eq), true);
    auto value = url_decode(eq == std::string_view::npos ? "" : part.substr(eq + 1), true);
    if (!key || !value) return std::nullopt;
    out[*key] = std::move(*value);
  }
  return out;
}

bool ingest_target(std::string_view target) {
  const std::string_view path = target.substr(0, target.find('?'));
  if (path == "/api/v1/records" || path == "/v1/traces") return true;
  constexpr std::string_view kMonitors = "/api/v1/monitors/";
  return path.starts_with(kMonitors) && path.ends_with("/records") &&
         path.find('/', kMonitors.size()) == path.size() - 8;
}

}  // namespace qb::server
