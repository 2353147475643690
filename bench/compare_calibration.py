#!/usr/bin/python3
"""Times the Python equivalents of bench/stats_calibration_bench.cpp on the same data.

Run with Debian's /usr/bin/python3, pinned to one core like the C++ benchmark:
    taskset -c 0 /usr/bin/python3 bench/compare_calibration.py
Both programs draw the data from SplitMix64 of (stream, index), so the values printed here equal
the `value` counters of the Google Benchmark run. Prints the best of 5 runs in wall and in CPU
seconds (on a busy machine the CPU time is the one to compare with Google Benchmark's CPU column).

ECE has no scikit-learn function: it is timed twice, with the per-bin numpy code of
tests/reference/make_calibration_reference.py (the reference the tests use) and with a
vectorised numpy version (np.searchsorted + np.bincount) that is the fairer comparison.
"""

import os
import sys
import time

import numpy as np
from sklearn.metrics import (brier_score_loss, cohen_kappa_score, confusion_matrix,
                             precision_recall_fscore_support, roc_auc_score)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "reference"))
from make_calibration_reference import reliability_case  # noqa: E402

N = 1_000_000
CLASSES = 14
BINS = 15
REPEATS = 5


def uniform(stream, n):
    """SplitMix64 of (stream << 32) + (i + 1) * golden, as in the C++ benchmark."""
    with np.errstate(over="ignore"):
        i = np.arange(n, dtype=np.uint64)
        z = (np.uint64(stream) << np.uint64(32)) + (i + np.uint64(1)) * np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z ^= z >> np.uint64(31)
    return (z >> np.uint64(11)).astype(np.float64) * 2.0 ** -53


def best(f):
    """Best wall and best CPU seconds of REPEATS runs, and the value."""
    wall, cpu = [], []
    value = None
    for _ in range(REPEATS):
        start, start_cpu = time.perf_counter(), time.process_time()
        value = f()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return min(wall), min(cpu), value


def ece_vectorised(p, y, bins):
    edges = np.arange(bins + 1) / bins
    idx = np.minimum(np.searchsorted(edges, p, side="right") - 1, bins - 1)
    count = np.bincount(idx, minlength=bins)
    conf = np.bincount(idx, weights=p, minlength=bins)
    acc = np.bincount(idx, weights=y, minlength=bins)
    ok = count > 0
    return float(np.sum(np.abs(acc[ok] - conf[ok])) / len(p))


def aurc_vectorised(p, y):
    # The reference script's risk_coverage without building the list of points.
    values, inverse = np.unique(p, return_inverse=True)
    size = np.bincount(inverse, minlength=len(values))[::-1]
    errs = np.bincount(inverse, weights=1 - y, minlength=len(values))[::-1]
    return float(np.sum(size * np.cumsum(errs) / np.cumsum(size)) / len(p))


def main():
    p = uniform(1, N)
    y = (uniform(2, N) < p).astype(np.int8)
    # int64, numpy's default: scikit-learn is about 3x slower on the int32 the C++ side uses.
    truth = (uniform(3, N) * CLASSES).astype(np.int64)
    predicted = np.where(uniform(4, N) < 0.7, truth, (uniform(5, N) * CLASSES).astype(np.int64))
    labels = list(range(CLASSES))

    def report14():
        cm = confusion_matrix(truth, predicted, labels=labels)
        prf = precision_recall_fscore_support(truth, predicted, labels=labels, average=None,
                                              zero_division=0)
        return cm, float(np.mean(prf[2]))

    rows = [
        ("ECE, 15 equal-width bins (numpy, reference script)",
         lambda: reliability_case("bench", p, y, BINS, "equal_width")["ece"]),
        ("ECE, 15 equal-width bins (numpy, vectorised)", lambda: ece_vectorised(p, y, BINS)),
        ("ECE, 15 equal-mass bins (numpy, reference script)",
         lambda: reliability_case("bench", p, y, BINS, "equal_mass")["ece"]),
        ("Brier score (sklearn brier_score_loss)", lambda: float(brier_score_loss(y, p))),
        ("AUROC (sklearn roc_auc_score)", lambda: float(roc_auc_score(y, p))),
        ("AURC (numpy, vectorised)", lambda: aurc_vectorised(p, y)),
        ("Cohen's kappa, 14 categories (sklearn cohen_kappa_score)",
         lambda: float(cohen_kappa_score(truth, predicted, labels=labels))),
        ("14-class confusion matrix + per-class P/R/F1 (sklearn), value = macro F1",
         lambda: report14()[1]),
    ]
    print(f"n = {N:,}; best of {REPEATS} runs; wall and CPU seconds")
    for name, f in rows:
        wall, cpu, value = best(f)
        print(f"{wall:9.4f} s {cpu:9.4f} s   {name}   value = {value:.12g}")


if __name__ == "__main__":
    main()
