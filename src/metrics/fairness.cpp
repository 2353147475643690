// Fairness: is the quality the same for every group of customers? For each `fairness` entry of the
// suite, the dimension's pass rate per value of the `across` key (and, for a classifier with a
// positive label, its true- and false-positive rates: equalised odds), then the highest group
// against the lowest: the gap with Newcombe's interval and the lowest-to-highest ratio with
// Katz's interval (the four-fifths rule). Groups with fewer than `min_cases` cases are listed
// but not compared: a group of three cases would decide every gap.
#include "metrics/fairness.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "metrics/slices.hpp"
#include "qualbar/scorers/scorer.hpp"
#include "qualbar/util/text.hpp"

namespace qb::detail {
namespace {

double rate(std::size_t x, std::size_t n) {
  return n ? static_cast<double>(x) / static_cast<double>(n) : stats::kNaN;
}

// The highest against the lowest group on one rate, among the groups with at least `min_cases`
// cases behind that rate; nullopt with fewer than two.
std::optional<FairnessComparison> compare(const std::vector<FairnessGroup>& groups,
                                          const std::string& metric,
                                          std::size_t FairnessGroup::*x,
                                          std::size_t FairnessGroup::*n, std::size_t min_cases,
                                          double confidence) {
  const FairnessGroup* high = nullptr;
  const FairnessGroup* low = nullptr;
  for (const auto& g : groups) {
    if (g.*n < min_cases || g.*n == 0) continue;  // the rate's own cases: positives for a TPR
    const double r = rate(g.*x, g.*n);
    if (!high || r > rate(high->*x, high->*n)) high = &g;
    if (!low || r < rate(low->*x, low->*n)) low = &g;
  }
  if (!high || !low || high == low) return std::nullopt;
  FairnessComparison c;
  c.metric = metric;
  c.high = high->value;
  c.low = low->value;
  c.high_rate = rate(high->*x, high->*n);
  c.low_rate = rate(low->*x, low->*n);
  c.gap = c.high_rate - c.low_rate;
  c.gap_interval = stats::newcombe_difference(high->*x, high->*n, low->*x, low->*n, confidence);
  const stats::RatioInterval ratio =
      stats::ratio_katz(low->*x, low->*n, high->*x, high->*n, confidence);
  c.ratio = ratio.ratio;
  c.ratio_interval = ratio.interval;
  return c;
}

// `stat` is the comparison's metric ("pass rate"); `key` says which of its numbers is limited.
BarCheck bar(const std::string& key, const std::string& stat, bool is_max, double limit,
             double observed) {
  BarCheck b;
  b.key = key;
  b.stat = stat;
  b.is_max = is_max;
  b.limit = limit;
  b.observed = observed;
  b.passed = std::isnan(observed) || (is_max ? observed <= limit : observed >= limit);
  b.source = "fairness";
  return b;
}

}  // namespace

std::vector<FairnessResult> build_fairness(const Suite& suite, std::span<const Case> cases,
                                           std::span<const Response> responses,
                                           const ScoreTable& scores) {
  std::vector<FairnessResult> out;
  const NormalizeOptions label_opts{.casefold = true, .strip_punctuation = false};
  for (const FairnessSpec& spec : suite.fairness) {
    FairnessResult res;
    for (std::size_t d = 0; d < suite.dimensions.size(); ++d)
      if (suite.dimensions[d].name == spec.dimension) res.dimension = d;
    const DimensionSpec& dim = suite.dimensions[res.dimension];
    const ScorerInfo& info = scorer_entry(dim.scorer).info;
    const double threshold = info.kind == ScoreKind::graded && dim.threshold ? *dim.threshold : 0.5;
    res.across = spec.across;
    res.positive = spec.positive;
    res.min_cases = spec.min_cases;
    const bool from_output = bool_of(dim.args["from_output"]).value_or(false);
    const std::string positive =
        spec.positive ? normalize_text(*spec.positive, label_opts) : std::string();

    // A key with thousands of values is compared over the slices it keeps; the rest are one group.
    const KeyFolding folding(spec.across, cases, SliceFold::of(suite));
    std::map<std::string, FairnessGroup, std::less<>> groups;
    for (std::size_t c = 0; c < cases.size(); ++c) {
      const ScoreView s = scores.at(c, res.dimension);
      if (s.status == ScoreStatus::not_applicable || s.status == ScoreStatus::ungraded) continue;
      for (const std::string& raw : slice_key_values(cases[c], spec.across)) {
        const std::string_view value = spec.across == "language" && cases[c].language.empty()
                                           ? std::string_view(raw)
                                           : folding.apply(raw);
        auto at = groups.find(value);
        if (at == groups.end()) at = groups.emplace(std::string(value), FairnessGroup{}).first;
        FairnessGroup& g = at->second;
        g.value = value;
        ++g.n;
        g.passes += s.status == ScoreStatus::scored && s.value >= threshold ? 1 : 0;
        if (spec.positive && cases[c].expected_label && !responses[c].is_error()) {
          const Response& r = responses[c];
          const bool truth = normalize_text(*cases[c].expected_label, label_opts) == positive;
          const bool predicted =
              normalize_text((!from_output && r.label) ? *r.label : r.output, label_opts) ==
              positive;
          if (truth) {
            ++g.positives;
            g.true_positives += predicted ? 1 : 0;
          } else {
            ++g.negatives;
            g.false_positives += predicted ? 1 : 0;
          }
        }
      }
    }
    for (auto& [_, g] : groups) {
      g.pass_rate = rate(g.passes, g.n);
      g.interval = stats::wilson(g.passes, g.n, suite.confidence);
      g.tpr = rate(g.true_positives, g.positives);
      g.fpr = rate(g.false_positives, g.negatives);
      g.compared = g.n >= spec.min_cases;
      res.groups.push_back(g);
    }
    std::stable_sort(res.groups.begin(), res.groups.end(),
                     [](const FairnessGroup& a, const FairnessGroup& b) {
                       if (a.compared != b.compared) return a.compared;
                       return a.pass_rate < b.pass_rate;
                     });

    if (auto c = compare(res.groups, "pass rate", &FairnessGroup::passes, &FairnessGroup::n,
                         spec.min_cases, suite.confidence)) {
      res.comparisons.push_back(*c);
      if (spec.max_gap) res.bars.push_back(bar("max_gap", c->metric, true, *spec.max_gap, c->gap));
      if (spec.min_ratio)
        res.bars.push_back(bar("min_ratio", c->metric, false, *spec.min_ratio, c->ratio));
    }
    if (spec.positive) {
      double odds = stats::kNaN;
      for (const auto& [metric, x, n] :
           {std::tuple{"true-positive rate", &FairnessGroup::true_positives, &FairnessGroup::positives},
            std::tuple{"false-positive rate", &FairnessGroup::false_positives,
                       &FairnessGroup::negatives}}) {
        if (auto c = compare(res.groups, metric, x, n, spec.min_cases, suite.confidence)) {
          odds = std::isnan(odds) ? c->gap : std::max(odds, c->gap);
          if (spec.max_gap) res.bars.push_back(bar("max_gap", c->metric, true, *spec.max_gap, c->gap));
          res.comparisons.push_back(*c);
        }
      }
      res.equalized_odds = odds;
    }
    res.passed = std::all_of(res.bars.begin(), res.bars.end(), [](const BarCheck& b) { return b.passed; });
    out.push_back(std::move(res));
  }
  return out;
}

}  // namespace qb::detail
