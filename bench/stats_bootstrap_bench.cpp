// Resampling benchmarks: bootstrap (paired mean difference, one-sample BCa of the mean), the
// sign-flip permutation test and PPI, at the sizes: n = 100,000 items, 10,000 resamples.
// Compare with bench/compare_bootstrap.py (NumPy / SciPy on the same sizes).
//
// Run: build/<dir>/bench/qualbar_stats_bench --benchmark_filter='Bootstrap|SignFlip|Ppi'
// Figures labelled "2 threads" use both cores (threads = 0); "1 thread" ones are meant to be run
// pinned with taskset -c 0.

#include <cstddef>
#include <vector>

#include <benchmark/benchmark.h>

#include "qualbar/stats/bootstrap.hpp"
#include "qualbar/stats/permutation.hpp"
#include "qualbar/stats/ppi.hpp"
#include "qualbar/stats/random.hpp"

namespace {

using namespace qb::stats;

constexpr std::size_t kItems = 100'000;
constexpr std::size_t kResamples = 10'000;

enum class Kind { continuous, pass_fail, one_to_five };

// Two correlated paired samples of the given kind (model A slightly better than model B).
struct Paired {
  std::vector<double> a, b;
};

Paired make_paired(Kind kind) {
  qb::stats::Rng rng(20261127);
  Paired p;
  p.a.resize(kItems);
  p.b.resize(kItems);
  for (std::size_t i = 0; i < kItems; ++i) {
    switch (kind) {
      case Kind::continuous: {
        const double base = rng.uniform();
        p.a[i] = base + 0.1 * rng.uniform();
        p.b[i] = base + 0.1 * rng.uniform() - 0.01;
        break;
      }
      case Kind::pass_fail: {
        const bool a = rng.uniform() < 0.82;
        p.a[i] = a ? 1.0 : 0.0;
        p.b[i] = (rng.uniform() < 0.9 ? a : rng.uniform() < 0.8) ? 1.0 : 0.0;
        break;
      }
      case Kind::one_to_five: {
        const auto a = static_cast<double>(1 + rng.below(5));
        p.a[i] = a;
        p.b[i] = rng.uniform() < 0.6 ? a : static_cast<double>(1 + rng.below(5));
        break;
      }
    }
  }
  return p;
}

const Paired& paired(Kind kind) {
  static const Paired continuous = make_paired(Kind::continuous);
  static const Paired pass_fail = make_paired(Kind::pass_fail);
  static const Paired one_to_five = make_paired(Kind::one_to_five);
  switch (kind) {
    case Kind::pass_fail:
      return pass_fail;
    case Kind::one_to_five:
      return one_to_five;
    default:
      return continuous;
  }
}

void set_counters(benchmark::State& state, std::size_t items, std::size_t resamples) {
  state.counters["resampled_items/s"] = benchmark::Counter(
      static_cast<double>(items * resamples), benchmark::Counter::kIsIterationInvariantRate);
}

void paired_mean_difference(benchmark::State& state, Kind kind, unsigned threads,
                            BootstrapMethod method) {
  const Paired& p = paired(kind);
  BootstrapOptions opts;
  opts.resamples = kResamples;
  opts.method = method;
  opts.threads = threads;
  for (auto _ : state) {
    opts.seed += 1;
    benchmark::DoNotOptimize(bootstrap_mean_difference(p.a, p.b, opts));
  }
  set_counters(state, kItems, kResamples);
}

// The target: ≤ 1.0 s on both cores for continuous scores.
void BM_BootstrapPairedMeanDiff_Continuous_2threads(benchmark::State& state) {
  paired_mean_difference(state, Kind::continuous, 0, BootstrapMethod::percentile);
}
void BM_BootstrapPairedMeanDiff_Continuous_1thread(benchmark::State& state) {
  paired_mean_difference(state, Kind::continuous, 1, BootstrapMethod::percentile);
}
// The target: ≤ 10 ms for pass/fail or 1–5 scores (count path).
void BM_BootstrapPairedMeanDiff_PassFail_2threads(benchmark::State& state) {
  paired_mean_difference(state, Kind::pass_fail, 0, BootstrapMethod::percentile);
}
void BM_BootstrapPairedMeanDiff_OneToFive_2threads(benchmark::State& state) {
  paired_mean_difference(state, Kind::one_to_five, 0, BootstrapMethod::percentile);
}
void BM_BootstrapPairedMeanDiff_OneToFive_1thread(benchmark::State& state) {
  paired_mean_difference(state, Kind::one_to_five, 1, BootstrapMethod::percentile);
}
void BM_BootstrapPairedMeanDiff_OneToFive_BCa_2threads(benchmark::State& state) {
  paired_mean_difference(state, Kind::one_to_five, 0, BootstrapMethod::bca);
}

// One-sample BCa of the mean (closed-form jackknife), continuous.
void BM_BootstrapMeanBCa_Continuous_2threads(benchmark::State& state) {
  const std::vector<double>& x = paired(Kind::continuous).a;
  BootstrapOptions opts;
  opts.resamples = kResamples;
  opts.method = BootstrapMethod::bca;
  for (auto _ : state) {
    opts.seed += 1;
    benchmark::DoNotOptimize(bootstrap_mean(x, opts));
  }
  set_counters(state, kItems, kResamples);
}

void sign_flip(benchmark::State& state, Kind kind, unsigned threads) {
  const Paired& p = paired(kind);
  SignFlipOptions opts;
  opts.resamples = kResamples;
  opts.threads = threads;
  for (auto _ : state) {
    opts.seed += 1;
    benchmark::DoNotOptimize(sign_flip_test(p.a, p.b, opts));
  }
  set_counters(state, kItems, kResamples);
}
void BM_SignFlip_Continuous_2threads(benchmark::State& state) {
  sign_flip(state, Kind::continuous, 0);
}
void BM_SignFlip_OneToFive_2threads(benchmark::State& state) {
  sign_flip(state, Kind::one_to_five, 0);
}

// PPI++ with N = 1,000,000 judge predictions and n = 1,000 labels: a few passes over the data.
void BM_PpiPlusPlus_1M(benchmark::State& state) {
  qb::stats::Rng rng(5);
  std::vector<double> y(1'000), f(1'000), g(1'000'000);
  for (std::size_t i = 0; i < y.size(); ++i) {
    y[i] = rng.uniform() < 0.7 ? 1.0 : 0.0;
    f[i] = rng.uniform() < 0.9 ? y[i] : 1.0 - y[i];
  }
  for (auto& v : g) v = rng.uniform() < 0.72 ? 1.0 : 0.0;
  for (auto _ : state) benchmark::DoNotOptimize(ppi_mean({y, f, g}, {}));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * 1'001'000);
}

BENCHMARK(BM_BootstrapPairedMeanDiff_Continuous_2threads)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_BootstrapPairedMeanDiff_Continuous_1thread)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_BootstrapPairedMeanDiff_PassFail_2threads)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_BootstrapPairedMeanDiff_OneToFive_2threads)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_BootstrapPairedMeanDiff_OneToFive_1thread)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_BootstrapPairedMeanDiff_OneToFive_BCa_2threads)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_BootstrapMeanBCa_Continuous_2threads)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_SignFlip_Continuous_2threads)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_SignFlip_OneToFive_2threads)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_PpiPlusPlus_1M)->Unit(benchmark::kMillisecond);

}  // namespace
