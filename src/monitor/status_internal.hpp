#pragma once
// Wording and small helpers shared by the status computation (status.cpp) and its renderings
// (status_format.cpp), so an alert's sentence and a table's cell say the same thing.

#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "qualbar/monitor/status.hpp"
#include "qualbar/util/text.hpp"

namespace qb::monitor::detail {

// A weighted count as a whole number of items (0 for a negative or unknown one): what the
// tests on counts take.
inline std::size_t count_of(double x) {
  return x > 0 && std::isfinite(x) ? static_cast<std::size_t>(std::llround(x)) : 0;
}

// One-sided p of a drop (p_drop) or a rise (p_rise) from a two-sided test whose statistic is
// negative for a drop; NaN when the test did not run.
inline double one_sided_p(const stats::TestResult& t, bool rise) {
  if (!t.reason.empty() || std::isnan(t.p_value)) return stats::kNaN;
  return (rise ? t.statistic > 0 : t.statistic < 0) ? t.p_value / 2 : 1.0 - t.p_value / 2;
}
inline double p_drop(const stats::TestResult& t) { return one_sided_p(t, false); }
inline double p_rise(const stats::TestResult& t) { return one_sided_p(t, true); }

// "2026-W01 – 2026-W04", or one week alone.
inline std::string span_text(const std::vector<std::string>& windows, std::size_t first,
                             std::size_t last) {
  if (first == last) return windows[first];
  return windows[first] + " – " + windows[last];
}

// "overall" or "category=refunds".
inline std::string series_label(const std::string& slice, const std::string& value) {
  return slice.empty() ? std::string("overall") : slice + "=" + value;
}

// How a sentence names a series: "moderation_correct" or "moderation_correct for category=refunds".
inline std::string series_name(const std::string& dimension, const std::string& slice,
                               const std::string& value) {
  return slice.empty() ? dimension : dimension + " for " + series_label(slice, value);
}

// A difference of rates in points with its sign ("−5.9", "+0.4"), "—" when unknown.
inline std::string points(double diff) {
  if (!std::isfinite(diff)) return "—";
  const double p = 100.0 * diff;
  if (std::fabs(p) < 0.05) return "0.0";
  return fmt::format("{}{:.1f}", p < 0 ? "−" : "+", std::fabs(p));
}

// A p-value for people: "p = 0.003", "p < 0.001", "" when unknown.
inline std::string p_text(double p) {
  if (!std::isfinite(p)) return "";
  if (p < 0.001) return "p < 0.001";
  return fmt::format("p = {:.3f}", p);
}

// The length below which a share q of the histogram falls, read at the geometric middle of its
// bin (the bins are log-spaced): good to about ±9%, enough to say "lengths doubled".
inline double approx_quantile(const LengthHistogram& h, double q) {
  const std::uint64_t total = h.total();
  if (total == 0) return stats::kNaN;
  const double target = q * static_cast<double>(total);
  double seen = 0;
  for (std::size_t b = 0; b < kLengthBins; ++b) {
    seen += static_cast<double>(h.counts[b]);
    if (seen >= target && h.counts[b] > 0) {
      if (b == 0) return 0.0;
      return std::sqrt(LengthHistogram::bin_lower(b) * LengthHistogram::bin_lower(b + 1));
    }
  }
  return LengthHistogram::bin_lower(kLengthBins - 1);
}

// ---- operational signals (operations.cpp) ----

// "Error rate" from "error rate".
std::string capitalized(std::string s);
// A value in the signal's unit: "2.1%", "1091 ms", "$0.0004"; "—" when unknown.
std::string operations_value(const OperationsSeries& o, double v);
// Its tolerance as people read it: "+2 points", "+20%".
std::string operations_tolerance(const OperationsSeries& o);
// Every signal the traffic has a measure of, tested week by week (status.hpp, OperationsSeries).
std::vector<OperationsSeries> operations_status(const std::vector<WindowTraffic>& traffic,
                                                const std::vector<std::string>& windows,
                                                const MonitorSettings& st, double confidence);
// The detectors' alerts on them (kind "operations"): CUSUM, Page–Hinkley, the first week over
// (a rate's two-proportion z, else the weekly limit), a rising Mann–Kendall trend.
std::vector<Alert> operations_alerts(const std::vector<OperationsSeries>& ops,
                                     const std::vector<std::string>& windows,
                                     const MonitorSettings& st);
// Week w has the signal measured after the baseline and within its tolerance.
bool operations_back_at(const OperationsSeries& o, std::size_t w);
// An incident's sentence: where the signal stands now (open) or that it rose (resolved).
std::string operations_incident_text(const OperationsSeries& o,
                                     const std::vector<std::string>& windows, std::size_t from,
                                     std::size_t to, bool open);

}  // namespace qb::monitor::detail
