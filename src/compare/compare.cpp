#include "qualbar/compare/compare.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "metrics/slices.hpp"
#include "qualbar/scorers/scorer.hpp"
#include "qualbar/stats/bootstrap.hpp"
#include "qualbar/stats/multiple_testing.hpp"
#include "qualbar/stats/permutation.hpp"
#include "qualbar/stats/tests.hpp"
#include "qualbar/util/id_index.hpp"

namespace qb {

std::string_view to_string(Verdict v) {
  switch (v) {
    case Verdict::regression:
      return "regression";
    case Verdict::improvement:
      return "improvement";
    case Verdict::no_change:
      return "no significant change";
    case Verdict::too_few:
      return "too few cases to tell";
  }
  return "";
}

std::string CompareCell::label() const {
  return slice.empty() ? std::string("overall") : slice + "=" + value;
}

namespace {

enum class Kind { rate, mean, measurement };

// One dimension's per-case values on the paired cases: NaN where a side does not count (not
// applicable; a measurement of a failed call).
struct Pairs {
  std::vector<double> a, b;
};

double value_of(const ScoreView& s, Kind kind, double threshold) {
  // Not applicable, or not graded (a judge that failed): nothing to pair.
  if (s.status == ScoreStatus::not_applicable || s.status == ScoreStatus::ungraded)
    return stats::kNaN;
  if (kind == Kind::measurement) return s.status == ScoreStatus::scored ? s.value : stats::kNaN;
  if (s.status == ScoreStatus::error) return 0.0;  // a failed call is a failure
  return kind == Kind::rate ? (s.value >= threshold ? 1.0 : 0.0) : s.value;
}

CompareCell compare_cell(const std::vector<double>& xa, const std::vector<double>& xb, Kind kind,
                         double confidence, std::uint64_t seed) {
  CompareCell c;
  std::vector<double> a, b;
  for (std::size_t i = 0; i < xa.size(); ++i) {
    if (std::isnan(xa[i]) || std::isnan(xb[i])) continue;
    a.push_back(xa[i]);
    b.push_back(xb[i]);
  }
  c.n = a.size();
  if (c.n == 0) {
    c.verdict = Verdict::too_few;
    return c;
  }
  double sa = 0, sb = 0;
  for (std::size_t i = 0; i < c.n; ++i) {
    sa += a[i];
    sb += b[i];
    if (kind == Kind::rate) {
      c.worse += a[i] > b[i] ? 1 : 0;
      c.better += b[i] > a[i] ? 1 : 0;
    }
  }
  c.a = sa / static_cast<double>(c.n);
  c.b = sb / static_cast<double>(c.n);
  c.diff = c.b - c.a;
  if (kind == Kind::rate) {
    c.test = "McNemar exact";
    const auto t = stats::mcnemar_exact(c.worse, c.better);
    c.p = c.worse + c.better == 0 ? 1.0 : t.p_value;
  } else {
    c.test = "sign-flip permutation";
    stats::SignFlipOptions so;
    so.seed = seed;
    so.resamples = 4000;
    const auto t = stats::sign_flip_test(b, a, so);
    c.p = std::isnan(t.p_value) ? 1.0 : t.p_value;
  }
  stats::BootstrapOptions bo;
  bo.confidence = confidence;
  bo.resamples = 4000;
  bo.method = stats::BootstrapMethod::percentile;
  bo.seed = seed;
  bo.threads = 1;
  c.interval = stats::bootstrap_mean_difference(b, a, bo).interval;
  return c;
}

}  // namespace

Comparison compare_runs(const CompareSide& a, const CompareSide& b, const CompareOptions& o) {
  Comparison out;
  out.a = a.info;
  out.b = b.info;
  out.suites_differ = a.info.suite_hash != b.info.suite_hash;
  out.bars_differ = a.info.bars_hash != b.info.bars_hash;
  out.datasets_differ = a.info.dataset_hash != b.info.dataset_hash;
  out.adjust = o.adjust;
  out.confidence = b.suite.confidence;

  // Pair cases by id; B's order.
  IdIndex in_a;
  in_a.reserve(a.cases.size());
  for (std::size_t i = 0; i < a.cases.size(); ++i) in_a.emplace(a.cases[i].id, i);
  std::vector<std::size_t> ia, ib;
  std::vector<Case> paired_cases;
  for (std::size_t j = 0; j < b.cases.size(); ++j) {
    const auto it = in_a.find(b.cases[j].id);
    if (it == in_a.end()) continue;
    ia.push_back(it->second);
    ib.push_back(j);
    paired_cases.push_back(b.cases[j]);
  }
  out.paired = ia.size();
  out.only_a = a.cases.size() - out.paired;
  out.only_b = b.cases.size() - out.paired;

  std::vector<detail::SliceCells> slices;
  const detail::SliceFold fold = detail::SliceFold::of(b.suite);
  for (const auto& spec : b.suite.slices)
    slices.push_back(detail::index_slice(spec, paired_cases, fold));

  for (const auto& d : a.suite.dimensions)
    if (!b.suite.find_dimension(d.name)) out.only_in_a_dimensions.push_back(d.name);
  for (std::size_t db = 0; db < b.suite.dimensions.size(); ++db) {
    const DimensionSpec& spec = b.suite.dimensions[db];
    std::size_t da = a.suite.dimensions.size();
    for (std::size_t k = 0; k < a.suite.dimensions.size(); ++k)
      if (a.suite.dimensions[k].name == spec.name) da = k;
    if (da == a.suite.dimensions.size()) {
      out.only_in_b_dimensions.push_back(spec.name);
      continue;
    }
    const ScorerInfo& info = scorer_entry(spec.scorer).info;
    if (info.analysis == "calibration") {  // higher confidence is not better: not a verdict
      out.not_compared.push_back(spec.name);
      continue;
    }
    const Kind kind = info.kind == ScoreKind::measurement ? Kind::measurement
                      : info.kind == ScoreKind::binary || spec.threshold ? Kind::rate
                                                                           : Kind::mean;
    const double threshold = info.kind == ScoreKind::graded && spec.threshold ? *spec.threshold : 0.5;

    CompareDimension dim;
    dim.name = spec.name;
    dim.estimate_name = kind == Kind::rate ? "pass rate" : "mean";
    dim.higher_is_better = info.higher_is_better;
    dim.unit = info.unit;
    if (const auto t = b.suite.tolerances.find(spec.name); t != b.suite.tolerances.end())
      dim.tolerance = t->second;

    Pairs pairs;
    for (std::size_t k = 0; k < ia.size(); ++k) {
      pairs.a.push_back(value_of(a.scores.at(ia[k], da), kind, threshold));
      pairs.b.push_back(value_of(b.scores.at(ib[k], db), kind, threshold));
    }
    std::uint64_t seed = o.seed + db * 1000;
    dim.overall = compare_cell(pairs.a, pairs.b, kind, out.confidence, seed++);
    for (std::size_t s = 0; s < slices.size(); ++s) {
      const auto& sc = slices[s];
      std::vector<std::vector<double>> ca(sc.values.size()), cb(sc.values.size());
      for (std::size_t k = 0; k < paired_cases.size(); ++k) {
        for (std::uint32_t x = sc.offsets[k]; x < sc.offsets[k + 1]; ++x) {
          ca[sc.ids[x]].push_back(pairs.a[k]);
          cb[sc.ids[x]].push_back(pairs.b[k]);
        }
      }
      for (std::size_t v = 0; v < sc.values.size(); ++v) {
        CompareCell cell = compare_cell(ca[v], cb[v], kind, out.confidence, seed++);
        cell.slice = sc.spec.name();
        cell.value = sc.values[v];
        for (const CriticalSlice& crit : b.suite.critical_slices) {
          if (crit.slice.keys == sc.spec.keys &&
              fmt::format("{}", fmt::join(crit.values, " × ")) == cell.value)
            cell.critical = true;
        }
        dim.cells.push_back(std::move(cell));
      }
    }

    // p-values adjusted across the dimension's cells (overall and every slice value).
    std::vector<double> ps = {dim.overall.p};
    for (const auto& c : dim.cells) ps.push_back(c.p);
    const std::vector<double> adj =
        o.adjust == Adjustment::holm ? stats::holm(ps) : stats::benjamini_hochberg(ps);
    const double alpha = 1.0 - out.confidence;
    const auto settle = [&](CompareCell& c, double p_adj) {
      c.p_adjusted = p_adj;
      if (c.n < o.min_cases) {
        c.verdict = Verdict::too_few;
        return;
      }
      const double worse_by = dim.higher_is_better ? -c.diff : c.diff;  // > 0: B is worse
      if (!(p_adj < alpha)) {
        c.verdict = Verdict::no_change;
      } else if (worse_by > dim.tolerance + 1e-12) {  // a drop of exactly the tolerance is within
        c.verdict = Verdict::regression;
      } else if (worse_by < 0) {
        c.verdict = Verdict::improvement;
      } else {
        c.verdict = Verdict::no_change;  // significant, but within the tolerance
      }
    };
    settle(dim.overall, adj[0]);
    for (std::size_t k = 0; k < dim.cells.size(); ++k) settle(dim.cells[k], adj[k + 1]);
    std::stable_sort(dim.cells.begin(), dim.cells.end(), [](const CompareCell& x, const CompareCell& y) {
      const auto rank = [](const CompareCell& c) {
        return c.verdict == Verdict::regression ? (c.critical ? 0 : 1)
               : c.verdict == Verdict::improvement ? 2
                                                    : 3;
      };
      return rank(x) < rank(y);
    });
    const bool critical_regressed = std::any_of(dim.cells.begin(), dim.cells.end(), [](const CompareCell& c) {
      return c.critical && c.verdict == Verdict::regression;
    });
    dim.verdict = dim.overall.verdict == Verdict::regression || critical_regressed
                      ? Verdict::regression
                      : dim.overall.verdict;
    out.regressed = out.regressed || dim.verdict == Verdict::regression;
    out.dimensions.push_back(std::move(dim));
  }
  return out;
}

}  // namespace qb
