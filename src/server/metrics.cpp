#include "server/metrics.hpp"

#include <cmath>

#include <fmt/format.h>

namespace qb::server {
namespace {

std::string metric_number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", v);
}

}  // namespace

std::string escape_label(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out.push_back(c);
  }
  return out;
}

void MetricsText::family(std::string_view name, std::string_view type, std::string_view help) {
  // HELP text escapes backslash and newline only.
  std::string h;
  for (const char c : help) {
    if (c == '\\')
      h += "\\\\";
    else if (c == '\n')
      h += "\\n";
    else
      h.push_back(c);
  }
  out_ += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, h, name, type);
}

void MetricsText::sample(std::string_view name,
                         const std::vector<std::pair<std::string, std::string>>& labels,
                         double value) {
  out_ += name;
  if (!labels.empty()) {
    out_ += '{';
    for (std::size_t i = 0; i < labels.size(); ++i) {
      out_ += fmt::format("{}{}=\"{}\"", i == 0 ? "" : ",", labels[i].first,
                          escape_label(labels[i].second));
    }
    out_ += '}';
  }
  out_ += ' ' + metric_number(value) + '\n';
}

void RequestMetrics::record(const std::string& route, const std::string& method, double seconds) {
  const std::lock_guard lock(mutex_);
  Histogram& h = by_route_[{route, method}];
  for (std::size_t b = 0; b < kBuckets.size(); ++b) {
    if (seconds <= kBuckets[b]) {
      ++h.buckets[b];
      break;
    }
  }
  ++h.count;
  h.sum += seconds;
}

void RequestMetrics::write(std::string& out) const {
  MetricsText t;
  t.family("qualbar_http_request_duration_seconds", "histogram",
           "Time to answer an HTTP request, by route pattern and method.");
  const std::lock_guard lock(mutex_);
  for (const auto& [key, h] : by_route_) {
    std::uint64_t cumulative = 0;
    for (std::size_t b = 0; b < kBuckets.size(); ++b) {
      cumulative += h.buckets[b];
      t.sample(
          "qualbar_http_request_duration_seconds_bucket",
          {{"route", key.first}, {"method", key.second}, {"le", fmt::format("{}", kBuckets[b])}},
          static_cast<double>(cumulative));
    }
    t.sample("qualbar_http_request_duration_seconds_bucket",
             {{"route", key.first}, {"method", key.second}, {"le", "+Inf"}},
             static_cast<double>(h.count));
    t.sample("qualbar_http_request_duration_seconds_sum",
             {{"route", key.first}, {"method", key.second}}, h.sum);
    t.sample("qualbar_http_request_duration_seconds_count",
             {{"route", key.first}, {"method", key.second}}, static_cast<double>(h.count));
  }
  out += t.text();
}

}  // namespace qb::server
