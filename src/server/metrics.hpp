#pragma once
// What qualbar serve counts for /metrics (docs/serve.md, "Metrics"): HTTP request latency by
// route, and the Prometheus text exposition format (0.0.4) the route writes. Internal.

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace qb::server {

// Request latency histograms by route and method, recorded by the router as it answers.
class RequestMetrics {
 public:
  // Upper bounds of the buckets, in seconds.
  static constexpr std::array<double, 12> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                      0.1,   0.25,   0.5,   1.0,  2.5,   10.0};
  void record(const std::string& route, const std::string& method, double seconds);
  // Appends the histograms in the text format.
  void write(std::string& out) const;

 private:
  struct Histogram {
    std::array<std::uint64_t, kBuckets.size()> buckets{};  // not cumulative
    std::uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, Histogram> by_route_;
};

// The Prometheus text format, written a family at a time.
class MetricsText {
 public:
  // "# HELP name help" and "# TYPE name type" (counter, gauge, histogram).
  void family(std::string_view name, std::string_view type, std::string_view help);
  // One sample: name{label="value",...} value.
  void sample(std::string_view name, const std::vector<std::pair<std::string, std::string>>& labels,
              double value);
  [[nodiscard]] std::string& text() { return out_; }

 private:
  std::string out_;
};

// A label value escaped as the format wants: backslash, double quote and newline.
std::string escape_label(std::string_view value);

}  // namespace qb::server
