#!/usr/bin/python3
"""Writes regression.json: reference values for src/stats/regression.cpp from statsmodels OLS.

Run with Debian's /usr/bin/python3 (numpy, scipy, statsmodels installed):
    /usr/bin/python3 tests/reference/make_regression_reference.py
Deterministic: fixed inputs and a fixed seed, so re-running gives the same file.
tests/stats/regression_test.cpp compares stratified_slope against it.

The reference fits y on [x, one dummy per stratum] (no common intercept) with statsmodels OLS:
the slope is the coefficient of x, the one-sided p value is t.sf(t, df_resid); each slope is
checked against the same slope in exact rational arithmetic. A NaN in the
inputs is written as null. Degenerate cases carry no numbers, only the reason qualbar gives.
"""

import json
import math
import os
import sys
from fractions import Fraction

import numpy as np
import scipy
import statsmodels
import statsmodels.api as sm
from scipy import stats

SEED = 20261129


def exact_slope(y, x, strata):
    """The slope in rational arithmetic (demeaned within strata): a check on statsmodels."""
    y, x = [Fraction(v) for v in y], [Fraction(v) for v in x]
    groups = {}
    for i, s in enumerate(strata):
        groups.setdefault(s, []).append(i)
    sxx = sxy = Fraction(0)
    for idx in groups.values():
        my = sum(y[i] for i in idx) / len(idx)
        mx = sum(x[i] for i in idx) / len(idx)
        sxx += sum((x[i] - mx) ** 2 for i in idx)
        sxy += sum((x[i] - mx) * (y[i] - my) for i in idx)
    return sxy / sxx


def fit(y, x, strata, shift=0.0):
    """statsmodels OLS of y − shift on [x, dummies(strata)]. The shift is exact in floating point
    and absorbed by the strata intercepts: slope, standard error and t are those of y itself, but
    the pseudo-inverse no longer loses digits to a large common level."""
    labels = sorted(set(strata))
    dummies = np.array([[1.0 if s == lab else 0.0 for lab in labels] for s in strata])
    design = np.column_stack([np.asarray(x, dtype=float), dummies])
    shifted = np.asarray(y, dtype=float) - shift
    assert all(float(Fraction(a) - Fraction(shift)) == b for a, b in zip(y, shifted))
    res = sm.OLS(shifted, design).fit()
    exact = exact_slope(y, x, strata)
    assert abs(float(exact) - res.params[0]) <= 1e-11 * abs(float(exact)), (exact, res.params[0])
    t = float(res.tvalues[0])
    df = float(res.df_resid)
    return {"slope": float(res.params[0]), "standard_error": float(res.bse[0]), "t": t,
            "df": df, "p_greater": float(stats.t.sf(t, df)), "p_two_sided": float(res.pvalues[0]),
            "n_strata": len(labels)}


