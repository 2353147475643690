#!/usr/bin/python3
"""Writes power.json: reference values for src/stats/power.cpp from statsmodels / SciPy.

Run with Debian's /usr/bin/python3 (numpy, scipy, statsmodels installed):
    /usr/bin/python3 tests/reference/make_power_reference.py
Deterministic: fixed inputs only. tests/stats/power_test.cpp compares the C++ functions against it.

qualbar uses the normal approximation on the raw proportions (null variance at the null rate,
alternative variance at the alternative rate), the same as statsmodels'
normal_sample_size_one_tail / samplesize_proportions_2indep_onetail. statsmodels' NormalIndPower
with proportion_effectsize uses Cohen's arcsine h instead; those values are written too
("cohen_h_n"), for the test that shows how far the two approximations are apart.
"""

import json
import math
import os
import sys

import numpy as np
import scipy
import statsmodels
from scipy import optimize
from statsmodels.stats.power import NormalIndPower, normal_sample_size_one_tail
from statsmodels.stats.proportion import proportion_effectsize, samplesize_proportions_2indep_onetail

P0S = [0.3, 0.5, 0.8, 0.9, 0.95, 0.99, 1.0]
DROPS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.3]
ALPHAS = [0.01, 0.05, 0.1]
POWERS = [0.8, 0.9]
SIDES = ["one_sided", "two_sided"]


def one_sample_n(p0, drop, alpha, power, sides):
    """Cases for a one-sample test of p0 against p0 - drop (unrounded)."""
    a = alpha / 2.0 if sides == "two_sided" else alpha
    p1 = p0 - drop
    return normal_sample_size_one_tail(drop, power, a, std_null=math.sqrt(p0 * (1.0 - p0)),
                                       std_alternative=math.sqrt(p1 * (1.0 - p1)))


def two_sample_n(p0, drop, alpha, power, sides):
    """Cases per group for the pooled two-proportion z test, baseline p0, candidate p0 - drop."""
    alternative = "two-sided" if sides == "two_sided" else "smaller"
    return samplesize_proportions_2indep_onetail(-drop, p0, power, ratio=1, alpha=alpha,
                                                 alternative=alternative)


def cohen_h_n(p0, drop, alpha, power, sides, ratio):
    h = abs(proportion_effectsize(p0, p0 - drop))
    alternative = "two-sided" if sides == "two_sided" else "larger"
    return NormalIndPower().solve_power(effect_size=h, nobs1=None, alpha=alpha, power=power,
                                        ratio=ratio, alternative=alternative)


def whole(n):
    assert abs(n - round(n)) > 1e-6, f"{n} is too close to a whole number for a stable test"
    return max(1, math.ceil(n))


def sample_size_cases():
    out = []
    for p0 in P0S:
        for drop in DROPS:
            if drop > p0:
                continue
            for alpha in ALPHAS:
                for power in POWERS:
                    for sides in SIDES:
                        n1 = one_sample_n(p0, drop, alpha, power, sides)
                        n2 = two_sample_n(p0, drop, alpha, power, sides)
                        out.append({"p0": p0, "drop": drop, "alpha": alpha, "power": power, "sides": sides,
                                    "one_sample_real": float(n1), "one_sample": whole(n1),
                                    "two_sample_real": float(n2), "two_sample": whole(n2),
                                    "cohen_h_one_sample": float(cohen_h_n(p0, drop, alpha, power, sides, 0)),
                                    "cohen_h_two_sample": float(cohen_h_n(p0, drop, alpha, power, sides, 1))})
    return out


def mde(n_of_drop, p0, n):
    """The drop at which n_of_drop(drop) == n; None (infinity) when even drop = p0 needs more."""
    if n_of_drop(p0) > n:
        return None
    return float(optimize.brentq(lambda d: n_of_drop(d) - n, 1e-12, p0, xtol=1e-16, rtol=1e-15, maxiter=500))


def mde_cases():
    out = []
    for p0 in P0S:
        for n in [10, 30, 100, 400, 1000, 10_000]:
            for alpha in [0.01, 0.05]:
                for power in POWERS:
                    for sides in SIDES:
                        one = mde(lambda d: one_sample_n(p0, d, alpha, power, sides), p0, n)
                        two = mde(lambda d: two_sample_n(p0, d, alpha, power, sides), p0, n)
                        out.append({"p0": p0, "n": n, "alpha": alpha, "power": power, "sides": sides,
                                    "one_sample": one, "two_sample": two})
    # Too few cases for any drop to show: infinity, written as null (JSON has no infinity).
    for p0, n in [(0.05, 3), (0.1, 1), (0.3, 2)]:
        out.append({"p0": p0, "n": n, "alpha": 0.05, "power": 0.8, "sides": "one_sided",
                    "one_sample": mde(lambda d: one_sample_n(p0, d, 0.05, 0.8, "one_sided"), p0, n),
                    "two_sample": mde(lambda d: two_sample_n(p0, d, 0.05, 0.8, "one_sided"), p0, n)})
    return out


def main():
    doc = {
        "generated_by": "tests/reference/make_power_reference.py",
        "versions": {"python": sys.version.split()[0], "numpy": np.__version__,
                     "scipy": scipy.__version__, "statsmodels": statsmodels.__version__},
        "sample_size": sample_size_cases(),
        "min_detectable_drop": mde_cases(),
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "power.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, allow_nan=False)
        f.write("\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
