// classification: the classifier behind a label-match dimension — per-class precision, recall, F1,
// false-positive and false-negative rates and support, the weakest class first; the confusion
// matrix; macro and micro averages (definitions: stats/classification.hpp, scikit-learn's).
// A 91% classifier can hold a class at 47%: this is where it shows.
#include <algorithm>
#include <cmath>
#include <unordered_map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "qualbar/metrics/analysis.hpp"
#include "qualbar/stats/classification.hpp"
#include "qualbar/stats/intervals.hpp"
#include "qualbar/util/id_index.hpp"
#include "qualbar/util/json_number.hpp"
#include "qualbar/util/text.hpp"

namespace qb {
namespace {

constexpr const char* kOther = "(other)";         // a prediction that is none of the labels
constexpr const char* kFailed = "(failed call)";  // no prediction: the call failed
constexpr std::size_t kShownClasses = 12;

nlohmann::json interval(const stats::Interval& i) {
  return nlohmann::json::array({json_number(i.lo), json_number(i.hi)});
}

// Macro averages over the expected labels only: "(other)" and "(failed call)" are columns of the
// matrix (they count against recall), not classes of the classifier.
stats::AveragedMetrics macro_average(const stats::ClassificationReport& rep, std::size_t n_labels) {
  double sum[3] = {0, 0, 0};
  int count[3] = {0, 0, 0};
  for (std::size_t i = 0; i < n_labels; ++i) {
    const double v[3] = {rep.classes[i].precision, rep.classes[i].recall, rep.classes[i].f1};
    for (int j = 0; j < 3; ++j) {
      if (!std::isfinite(v[j])) continue;
      sum[j] += v[j];
      ++count[j];
    }
  }
  const auto mean = [&](int j) { return count[j] ? sum[j] / count[j] : stats::kNaN; };
  return {mean(0), mean(1), mean(2)};
}

// The business cost of the mistakes: each case's cost from the matrix (0 when right or not
// priced), as an expected cost per 1,000 decisions with a t interval (its lower end at least 0).
// Adds `cost` to `data`; returns the lines to show.
std::vector<std::string> cost_analysis(const ConfigNode& costs,
                                       const std::vector<std::string>& labels,
                                       const std::vector<std::string>& all,
                                       const stats::ClassificationReport& rep, std::size_t n_cases,
                                       double confidence, nlohmann::ordered_json& data) {
  const std::size_t k = all.size();
  std::vector<std::string> cost_lines;
  const auto cost_of = [&](const std::string& t, const std::string& p) -> double {
    for (const std::string& row : {t, std::string("*")}) {
      const ConfigNode& r = costs[row];
      for (const std::string& col : {p, std::string("*")})
        if (const auto cost = number_of(r[col])) return *cost;
    }
    return 0.0;
  };
  double sum = 0, sum_sq = 0;
  nlohmann::ordered_json cells = nlohmann::ordered_json::array();
  std::vector<std::tuple<double, std::size_t, std::size_t>> priced;
  for (std::size_t t = 0; t < labels.size(); ++t) {
    for (std::size_t p = 0; p < k; ++p) {
      const std::uint64_t count = rep.confusion[t * k + p];
      if (t == p || count == 0) continue;
      const double each = cost_of(labels[t], all[p]);
      if (each == 0) continue;
      sum += each * static_cast<double>(count);
      sum_sq += each * each * static_cast<double>(count);
      priced.emplace_back(each * static_cast<double>(count), t, p);
    }
  }
  std::stable_sort(priced.begin(), priced.end(),
                   [](const auto& x, const auto& y) { return std::get<0>(x) > std::get<0>(y); });
  for (const auto& [total, t, p] : priced) {
    cells.push_back({{"expected", labels[t]},
                     {"predicted", all[p]},
                     {"count", rep.confusion[t * k + p]},
                     {"cost_each", cost_of(labels[t], all[p])},
                     {"total", total}});
  }
  const double n = static_cast<double>(n_cases);
  const double mean_cost = sum / n;
  const double var = n > 1 ? (sum_sq - n * mean_cost * mean_cost) / (n - 1) : stats::kNaN;
  stats::Interval ci =
      stats::t_interval(mean_cost, std::sqrt(std::max(0.0, var)), n_cases, confidence);
  ci.lo = std::max(0.0, ci.lo);  // costs are never negative
  data["cost"] = {{"total", sum},
                  {"per_1000", 1000.0 * mean_cost},
                  {"per_1000_interval", interval({1000.0 * ci.lo, 1000.0 * ci.hi})},
                  {"mistakes", cells}};
  std::string text = fmt::format("expected cost per 1,000 decisions: {:.1f} [{:.1f}, {:.1f}]",
                                 1000.0 * mean_cost, 1000.0 * ci.lo, 1000.0 * ci.hi);
  for (std::size_t j = 0; j < priced.size() && j < 3; ++j) {
    const auto& [total, t, p] = priced[j];
    text += fmt::format("{} {} → {} ×{} = {:g}", j == 0 ? "; most costly: " : ", ", labels[t],
                        all[p], rep.confusion[t * k + p], total);
  }
  cost_lines.push_back(text);
  return cost_lines;
}

// Classes are the expected labels, in the spelling first seen; a text matches one as label-match
// does (case folded, surrounding space ignored). One pass over the cases numbers each distinct
// spelling, expected or predicted; each is then normalised once: a million cases repeat a few
// labels.
struct LabelPairs {
  std::vector<std::string> labels;      // the classes
  std::vector<std::int32_t> truth;      // per case with an expected label: its class
  std::vector<std::int32_t> predicted;  // its predicted class, labels.size() for none, +1 failed
  std::size_t n_other = 0, n_failed = 0;
};

LabelPairs label_pairs(std::span<const Case> cases, std::span<const Response> responses,
                       bool from_output) {
  static constexpr NormalizeOptions kOpts{.casefold = true, .strip_punctuation = false};
  constexpr auto kNever = static_cast<std::size_t>(-1);
  constexpr std::int32_t kFailedCall = -1;
  struct Spelling {
    std::string_view text;
    std::size_t first_expected;  // the first case expecting it, kNever when none does
  };
  IdIndex number;  // text as written → its number
  std::vector<Spelling> spellings;
  const auto number_of = [&](std::string_view text) {
    auto it = number.find(text);
    if (it == number.end()) {
      it = number.emplace(text, spellings.size()).first;
      spellings.push_back({text, kNever});
    }
    return it->second;
  };
  LabelPairs out;
  for (std::size_t c = 0; c < cases.size(); ++c) {
    const Case& cs = cases[c];
    if (!cs.expected_label) continue;
    const std::size_t expected = number_of(*cs.expected_label);
    spellings[expected].first_expected = std::min(spellings[expected].first_expected, c);
    out.truth.push_back(static_cast<std::int32_t>(expected));
    const Response& r = responses[c];
    out.predicted.push_back(r.is_error() ? kFailedCall
                                         : static_cast<std::int32_t>(number_of(
                                               (!from_output && r.label) ? *r.label : r.output)));
  }
  // The classes, in the order their first spelling was first expected.
  std::vector<std::size_t> expected;
  for (std::size_t n = 0; n < spellings.size(); ++n) {
    if (spellings[n].first_expected != kNever) expected.push_back(n);
  }
  std::sort(expected.begin(), expected.end(), [&](std::size_t a, std::size_t b) {
    return spellings[a].first_expected < spellings[b].first_expected;
  });
  std::unordered_map<std::string, std::int32_t> class_of;  // normalised label → class
  for (const std::size_t n : expected) {
    if (class_of.emplace(normalize_text(spellings[n].text, kOpts), out.labels.size()).second)
      out.labels.emplace_back(spellings[n].text);
  }
  const auto other = static_cast<std::int32_t>(out.labels.size());
  std::vector<std::int32_t> class_of_number(spellings.size());
  for (std::size_t n = 0; n < spellings.size(); ++n) {
    const auto it = class_of.find(normalize_text(spellings[n].text, kOpts));
    class_of_number[n] = it == class_of.end() ? other : it->second;
  }
  for (std::int32_t& t : out.truth) t = class_of_number[static_cast<std::size_t>(t)];
  for (std::int32_t& p : out.predicted) {
    if (p == kFailedCall) {
      p = other + 1;
      ++out.n_failed;
    } else {
      p = class_of_number[static_cast<std::size_t>(p)];
      out.n_other += p == other ? 1 : 0;
    }
  }
  return out;
}

std::optional<Analysis> classification(const AnalysisInput& in) {
  const DimensionSpec& spec = in.suite.dimensions[in.dimension];
  const bool from_output = bool_of(spec.args["from_output"]).value_or(false);
  const ConfigNode& costs = spec.args["costs"];  // {expected: {predicted: cost}}, "*" for any label
  const LabelPairs pairs = label_pairs(in.cases, in.responses, from_output);
  if (pairs.labels.empty()) return std::nullopt;
  const std::vector<std::string>& labels = pairs.labels;
  const std::vector<std::int32_t>& truth = pairs.truth;
  const std::vector<std::int32_t>& predicted = pairs.predicted;
  const std::size_t n_other = pairs.n_other, n_failed = pairs.n_failed;
  const std::size_t k = labels.size() + 2;
  const stats::ClassificationReport rep = stats::classification_report(truth, predicted, k);
  std::vector<std::string> all = labels;
  all.emplace_back(kOther);
  all.emplace_back(kFailed);

  // The weakest class first: lowest F1, then lowest recall, then the most cases.
  std::vector<std::size_t> order(labels.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  const auto key = [](double v) { return std::isfinite(v) ? v : 2.0; };
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const auto& x = rep.classes[a];
    const auto& y = rep.classes[b];
    if (key(x.f1) != key(y.f1)) return key(x.f1) < key(y.f1);
    if (key(x.recall) != key(y.recall)) return key(x.recall) < key(y.recall);
    return x.support > y.support;
  });

