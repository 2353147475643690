#include "qualbar/report/format.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "qualbar/scorers/scorer.hpp"
#include "qualbar/stats/intervals.hpp"
#include "qualbar/util/text.hpp"

namespace qb {

Registry<ReportFormatEntry>& report_format_registry() {
  static Registry<ReportFormatEntry> registry("report format");
  return registry;
}

bool format_needs_cases(const std::string& name) {
  const ReportFormatEntry* e = report_format_registry().find(name);
  return e != nullptr && e->needs_cases;
}

std::string format_value(double v, const DimensionResult& d) {
  if (std::isnan(v)) return "—";
  if (d.unit == "ms") return fmt::format("{:.0f} ms", v);
  if (d.unit == "USD") return v >= 1.0 ? fmt::format("${:.2f}", v) : fmt::format("${:.5f}", v);
  if (d.aggregation == Aggregation::rate) return fmt::format("{:.1f}%", 100.0 * v);
  return fmt::format("{:.3f}", v);
}

std::string format_stat(const std::string& stat, double v, const DimensionResult& d) {
  if (stat == "useful" || stat == "n") return std::isnan(v) ? "—" : fmt::format("{:.0f}", v);
  return format_value(v, d);
}

namespace {
std::string stat_label(const std::string& stat, const DimensionResult& d) {
  if (stat == "estimate") return d.estimate_name;
  if (stat == "per_useful") return "cost per useful response";
  if (stat == "per_response") return "cost per response";
  return stat;
}
}  // namespace

std::string bar_text(const BarCheck& b, const DimensionResult& d) {
  std::string stat;
  if (b.stat == "per_useful")
    stat = "per useful ";
  else if (b.stat == "per_response")
    stat = "per response ";
  else if (b.stat != "estimate")
    stat = b.stat + " ";
  return fmt::format("{}{} {}", stat, b.is_max ? "≤" : "≥", format_stat(b.stat, b.limit, d));
}

std::string missing_end_text(const Cell& c, const DimensionResult& d, double confidence,
                             bool upper) {
  if (d.aggregation == Aggregation::quantiles) {
    // The headline statistic with an interval is the p95 (see build_report).
    const stats::QuantileIntervalSizes need = stats::quantile_interval_min_n(0.95, confidence);
    const std::size_t n = upper ? need.upper : need.lower;
    if (n > c.n) return fmt::format("none (needs ≥ {} cases)", n);
  }
  return "none (not computed)";
}

std::string interval_text(const Cell& c, const DimensionResult& d, double confidence) {
  const stats::Interval& i = c.interval;
  if (std::isnan(i.lo) && std::isnan(i.hi)) return "";
  auto v = [&](double x, bool upper) {
    return std::isnan(x) ? missing_end_text(c, d, confidence, upper) : format_value(x, d);
  };
  return fmt::format("[{}, {}]", v(i.lo, false), v(i.hi, true));
}

std::string bars_text(const Cell& c, const DimensionResult& d) {
  std::vector<std::string> parts;
  for (const auto& b : c.bars) parts.push_back(bar_text(b, d));
  return fmt::format("{}", fmt::join(parts, ", "));
}

std::string estimate_text(const Cell& c, const DimensionResult& d) {
  if (d.aggregation == Aggregation::total) {
    return fmt::format("{} per response, {} per useful", format_value(c.estimate, d),
                       format_value(c.stat("per_useful").value_or(NAN), d));
  }
  if (d.aggregation == Aggregation::quantiles) {
    return fmt::format("p50 {} · p95 {}", format_value(c.stat("p50").value_or(NAN), d),
                       format_value(c.estimate, d));
  }
  return format_value(c.estimate, d);
}

std::vector<std::string> report_notices(const Report& r) {
  std::vector<std::string> out;
  for (const auto& d : r.dimensions) {
    const std::size_t k = d.overall.n_ungraded;
    if (k == 0) continue;
    const std::size_t of = k + d.overall.n;
    const ScorerEntry* scorer = find_scorer_entry(d.scorer);
    if (scorer != nullptr && scorer->info.graded_by_people) {
      out.push_back(fmt::format(
          "{}: graded by people; {} of {} answers have no grade yet and are left out of its "
          "estimate. Hand them to reviewers: qualbar review export --run {} --dimension {} --dir "
          "review/, then qualbar review import",
          d.name, k, of, r.run.id, d.name));
      continue;
    }
    out.push_back(fmt::format(
        "{}: the judge did not grade {} of {} answers, which are left out of its estimate (not "
        "counted as failures); the first: {}. Fix the judge and run again: the grades it gave "
        "are kept, the rest are asked again",
        d.name, k, of, excerpt(d.ungraded_example, 200)));
  }
  for (const auto& w : r.warnings) out.push_back(w);
  return out;
}

std::string failure_text(const Failure& f, const Report& r) {
  if (!f.text.empty()) return f.text;
  if (!f.dimension)
    return fmt::format("critical slice {} has no cases in the dataset, so it cannot be measured",
                       f.where);
  const DimensionResult& d = r.dimensions[*f.dimension];
  const std::string where =
      f.where == "overall" ? "overall"
                           : fmt::format("in {}{}", f.where, f.critical ? " (critical slice)" : "");
  std::string interval;
  if ((f.bar.stat == "estimate" || f.bar.stat == "p95") && !std::isnan(f.interval.lo) &&
      !std::isnan(f.interval.hi)) {
    interval =
        fmt::format(" [{}, {}]", format_value(f.interval.lo, d), format_value(f.interval.hi, d));
  }
  return fmt::format("{} {}: {} {}{} is {} the bar {}", d.name, where, stat_label(f.bar.stat, d),
                     format_stat(f.bar.stat, f.bar.observed, d), interval,
                     f.bar.is_max ? "above" : "below", bar_text(f.bar, d));
}

std::vector<SliceRow> worst_slices(const Report& r) {
  std::vector<SliceRow> rows;
  for (const auto& d : r.dimensions) {
    const bool quality =
        (d.aggregation == Aggregation::rate || d.aggregation == Aggregation::mean) &&
        d.name != kErrorsDimension;
    for (const auto& c : d.cells) {
      if (!quality && c.status != CellStatus::fail) continue;
      const double diff =
          d.higher_is_better ? c.estimate - d.overall.estimate : d.overall.estimate - c.estimate;
      rows.push_back({&d, &c, std::isnan(diff) ? 0.0 : diff});
    }
  }
  std::stable_sort(rows.begin(), rows.end(), [](const SliceRow& a, const SliceRow& b) {
    const bool fa = a.c->status == CellStatus::fail, fb = b.c->status == CellStatus::fail;
    if (fa != fb) return fa;
    if (fa && a.c->critical != b.c->critical) return a.c->critical;
    return a.gap < b.gap;
  });
  return rows;
}

}  // namespace qb
