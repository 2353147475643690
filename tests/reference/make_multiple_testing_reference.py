#!/usr/bin/python3
"""Writes multiple_testing.json: reference values for src/stats/multiple_testing.cpp from statsmodels.

Run with Debian's /usr/bin/python3 (numpy, scipy, statsmodels installed):
    /usr/bin/python3 tests/reference/make_multiple_testing_reference.py
Deterministic: fixed inputs and a fixed seed, so re-running gives the same file.
tests/stats/multiple_testing_test.cpp compares the C++ functions against it.

NaN p values (written as null) are left out of the family: statsmodels is called on the valid p
values only and the adjusted values are put back in place, null where the input was null.
"""

import json
import os
import sys

import numpy as np
import scipy
import statsmodels
from statsmodels.stats.multitest import multipletests

SEED = 20261129


def families():
    rng = np.random.default_rng(SEED)
    nulls = rng.uniform(0.0, 1.0, 40)
    signals = rng.beta(0.3, 8.0, 10)  # small p values, as from real differences
    mixed = np.concatenate([nulls, signals])
    rng.shuffle(mixed)
    with_nan = rng.uniform(0.0, 0.2, 15).tolist()
    for i in (0, 4, 9, 14):
        with_nan[i] = None
    return {
        "empty": [],
        "one": [0.03],
        "one_nan": [None],
        "all_nan": [None, None, None],
        "two": [0.01, 0.04],
        "textbook": [0.01, 0.04, 0.03, 0.005],
        "ties": [0.02, 0.02, 0.02, 0.5, 0.02, 0.001, 0.001],
        "zeros_and_ones": [0.0, 1.0, 0.0, 0.5, 1.0, 0.049],
        "above_one_after_scaling": [0.3, 0.6, 0.9, 0.2, 0.7],
        "tiny": [1e-300, 1e-200, 1e-15, 0.5],
        "with_nan": with_nan,
        "uniform_40_signals_10": mixed.tolist(),
        "uniform_1000": rng.uniform(0.0, 1.0, 1000).tolist(),
        "small_1000": rng.beta(0.2, 5.0, 1000).tolist(),
    }


def adjust(ps, method):
    valid = [i for i, p in enumerate(ps) if p is not None]
    out = [None] * len(ps)
    if valid:
        adjusted = multipletests([ps[i] for i in valid], alpha=0.05, method=method)[1]
        for i, a in zip(valid, adjusted):
            out[i] = float(a)
    return out


def main():
    cases = []
    for name, ps in families().items():
        cases.append({"name": name, "p": ps, "holm": adjust(ps, "holm"),
                      "benjamini_hochberg": adjust(ps, "fdr_bh")})
    doc = {
        "generated_by": "tests/reference/make_multiple_testing_reference.py",
        "versions": {"python": sys.version.split()[0], "numpy": np.__version__,
                     "scipy": scipy.__version__, "statsmodels": statsmodels.__version__},
        "seed": SEED,
        "families": cases,
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "multiple_testing.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, allow_nan=False)
        f.write("\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
