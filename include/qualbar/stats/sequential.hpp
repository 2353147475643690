#pragma once
// Sequential change detection for gradual quality drift: a one-sided lower CUSUM and a
// Page–Hinkley test, run over a stream of per-window values (for example the weekly pass rate of
// the graded production sample). Pure functions: the whole stream in, the path and the first
// alarm out. They detect a *drop*; to watch for a rise, pass the negated stream.
//
// Missing windows: a NaN in the stream is a window with no data (no graded samples that week).
// It is skipped: the statistic carries over unchanged, path[t] repeats the previous value (0
// before any data), and `missing` counts such windows. ±infinity is an error (reason set).

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "qualbar/stats/common.hpp"

namespace qb::stats {

struct SequentialResult {
  std::optional<std::size_t> alarm;  // index of the first window whose statistic exceeds the
                                     // threshold; empty when none does
  std::vector<double> path;          // the statistic after each window (same length as the stream)
  std::size_t missing = 0;           // NaN windows skipped
  std::string_view reason;           // non-empty when the detector could not run (path empty)
};

// ---- CUSUM -------------------------------------------------------------------------------------
// One-sided lower CUSUM (Page 1954) for a drop of the mean below `target`:
//   S_0 = 0,  S_t = max(0, S_{t−1} + (target − x_t − k)),  alarm at the first t with S_t > h.
// `k` (the allowance, in units of x) is usually half the drop worth detecting; `h` (the decision
// interval, in units of x) trades detection delay against false alarms. The statistic keeps
// running after the alarm (no reset): path covers the whole stream.
struct CusumParams {
  double target = kNaN;  // μ0, the in-control mean (e.g. the baseline pass rate)
  double k = kNaN;       // allowance, >= 0
  double h = kNaN;       // decision interval, > 0
};

// Defaults for a pass rate measured on windows of `samples_per_window` graded cases:
// σ = sqrt(p0 (1 − p0) / n), target = p0, k = k_sigmas·σ, h = h_sigmas·σ. The defaults k = 0.5σ,
// h = 5σ detect the drift of PRODUCT.md (94% → 87% over six months, −0.46 points a week) on
// weekly windows of 200: in simulation (tests/stats/sequential_test.cpp) the median alarm comes
// after 7 weeks and 95% of alarms within 10, when the rate has fallen 3–5 points; a stable 94%
// raises a false alarm in about 7–8% of years (in-control average run length ≈ 600 weeks).
// h = 6σ halves the false alarms for one more week of delay. NaN parameters (p0 outside (0, 1),
// n = 0) give NaN fields, which cusum_lower() reports as a reason.
CusumParams cusum_params_for_rate(double baseline_rate, double samples_per_window,
                                  double k_sigmas = 0.5, double h_sigmas = 5.0);

// Runs the lower CUSUM over `stream`. Degenerate cases (reason set, path empty, no alarm):
// target, k or h NaN or infinite, k < 0, h <= 0, ±infinity in the stream. An empty stream gives
// an empty path and no alarm.
SequentialResult cusum_lower(std::span<const double> stream, const CusumParams& params);

// ---- Page–Hinkley ------------------------------------------------------------------------------
// Page–Hinkley test for a drop of the mean, against the running mean of the stream itself (it
// needs no target):
//   x̄_t = mean of the non-missing x_1 … x_t,
//   U_t = α·U_{t−1} + (x_t − x̄_t + δ),  M_t = max(U_1, …, U_t),  PH_t = M_t − U_t,
//   alarm at the first t, among windows after the first `min_windows` (non-missing), with
//   PH_t > λ.
// δ is the magnitude of change tolerated, λ the threshold; α in (0, 1] forgets old deviations
// (α = 1: the classic test). Because x̄_t follows a slow drift, Page–Hinkley is slower than a
// CUSUM with a known target but needs no baseline.
struct PageHinkleyParams {
  double delta = kNaN;          // δ >= 0, in units of x
  double lambda = kNaN;         // λ > 0, in units of x
  double alpha = 1.0;           // forgetting factor in (0, 1]
  std::size_t min_windows = 4;  // no alarm before this many non-missing windows
};

// Defaults for a pass rate on windows of `samples_per_window`: σ = sqrt(p0 (1 − p0) / n),
// δ = delta_sigmas·σ, λ = lambda_sigmas·σ, α = 1, min_windows = 4. The defaults δ = 0.5σ,
// λ = 5σ detect the PRODUCT.md drift on weekly windows of 200 with a median alarm after 12 weeks
// (95% within 16) and a false alarm in about 5% of stable years (simulation in the tests).
// p0 outside (0, 1) or n = 0: NaN fields (reported by page_hinkley_lower() as a reason).
PageHinkleyParams page_hinkley_params_for_rate(double baseline_rate, double samples_per_window,
                                               double delta_sigmas = 0.5,
                                               double lambda_sigmas = 5.0);

// Runs Page–Hinkley over `stream`. Degenerate cases (reason set, path empty, no alarm): δ or λ
// NaN or infinite, δ < 0, λ <= 0, α outside (0, 1], ±infinity in the stream. An empty stream
// gives an empty path and no alarm.
SequentialResult page_hinkley_lower(std::span<const double> stream,
                                    const PageHinkleyParams& params);

}  // namespace qb::stats