  const stats::AveragedMetrics macro = macro_average(rep, labels.size());

  const double confidence = in.suite.confidence;
  nlohmann::ordered_json data;
  data["n"] = truth.size();
  nlohmann::ordered_json classes = nlohmann::ordered_json::array();
  for (const std::size_t i : order) {
    const auto& m = rep.classes[i];
    classes.push_back(
        {{"label", labels[i]},
         {"support", m.support},
         {"tp", m.tp},
         {"fp", m.fp},
         {"fn", m.fn},
         {"precision", json_number(m.precision)},
         {"precision_interval", interval(stats::wilson(m.tp, m.tp + m.fp, confidence))},
         {"recall", json_number(m.recall)},
         {"recall_interval", interval(stats::wilson(m.tp, m.support, confidence))},
         {"f1", json_number(m.f1)},
         {"false_positive_rate", json_number(m.fpr)},
         {"false_negative_rate", json_number(m.fnr)}});
  }
  data["classes"] = classes;
  data["macro"] = {{"precision", json_number(macro.precision)},
                   {"recall", json_number(macro.recall)},
                   {"f1", json_number(macro.f1)}};
  data["micro"] = {{"precision", json_number(rep.micro.precision)},
                   {"recall", json_number(rep.micro.recall)},
                   {"f1", json_number(rep.micro.f1)}};
  data["accuracy"] = json_number(rep.accuracy);
  data["labels"] = all;
  nlohmann::ordered_json matrix = nlohmann::ordered_json::array();
  for (std::size_t t = 0; t < labels.size(); ++t) {
    nlohmann::ordered_json row = nlohmann::ordered_json::array();
    for (std::size_t p = 0; p < k; ++p) row.push_back(rep.confusion[t * k + p]);
    matrix.push_back(row);
  }
  data["confusion"] = matrix;  // rows: the expected labels; columns: `labels`
  data["predicted_other"] = n_other;
  data["failed_calls"] = n_failed;

