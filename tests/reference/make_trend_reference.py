#!/usr/bin/python3
"""Writes trend.json: reference values for src/stats/trend.cpp (Mann-Kendall, Theil-Sen).

Run with Debian's /usr/bin/python3 (numpy, scipy installed):
    /usr/bin/python3 tests/reference/make_trend_reference.py
Deterministic: fixed inputs and a fixed seed. tests/stats/trend_test.cpp compares against it.

Mann-Kendall: pymannkendall is not installed, so S, var(S) with the tie correction, Z with the
continuity correction and the two-sided p-value are computed here with the textbook formulas in
NumPy (Hipel & McLeod; Gilbert 1987). As a cross-check the uncorrected Z is compared with
scipy.stats.kendalltau(time, x, method="asymptotic"), whose z is S / sqrt(var(S)) with the same
tie correction: the two p-values agree (written as "kendalltau_p"), and the corrected
Mann-Kendall p-value is larger by the continuity correction.
Theil-Sen: scipy.stats.theilslopes(y, x, confidence, method="separate").
"""

import json
import os
import sys

import numpy as np
import scipy
from scipy import stats

SEED = 20261127


def mann_kendall(x):
    x = np.asarray(x, dtype=float)
    x = x[~np.isnan(x)]  # missing windows are dropped, as pymannkendall does
    n = len(x)
    s = 0
    for i in range(n - 1):
        s += int(np.sum(np.sign(x[i + 1:] - x[i])))
    _, counts = np.unique(x, return_counts=True)
    ties = counts[counts > 1].astype(float)
    var = (n * (n - 1) * (2 * n + 5) - np.sum(ties * (ties - 1) * (2 * ties + 5))) / 18.0
    if var <= 0:
        return {"n": n, "s": float(s), "variance": float(var), "tau": float(s / (n * (n - 1) / 2)),
                "z": None, "p": None, "z_uncorrected": None, "p_uncorrected": None}
    if s > 0:
        z = (s - 1) / np.sqrt(var)
    elif s < 0:
        z = (s + 1) / np.sqrt(var)
    else:
        z = 0.0
    z0 = s / np.sqrt(var)
    return {"n": n, "s": float(s), "variance": float(var), "tau": float(s / (n * (n - 1) / 2)),
            "z": float(z), "p": float(2 * stats.norm.sf(abs(z))),
            "z_uncorrected": float(z0), "p_uncorrected": float(2 * stats.norm.sf(abs(z0)))}


def series():
    rng = np.random.default_rng(SEED)
    weeks26 = np.arange(26)
    weeks52 = np.arange(52)
    drift = 0.02 * 12 / 52
    out = {
        "two": [0.9, 0.8],
        "three": [0.9, 0.8, 0.85],
        "increasing_10": list(range(10)),
        "decreasing_10": list(range(10, 0, -1)),
        "ties_small": [1, 2, 2, 3, 3, 3, 2, 4, 5, 5],
        "with_missing": [0.95, 0.94, None, 0.93, 0.94, None, 0.91, 0.90, 0.90, 0.88],
        "weekly_26_drift": (rng.binomial(200, 0.94 - drift * weeks26) / 200).tolist(),
        "weekly_26_stable": (rng.binomial(200, np.full(26, 0.94)) / 200).tolist(),
        "weekly_52_drift": (rng.binomial(200, 0.94 - drift * weeks52) / 200).tolist(),
        "weekly_52_stable": (rng.binomial(200, np.full(52, 0.94)) / 200).tolist(),
        "tie_free_40": rng.normal(0, 1, 40).tolist(),
        "tie_free_trend_60": (rng.normal(0, 1, 60) + 0.03 * np.arange(60)).tolist(),
        "n2000": (rng.normal(0, 1, 2000) - 0.0005 * np.arange(2000)).tolist(),
        "n2000_ties": np.round(rng.normal(0, 1, 2000) + 0.0003 * np.arange(2000), 1).tolist(),
    }
    return out


def as_array(xs):
    return np.array([np.nan if v is None else v for v in xs], dtype=float)


def mk_cases(data):
    out = []
    for name, xs in data.items():
        x = as_array(xs)
        case = {"series": name}
        case.update(mann_kendall(x))
        clean = x[~np.isnan(x)]
        if len(clean) >= 3 and case["z"] is not None:
            res = stats.kendalltau(np.arange(len(clean)), clean, method="asymptotic")
            case["kendalltau_p"] = float(res.pvalue)
            case["kendalltau_tau_b"] = float(res.statistic)
        out.append(case)
    return out


def ts_cases(data):
    out = []
    rng = np.random.default_rng(SEED + 1)
    for name, xs in data.items():
        y = as_array(xs)
        keep = ~np.isnan(y)
        x = np.arange(len(y), dtype=float)
        for conf in [0.9, 0.95, 0.99]:
            r = stats.theilslopes(y[keep], x[keep], conf, method="separate")
            out.append({"series": name, "x": None, "confidence": conf, "slope": float(r.slope),
                        "intercept": float(r.intercept), "lo": float(r.low_slope),
                        "hi": float(r.high_slope)})
    # Explicit times: irregular windows, tied times, NaN pairs dropped.
    explicit = [
        ("irregular", [0.0, 1.0, 2.5, 4.0, 7.0, 8.0, 11.0], [0.95, 0.94, 0.94, 0.92, 0.90, 0.91, 0.86]),
        ("tied_times", [0.0, 0.0, 1.0, 1.0, 2.0, 3.0, 3.0], [1.0, 1.2, 0.9, 1.4, 2.0, 2.5, 2.2]),
        ("random_x", sorted(rng.uniform(0, 100, 30).tolist()), rng.normal(5, 2, 30).tolist()),
        ("unsorted_x", [3.0, 1.0, 2.0, 0.0, 4.0], [2.9, 1.2, 2.1, 0.2, 3.7]),
    ]
    for name, x, y in explicit:
        for conf in [0.9, 0.95]:
            r = stats.theilslopes(np.asarray(y), np.asarray(x), conf, method="separate")
            out.append({"series": name, "x": x, "y": y, "confidence": conf,
                        "slope": float(r.slope), "intercept": float(r.intercept),
                        "lo": float(r.low_slope), "hi": float(r.high_slope)})
    return out


def main():
    data = series()
    doc = {
        "generated_by": "tests/reference/make_trend_reference.py",
        "versions": {"python": sys.version.split()[0], "numpy": np.__version__,
                     "scipy": scipy.__version__},
        "seed": SEED,
        "series": data,
        "mann_kendall": mk_cases(data),
        "theil_sen": ts_cases(data),
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "trend.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, allow_nan=False)
        f.write("\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
