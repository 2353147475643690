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
#include "qualbar/util/text.hpp"

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

std::string_view to_string(Flip f) {
  return f == Flip::pass_to_fail ? "pass_to_fail" : "fail_to_pass";
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

bool is_critical(const Suite& suite, const detail::SliceCells& sc, const std::string& value) {
  for (const CriticalSlice& crit : suite.critical_slices) {
    if (crit.slice.keys == sc.spec.keys &&
        fmt::format("{}", fmt::join(crit.values, " × ")) == value)
      return true;
  }
  return false;
}

// The cases both runs have (B's order), B's slices of them, and which of those are critical.
struct Pairing {
  std::vector<std::size_t> ia, ib;  // positions in A's and B's cases
  std::vector<Case> cases;          // B's
  std::vector<detail::SliceCells> slices;
  std::vector<std::vector<char>> critical;  // per slice, per value: a critical slice of B's suite
  std::vector<char> in_critical;            // per paired case: in some critical slice

  // "category=refund-dispute", for each critical slice case k is in.
  [[nodiscard]] std::vector<std::string> critical_labels(std::size_t k) const {
    std::vector<std::string> out;
    for (std::size_t s = 0; s < slices.size(); ++s) {
      const auto& sc = slices[s];
      for (std::uint32_t x = sc.offsets[k]; x < sc.offsets[k + 1]; ++x)
        if (critical[s][sc.ids[x]]) out.push_back(sc.spec.name() + "=" + sc.values[sc.ids[x]]);
    }
    return out;
  }
};

Pairing pair_cases(const CompareSide& a, const CompareSide& b) {
  Pairing p;
  IdIndex in_a;
  in_a.reserve(a.cases.size());
  for (std::size_t i = 0; i < a.cases.size(); ++i) in_a.emplace(a.cases[i].id, i);
  for (std::size_t j = 0; j < b.cases.size(); ++j) {
    const auto it = in_a.find(b.cases[j].id);
    if (it == in_a.end()) continue;
    p.ia.push_back(it->second);
    p.ib.push_back(j);
    p.cases.push_back(b.cases[j]);
  }
  const detail::SliceFold fold = detail::SliceFold::of(b.suite);
  p.in_critical.assign(p.cases.size(), 0);
  for (const auto& spec : b.suite.slices) {
    detail::SliceCells sc = detail::index_slice(spec, p.cases, fold);
    std::vector<char> critical(sc.values.size(), 0);
    for (std::size_t v = 0; v < sc.values.size(); ++v)
      critical[v] = is_critical(b.suite, sc, sc.values[v]) ? 1 : 0;
    for (std::size_t k = 0; k < p.cases.size(); ++k)
      for (std::uint32_t x = sc.offsets[k]; x < sc.offsets[k + 1]; ++x)
        p.in_critical[k] = static_cast<char>(p.in_critical[k] | critical[sc.ids[x]]);
    p.slices.push_back(std::move(sc));
    p.critical.push_back(std::move(critical));
  }
  return p;
}

FlipSide changed_side(const CompareSide& side, std::size_t i, const ScoreView& v) {
  FlipSide s;
  s.evidence = to_valid_utf8(v.evidence);
  if (i < side.responses.size()) {
    s.output = to_valid_utf8(excerpt(side.responses[i].output, kChangedOutputBytes));
    s.failed_call = side.responses[i].is_error();
  }
  s.failed_call = s.failed_call || v.status == ScoreStatus::error;
  return s;
}

// The paired cases whose pass/fail verdict differs on one dimension (values 1 pass, 0 fail, NaN
// not counted, as value_of makes them).
ChangedCases changed_cases(const CompareSide& a, const CompareSide& b, const Pairing& p,
                           const Pairs& pairs, std::size_t da, std::size_t db,
                           const CompareDimension& dim, std::size_t list) {
  ChangedCases out;
  out.dimension = dim.name;
  std::vector<std::size_t> worse, better;
  for (std::size_t k = 0; k < pairs.a.size(); ++k) {
    const double x = pairs.a[k], y = pairs.b[k];
    if (std::isnan(x) || std::isnan(y) || x == y) continue;
    ((x > y) == dim.higher_is_better ? worse : better).push_back(k);
  }
  out.pass_to_fail = worse.size();
  out.fail_to_pass = better.size();
  const auto in_critical = [&](std::size_t k) { return p.in_critical[k] != 0; };
  std::stable_partition(worse.begin(), worse.end(), in_critical);
  std::stable_partition(better.begin(), better.end(), in_critical);
  for (const auto* group : {&worse, &better}) {
    for (const std::size_t k : *group) {
      if (out.listed.size() == list) return out;
      const Case& c = p.cases[k];
      FlippedCase cc;
      cc.id = c.id;
      cc.flip = group == &worse ? Flip::pass_to_fail : Flip::fail_to_pass;
      cc.critical_slices = p.critical_labels(k);
      cc.input = to_valid_utf8(excerpt(c.input, kChangedInputBytes));
      if (c.reference) cc.reference = to_valid_utf8(excerpt(*c.reference, kChangedInputBytes));
      cc.a = changed_side(a, p.ia[k], a.scores.at(p.ia[k], da));
      cc.b = changed_side(b, p.ib[k], b.scores.at(p.ib[k], db));
      out.listed.push_back(std::move(cc));
    }
  }
  return out;
}

// One dimension's cells (overall and every slice value), their adjusted p-values and verdicts.
void compare_cells(CompareDimension& dim, const Pairing& p, const Pairs& pairs, Kind kind,
                   const CompareOptions& o, double confidence, std::uint64_t seed) {
  dim.overall = compare_cell(pairs.a, pairs.b, kind, confidence, seed++);
  for (std::size_t s = 0; s < p.slices.size(); ++s) {
    const auto& sc = p.slices[s];
    std::vector<std::vector<double>> ca(sc.values.size()), cb(sc.values.size());
    for (std::size_t k = 0; k < p.cases.size(); ++k) {
      for (std::uint32_t x = sc.offsets[k]; x < sc.offsets[k + 1]; ++x) {
        ca[sc.ids[x]].push_back(pairs.a[k]);
        cb[sc.ids[x]].push_back(pairs.b[k]);
      }
    }
    for (std::size_t v = 0; v < sc.values.size(); ++v) {
      CompareCell cell = compare_cell(ca[v], cb[v], kind, confidence, seed++);
      cell.slice = sc.spec.name();
      cell.value = sc.values[v];
      cell.critical = p.critical[s][v] != 0;
      dim.cells.push_back(std::move(cell));
    }
  }

  // p-values adjusted across the dimension's cells (overall and every slice value).
  std::vector<double> ps = {dim.overall.p};
  for (const auto& c : dim.cells) ps.push_back(c.p);
  const std::vector<double> adj =
      o.adjust == Adjustment::holm ? stats::holm(ps) : stats::benjamini_hochberg(ps);
  const double alpha = 1.0 - confidence;
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
  std::stable_sort(dim.cells.begin(), dim.cells.end(),
                   [](const CompareCell& x, const CompareCell& y) {
                     const auto rank = [](const CompareCell& c) {
                       return c.verdict == Verdict::regression    ? (c.critical ? 0 : 1)
                              : c.verdict == Verdict::improvement ? 2
                                                                  : 3;
                     };
                     return rank(x) < rank(y);
                   });
  const bool critical_regressed = std::any_of(
      dim.cells.begin(), dim.cells.end(),
      [](const CompareCell& c) { return c.critical && c.verdict == Verdict::regression; });
  dim.verdict = dim.overall.verdict == Verdict::regression || critical_regressed
                    ? Verdict::regression
                    : dim.overall.verdict;
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
  out.list_cases = o.list_cases;

  const Pairing p = pair_cases(a, b);
  out.paired = p.ia.size();
  out.only_a = a.cases.size() - out.paired;
  out.only_b = b.cases.size() - out.paired;

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
    const Kind kind = info.kind == ScoreKind::measurement                ? Kind::measurement
                      : info.kind == ScoreKind::binary || spec.threshold ? Kind::rate
                                                                         : Kind::mean;
    const double threshold =
        info.kind == ScoreKind::graded && spec.threshold ? *spec.threshold : 0.5;

    CompareDimension dim;
    dim.name = spec.name;
    dim.estimate_name = kind == Kind::rate ? "pass rate" : "mean";
    dim.higher_is_better = info.higher_is_better;
    dim.unit = info.unit;
    if (const auto t = b.suite.tolerances.find(spec.name); t != b.suite.tolerances.end())
      dim.tolerance = t->second;

    Pairs pairs;
    for (std::size_t k = 0; k < p.ia.size(); ++k) {
      pairs.a.push_back(value_of(a.scores.at(p.ia[k], da), kind, threshold));
      pairs.b.push_back(value_of(b.scores.at(p.ib[k], db), kind, threshold));
    }
    compare_cells(dim, p, pairs, kind, o, out.confidence, o.seed + db * 1000);
    if (kind == Kind::rate)
      out.changed_cases.push_back(changed_cases(a, b, p, pairs, da, db, dim, o.list_cases));
    out.regressed = out.regressed || dim.verdict == Verdict::regression;
    out.dimensions.push_back(std::move(dim));
  }
  return out;
}

}  // namespace qb
