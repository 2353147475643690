#pragma once
// Bootstrap confidence intervals: percentile and BCa, seeded and reproducible. Pure functions.
//
// Every function draws `resamples` bootstrap resamples (n items with replacement, n the sample
// size; for paired samples the same indices for both), computes the statistic on each, and
// turns the B values θ*₁ … θ*_B into an interval:
//
//   percentile  [Q(α), Q(1 − α)],              α = (1 − confidence)/2
//   BCa         [Q(α₁), Q(α₂)],                αᵢ = Φ(z₀ + (z₀ + zᵢ)/(1 − a·(z₀ + zᵢ)))
//               z₁ = Φ⁻¹(α), z₂ = Φ⁻¹(1 − α),
//               z₀ = Φ⁻¹((#{θ* < θ̂} + #{θ* ≤ θ̂}) / 2B)                  (bias correction)
//               a  = Σ (θ̄₍.₎ − θ₍ᵢ₎)³ / (6 · (Σ (θ̄₍.₎ − θ₍ᵢ₎)²)^{3/2})    (acceleration)
//               θ₍ᵢ₎ the statistic without item (or pair) i, θ̄₍.₎ their mean (the jackknife)
//
// Q is numpy's default ("linear") quantile of θ*₁ … θ*_B. These are the definitions of
// scipy.stats.bootstrap (method='percentile' and method='BCa', Efron and Tibshirani 1993,
// 14.3 and 15.4), with one deliberate difference: when every jackknife value θ₍ᵢ₎ is equal, a is
// 0 (no acceleration), where SciPy gives NaN.
//
// Reproducibility: the resamples are split into fixed blocks of 64; block b draws from
// Rng(seed, b), two indices per 64-bit output (Lemire's multiply-shift with rejection on each
// half: exactly uniform). The same seed gives the same interval whatever the number of threads.
// Samples of 2³² items or more are refused (reason "too many observations ...").
//
// Degenerate cases (every function):
//   n = 0                        estimate NaN, interval [NaN, NaN], reason "no observations"
//   n = 1                        estimate the statistic, interval [NaN, NaN], reason
//                                "one observation: nothing to resample"
//   all items equal (n ≥ 2)      interval [θ̂, θ̂] (every resample equals the sample), no reason
//   NaN or ±infinity in input    estimate NaN, interval [NaN, NaN], reason "NaN or infinite
//                                value in the input"
//   paired spans of different length, confidence outside (0, 1), resamples = 0: NaN, with reason
//   statistic NaN on the sample or on some resample: interval NaN, with reason
//   BCa levels undefined (z₀ infinite: θ̂ outside the bootstrap distribution): NaN, with reason

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string_view>

#include "qualbar/stats/common.hpp"

namespace qb::stats {

enum class BootstrapMethod { percentile, bca };

// How the fast paths (bootstrap_mean, bootstrap_mean_difference) draw resamples.
//   automatic  by_count when the values (for paired data: the differences aᵢ − bᵢ) take at most
//              16 distinct values, such as pass/fail or 1–5 scores; by_index otherwise.
//   by_index   n uniform indices per resample, summing the values they point at.
//   by_count   one multinomial draw per resample: how many times each distinct value is picked
//              (sequential conditional binomials, Boost.Random). The resampled mean has exactly
//              the same distribution as by_index; the work per resample is O(distinct values)
//              instead of O(n). Usable on any data, but only fast with few distinct values.
// The two paths consume random numbers differently, so for one seed they give different (equally
// valid) intervals.
enum class ResamplingPath { automatic, by_index, by_count };

struct BootstrapOptions {
  double confidence = 0.95;
  std::size_t resamples = 10'000;
  BootstrapMethod method = BootstrapMethod::bca;
  std::uint64_t seed = 0;
  unsigned threads = 0;  // 0: all hardware threads. Does not change the result.
  ResamplingPath path = ResamplingPath::automatic;  // fast paths only
};

struct BootstrapResult {
  double estimate = kNaN;         // θ̂, the statistic on the sample itself
  Interval interval;              // at opts.confidence
  double standard_error = kNaN;   // standard deviation of θ*₁ … θ*_B (divisor B − 1)
  double bias_correction = kNaN;  // z₀ (BCa only)
  double acceleration = kNaN;     // a (BCa only); deterministic: no random draws involved
  std::string_view reason;        // empty when the interval could be computed
};

// A statistic of one sample. Called concurrently from several threads (on different spans) when
// opts.threads != 1: it must not modify shared state. One that throws (on any thread) gives a
// result with reason "the statistic failed (it threw an exception) ...", never a crash.
using Statistic = std::function<double(std::span<const double>)>;
// A statistic of paired samples (equal lengths; item i of both spans form a pair).
using PairedStatistic = std::function<double(std::span<const double>, std::span<const double>)>;

// Any statistic of one sample. Cost: B calls on resamples of size n, plus n calls on samples of
// size n − 1 for BCa's jackknife.
BootstrapResult bootstrap(std::span<const double> x, const Statistic& statistic,
                          const BootstrapOptions& opts);

// Any statistic of paired samples: a and b are resampled with the same indices, and BCa's
// jackknife leaves out one pair at a time.
BootstrapResult bootstrap_paired(std::span<const double> a, std::span<const double> b,
                                 const PairedStatistic& statistic, const BootstrapOptions& opts);

// The mean. Fast path: no allocation per resample, O(n) per resample by index or O(distinct
// values) by count; BCa's jackknife in closed form (θ̄₍.₎ − θ₍ᵢ₎ = (xᵢ − x̄)/(n − 1)).
BootstrapResult bootstrap_mean(std::span<const double> x, const BootstrapOptions& opts);

// The paired mean difference mean(a) − mean(b) = mean(a − b): the mean fast path on the
// differences dᵢ = aᵢ − bᵢ (estimate computed as the mean of the dᵢ).
BootstrapResult bootstrap_mean_difference(std::span<const double> a, std::span<const double> b,
                                          const BootstrapOptions& opts);

}  // namespace qb::stats
