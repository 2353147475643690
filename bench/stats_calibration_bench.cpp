// Calibration, classification and agreement at n = 1,000,000 (issue target: each >= 5x faster than
// scikit-learn). bench/compare_calibration.py times the Python equivalents on the same data: both
// draw it from SplitMix64 of (stream, index), so no file is shared. Each benchmark reports its
// result as a counter, to check against the figure the Python script prints.

#include <cstddef>
#include <cstdint>
#include <vector>

#include <benchmark/benchmark.h>

#include "qualbar/stats/agreement.hpp"
#include "qualbar/stats/calibration.hpp"
#include "qualbar/stats/classification.hpp"

namespace qb::stats {
namespace {

constexpr std::size_t kN = 1'000'000;
constexpr std::int32_t kClasses = 14;

// Uniform in [0, 1) from SplitMix64 of a counter; bench/compare_calibration.py does the same.
double uniform(std::uint64_t stream, std::uint64_t i) {
  std::uint64_t z = (stream << 32) + (i + 1) * 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) * 0x1.0p-53;
}

struct CalibrationData {
  std::vector<double> confidence;
  std::vector<std::uint8_t> outcome;
};

// Calibrated confidences: p uniform, correct with probability p.
const CalibrationData& calibration_data() {
  static const CalibrationData data = [] {
    CalibrationData d;
    d.confidence.resize(kN);
    d.outcome.resize(kN);
    for (std::size_t i = 0; i < kN; ++i) {
      d.confidence[i] = uniform(1, i);
      d.outcome[i] = uniform(2, i) < d.confidence[i] ? 1 : 0;
    }
    return d;
  }();
  return data;
}

struct LabelData {
  std::vector<std::int32_t> truth;
  std::vector<std::int32_t> predicted;
};

// 14 classes; 70% of predictions are right, the rest uniform over the classes.
const LabelData& label_data() {
  static const LabelData data = [] {
    LabelData d;
    d.truth.resize(kN);
    d.predicted.resize(kN);
    for (std::size_t i = 0; i < kN; ++i) {
      d.truth[i] = static_cast<std::int32_t>(uniform(3, i) * kClasses);
      d.predicted[i] =
          uniform(4, i) < 0.7 ? d.truth[i] : static_cast<std::int32_t>(uniform(5, i) * kClasses);
    }
    return d;
  }();
  return data;
}

// The counter is the result computed once more outside the timed loop (DoNotOptimize of a bare
// double inside it was seen to report garbage with benchmark 1.7 and g++ 12).
void finish(benchmark::State& state, double value) {
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kN));
  state.counters["value"] = value;
}

void BM_CalibrationEceEqualWidth(benchmark::State& state) {
  const CalibrationData& d = calibration_data();
  for (auto _ : state) {
    Reliability r = reliability(d.confidence, d.outcome, 15, Binning::equal_width);
    benchmark::DoNotOptimize(r);
  }
  finish(state, reliability(d.confidence, d.outcome, 15, Binning::equal_width).ece);
}
BENCHMARK(BM_CalibrationEceEqualWidth)->Unit(benchmark::kMillisecond);

void BM_CalibrationEceEqualMass(benchmark::State& state) {
  const CalibrationData& d = calibration_data();
  for (auto _ : state) {
    Reliability r = reliability(d.confidence, d.outcome, 15, Binning::equal_mass);
    benchmark::DoNotOptimize(r);
  }
  finish(state, reliability(d.confidence, d.outcome, 15, Binning::equal_mass).ece);
}
BENCHMARK(BM_CalibrationEceEqualMass)->Unit(benchmark::kMillisecond);

void BM_CalibrationBrier(benchmark::State& state) {
  const CalibrationData& d = calibration_data();
  for (auto _ : state) {
    BrierScore b = brier_score(d.confidence, d.outcome);
    benchmark::DoNotOptimize(b);
  }
  finish(state, brier_score(d.confidence, d.outcome).brier);
}
BENCHMARK(BM_CalibrationBrier)->Unit(benchmark::kMillisecond);

void BM_CalibrationAuroc(benchmark::State& state) {
  const CalibrationData& d = calibration_data();
  for (auto _ : state) {
    CalibrationValue v = auroc(d.confidence, d.outcome);
    benchmark::DoNotOptimize(v);
  }
  finish(state, auroc(d.confidence, d.outcome).value);
}
BENCHMARK(BM_CalibrationAuroc)->Unit(benchmark::kMillisecond);

void BM_CalibrationAurc(benchmark::State& state) {
  const CalibrationData& d = calibration_data();
  for (auto _ : state) {
    RiskCoverage rc = risk_coverage(d.confidence, d.outcome);
    benchmark::DoNotOptimize(rc);
  }
  finish(state, risk_coverage(d.confidence, d.outcome).aurc);
}
BENCHMARK(BM_CalibrationAurc)->Unit(benchmark::kMillisecond);

void BM_AgreementCohenKappa(benchmark::State& state) {
  const LabelData& d = label_data();
  for (auto _ : state) {
    KappaResult k = cohen_kappa(d.truth, d.predicted, kClasses);
    benchmark::DoNotOptimize(k);
  }
  finish(state, cohen_kappa(d.truth, d.predicted, kClasses).kappa);
}
BENCHMARK(BM_AgreementCohenKappa)->Unit(benchmark::kMillisecond);

void BM_ClassificationReport14(benchmark::State& state) {
  const LabelData& d = label_data();
  for (auto _ : state) {
    ClassificationReport r =
        classification_report(d.truth, d.predicted, kClasses, ZeroDivision::zero);
    benchmark::DoNotOptimize(r);
  }
  finish(state, classification_report(d.truth, d.predicted, kClasses, ZeroDivision::zero).macro.f1);
}
BENCHMARK(BM_ClassificationReport14)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace qb::stats
