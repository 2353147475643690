// Benchmarks of the tests, adjustments and percentile sketch: McNemar's exact test on large
// counts, Holm and Benjamini–Hochberg on 10,000 p values, the t-digest on 10⁶ values (add, merge)
// and the exact quantile of 10⁶ values. Compare with bench/compare_tests.py (statsmodels / NumPy
// on the same sizes).
//
// Run: taskset -c 0 build/<dir>/bench/qualbar_stats_bench
//        --benchmark_filter='McNemar|Holm|BenjaminiHochberg|TwoProportion|QuantileSketch|ExactQuantile|PassAtK'
// Everything here is single-threaded.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include <benchmark/benchmark.h>

#include "qualbar/stats/intervals.hpp"
#include "qualbar/stats/multiple_testing.hpp"
#include "qualbar/stats/pass_at_k.hpp"
#include "qualbar/stats/quantile_sketch.hpp"
#include "qualbar/stats/random.hpp"
#include "qualbar/stats/tests.hpp"

namespace {

using namespace qb::stats;

constexpr std::size_t kPValues = 10'000;
constexpr std::size_t kValues = 1'000'000;

// 10,000 p values: 90% uniform (no effect), 10% small (an effect), shuffled.
std::vector<double> p_values() {
  Rng rng(20261128);
  std::vector<double> ps(kPValues);
  for (double& p : ps) {
    const double u = rng.uniform();
    p = rng.uniform() < 0.1 ? std::pow(u, 8.0) : u;
  }
  return ps;
}

// 10⁶ latency-like values: lognormal(6.5, 0.6) by Box–Muller.
std::vector<double> latencies() {
  Rng rng(20261129);
  std::vector<double> xs(kValues);
  for (std::size_t i = 0; i < kValues; i += 2) {
    const double r = std::sqrt(-2.0 * std::log1p(-rng.uniform()));
    const double t = 2.0 * 3.141592653589793 * rng.uniform();
    xs[i] = std::exp(6.5 + 0.6 * r * std::cos(t));
    if (i + 1 < kValues) xs[i + 1] = std::exp(6.5 + 0.6 * r * std::sin(t));
  }
  return xs;
}

void BM_McNemarExact(benchmark::State& state) {
  const auto b = static_cast<std::size_t>(state.range(0));
  const std::size_t c = b + b / 40;  // 2.5% more discordant pairs one way
  for (auto _ : state) benchmark::DoNotOptimize(mcnemar_exact(b, c));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_McNemarExact)->Arg(1'000)->Arg(400'000);

void BM_McNemarMidP(benchmark::State& state) {
  const auto b = static_cast<std::size_t>(state.range(0));
  const std::size_t c = b + b / 40;
  for (auto _ : state) benchmark::DoNotOptimize(mcnemar_exact(b, c, McNemarPValue::mid_p));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_McNemarMidP)->Arg(1'000)->Arg(400'000);

void BM_TwoProportionZ(benchmark::State& state) {
  for (auto _ : state)
    benchmark::DoNotOptimize(two_proportion_z(450'000, 1'000'000, 451'234, 1'000'000));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TwoProportionZ);

void BM_Holm(benchmark::State& state) {
  const std::vector<double> ps = p_values();
  for (auto _ : state) benchmark::DoNotOptimize(holm(ps));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(ps.size()));
}
BENCHMARK(BM_Holm)->Unit(benchmark::kMicrosecond);

void BM_BenjaminiHochberg(benchmark::State& state) {
  const std::vector<double> ps = p_values();
  for (auto _ : state) benchmark::DoNotOptimize(benjamini_hochberg(ps));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(ps.size()));
}
BENCHMARK(BM_BenjaminiHochberg)->Unit(benchmark::kMicrosecond);

// Adding 10⁶ values one by one, then reading p50, p95, p99 (which merges the last buffer).
void BM_QuantileSketchAdd(benchmark::State& state) {
  const std::vector<double> xs = latencies();
  for (auto _ : state) {
    QuantileSketch sketch;
    for (const double x : xs) sketch.add(x);
    benchmark::DoNotOptimize(sketch.quantile(0.5) + sketch.quantile(0.95) + sketch.quantile(0.99));
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(xs.size()));
}
BENCHMARK(BM_QuantileSketchAdd)->Unit(benchmark::kMillisecond);

// Merging two full sketches (of 5·10⁵ values each) and reading p99.
void BM_QuantileSketchMerge(benchmark::State& state) {
  const std::vector<double> xs = latencies();
  QuantileSketch a, b;
  a.add(std::span<const double>(xs).first(kValues / 2));
  b.add(std::span<const double>(xs).subspan(kValues / 2));
  a.quantile(0.5);
  b.quantile(0.5);
  for (auto _ : state) {
    QuantileSketch merged = a;
    merged.merge(b);
    benchmark::DoNotOptimize(merged.quantile(0.99));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_QuantileSketchMerge)->Unit(benchmark::kMicrosecond);

// The exact p99 of 10⁶ values as the report computes it: copy, sort, quantile_sorted.
void BM_ExactQuantileSort(benchmark::State& state) {
  const std::vector<double> xs = latencies();
  std::vector<double> work(xs.size());
  for (auto _ : state) {
    std::copy(xs.begin(), xs.end(), work.begin());
    std::sort(work.begin(), work.end());
    benchmark::DoNotOptimize(quantile_sorted(work, 0.99));
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(xs.size()));
}
BENCHMARK(BM_ExactQuantileSort)->Unit(benchmark::kMillisecond);

// The same p99 by selection (what numpy.quantile does): copy, nth_element, then the next value.
void BM_ExactQuantileSelect(benchmark::State& state) {
  const std::vector<double> xs = latencies();
  std::vector<double> work(xs.size());
  for (auto _ : state) {
    std::copy(xs.begin(), xs.end(), work.begin());
    const double h = (static_cast<double>(work.size()) - 1.0) * 0.99;
    const auto lo = static_cast<std::size_t>(h);
    std::nth_element(work.begin(), work.begin() + static_cast<std::ptrdiff_t>(lo), work.end());
    const double next =
        *std::min_element(work.begin() + static_cast<std::ptrdiff_t>(lo) + 1, work.end());
    benchmark::DoNotOptimize(work[lo] + (h - static_cast<double>(lo)) * (next - work[lo]));
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(xs.size()));
}
BENCHMARK(BM_ExactQuantileSelect)->Unit(benchmark::kMillisecond);

// HumanEval-sized pass@10: 164 problems, 200 samples each.
void BM_MeanPassAtK(benchmark::State& state) {
  Rng rng(20261130);
  std::vector<std::size_t> n(164, 200), c(164);
  for (std::size_t& x : c) x = rng.below(201);
  for (auto _ : state) benchmark::DoNotOptimize(mean_pass_at_k(n, c, 10));
  state.SetItemsProcessed(state.iterations() * 164);
}
BENCHMARK(BM_MeanPassAtK)->Unit(benchmark::kMicrosecond);

}  // namespace
