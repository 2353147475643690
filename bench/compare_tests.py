#!/usr/bin/python3
"""Times the statsmodels / SciPy / NumPy equivalents of bench/stats_tests_bench.cpp on the same sizes.

Run with Debian's /usr/bin/python3 (numpy, scipy, statsmodels installed), pinned to one core like
the C++ figures:
    taskset -c 0 /usr/bin/python3 bench/compare_tests.py
Prints CPU seconds per call (process time, the best of several repeats; comparable with the CPU
column of Google Benchmark on a shared machine) next to the name of the C++ benchmark it compares
with.

There is no t-digest in NumPy / SciPy; the sketch's figures compare with numpy.quantile on the
whole array (exact, but it needs all values in memory at once).
"""

import time
import timeit

import numpy as np
from scipy import stats
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportions_ztest

N_P = 10_000
N_VALUES = 1_000_000


def best(fn, number, repeat=5):
    """CPU seconds per call: the best of `repeat` runs of `number` calls."""
    return min(timeit.repeat(fn, number=number, repeat=repeat, timer=time.process_time)) / number


def report(name, cpp_name, seconds):
    print(f"{name:<52} {seconds:12.3e} s   (C++: {cpp_name})")


def mid_p(b, c):
    n, k = b + c, min(b, c)
    return min(1.0, 2.0 * stats.binom.cdf(k - 1, n, 0.5) + stats.binom.pmf(k, n, 0.5))


def codex_pass_at_k(n, c, k):
    if n - c < k:
        return 1.0
    return 1.0 - np.prod(1.0 - k / np.arange(n - c + 1, n + 1))


def main():
    rng = np.random.default_rng(20261128)
    u = rng.uniform(size=N_P)
    ps = np.where(rng.uniform(size=N_P) < 0.1, u ** 8, u)
    xs = rng.lognormal(6.5, 0.6, N_VALUES)

    for b in [1_000, 400_000]:
        c = b + b // 40
        table = [[0, b], [c, 0]]
        report(f"statsmodels mcnemar(exact=True), b={b}", f"BM_McNemarExact/{b}",
               best(lambda: mcnemar(table, exact=True), 200))
        report(f"scipy binom mid-p, b={b}", f"BM_McNemarMidP/{b}", best(lambda: mid_p(b, c), 200))
    report("statsmodels proportions_ztest", "BM_TwoProportionZ",
           best(lambda: proportions_ztest([450_000, 451_234], [1_000_000, 1_000_000]), 200))
    report(f"statsmodels multipletests holm, {N_P} p values", "BM_Holm",
           best(lambda: multipletests(ps, method="holm"), 100))
    report(f"statsmodels multipletests fdr_bh, {N_P} p values", "BM_BenjaminiHochberg",
           best(lambda: multipletests(ps, method="fdr_bh"), 100))
    report(f"numpy.quantile p50/p95/p99 of {N_VALUES:.0e} (exact)", "BM_QuantileSketchAdd",
           best(lambda: np.quantile(xs, [0.5, 0.95, 0.99]), 5))
    report(f"numpy.quantile p99 of {N_VALUES:.0e} (exact)", "BM_ExactQuantileSelect / Sort",
           best(lambda: np.quantile(xs, 0.99), 5))
    report(f"numpy.sort of {N_VALUES:.0e}", "BM_ExactQuantileSort", best(lambda: np.sort(xs), 5))
    n = [200] * 164
    cs = rng.integers(0, 201, 164)
    report("Codex numpy pass@10, 164 problems x 200 samples", "BM_MeanPassAtK",
           best(lambda: np.mean([codex_pass_at_k(a, b, 10) for a, b in zip(n, cs)]), 20))


if __name__ == "__main__":
    main()