  const std::vector<std::string> cost_lines =
      costs.is_map() ? cost_analysis(costs, labels, all, rep, truth.size(), confidence, data)
                     : std::vector<std::string>();

  Analysis a;
  a.kind = "classification";
  a.data_json = data.dump();
  a.title = fmt::format("{}: per class, weakest first ({} classes, {} cases)", spec.name,
                        labels.size(), truth.size());
  // Columns as wide as what they hold (a class name at most 24), so the table fits 80 columns.
  const std::string ci = fmt::format("{:g}% INTERVAL", 100.0 * confidence);
  std::vector<std::string> names, intervals;
  std::size_t name_w = 5, interval_w = visible_width(ci);
  for (std::size_t j = 0; j < order.size() && j < kShownClasses; ++j) {
    const std::size_t i = order[j];
    const auto r = stats::wilson(rep.classes[i].tp, rep.classes[i].support, confidence);
    names.push_back(excerpt(labels[i], 24));
    intervals.push_back(fmt::format("[{}, {}]", percent(r.lo), percent(r.hi)));
    name_w = std::max(name_w, visible_width(names.back()));
    interval_w = std::max(interval_w, visible_width(intervals.back()));
  }
  const auto pad = [](const std::string& s, std::size_t w) {
    return s + std::string(w - std::min(w, visible_width(s)), ' ');
  };
  a.lines.push_back(fmt::format("{} {:>5}  {:>7}  {}  {:>9}  {:>5}  {:>6}", pad("CLASS", name_w),
                                "N", "RECALL", pad(ci, interval_w), "PRECISION", "F1", "FPR"));
  for (std::size_t j = 0; j < names.size(); ++j) {
    const auto& m = rep.classes[order[j]];
    a.lines.push_back(fmt::format("{} {:>5}  {:>7}  {}  {:>9}  {:>5}  {:>6}", pad(names[j], name_w),
                                  m.support, percent(m.recall), pad(intervals[j], interval_w),
                                  percent(m.precision),
                                  std::isfinite(m.f1) ? fmt::format("{:.2f}", m.f1) : "—",
                                  percent(m.fpr)));
  }
  if (order.size() > kShownClasses)
    a.lines.push_back(fmt::format("… and {} more classes (--format json lists all)",
                                  order.size() - kShownClasses));
  // The most frequent confusions, expected → predicted.
  std::vector<std::tuple<std::uint64_t, std::size_t, std::size_t>> confusions;
  for (std::size_t t = 0; t < labels.size(); ++t)
    for (std::size_t p = 0; p < k; ++p)
      if (t != p && rep.confusion[t * k + p] > 0)
        confusions.emplace_back(rep.confusion[t * k + p], t, p);
  std::stable_sort(confusions.begin(), confusions.end(),
                   [](const auto& x, const auto& y) { return std::get<0>(x) > std::get<0>(y); });
  if (!confusions.empty()) {
    std::string text = "most frequent confusions (expected → predicted):";
    for (std::size_t j = 0; j < confusions.size() && j < 5; ++j) {
      const auto& [count, t, p] = confusions[j];
      text += fmt::format("{} {} → {} ×{}", j == 0 ? "" : ",", labels[t], all[p], count);
    }
    a.lines.push_back(text);
  }
  a.lines.push_back(fmt::format(
      "macro F1 {:.2f} · micro F1 (= accuracy) {:.2f}{}{}", macro.f1, rep.micro.f1,
      n_other ? fmt::format(" · {} prediction(s) matching no label", n_other) : std::string(),
      n_failed ? fmt::format(" · {} failed call(s)", n_failed) : std::string()));
  a.lines.insert(a.lines.end(), cost_lines.begin(), cost_lines.end());
  return a;
}

const AnalysisRegistrar classification_analysis_registrar{AnalysisEntry{
    "classification",
    "Per-class precision, recall, F1, FPR, FNR and support (weakest first), the confusion matrix, "
    "macro and micro averages.",
    classification}};

}  // namespace
}  // namespace qb
