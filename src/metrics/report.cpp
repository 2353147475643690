#include "qualbar/metrics/report.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

#include "metrics/fairness.hpp"
#include "metrics/slices.hpp"
#include "qualbar/metrics/scoring.hpp"
#include "qualbar/scorers/scorer.hpp"
#include "qualbar/util/parallel.hpp"

namespace qb {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Running sums of one cell of one dimension.
struct Acc {
  std::size_t n = 0;     // counted cases (scored + failed calls)
  std::size_t hits = 0;  // cases at or above the pass threshold
  std::size_t errors = 0;
  std::size_t not_applicable = 0;
  std::size_t ungraded = 0;  // the judge did not grade: left out of the estimate
  double sum = 0.0;
  double sumsq = 0.0;
  std::size_t useful = 0;      // useful responses among the cell's cases (cost per useful response)
  std::vector<double> values;  // measurements, for percentiles
};

double pass_threshold(const ScorerInfo& info, const DimensionSpec& d) {
  return info.kind == ScoreKind::graded && d.threshold ? *d.threshold : 0.5;
}

void add(Acc& acc, const ScoreView& s, Aggregation agg, double threshold, bool useful,
         bool call_failed) {
  if (s.status == ScoreStatus::not_applicable) {
    ++acc.not_applicable;
    return;
  }
  if (s.status == ScoreStatus::ungraded) {
    ++acc.ungraded;
    return;
  }
  const bool failed_call = s.status == ScoreStatus::error;
  if (call_failed) ++acc.errors;  // also for measurements that count failed calls
  if (agg == Aggregation::quantiles || agg == Aggregation::total) {
    if (failed_call) return;  // measurements of failed calls come through scores_failed_calls
    ++acc.n;
    acc.sum += s.value;
    if (agg == Aggregation::quantiles) acc.values.push_back(s.value);
    if (useful) ++acc.useful;
    return;
  }
  ++acc.n;  // a failed call counts as a 0 / a failure
  acc.sum += s.value;
  acc.sumsq += s.value * s.value;
  if (s.value >= threshold) ++acc.hits;
}

Cell finish_cell(Acc& acc, const DimensionResult& dim, const Suite& suite, double baseline) {
  Cell cell;
  cell.n = acc.n;
  cell.n_errors = acc.errors;
  cell.n_not_applicable = acc.not_applicable;
  cell.n_ungraded = acc.ungraded;
  const double n = static_cast<double>(acc.n);
  switch (dim.aggregation) {
    case Aggregation::rate: {
      cell.estimate = acc.n ? static_cast<double>(acc.hits) / n : kNaN;
      cell.interval = stats::wilson(acc.hits, acc.n, suite.confidence);
      cell.stats = {{"estimate", cell.estimate}};
      break;
    }
    case Aggregation::mean: {
      cell.estimate = acc.n ? acc.sum / n : kNaN;
      const double var =
          acc.n > 1 ? std::max(0.0, (acc.sumsq - acc.sum * acc.sum / n) / (n - 1.0)) : kNaN;
      // Graded scores lie in [0, 1]: an interval that stays there and never has zero width.
      cell.interval =
          stats::unit_mean_interval(cell.estimate, std::sqrt(var), acc.n, suite.confidence);
      cell.stats = {{"estimate", cell.estimate}, {"sd", std::sqrt(var)}};
      break;
    }
    case Aggregation::quantiles: {
      std::sort(acc.values.begin(), acc.values.end());
      const std::span<const double> v(acc.values);
      for (auto [name, q] : {std::pair{"p50", 0.5}, {"p90", 0.9}, {"p95", 0.95}, {"p99", 0.99}}) {
        cell.stats.emplace_back(name, stats::quantile_sorted(v, q));
      }
      cell.stats.emplace_back("mean", acc.n ? acc.sum / n : kNaN);
      cell.estimate = *cell.stat("p95");
      cell.interval = stats::quantile_interval_sorted(v, 0.95, suite.confidence);
      break;
    }
    case Aggregation::total: {
      cell.estimate = acc.n ? acc.sum / n : kNaN;
      cell.interval = {kNaN, kNaN};
      cell.stats = {{"per_response", cell.estimate},
                    {"per_useful", acc.useful ? acc.sum / static_cast<double>(acc.useful) : kNaN},
                    {"total", acc.sum},
                    {"useful", static_cast<double>(acc.useful)}};
      break;
    }
  }
  // Size check: could this cell show a drop of min_effect? (Quality dimensions only.)
  if (dim.name != kErrorsDimension && acc.n > 0) {
    if (dim.aggregation == Aggregation::rate) {
      const double p0 = std::clamp(dim.higher_is_better ? baseline : 1.0 - baseline, 0.05, 0.95);
      cell.min_detectable_drop = stats::min_detectable_drop(std::isnan(p0) ? 0.5 : p0, acc.n,
                                                            suite.confidence, suite.power);
    } else if (dim.aggregation == Aggregation::mean) {
      // One-sided test of a drop in the mean: δ = (z_{1−α} + z_{power}) · sd / √n; one case has
      // no spread to judge by, so it can show no drop.
      const double z =
          stats::normal_quantile(suite.confidence) + stats::normal_quantile(suite.power);
      cell.min_detectable_drop = acc.n > 1 ? z * (*cell.stat("sd")) / std::sqrt(n)
                                           : std::numeric_limits<double>::infinity();
    }
    if (cell.min_detectable_drop)
      cell.too_small = *cell.min_detectable_drop > suite.min_effect + 1e-12;
  }
  return cell;
}

void check_bars(Cell& cell, const std::vector<BarLimit>& limits, const std::string& source) {
  for (const BarLimit& b : limits) {
    BarCheck check;
    check.key = b.key;
    check.stat = b.stat;
    check.is_max = b.is_max;
    check.limit = b.limit;
    check.source = source;
    check.observed = cell.stat(b.stat).value_or(kNaN);
    check.passed = !std::isnan(check.observed) &&
                   (b.is_max ? check.observed <= b.limit : check.observed >= b.limit);
    const bool interval_stat = b.stat == "estimate" || b.stat == "p95";
    check.uncertain = interval_stat && !std::isnan(cell.interval.lo) &&
                      !std::isnan(cell.interval.hi) && cell.interval.lo <= b.limit &&
                      b.limit <= cell.interval.hi;
    cell.bars.push_back(check);
  }
}

void settle_status(Cell& cell) {
  const bool any_failed =
      std::any_of(cell.bars.begin(), cell.bars.end(), [](const BarCheck& b) { return !b.passed; });
  // A slice where the dimension never applies has nothing to hold to a bar; overall, a bar with
  // nothing measured fails (the suite and the data disagree).
  if (cell.n == 0 && !cell.slice.empty()) {
    cell.bars.clear();
    cell.status = CellStatus::no_data;
  } else if (cell.n == 0)
    cell.status = cell.bars.empty() ? CellStatus::no_data : CellStatus::fail;
  else if (any_failed)
    cell.status = CellStatus::fail;
  else if (cell.too_small)
    cell.status = CellStatus::too_small;
  else
    cell.status = cell.bars.empty() ? CellStatus::no_bar : CellStatus::pass;
}

// How far a cell is from good, for ordering: higher is worse.
double badness(const Cell& c, const DimensionResult& d) {
  if (std::isnan(c.estimate)) return -1e300;
  return d.higher_is_better ? -c.estimate : c.estimate;
}

// A useful response: the call succeeded and it passes every `useful` dimension that applies.
std::vector<char> useful_responses(const Suite& suite, std::span<const Response> responses,
                                   const ScoreTable& scores) {
  const std::size_t n_cases = responses.size();
  std::vector<std::pair<std::size_t, double>> useful_dims;  // (dimension, pass threshold)
  for (const auto& name : suite.useful) {
    for (std::size_t d = 0; d < suite.dimensions.size(); ++d) {
      const DimensionSpec& spec = suite.dimensions[d];
      if (spec.name == name)
        useful_dims.emplace_back(d, pass_threshold(scorer_entry(spec.scorer).info, spec));
    }
  }
  std::vector<char> useful(n_cases, 0);
  for (std::size_t c = 0; c < n_cases; ++c) {
    bool ok = !responses[c].is_error();
    for (const auto& [d, threshold] : useful_dims) {
      const ScoreView s = scores.at(c, d);
      if (s.status == ScoreStatus::not_applicable) continue;
      ok = ok && s.status == ScoreStatus::scored && s.value >= threshold;
    }
    useful[c] = ok ? 1 : 0;
  }

  return useful;
}

// One dimension: its overall cell and every slice cell, with bars, worst first, and its analysis.
DimensionResult dimension_result(const Suite& suite, std::size_t d, std::span<const Case> cases,
                                 std::span<const Response> responses, const ScoreTable& scores,
                                 const std::vector<detail::SliceCells>& slices,
                                 const std::vector<char>& useful) {
  const DimensionSpec& spec = suite.dimensions[d];
  const ScorerInfo& info = scorer_entry(spec.scorer).info;
  DimensionResult dim;
  dim.name = spec.name;
  dim.scorer = spec.scorer;
  dim.description = spec.description.empty() ? info.summary : spec.description;
  dim.kind = info.kind;
  dim.aggregation = spec.aggregation;  // as bind_suite set it from the scorer
  dim.higher_is_better = info.higher_is_better;
  dim.unit = info.unit;
  dim.threshold = spec.threshold;
  dim.estimate_name = dim.aggregation == Aggregation::rate
                          ? (dim.higher_is_better ? "pass rate" : "rate")
                      : dim.aggregation == Aggregation::mean      ? "mean"
                      : dim.aggregation == Aggregation::quantiles ? "p95"
                                                                  : "per response";
  const double threshold = pass_threshold(info, spec);

  Acc overall;
  std::vector<std::vector<Acc>> by_slice(slices.size());
  for (std::size_t s = 0; s < slices.size(); ++s) by_slice[s].resize(slices[s].values.size());
  for (std::size_t c = 0; c < cases.size(); ++c) {
    const ScoreView score = scores.at(c, d);
    const bool call_failed = responses[c].is_error();
    add(overall, score, dim.aggregation, threshold, useful[c] != 0, call_failed);
    if (score.status == ScoreStatus::ungraded && dim.ungraded_example.empty())
      dim.ungraded_example = std::string(score.evidence);
    for (std::size_t s = 0; s < slices.size(); ++s) {
      const auto& sc = slices[s];
      for (std::uint32_t k = sc.offsets[c]; k < sc.offsets[c + 1]; ++k) {
        add(by_slice[s][sc.ids[k]], score, dim.aggregation, threshold, useful[c] != 0, call_failed);
      }
    }
  }

  const auto bars_it = suite.bars.find(spec.name);
  const DimensionBars* bars = bars_it == suite.bars.end() ? nullptr : &bars_it->second;
  // Slices are sized against the overall rate: can a slice show a drop from there?
  const double baseline =
      overall.n ? static_cast<double>(overall.hits) / static_cast<double>(overall.n) : kNaN;
  dim.overall = finish_cell(overall, dim, suite, baseline);
  if (bars) check_bars(dim.overall, bars->overall, "overall");
  settle_status(dim.overall);

  for (std::size_t s = 0; s < slices.size(); ++s) {
    for (std::size_t v = 0; v < slices[s].values.size(); ++v) {
      Cell cell = finish_cell(by_slice[s][v], dim, suite, baseline);
      cell.slice = slices[s].spec.name();
      cell.value = slices[s].values[v];
      // A critical slice meets its own bars, else the overall ones; others the per-slice bars.
      const CriticalSlice* crit = nullptr;
      for (const CriticalSlice& c : suite.critical_slices) {
        if (c.slice.keys == slices[s].spec.keys &&
            fmt::format("{}", fmt::join(c.values, " × ")) == cell.value)
          crit = &c;
      }
      if (crit) {
        cell.critical = true;
        auto own = crit->bars.find(spec.name);
        if (own != crit->bars.end())
          check_bars(cell, own->second, "critical");
        else if (bars)
          check_bars(cell, bars->overall, "critical");
      } else if (bars) {
        check_bars(cell, bars->per_slice, "per_slice");
      }
      settle_status(cell);
      dim.cells.push_back(std::move(cell));
    }
  }
  std::stable_sort(dim.cells.begin(), dim.cells.end(), [&](const Cell& a, const Cell& b) {
    const bool fa = a.status == CellStatus::fail, fb = b.status == CellStatus::fail;
    if (fa != fb) return fa;
    if (fa && a.critical != b.critical) return a.critical;
    return badness(a, dim) > badness(b, dim);
  });
  if (!info.analysis.empty()) {
    dim.analysis = analysis_registry()
                       .get(info.analysis)
                       .run(AnalysisInput{suite, d, cases, responses, scores});
  }
  return dim;
}

// Every missed bar: critical slices, then overall, then per-slice, then fairness; by dimension,
// then by how far it was missed.
std::vector<Failure> gating_failures(const Suite& suite, const Report& report) {
  struct Ranked {
    int rank;
    double gap;
    Failure failure;
  };
  std::vector<Ranked> ranked;
  for (std::size_t d = 0; d < report.dimensions.size(); ++d) {
    const auto& dim = report.dimensions[d];
    auto collect = [&](const Cell& cell) {
      for (const auto& b : cell.bars) {
        if (b.passed) continue;
        const double gap = std::isnan(b.observed) ? 1e300
                                                  : std::fabs(b.observed - b.limit) /
                                                        std::max(std::fabs(b.limit), 1e-12);
        const int rank = b.source == "critical" ? 0 : b.source == "overall" ? 1 : 2;
        ranked.push_back({rank, gap, Failure{d, cell.label(), cell.critical, b, cell.interval}});
      }
    };
    collect(dim.overall);
    for (const auto& cell : dim.cells) collect(cell);
  }
  for (const auto& f : report.fairness) {
    for (const auto& b : f.bars) {
      if (b.passed) continue;
      const FairnessComparison* c = nullptr;
      for (const auto& comp : f.comparisons)
        if (comp.metric == b.stat) c = &comp;
      Failure failure{f.dimension, "across " + f.across, false, b, {kNaN, kNaN}, {}};
      if (c) {
        const bool ratio = b.key == "min_ratio";
        failure.interval = ratio ? c->ratio_interval : c->gap_interval;
        failure.text = fmt::format(
            "{} across {}: {} {} ({} {:.1f}% vs {} {:.1f}%), {} [{}, {}], is {} the bar {} {}",
            report.dimensions[f.dimension].name, f.across, c->metric, ratio ? "ratio" : "gap",
            c->low, 100.0 * c->low_rate, c->high, 100.0 * c->high_rate,
            ratio ? fmt::format("{:.2f}", c->ratio) : fmt::format("{:.1f} points", 100.0 * c->gap),
            ratio ? fmt::format("{:.2f}", failure.interval.lo)
                  : fmt::format("{:.1f}", 100.0 * failure.interval.lo),
            ratio ? fmt::format("{:.2f}", failure.interval.hi)
                  : fmt::format("{:.1f}", 100.0 * failure.interval.hi),
            ratio ? "below" : "above", ratio ? "≥" : "≤",
            ratio ? fmt::format("{:.2f}", b.limit) : fmt::format("{:.1f} points", 100.0 * b.limit));
      }
      ranked.push_back({3, 0, std::move(failure)});
    }
  }
  // A critical slice that no case falls in cannot be measured: that is a failure too.
  for (const CriticalSlice& crit : suite.critical_slices) {
    const std::string label = crit.label();
    bool found = false;
    for (const auto& dim : report.dimensions) {
      for (const auto& cell : dim.cells) found = found || (cell.critical && cell.label() == label);
    }
    if (found) continue;
    const BarCheck none{
        .key = "cases", .stat = "n", .limit = 1, .observed = 0, .source = "critical"};
    ranked.push_back({-1, 0, Failure{std::nullopt, label, true, none, {kNaN, kNaN}}});
  }
  std::stable_sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) {
    if (a.rank != b.rank) return a.rank < b.rank;
    if (a.failure.dimension != b.failure.dimension)
      return a.failure.dimension < b.failure.dimension;
    return a.gap > b.gap;
  });
  std::vector<Failure> out;
  for (auto& r : ranked) out.push_back(std::move(r.failure));
  return out;
}

}  // namespace

