#!/usr/bin/python3
"""Times the NumPy / SciPy equivalents of bench/stats_bootstrap_bench.cpp on the same sizes.

Run with Debian's /usr/bin/python3 (numpy, scipy installed):
    /usr/bin/python3 bench/compare_bootstrap.py [--quick]
Prints wall-clock and CPU seconds per task (CPU time is the fairer figure on a busy machine). NumPy and SciPy use one core here (their resampling is not
multithreaded); qualbar's figures are for both cores unless labelled 1 thread.

Sizes as in the issue: n = 100,000 paired items, 10,000 resamples. --quick runs 1,000 resamples
and scales the time by 10 (for a fast look; the report uses the full run).
"""

import sys
import time

import numpy as np
import scipy
from scipy import stats

N = 100_000
B = 10_000
CHUNK = 100  # resamples per vectorised chunk: a 100 x 100,000 index matrix (80 MB)


def paired_data(kind, rng):
    if kind == "continuous":
        base = rng.uniform(size=N)
        return base + 0.1 * rng.uniform(size=N), base + 0.1 * rng.uniform(size=N) - 0.01
    if kind == "pass_fail":
        a = rng.uniform(size=N) < 0.82
        b = np.where(rng.uniform(size=N) < 0.9, a, rng.uniform(size=N) < 0.8)
        return a.astype(float), b.astype(float)
    a = rng.integers(1, 6, N).astype(float)
    b = np.where(rng.uniform(size=N) < 0.6, a, rng.integers(1, 6, N)).astype(float)
    return a, b


def numpy_paired_bootstrap(a, b, resamples, rng):
    """Vectorised paired bootstrap of the mean difference: the same indices for a and b."""
    d = a - b
    theta = np.empty(resamples)
    for k in range(0, resamples, CHUNK):
        m = min(CHUNK, resamples - k)
        idx = rng.integers(0, N, size=(m, N))
        theta[k:k + m] = d[idx].mean(axis=1)
    return np.percentile(theta, [2.5, 97.5])


def numpy_multinomial_bootstrap(a, b, resamples, rng):
    """The count trick in NumPy: one multinomial draw over the distinct differences."""
    d = a - b
    values, counts = np.unique(d, return_counts=True)
    draws = rng.multinomial(N, counts / N, size=resamples)
    theta = draws @ values / N
    return np.percentile(theta, [2.5, 97.5])


def scipy_one_sample_mean(x, resamples, rng):
    res = stats.bootstrap((x,), np.mean, vectorized=True, n_resamples=resamples, batch=CHUNK,
                          method="percentile", random_state=rng)
    return res.confidence_interval


def scipy_sign_flip(a, b, resamples, rng):
    d = a - b
    res = stats.permutation_test((d,), np.mean, vectorized=True, permutation_type="samples",
                                 n_resamples=resamples, batch=CHUNK, random_state=rng)
    return res.pvalue


def timed(label, fn, *args, scale=1):
    start, start_cpu = time.perf_counter(), time.process_time()
    fn(*args)
    seconds = (time.perf_counter() - start) * scale
    cpu = (time.process_time() - start_cpu) * scale
    print(f"{label:62s} {seconds:8.3f} s wall {cpu:8.3f} s cpu")
    return seconds


def main():
    quick = "--quick" in sys.argv
    resamples = B // 10 if quick else B
    scale = B / resamples
    print(f"numpy {np.__version__}, scipy {scipy.__version__}; n = {N:,}, {B:,} resamples"
          + (" (quick: 1,000 resamples x 10)" if quick else ""))
    rng = np.random.default_rng(20261127)
    data = {kind: paired_data(kind, rng) for kind in ("continuous", "pass_fail", "one_to_five")}
    for kind, (a, b) in data.items():
        timed(f"NumPy paired mean-difference bootstrap, {kind}", numpy_paired_bootstrap, a, b,
              resamples, rng, scale=scale)
    for kind in ("pass_fail", "one_to_five"):
        a, b = data[kind]
        timed(f"NumPy multinomial (count) bootstrap, {kind}", numpy_multinomial_bootstrap, a, b,
              resamples, rng, scale=scale)
    timed("scipy.stats.bootstrap one-sample mean, percentile, continuous", scipy_one_sample_mean,
          data["continuous"][0], resamples, rng, scale=scale)
    timed("scipy.stats.permutation_test sign flip, continuous", scipy_sign_flip,
          *data["continuous"], resamples, rng, scale=scale)
    print("scipy.stats.bootstrap BCa at n = 100,000: not run (its jackknife builds an n x (n - 1)"
          " matrix: 80 GB, or 1,000 batches of 100 x 100,000 with batch=)")


if __name__ == "__main__":
    main()
