// Drift benchmarks: two-sample Kolmogorov–Smirnov on 1,000,000 + 1,000,000 values, PSI and
// Jensen–Shannon on 10-bin tables and on binning 1,000,000 + 1,000,000 values, chi-square on a
// 2 × 10 table, Mann–Kendall and Theil–Sen on 26 and 52 weekly points and on n = 2,000, and the
// sequential detectors on two years of weekly windows. Compare with bench/compare_drift.py
// (SciPy / NumPy on the same data: both draw it from the generator below).
//
// Run: build/<dir>/bench/qualbar_stats_bench --benchmark_filter='Drift'
// KS sorts its two samples on two threads; pinned with taskset -c 0 it runs on one core.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include <benchmark/benchmark.h>

#include "qualbar/stats/drift.hpp"
#include "qualbar/stats/random.hpp"
#include "qualbar/stats/sequential.hpp"
#include "qualbar/stats/trend.hpp"

namespace {

using namespace qb::stats;

constexpr std::uint64_t kSeed = 20261127;
constexpr std::size_t kMillion = 1'000'000;

// n uniforms in [0, 1) (times `scale`, plus `shift`): value i is the next draw of stream
// i mod 1024 of Rng(seed, stream), so compare_drift.py can draw the same values vectorised.
std::vector<double> sample(std::uint64_t seed, std::size_t n, double shift = 0.0,
                           double scale = 1.0) {
  constexpr std::size_t kLanes = 1024;
  std::vector<Rng> lanes;
  lanes.reserve(kLanes);
  for (std::size_t l = 0; l < kLanes; ++l) lanes.emplace_back(seed, l);
  std::vector<double> out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = lanes[i % kLanes].uniform() * scale + shift;
  return out;
}

// Weekly pass rates of 200 graded cases drifting down 0.46 points a week from 94%.
std::vector<double> weekly(std::size_t weeks) {
  Rng rng(kSeed);
  std::vector<double> out(weeks);
  for (std::size_t w = 0; w < weeks; ++w) {
    const double p = 0.94 - 0.0046 * static_cast<double>(w);
    int passed = 0;
    for (int i = 0; i < 200; ++i) passed += rng.uniform() < p;
    out[w] = passed / 200.0;
  }
  return out;
}

// ---- Kolmogorov–Smirnov ------------------------------------------------------------------------

void DriftKsTwoSample(benchmark::State& state, double shift) {
  const auto a = sample(kSeed, kMillion);
  const auto b = sample(kSeed + 1, kMillion, shift);
  for (auto _ : state) benchmark::DoNotOptimize(ks_two_sample(a, b));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * 2 * kMillion));
  const KsResult r = ks_two_sample(a, b);
  state.counters["D"] = r.statistic;
  state.counters["p"] = r.p_value;
}
// Same distribution: p-value by Pelz–Good. Shifted by 0.003: small p-value by the Smirnov sum.
BENCHMARK_CAPTURE(DriftKsTwoSample, same_1M_1M, 0.0)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(DriftKsTwoSample, shifted_1M_1M, 0.003)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void DriftKsTwoSampleSorted(benchmark::State& state) {
  auto a = sample(kSeed, kMillion), b = sample(kSeed + 1, kMillion, 0.003);
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  for (auto _ : state) benchmark::DoNotOptimize(ks_two_sample_sorted(a, b));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * 2 * kMillion));
}
BENCHMARK(DriftKsTwoSampleSorted)->Unit(benchmark::kMillisecond);

void DriftKsExact(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto a = sample(kSeed, n), b = sample(kSeed + 1, n - 1, 0.01);
  for (auto _ : state) benchmark::DoNotOptimize(ks_two_sample(a, b));
}
BENCHMARK(DriftKsExact)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

// ---- PSI, Jensen–Shannon, chi-square -----------------------------------------------------------
const std::vector<double> kBase10 = {120, 95, 100, 105, 80, 100, 110, 90, 100, 100};
const std::vector<double> kCur10 = {100, 90, 95, 130, 90, 95, 100, 105, 95, 100};

void DriftPsiTable10(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(psi(kBase10, kCur10));
}
BENCHMARK(DriftPsiTable10);

void DriftJensenShannonTable10(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(jensen_shannon(kBase10, kCur10));
}
BENCHMARK(DriftJensenShannonTable10);

void DriftChiSquare2x10(benchmark::State& state) {
  std::vector<double> table = kBase10;
  table.insert(table.end(), kCur10.begin(), kCur10.end());
  for (auto _ : state) benchmark::DoNotOptimize(chi_square_independence(table, 2, 10));
}
BENCHMARK(DriftChiSquare2x10);

// Binning 1,000,000 + 1,000,000 values on the baseline's deciles, then PSI / JS on the counts.
void DriftPsiSamples(benchmark::State& state) {
  const auto bins = static_cast<std::size_t>(state.range(0));
  const auto a = sample(kSeed, kMillion), b = sample(kSeed + 1, kMillion, 0.0, 1.02);
  for (auto _ : state) benchmark::DoNotOptimize(psi_samples(a, b, bins));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * 2 * kMillion));
}
BENCHMARK(DriftPsiSamples)->Arg(10)->Arg(100)->Unit(benchmark::kMillisecond);

void DriftJensenShannonSamples(benchmark::State& state) {
  const auto a = sample(kSeed, kMillion), b = sample(kSeed + 1, kMillion, 0.0, 1.02);
  for (auto _ : state) {
    const QuantileBins q = quantile_bins(a, b, 10);
    benchmark::DoNotOptimize(jensen_shannon(q.baseline, q.current));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * 2 * kMillion));
}
BENCHMARK(DriftJensenShannonSamples)->Unit(benchmark::kMillisecond);

// ---- trend and sequential ----------------------------------------------------------------------
void DriftMannKendall(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto x = n <= 104 ? weekly(n) : sample(kSeed, n, 0.0, 1.0);
  for (auto _ : state) benchmark::DoNotOptimize(mann_kendall(x));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
}
BENCHMARK(DriftMannKendall)->Arg(26)->Arg(52)->Arg(2000);

void DriftTheilSen(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto x = n <= 104 ? weekly(n) : sample(kSeed, n, 0.0, 1.0);
  for (auto _ : state) benchmark::DoNotOptimize(theil_sen(x));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
}
BENCHMARK(DriftTheilSen)->Arg(26)->Arg(52)->Arg(2000)->Unit(benchmark::kMicrosecond);

void DriftCusumAndPageHinkley104Weeks(benchmark::State& state) {
  const auto x = weekly(104);
  const CusumParams c = cusum_params_for_rate(0.94, 200);
  const PageHinkleyParams p = page_hinkley_params_for_rate(0.94, 200);
  for (auto _ : state) {
    benchmark::DoNotOptimize(cusum_lower(x, c));
    benchmark::DoNotOptimize(page_hinkley_lower(x, p));
  }
}
BENCHMARK(DriftCusumAndPageHinkley104Weeks);

}  // namespace
