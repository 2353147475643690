#!/usr/bin/python3
"""The SciPy / NumPy side of bench/stats_drift_bench.cpp: the same data (drawn from qualbar's
xoshiro256** generator, vectorised over its 1,024 streams exactly as the C++ `sample()` draws it),
the same sizes, best-of-N wall time in seconds.

Run with Debian's /usr/bin/python3, pinned to one core for single-threaded figures:
    taskset -c 0 /usr/bin/python3 bench/compare_drift.py
"""

import time

import numpy as np
from scipy import stats
from scipy.spatial.distance import jensenshannon

SEED = 20261127
MILLION = 1_000_000
LANES = 1024
U64 = np.uint64


def _rotl(x, k):
    return (x << U64(k)) | (x >> U64(64 - k))


def sample(seed, n, shift=0.0, scale=1.0):
    """Value i is the next draw of stream i mod 1024 of qb::stats::Rng(seed, stream)."""
    mask = (1 << 64) - 1
    states = []
    for lane in range(LANES):  # SplitMix64 seeding, as Rng's constructor
        x = (seed ^ ((0x9E3779B97F4A7C15 * (lane + 1)) & mask)) & mask
        s = []
        for _ in range(4):
            x = (x + 0x9E3779B97F4A7C15) & mask
            z = x
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
            s.append(z ^ (z >> 31))
        states.append(s)
    s0, s1, s2, s3 = (np.array([st[w] for st in states], dtype=np.uint64) for w in range(4))
    rounds = (n + LANES - 1) // LANES
    out = np.empty((rounds, LANES))
    with np.errstate(over="ignore"):
        for r in range(rounds):
            result = _rotl(s1 * U64(5), 7) * U64(9)
            t = s1 << U64(17)
            s2 ^= s0
            s3 ^= s1
            s1 ^= s2
            s0 ^= s3
            s2 ^= t
            s3 = _rotl(s3, 45)
            out[r] = (result >> U64(11)).astype(np.float64) * 2.0 ** -53
    return out.ravel()[:n] * scale + shift


def weekly(weeks):
    rng = np.random.default_rng(SEED)
    return rng.binomial(200, 0.94 - 0.0046 * np.arange(weeks)) / 200


def best_of(fn, repeat):
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def psi_table(b, c, eps=1e-4):
    k = len(b)
    b = (b / b.sum() + eps) / (1 + k * eps)
    c = (c / c.sum() + eps) / (1 + k * eps)
    return np.sum((c - b) * np.log(c / b))


def quantile_bins(b, c, bins):
    edges = np.unique(np.quantile(b, np.arange(1, bins) / bins))
    k = len(edges) + 1
    return (np.bincount(np.searchsorted(edges, b), minlength=k),
            np.bincount(np.searchsorted(edges, c), minlength=k))


def mann_kendall(x):
    """Textbook Mann-Kendall in NumPy (O(n^2) pairs, as pymannkendall computes S)."""
    n = len(x)
    s = np.sum(np.sign(x[None, :] - x[:, None])[np.triu_indices(n, 1)])
    _, counts = np.unique(x, return_counts=True)
    t = counts[counts > 1].astype(float)
    var = (n * (n - 1) * (2 * n + 5) - np.sum(t * (t - 1) * (2 * t + 5))) / 18
    z = (s - np.sign(s)) / np.sqrt(var)
    return z, 2 * stats.norm.sf(abs(z))


def row(name, seconds, note=""):
    print(f"{name:<52} {seconds:12.6f} s  {note}")


def main():
    a = sample(SEED, MILLION)
    same = sample(SEED + 1, MILLION)
    shifted = sample(SEED + 1, MILLION, 0.003)
    scaled = sample(SEED + 1, MILLION, 0.0, 1.02)
    print("SciPy / NumPy, best of N, seconds (same data and sizes as stats_drift_bench.cpp)")
    r = stats.ks_2samp(a, same)
    row("ks_2samp 1M + 1M, same distribution", best_of(lambda: stats.ks_2samp(a, same), 3),
        f"D={r.statistic:.6g} p={r.pvalue:.6g}")
    r = stats.ks_2samp(a, shifted)
    row("ks_2samp 1M + 1M, shifted 0.003", best_of(lambda: stats.ks_2samp(a, shifted), 3),
        f"D={r.statistic:.6g} p={r.pvalue:.6g}")
    for n in [1000, 10000]:
        x, y = sample(SEED, n), sample(SEED + 1, n - 1, 0.01)
        row(f"ks_2samp exact {n} + {n - 1}", best_of(lambda: stats.ks_2samp(x, y), 5))

    b10 = np.array([120, 95, 100, 105, 80, 100, 110, 90, 100, 100], float)
    c10 = np.array([100, 90, 95, 130, 90, 95, 100, 105, 95, 100], float)
    row("PSI, 10-bin table (NumPy)", best_of(lambda: psi_table(b10, c10), 2000) )
    row("jensenshannon, 10-bin table", best_of(lambda: jensenshannon(b10, c10, base=2), 2000))
    table = np.vstack([b10, c10])
    row("chi2_contingency 2 x 10", best_of(lambda: stats.chi2_contingency(table), 500))
    for bins in [10, 100]:
        def psi_samples():
            cb, cc = quantile_bins(a, scaled, bins)
            return psi_table(cb.astype(float), cc.astype(float))
        row(f"PSI on 1M + 1M values, {bins} quantile bins (NumPy)", best_of(psi_samples, 3))
    def js_samples():
        cb, cc = quantile_bins(a, scaled, 10)
        return jensenshannon(cb, cc, base=2)
    row("JS on 1M + 1M values, 10 quantile bins", best_of(js_samples, 3))

    for n in [26, 52, 2000]:
        x = weekly(n) if n <= 104 else sample(SEED, n)
        t = np.arange(n)
        reps = 200 if n <= 104 else 3
        row(f"Mann-Kendall n={n} (NumPy textbook)", best_of(lambda: mann_kendall(x), reps))
        row(f"kendalltau(time, x) n={n}", best_of(lambda: stats.kendalltau(t, x), reps))
        row(f"theilslopes n={n}", best_of(lambda: stats.theilslopes(x), reps))


if __name__ == "__main__":
    main()
