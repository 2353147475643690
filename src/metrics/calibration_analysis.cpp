// calibration: a calibration dimension's confidences paired with the correctness of its `against`
// dimension — ECE (equal-width and equal-mass bins), MCE, the Brier score and its decomposition,
// AUROC (does confidence rank right answers above wrong ones), AURC and the selective risk at a
// coverage, and the reliability diagram; overall and per slice, the worst calibrated first.
// Definitions: stats/calibration.hpp (checked against scikit-learn).
#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "metrics/slices.hpp"
#include "qualbar/metrics/analysis.hpp"
#include "qualbar/scorers/scorer.hpp"
#include "qualbar/stats/calibration.hpp"
#include "qualbar/util/json_number.hpp"
#include "qualbar/util/text.hpp"

namespace qb {
namespace {

std::string fixed(double v, int digits = 3) { return fixed_text(v, digits); }

double mean(std::span<const double> v) {
  double s = 0;
  for (const double x : v) s += x;
  return v.empty() ? stats::kNaN : s / static_cast<double>(v.size());
}

double mean(std::span<const std::uint8_t> v) {
  double s = 0;
  for (const auto x : v) s += x;
  return v.empty() ? stats::kNaN : s / static_cast<double>(v.size());
}

// A case with a confidence whose correctness is known; the others are counted by why they are
// left out (a failed call has neither; a case may have no confidence, or no correctness score).
struct CalibrationPairs {
  std::vector<std::size_t> cases;
  std::vector<double> confidence;
  std::vector<std::uint8_t> correct;
  std::size_t failed = 0, no_confidence = 0, no_verdict = 0;
};

CalibrationPairs calibration_pairs(const AnalysisInput& in, std::size_t target, double threshold) {
  CalibrationPairs p;
  for (std::size_t c = 0; c < in.cases.size(); ++c) {
    const ScoreView conf = in.scores.at(c, in.dimension);
    const ScoreView ok = in.scores.at(c, target);
    if (conf.status == ScoreStatus::error || ok.status == ScoreStatus::error) {
      ++p.failed;
    } else if (conf.status != ScoreStatus::scored || !(conf.value >= 0.0 && conf.value <= 1.0)) {
      ++p.no_confidence;
    } else if (ok.status != ScoreStatus::scored) {
      ++p.no_verdict;
    } else {
      p.cases.push_back(c);
      p.confidence.push_back(conf.value);
      p.correct.push_back(ok.value >= threshold ? 1 : 0);
    }
  }
  return p;
}

// "left out: 2 failed calls, 1 without a confidence"; "" when none was.
std::string calibration_left_out(const CalibrationPairs& p, const std::string& against) {
  std::vector<std::string> left;
  if (p.failed > 0)
    left.push_back(fmt::format("{} failed call{}", p.failed, p.failed == 1 ? "" : "s"));
  if (p.no_confidence > 0) left.push_back(fmt::format("{} without a confidence", p.no_confidence));
  if (p.no_verdict > 0)
    left.push_back(
        fmt::format("{} without a {} score (it does not apply to them)", p.no_verdict, against));
  return left.empty() ? "" : fmt::format("left out: {}", fmt::join(left, ", "));
}

std::optional<Analysis> calibration(const AnalysisInput& in) {
  const DimensionSpec& spec = in.suite.dimensions[in.dimension];
  const std::string& against = spec.args["against"].scalar();
  const auto bins = static_cast<std::size_t>(number_of(spec.args["bins"]).value_or(10.0));
  const double coverage = number_of(spec.args["coverage"]).value_or(0.8);
  std::size_t target = in.suite.dimensions.size();
  for (std::size_t d = 0; d < in.suite.dimensions.size(); ++d)
    if (in.suite.dimensions[d].name == against) target = d;
  if (target == in.suite.dimensions.size()) return std::nullopt;  // the suite loader prevents it
  const DimensionSpec& target_spec = in.suite.dimensions[target];
  const ScorerInfo& target_info = scorer_entry(target_spec.scorer).info;
  const double threshold =
      target_info.kind == ScoreKind::graded && target_spec.threshold ? *target_spec.threshold : 0.5;

  const CalibrationPairs pairs = calibration_pairs(in, target, threshold);
  const std::vector<std::size_t>& cases = pairs.cases;
  const std::vector<double>& confidence = pairs.confidence;
  const std::vector<std::uint8_t>& correct = pairs.correct;
  if (cases.empty()) return std::nullopt;

  const auto width = stats::reliability(confidence, correct, bins, stats::Binning::equal_width);
  const auto mass = stats::reliability(confidence, correct, bins, stats::Binning::equal_mass);
  const auto brier = stats::brier_score(confidence, correct, bins);
  const auto auroc = stats::auroc(confidence, correct);
  const auto rc = stats::risk_coverage(confidence, correct);
  const auto selective = stats::selective_risk(confidence, correct, coverage);

  nlohmann::ordered_json data;
  data["against"] = against;
  data["n"] = cases.size();
  data["left_out"] = {{"failed_call", pairs.failed},
                      {"no_confidence", pairs.no_confidence},
                      {"no_correctness", pairs.no_verdict}};
  data["accuracy"] = json_number(mean(std::span<const std::uint8_t>(correct)));
  data["mean_confidence"] = json_number(mean(std::span<const double>(confidence)));
  data["bins"] = bins;
  data["ece"] = json_number(width.ece);
  data["ece_equal_mass"] = json_number(mass.ece);
  data["mce"] = json_number(width.mce);
  data["brier"] = json_number(brier.brier);
  data["brier_reliability"] = json_number(brier.reliability);
  data["brier_resolution"] = json_number(brier.resolution);
  data["brier_uncertainty"] = json_number(brier.uncertainty);
  data["auroc"] = json_number(auroc.value);
  data["aurc"] = json_number(rc.aurc);
  data["selective_risk"] = {{"coverage", coverage},
                            {"achieved_coverage", json_number(selective.coverage)},
                            {"threshold", json_number(selective.threshold)},
                            {"risk", json_number(selective.risk)}};
  nlohmann::ordered_json diagram = nlohmann::ordered_json::array();
  for (const auto& b : width.bins) {
    diagram.push_back({{"lo", json_number(b.lo)},
                       {"hi", json_number(b.hi)},
                       {"n", b.count},
                       {"mean_confidence", json_number(b.mean_confidence)},
                       {"accuracy", json_number(b.accuracy)}});
  }
  data["reliability_diagram"] = diagram;

  // Per slice: ECE and Brier of the cell's pairs, the worst calibrated first.
  struct Row {
    std::string slice, value;
    std::size_t n;
    double ece, brier, accuracy, confidence;
  };
  std::vector<Row> rows;
  for (const auto& sl : in.suite.slices) {
    const detail::SliceCells cells =
        detail::index_slice(sl, in.cases, detail::SliceFold::of(in.suite));
    std::vector<std::vector<double>> conf(cells.values.size());
    std::vector<std::vector<std::uint8_t>> ok(cells.values.size());
    for (std::size_t i = 0; i < cases.size(); ++i) {
      const std::size_t c = cases[i];
      for (std::uint32_t k = cells.offsets[c]; k < cells.offsets[c + 1]; ++k) {
        conf[cells.ids[k]].push_back(confidence[i]);
        ok[cells.ids[k]].push_back(correct[i]);
      }
    }
    for (std::size_t v = 0; v < cells.values.size(); ++v) {
      if (conf[v].empty()) continue;
      rows.push_back(
          {sl.name(), cells.values[v], conf[v].size(), stats::reliability(conf[v], ok[v], bins).ece,
           stats::brier_score(conf[v], ok[v], bins).brier,
           mean(std::span<const std::uint8_t>(ok[v])), mean(std::span<const double>(conf[v]))});
    }
  }
  std::stable_sort(rows.begin(), rows.end(),
                   [](const Row& a, const Row& b) { return a.ece > b.ece; });
  nlohmann::ordered_json slices = nlohmann::ordered_json::array();
  for (const auto& r : rows) {
    slices.push_back({{"slice", r.slice},
                      {"value", r.value},
                      {"n", r.n},
                      {"ece", json_number(r.ece)},
                      {"brier", json_number(r.brier)},
                      {"accuracy", json_number(r.accuracy)},
                      {"mean_confidence", json_number(r.confidence)}});
  }
  data["slices"] = slices;

  Analysis a;
  a.kind = "calibration";
  a.data_json = data.dump();
  a.title = fmt::format("{}: confidence against {} ({} cases with both)", spec.name, against,
                        cases.size());
  if (const std::string left = calibration_left_out(pairs, against); !left.empty())
    a.lines.push_back(left);
  a.lines.push_back(fmt::format(
      "mean confidence {} vs accuracy {} · ECE {} ({} equal-width bins; equal-mass {}) · MCE {}",
      percent(mean(std::span<const double>(confidence))),
      percent(mean(std::span<const std::uint8_t>(correct))), fixed(width.ece), bins,
      fixed(mass.ece), fixed(width.mce)));
  a.lines.push_back(fmt::format(
      "Brier {} (reliability {}, resolution {}, uncertainty {}) · AUROC {} · AURC {} · risk {} "
      "when answering the {} most confident",
      fixed(brier.brier), fixed(brier.reliability), fixed(brier.resolution),
      fixed(brier.uncertainty),
      auroc.reason.empty() ? fixed(auroc.value, 2)
                           : std::string("undefined (it needs both right and wrong answers)"),
      fixed(rc.aurc), percent(selective.risk), percent(coverage)));
  std::string diagram_text = "reliability (confidence → accuracy, n):";
  const int decimals = decimals_for_parts(bins);  // 15 bins: "0.47–0.53", never "0.5–0.5"
  for (const auto& b : width.bins) {
    if (b.count == 0) continue;
    diagram_text += fmt::format(" {}–{} → {} ({})", fixed_text(b.lo, decimals),
                                fixed_text(b.hi, decimals), percent(b.accuracy), b.count);
  }
  a.lines.push_back(diagram_text);
  for (std::size_t i = 0; i < rows.size() && i < kShownSlices; ++i) {
    a.lines.push_back(fmt::format(
        "{}={}: ECE {} · confidence {} vs accuracy {} (n={})", rows[i].slice, rows[i].value,
        fixed(rows[i].ece), percent(rows[i].confidence), percent(rows[i].accuracy), rows[i].n));
  }
  return a;
}

const AnalysisRegistrar calibration_analysis_registrar{AnalysisEntry{
    "calibration",
    "ECE (equal-width and equal-mass), MCE, Brier with its decomposition, AUROC, AURC, selective "
    "risk and the reliability diagram, overall and per slice.",
    calibration}};

}  // namespace
}  // namespace qb
