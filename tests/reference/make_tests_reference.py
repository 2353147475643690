#!/usr/bin/python3
"""Writes tests.json: reference values for src/stats/tests.cpp from statsmodels / SciPy.

Run with Debian's /usr/bin/python3 (numpy, scipy, statsmodels installed):
    /usr/bin/python3 tests/reference/make_tests_reference.py
Deterministic: fixed inputs and a fixed seed, so re-running gives the same file.
tests/stats/tests_test.cpp compares the C++ functions against it.
"""

import json
import os
import sys

import numpy as np
import scipy
import statsmodels
from scipy import stats
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.proportion import proportions_ztest

SEED = 20261128


def mcnemar_pairs():
    """(b, c) discordant counts: hand-picked edges, large counts, random pairs."""
    pairs = [(0, 0), (0, 1), (1, 0), (1, 1), (0, 5), (5, 0), (3, 3), (2, 9), (12, 4), (10, 11),
             (0, 25), (25, 26), (7, 30), (100, 130), (1000, 1100), (5000, 5000),
             (400_000, 410_000), (123_456, 124_000), (0, 2000), (1, 2000), (3, 1_000_000),
             (499_000, 501_000), (10, 200), (0, 60)]
    rng = np.random.default_rng(SEED)
    for _ in range(30):
        total = int(rng.integers(1, 400))
        b = int(rng.binomial(total, rng.uniform(0.2, 0.8)))
        pairs.append((b, total - b))
    return pairs


def mid_p(b, c):
    """Two-sided mid-p: 2 * (P(X < k) + P(X = k) / 2), X ~ Binomial(b + c, 1/2), k = min(b, c)."""
    n, k = b + c, min(b, c)
    with np.errstate(all="ignore"):  # 0.5**2000 underflows to 0 (SciPy warns)
        return min(1.0, float(2.0 * stats.binom.cdf(k - 1, n, 0.5) + stats.binom.pmf(k, n, 0.5)))


def mcnemar_cases():
    out = []
    for b, c in mcnemar_pairs():
        if b + c == 0:
            # statsmodels returns statistic 0, p = 1; qualbar returns NaN with a reason.
            res = mcnemar([[0, b], [c, 0]], exact=True)
            out.append({"b": b, "c": c, "statistic": None, "p_exact": None, "p_mid": None,
                        "statsmodels_p": float(res.pvalue)})
            continue
        res = mcnemar([[0, b], [c, 0]], exact=True)
        out.append({"b": b, "c": c, "statistic": float(res.statistic), "p_exact": float(res.pvalue),
                    "p_mid": mid_p(b, c)})
    return out


def z_inputs():
    inputs = [(0, 1, 1, 1), (5, 10, 5, 10), (178, 200, 190, 200), (8, 17, 12, 17), (1, 30, 0, 40),
              (30, 30, 39, 40), (890, 1000, 905, 1000), (450_000, 1_000_000, 451_234, 1_000_000),
              (3, 7, 99, 100), (0, 50, 50, 50), (1, 1, 0, 1), (10, 1000, 60, 1000),
              (900_000, 1_000_000, 890_000, 1_000_000)]
    rng = np.random.default_rng(SEED + 1)
    for _ in range(30):
        n_a, n_b = (int(v) for v in rng.integers(1, 3000, size=2))
        inputs.append((int(rng.integers(0, n_a + 1)), n_a, int(rng.integers(0, n_b + 1)), n_b))
    return inputs


def z_cases():
    out = []
    for x_a, n_a, x_b, n_b in z_inputs():
        pooled = (x_a + x_b) / (n_a + n_b)
        if pooled in (0.0, 1.0):  # statsmodels divides 0 by 0 (NaN and a warning); qualbar: reason
            out.append({"x_a": x_a, "n_a": n_a, "x_b": x_b, "n_b": n_b, "z": None, "p": None})
            continue
        z, p = proportions_ztest([x_a, x_b], [n_a, n_b])
        out.append({"x_a": x_a, "n_a": n_a, "x_b": x_b, "n_b": n_b, "z": float(z), "p": float(p)})
    # Both groups all pass or all fail: the pooled variance is 0.
    for x_a, n_a, x_b, n_b in [(0, 10, 0, 20), (10, 10, 20, 20)]:
        out.append({"x_a": x_a, "n_a": n_a, "x_b": x_b, "n_b": n_b, "z": None, "p": None})
    return out


def main():
    doc = {
        "generated_by": "tests/reference/make_tests_reference.py",
        "versions": {"python": sys.version.split()[0], "numpy": np.__version__,
                     "scipy": scipy.__version__, "statsmodels": statsmodels.__version__},
        "seed": SEED,
        "mcnemar": mcnemar_cases(),
        "two_proportion_z": z_cases(),
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tests.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, allow_nan=False)
        f.write("\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
