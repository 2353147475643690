#!/usr/bin/python3
"""Writes permutation.json: reference p-values for src/stats/permutation.cpp (sign-flip test).

Run with Debian's /usr/bin/python3 (numpy, scipy installed):
    /usr/bin/python3 tests/reference/make_permutation_reference.py
Deterministic: fixed inputs and fixed seeds, so re-running gives the same file.
tests/stats/permutation_test.cpp compares the C++ function against it.

Three references, cross-checked against each other where they overlap:
  scipy_exact  scipy.stats.permutation_test((d,), mean, permutation_type='samples',
               n_resamples=inf): every sign pattern (n <= 20).
  enumeration  all 2^m sign patterns of the m non-zero differences, split in two halves whose
               sums are combined by sorting (meet in the middle); exact, for m up to about 36.
  convolution  the exact distribution of sum(s_i d_i) for integer differences, by convolving
               the two-point distributions of +-d_i; exact for any n.
  scipy_mc     scipy.stats.permutation_test with n_resamples random patterns: Monte Carlo.
Each case says which qualbar path it checks (exact_up_to): exact ones are compared at 1e-9,
Monte Carlo ones within 4 binomial standard errors (see the test).
"""

import json
import os
import sys

import numpy as np
import scipy
from scipy import stats

SEED = 20261129
SCIPY_MC_RESAMPLES = 100_000


def mean(x, axis=-1):
    return np.mean(x, axis=axis)


def scipy_p(d, n_resamples=np.inf, seed=None):
    res = stats.permutation_test((np.asarray(d, dtype=float),), mean, vectorized=True,
                                 permutation_type="samples", n_resamples=n_resamples,
                                 alternative="two-sided", batch=1 << 15,
                                 random_state=None if seed is None else np.random.default_rng(seed))
    return float(res.pvalue)


def tolerance(d):
    return 1e-12 * float(np.abs(d).sum())


def enumeration_p(d):
    d = np.asarray(d, dtype=float)
    nz = d[d != 0]
    m = len(nz)
    if m == 0:
        return 1.0

    def signed_sums(xs):
        k = len(xs)
        flips = (np.arange(1 << k)[:, None] >> np.arange(k)) & 1
        return (1 - 2 * flips) @ xs

    h = m // 2
    left = signed_sums(nz[:h]) if h else np.zeros(1)
    right = np.sort(signed_sums(nz[h:]))
    threshold = abs(nz.sum()) - tolerance(d)
    if threshold <= 0:
        return 1.0
    count = (len(right) - np.searchsorted(right, threshold - left, side="left")).sum()
    count += np.searchsorted(right, -threshold - left, side="right").sum()
    return float(count) / 2.0**m


def convolution_p_value(d):
    d = np.asarray(d, dtype=np.int64)
    mags = np.abs(d[d != 0])
    total = int(mags.sum())
    if total == 0:
        return 1.0
    dist = np.zeros(2 * total + 1)
    dist[total] = 1.0
    for v in mags:
        dist = 0.5 * (np.roll(dist, int(v)) + np.roll(dist, -int(v)))
    observed = abs(int(d.sum()))
    sums = np.arange(-total, total + 1)
    return float(dist[np.abs(sums) >= observed].sum())


def data():
    rng = np.random.default_rng(SEED)
    pass_fail = lambda n, p_a, p_b: (rng.binomial(1, p_a, n) - rng.binomial(1, p_b, n)).astype(float)
    scores = lambda n, shift: np.clip(
        rng.choice([1, 2, 3, 4, 5], n) + rng.choice([0, shift], n), 1, 5) - rng.choice([1, 2, 3, 4, 5], n)
    out = {}
    for n in [2, 5, 8, 12, 16, 20]:
        out[f"continuous_{n}"] = rng.normal(0.25, 1.0, n)
    out["all_positive_20"] = rng.uniform(0.1, 1.0, 20)
    out["pass_fail_20"] = pass_fail(20, 0.8, 0.6)
    out["scores_20"] = scores(20, 1).astype(float)
    out["all_zero_5"] = np.zeros(5)
    out["pass_fail_30_with_zeros"] = pass_fail(30, 0.9, 0.85)
    cz = rng.normal(0.3, 1.0, 26)
    cz[rng.choice(26, 8, replace=False)] = 0.0
    out["continuous_26_with_zeros"] = cz
    out["continuous_36"] = rng.normal(0.35, 1.0, 36)
    out["continuous_60"] = rng.normal(0.2, 1.0, 60)
    out["continuous_300"] = rng.normal(0.05, 1.0, 300)
    out["scores_200"] = scores(200, 1).astype(float)
    out["scores_1000"] = scores(1000, 0).astype(float)
    out["pass_fail_500"] = pass_fail(500, 0.82, 0.78)
    return out


def main():
    d = data()
    cases = []

    def add(name, p, how, exact_up_to, reference_resamples=None):
        x = d[name]
        cases.append({"name": name, "differences": x.tolist(), "statistic": float(np.mean(x)),
                      "p_value": p, "reference": how, "reference_resamples": reference_resamples,
                      "exact_up_to": exact_up_to})

    # qualbar exact (default exact_up_to = 20) against SciPy's exact test.
    for name in ["continuous_2", "continuous_5", "continuous_8", "continuous_12", "continuous_16",
                 "continuous_20", "all_positive_20", "pass_fail_20", "scores_20", "all_zero_5"]:
        p = scipy_p(d[name])
        assert abs(p - enumeration_p(d[name])) <= 1e-12 * max(p, 1e-300), name
        if np.all(d[name] == np.round(d[name])):
            assert abs(p - convolution_p_value(d[name])) <= 1e-12, name
        add(name, p, "scipy_exact", 20)
    # qualbar exact beyond n = 20: zeros do not count, and exact_up_to can be raised to 40.
    p = convolution_p_value(d["pass_fail_30_with_zeros"])
    assert abs(p - enumeration_p(d["pass_fail_30_with_zeros"])) <= 1e-12
    assert np.count_nonzero(d["pass_fail_30_with_zeros"]) <= 20
    add("pass_fail_30_with_zeros", p, "convolution", 20)
    add("continuous_26_with_zeros", enumeration_p(d["continuous_26_with_zeros"]), "enumeration", 20)
    add("continuous_36", enumeration_p(d["continuous_36"]), "enumeration", 40)
    # qualbar Monte Carlo against exact values (index path: continuous; count path: integers).
    add("continuous_36", enumeration_p(d["continuous_36"]), "enumeration", 0)
    add("pass_fail_20", scipy_p(d["pass_fail_20"]), "scipy_exact", 0)
    for name in ["scores_200", "scores_1000", "pass_fail_500"]:
        add(name, convolution_p_value(d[name]), "convolution", 20)
    # qualbar Monte Carlo against SciPy's Monte Carlo.
    for i, name in enumerate(["continuous_60", "continuous_300"]):
        add(name, scipy_p(d[name], SCIPY_MC_RESAMPLES, SEED + i), "scipy_mc", 20, SCIPY_MC_RESAMPLES)
    for c in cases:
        print(f"{c['name']:28s} exact_up_to={c['exact_up_to']:2d} p={c['p_value']:.6g} ({c['reference']})")

    doc = {
        "generated_by": "tests/reference/make_permutation_reference.py",
        "versions": {"python": sys.version.split()[0], "numpy": np.__version__,
                     "scipy": scipy.__version__},
        "seed": SEED,
        "cases": cases,
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "permutation.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, allow_nan=False)
        f.write("\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