bool case_failed(const DimensionResult& d, const ScoreView& s) {
  if (s.status == ScoreStatus::error) return true;
  if (s.status != ScoreStatus::scored || d.aggregation != Aggregation::rate) return false;
  const double threshold = d.kind == ScoreKind::graded && d.threshold ? *d.threshold : 0.5;
  return d.higher_is_better ? s.value < threshold : s.value >= threshold;
}

std::string_view to_string(CellStatus s) {
  switch (s) {
    case CellStatus::pass:
      return "pass";
    case CellStatus::fail:
      return "fail";
    case CellStatus::no_bar:
      return "no_bar";
    case CellStatus::too_small:
      return "too_small";
    case CellStatus::no_data:
      return "no_data";
  }
  return "no_bar";
}

std::optional<double> Cell::stat(std::string_view name) const {
  for (const auto& [k, v] : stats) {
    if (k == name) return v;
  }
  return std::nullopt;
}

std::string Cell::label() const {
  if (slice.empty()) return "overall";
  // Zip "category × language" with "billing × de".
  std::vector<std::string> keys, values;
  auto split = [](const std::string& s, std::vector<std::string>& out) {
    std::size_t start = 0, pos;
    while ((pos = s.find(" × ", start)) != std::string::npos) {
      out.push_back(s.substr(start, pos - start));
      start = pos + std::string_view(" × ").size();
    }
    out.push_back(s.substr(start));
  };
  split(slice, keys);
  split(value, values);
  if (keys.size() != values.size()) return slice + "=" + value;
  std::string out;
  for (std::size_t i = 0; i < keys.size(); ++i) out += (i ? " × " : "") + keys[i] + "=" + values[i];
  return out;
}