def data_sets():
    rng = np.random.default_rng(SEED)
    out = []

    # Three strata with different levels and non-contiguous labels.
    strata = [int(v) for v in rng.choice([-1, 4, 7], size=120)]
    x = rng.normal(2.0, 1.5, size=120)
    level = {-1: -0.5, 4: 1.0, 7: 3.0}
    y = [level[s] + 0.3 * xi + rng.normal(0, 1) for s, xi in zip(strata, x)]
    out.append(("three_strata", y, list(x), strata, 0.0))

    # One stratum: plain simple regression with an intercept.
    x = rng.uniform(0, 10, size=50)
    y = 1.5 - 0.2 * x + rng.normal(0, 0.8, size=50)
    out.append(("single_stratum", list(y), list(x), [0] * 50, 0.0))

    # The judge-check use: gap in {-1, 0, 1}, x = log(1 + length), strata = human pass/fail.
    human = rng.integers(0, 2, size=300)
    length = rng.lognormal(6.0, 0.8, size=300)
    lx = np.log1p(length)
    judge = []
    for h, l in zip(human, lx):
        p_pass = (0.9 if h == 1 else 0.05 + 0.08 * (l - 4.0))
        judge.append(int(rng.uniform() < min(max(p_pass, 0.0), 1.0)))
    gap = [float(j - h) for j, h in zip(judge, human)]
    out.append(("judge_gap", gap, list(lx), [int(h) for h in human], 0.0))

    # Five ordinal strata, one with a single observation and one with constant x.
    strata = [1] + [2] * 10 + [3] * 20 + [4] * 25 + [5] * 24
    x = list(rng.normal(0, 1, size=80))
    for i in range(1, 11):
        x[i] = 0.75
    y = [0.1 * s + 0.5 * xi + rng.normal(0, 0.5) for s, xi in zip(strata, x)]
    out.append(("ordinal_with_singleton", y, x, strata, 0.0))

    # A negative slope: the one-sided p value is near 1.
    strata = [int(v) for v in rng.integers(0, 2, size=60)]
    x = rng.normal(0, 1, size=60)
    y = [2.0 * s - 0.8 * xi + rng.normal(0, 0.5) for s, xi in zip(strata, x)]
    out.append(("negative_slope", y, list(x), strata, 0.0))

    # A large common level: demeaning must not lose the small effect. (statsmodels on y itself is
    # off in the 9th digit here; the reference fits y − 1e6.)
    strata = [int(v) for v in rng.integers(0, 3, size=40)]
    x = rng.normal(0, 1, size=40)
    y = [1e6 + 10.0 * s + 0.01 * xi + rng.normal(0, 0.02) for s, xi in zip(strata, x)]
    out.append(("large_level", y, list(x), strata, 1e6))

    # The fewest observations with a test: n = strata + 2, one residual degree of freedom.
    out.append(("minimal", [1.0, 2.5, 0.0, 4.0], [0.0, 1.0, 2.0, 5.0], [0, 0, 1, 1], 0.0))
    return out


def degenerate_sets():
    return [
        ("too_few", [1.0, 2.0, 3.0], [0.0, 1.0, 2.0], [0, 0, 1], "too_few"),
        ("x_constant_within", [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], [1.0, 1.0, 1.0, 2.0, 2.0, 2.0],
         [0, 0, 0, 1, 1, 1], "no_variation"),
        ("nan_in_y", [1.0, math.nan, 3.0, 4.0, 2.0], [0.0, 1.0, 2.0, 3.0, 4.0], [0, 0, 0, 1, 1],
         "bad_value"),
        ("nan_in_x", [1.0, 2.0, 3.0, 4.0, 2.0], [0.0, 1.0, math.nan, 3.0, 4.0], [0, 0, 0, 1, 1],
         "bad_value"),
        ("length_mismatch", [1.0, 2.0, 3.0, 4.0], [0.0, 1.0, 2.0], [0, 0, 1, 1], "length_mismatch"),
        ("exact_fit", [2.0, 5.0, 8.0, 12.0, 15.0, 18.0], [0.0, 1.0, 2.0, 0.0, 1.0, 2.0],
         [0, 0, 0, 1, 1, 1], "exact_fit"),
        ("constant_y", [0.0] * 8, [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0], [0, 1] * 4,
         "exact_fit"),
        ("empty", [], [], [], "too_few"),
    ]


def encode(values):
    return [None if isinstance(v, float) and math.isnan(v) else float(v) for v in values]


def cases():
    out = []
    for name, y, x, strata, shift in data_sets():
        case = {"name": name, "y": encode(y), "x": encode(x), "strata": strata, "n": len(y)}
        case.update(fit(y, x, strata, shift))
        out.append(case)
    for name, y, x, strata, reason in degenerate_sets():
        out.append({"name": name, "y": encode(y), "x": encode(x), "strata": strata,
                    "reason": reason})
    return out


def main():
    doc = {
        "generated_by": "tests/reference/make_regression_reference.py",
        "versions": {"python": sys.version.split()[0], "numpy": np.__version__,
                     "scipy": scipy.__version__, "statsmodels": statsmodels.__version__},
        "seed": SEED,
        "cases": cases(),
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "regression.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, allow_nan=False)
        f.write("\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
