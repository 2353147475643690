#!/usr/bin/python3
"""Writes sequential.json: reference values for src/stats/sequential.cpp (lower CUSUM and
Page-Hinkley). Neither SciPy nor statsmodels has them, so the recurrences are written out here
in NumPy, independently of the C++ code, and run on fixed series.

Run with Debian's /usr/bin/python3:
    /usr/bin/python3 tests/reference/make_sequential_reference.py
Deterministic: fixed seeds. tests/stats/sequential_test.cpp compares against it.

The scenario is failure 3 of PRODUCT.md: a moderation model at 94% drifting to 87% over six
months (about 2 points a month, 0.46 points a week), measured on ~200 graded samples a week.
"""

import json
import math
import os
import sys

import numpy as np

SEED = 20261127
P0 = 0.94
N_WEEKLY = 200
WEEKLY_DROP = 0.02 * 12 / 52  # 2 points a month
SIGMA = math.sqrt(P0 * (1 - P0) / N_WEEKLY)


def cusum_lower(x, target, k, h):
    """S_t = max(0, S_{t-1} + (target - x_t - k)); NaN windows are skipped (S carries over)."""
    s = 0.0
    path, alarm, missing = [], None, 0
    for t, v in enumerate(x):
        if np.isnan(v):
            missing += 1
        else:
            s = max(0.0, s + (target - v - k))
            if alarm is None and s > h:
                alarm = t
        path.append(s)
    return path, alarm, missing


def page_hinkley_lower(x, delta, lam, alpha=1.0, min_windows=4):
    """U_t = alpha U_{t-1} + (x_t - mean_t + delta), PH_t = max_{i<=t} U_i - U_t."""
    mean, u, m, ph, seen = 0.0, 0.0, 0.0, 0.0, 0
    path, alarm, missing = [], None, 0
    for t, v in enumerate(x):
        if np.isnan(v):
            missing += 1
        else:
            seen += 1
            mean += (v - mean) / seen
            u = alpha * u + (v - mean + delta)
            m = u if seen == 1 else max(m, u)
            ph = m - u
            if alarm is None and seen > min_windows and ph > lam:
                alarm = t
        path.append(ph)
    return path, alarm, missing


def weekly_rates(rng, probs):
    return (rng.binomial(N_WEEKLY, np.clip(probs, 0, 1)) / N_WEEKLY).tolist()


def series():
    rng = np.random.default_rng(SEED)
    weeks = np.arange(1, 105)
    out = {
        "empty": [],
        "one": [0.9],
        "constant": [0.94] * 30,
        "step_down": [0.94] * 20 + [0.90] * 20,
        "step_up": [0.94] * 20 + [0.98] * 20,
        "with_missing": [0.95, 0.93, None, 0.94, None, None, 0.90, 0.89, 0.88, 0.86, 0.85, 0.84],
        "stable_104": weekly_rates(rng, np.full(104, P0)),
        "drift_52": weekly_rates(rng, P0 - WEEKLY_DROP * weeks[:52]),
        "drift_26": weekly_rates(rng, P0 - WEEKLY_DROP * weeks[:26]),
        "stable_then_drift": weekly_rates(
            rng, np.concatenate([np.full(30, P0), P0 - WEEKLY_DROP * np.arange(1, 31)])),
    }
    for i in range(10):
        out[f"stable_sim_{i}"] = weekly_rates(rng, np.full(52, P0))
        out[f"drift_sim_{i}"] = weekly_rates(rng, P0 - WEEKLY_DROP * weeks[:52])
    return out


def as_array(xs):
    return np.array([np.nan if v is None else v for v in xs], dtype=float)


def main():
    data = series()
    cusum_settings = [
        {"name": "default", "target": P0, "k": 0.5 * SIGMA, "h": 5.0 * SIGMA},
        {"name": "strict", "target": P0, "k": 0.5 * SIGMA, "h": 6.0 * SIGMA},
        {"name": "no_allowance", "target": 0.92, "k": 0.0, "h": 0.05},
        {"name": "raw_units", "target": 0.94, "k": 0.01, "h": 0.04},
    ]
    ph_settings = [
        {"name": "default", "delta": 0.5 * SIGMA, "lambda": 5.0 * SIGMA, "alpha": 1.0,
         "min_windows": 4},
        {"name": "forgetting", "delta": 0.5 * SIGMA, "lambda": 5.0 * SIGMA, "alpha": 0.9,
         "min_windows": 4},
        {"name": "no_burn_in", "delta": 0.01, "lambda": 0.03, "alpha": 1.0, "min_windows": 0},
    ]
    cusum, ph = [], []
    for name, xs in data.items():
        x = as_array(xs)
        for s in cusum_settings:
            path, alarm, missing = cusum_lower(x, s["target"], s["k"], s["h"])
            cusum.append({"series": name, "params": s, "path": path, "alarm": alarm,
                          "missing": missing})
        for s in ph_settings:
            path, alarm, missing = page_hinkley_lower(x, s["delta"], s["lambda"], s["alpha"],
                                                      s["min_windows"])
            ph.append({"series": name, "params": s, "path": path, "alarm": alarm,
                       "missing": missing})
    doc = {
        "generated_by": "tests/reference/make_sequential_reference.py",
        "versions": {"python": sys.version.split()[0], "numpy": np.__version__},
        "seed": SEED,
        "scenario": {"p0": P0, "samples_per_window": N_WEEKLY, "weekly_drop": WEEKLY_DROP,
                     "sigma": SIGMA},
        "series": data,
        "cusum": cusum,
        "page_hinkley": ph,
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sequential.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, allow_nan=False)
        f.write("\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