Report build_report(const Suite& suite, std::span<const Case> cases,
                    std::span<const Response> responses, const ScoreTable& scores,
                    const RunInfo& run, std::vector<CaseSlices>* case_slices) {
  if (!suite.bound)
    throw std::logic_error("build_report needs a suite bound to the registries (bind_suite)");
  Report report;
  report.run = run;
  report.suite_name = suite.name;
  report.suite_file = suite.file;
  report.confidence = suite.confidence;
  report.min_effect = suite.min_effect;
  report.n_cases = cases.size();
  for (const auto& r : responses) report.n_errors += r.is_error() ? 1 : 0;

  // Slices, then dimensions, each independent of the others: on every core for a big run.
  const bool parallel = cases.size() >= kParallelCasesFrom;
  std::vector<detail::SliceCells> slices(suite.slices.size());
  const detail::SliceFold fold = detail::SliceFold::of(suite);
  parallel_for(
      slices.size(),
      [&](std::size_t s) { slices[s] = detail::index_slice(suite.slices[s], cases, fold); },
      parallel);
  for (const auto& cells : slices) {
    for (const auto& w : cells.warnings) {
      if (std::find(report.warnings.begin(), report.warnings.end(), w) == report.warnings.end())
        report.warnings.push_back(w);
    }
  }

  const std::vector<char> useful = useful_responses(suite, responses, scores);
  report.dimensions.resize(suite.dimensions.size());
  parallel_for(
      suite.dimensions.size(),
      [&](std::size_t d) {
        report.dimensions[d] = dimension_result(suite, d, cases, responses, scores, slices, useful);
      },
      parallel);
  report.fairness = detail::build_fairness(suite, cases, responses, scores);
  report.failures = gating_failures(suite, report);
  if (case_slices != nullptr) {
    case_slices->clear();
    for (auto& s : slices) {
      case_slices->push_back(CaseSlices{s.spec.name(), std::move(s.values), std::move(s.offsets),
                                        std::move(s.ids)});
    }
  }
  report.passed = report.failures.empty();
  report.run.passed = report.passed;
  report.run.n_cases = report.n_cases;
  report.run.n_errors = report.n_errors;
  return report;
}

}  // namespace qb
