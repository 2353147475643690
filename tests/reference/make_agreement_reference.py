#!/usr/bin/python3
"""Writes agreement.json: reference values for src/stats/agreement.cpp.

Run with Debian's /usr/bin/python3 (numpy, scipy, sklearn, statsmodels installed):
    /usr/bin/python3 tests/reference/make_agreement_reference.py
Deterministic: fixed inputs and a fixed seed, so re-running gives the same file.
tests/stats/agreement_test.cpp compares the C++ functions against it.

Cohen's kappa, its standard errors and interval come from statsmodels' cohens_kappa (and kappa is
checked against sklearn's cohen_kappa_score); the interval also clipped to [-1, 1], as qualbar
gives it; for a rater who gives one rating only, statsmodels' kappa of 0 and its standard error
(0, or NaN where its variance rounds below 0), which qualbar replaces by "cannot be measured". Fleiss' kappa from statsmodels' fleiss_kappa.
Krippendorff's alpha has no implementation here (the `krippendorff` package is not a Debian
package), so it is computed from the coincidence-matrix definition of Krippendorff (2011),
"Computing Krippendorff's alpha-reliability", and that code is first checked against the worked
examples published in the paper.
"""

import json
import math
import os
import sys

import numpy as np
import scipy
import sklearn
import statsmodels
from scipy import stats
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import cohens_kappa, fleiss_kappa

SEED = 20261130
CONFIDENCES = [0.9, 0.95, 0.99]
WEIGHTS = {"none": None, "linear": "linear", "quadratic": "quadratic"}


def rater_sets():
    rng = np.random.default_rng(SEED)
    out = {}
    # Two judges on a 5-point scale, the second usually within one point of the first.
    a = rng.integers(0, 5, 400)
    b = np.clip(a + rng.choice([-1, 0, 0, 0, 1, 2], size=400), 0, 4)
    out["scale5_400"] = (5, a, b)
    # Binary labels, 85% agreement, 30% positives.
    a = (rng.uniform(size=300) < 0.3).astype(int)
    b = np.where(rng.uniform(size=300) < 0.85, a, 1 - a)
    out["binary_300"] = (2, a, b)
    # Three categories with one never used by rater B.
    a = rng.integers(0, 3, 60)
    b = np.where(a == 2, 1, a)
    out["unused_category_60"] = (3, a, b)
    # Perfect agreement (variance 0) and agreement worse than chance.
    a = rng.integers(0, 4, 50)
    out["perfect_50"] = (4, a, a.copy())
    out["opposite_8"] = (2, np.array([0, 1, 0, 1, 0, 1, 0, 1]), np.array([1, 0, 1, 0, 1, 0, 1, 0]))
    # 14 categories, as in the benchmark.
    a = rng.integers(0, 14, 2000)
    b = np.where(rng.uniform(size=2000) < 0.7, a, rng.integers(0, 14, 2000))
    out["k14_2000"] = (14, a, b)
    # Few items and a high kappa: the asymptotic interval passes 1 and is clipped.
    out["high_12"] = (2, np.array([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1]),
                      np.array([0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1]))
    out["high_scale5_10"] = (5, np.array([0, 1, 2, 3, 4, 4, 3, 2, 1, 0]),
                             np.array([0, 1, 2, 3, 4, 3, 3, 2, 1, 1]))
    return out


def constant_rater_sets():
    """One rater gives every item the same rating: statsmodels and sklearn say kappa 0, with a
    standard error of 0 (or NaN: the variance rounds below 0); qualbar says the coefficient
    cannot be measured."""
    return {
        "b_constant_20": (2, np.array([1] * 18 + [0] * 2), np.array([1] * 20)),
        "a_constant_scale5": (5, np.array([4] * 9), np.array([4, 3, 4, 4, 2, 4, 4, 4, 3])),
        "both_constant_differ": (2, np.array([1] * 6), np.array([0] * 6)),
    }


def none_if_nan(x):
    x = float(x)
    return None if math.isnan(x) else x


def kappa_cases(sets):
    out = []
    for name, (k, a, b) in sets.items():
        table = np.zeros((k, k))
        np.add.at(table, (a, b), 1)
        for wname, wt in WEIGHTS.items():
            res = cohens_kappa(table, wt=wt)
            sk = cohen_kappa_score(a, b, labels=list(range(k)), weights=wt)
            assert abs(res.kappa - sk) < 1e-12, (name, wname, res.kappa, sk)
            std = float(res.std_kappa)
            for conf in CONFIDENCES:
                if conf == 0.95:  # statsmodels' own interval (alpha = 0.025 each side)
                    lo, hi = float(res.kappa_low), float(res.kappa_upp)
                else:
                    z = stats.norm.ppf(0.5 + conf / 2.0)
                    lo, hi = res.kappa - z * std, res.kappa + z * std
                # statsmodels does not clip; qualbar clips the ends to kappa's range [-1, 1].
                out.append({"data": name, "weights": wname, "confidence": conf,
                            "kappa": float(res.kappa), "se": none_if_nan(std),
                            "se_null": none_if_nan(res.std_kappa0),
                            "lo": none_if_nan(lo), "hi": none_if_nan(hi),
                            "lo_clipped": none_if_nan(max(-1.0, lo)),
                            "hi_clipped": none_if_nan(min(1.0, hi))})
    return out


def constant_rater_cases(sets):
    out = []
    for name, (k, a, b) in sets.items():
        table = np.zeros((k, k))
        np.add.at(table, (a, b), 1)
        for wname, wt in WEIGHTS.items():
            res = cohens_kappa(table, wt=wt)
            sk = cohen_kappa_score(a, b, labels=list(range(k)), weights=wt)
            assert abs(res.kappa) < 1e-12 and abs(sk) < 1e-12, (name, wname, res.kappa, sk)
            out.append({"data": name, "weights": wname, "statsmodels_kappa": float(res.kappa),
                        "statsmodels_se": none_if_nan(res.std_kappa)})
    return out


def fleiss_tables():
    rng = np.random.default_rng(SEED + 1)
    out = {}
    # 40 subjects, 6 raters, 4 categories; raters mostly follow a latent category.
    latent = rng.integers(0, 4, 40)
    table = np.zeros((40, 4), dtype=int)
    for s in range(40):
        for _ in range(6):
            c = latent[s] if rng.uniform() < 0.6 else rng.integers(0, 4)
            table[s, c] += 1
    out["latent_40x4"] = table
    # Fleiss (1971) style: 10 subjects, 14 raters, 5 categories (Wikipedia's worked example).
    out["wikipedia_10x5"] = np.array([
        [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]])
    # Two raters, binary.
    out["two_raters_30x2"] = np.array([[2, 0] if rng.uniform() < 0.4 else
                                       ([0, 2] if rng.uniform() < 0.7 else [1, 1])
                                       for _ in range(30)])
    # Perfect agreement on every subject but not all one category.
    out["perfect_5x3"] = np.array([[4, 0, 0], [0, 4, 0], [0, 0, 4], [4, 0, 0], [0, 4, 0]])
    return out


def fleiss_cases(tables):
    return [{"data": name, "kappa": float(fleiss_kappa(t, method="fleiss"))}
            for name, t in tables.items()]


def krippendorff_alpha(data, level):
    """Alpha from the coincidence matrix (Krippendorff 2011). data: coders x units, NaN missing."""
    data = np.asarray(data, dtype=float)
    values = np.unique(data[~np.isnan(data)])
    index = {v: i for i, v in enumerate(values)}
    v = len(values)
    o = np.zeros((v, v))
    for u in range(data.shape[1]):
        col = [x for x in data[:, u] if not np.isnan(x)]
        m = len(col)
        if m < 2:
            continue
        for i in range(m):
            for j in range(m):
                if i != j:
                    o[index[col[i]], index[col[j]]] += 1.0 / (m - 1)
    n_c = o.sum(axis=1)
    n = n_c.sum()
    if n == 0:
        return None
    if level == "nominal":
        delta = 1.0 - np.eye(v)
    elif level == "interval":
        delta = (values[:, None] - values[None, :]) ** 2
    elif level == "ordinal":
        delta = np.zeros((v, v))
        for c in range(v):
            for k in range(c, v):
                d = (n_c[c:k + 1].sum() - (n_c[c] + n_c[k]) / 2.0) ** 2
                delta[c, k] = delta[k, c] = d
    else:
        raise ValueError(level)
    expected = float(np.sum(np.outer(n_c, n_c) * delta))
    if expected == 0.0:
        return None
    return 1.0 - (n - 1.0) * float(np.sum(o * delta)) / expected


NAN = float("nan")
# Krippendorff (2011), section C: 4 observers, 12 units, missing data.
PAPER_4X12 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
    [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
]
# Krippendorff (2011), section A: 2 observers, 10 units, binary.
PAPER_2X10 = [
    [0, 1, 0, 0, 0, 0, 0, 0, 1, 0],
    [1, 1, 1, 0, 0, 1, 0, 0, 0, 0],
]
PUBLISHED = [("paper_4x12", "nominal", 0.743), ("paper_4x12", "interval", 0.849),
             ("paper_4x12", "ordinal", 0.815), ("paper_2x10", "nominal", 0.095)]


def alpha_sets():
    rng = np.random.default_rng(SEED + 2)
    out = {"paper_4x12": PAPER_4X12, "paper_2x10": PAPER_2X10}
    # 5 coders, 80 units on a 1..7 scale, 20% missing.
    truth = rng.integers(1, 8, 80)
    d = np.clip(truth[None, :] + rng.choice([-1, 0, 0, 1], size=(5, 80)), 1, 7).astype(float)
    d[rng.uniform(size=d.shape) < 0.2] = NAN
    out["scale7_5x80_missing"] = d.tolist()
    # 3 coders, continuous scores (every value distinct), 10% missing.
    truth = rng.normal(0.0, 1.0, 50)
    d = truth[None, :] + rng.normal(0.0, 0.5, size=(3, 50))
    d[rng.uniform(size=d.shape) < 0.1] = NAN
    out["continuous_3x50"] = d.tolist()
    # Categories as arbitrary numbers, some units with a single value (not pairable).
    out["sparse_3x6"] = [[10, 20, NAN, 30, 10, NAN], [10, NAN, NAN, 30, 20, 5],
                         [NAN, NAN, 20, 30, 10, NAN]]
    return out


def alpha_cases(sets):
    for name, level, published in PUBLISHED:
        got = krippendorff_alpha(sets[name], level)
        assert round(got, 3) == published, (name, level, got, published)
    out = []
    for name, d in sets.items():
        for level in ["nominal", "ordinal", "interval"]:
            out.append({"data": name, "level": level, "alpha": krippendorff_alpha(d, level)})
    return out


def json_matrix(rows):
    return [[None if isinstance(x, float) and math.isnan(x) else float(x) for x in row] for row in rows]


def main():
    sets = rater_sets()
    constant = constant_rater_sets()
    tables = fleiss_tables()
    alphas = alpha_sets()
    doc = {
        "generated_by": "tests/reference/make_agreement_reference.py",
        "versions": {"python": sys.version.split()[0], "numpy": np.__version__,
                     "scipy": scipy.__version__, "sklearn": sklearn.__version__,
                     "statsmodels": statsmodels.__version__},
        "seed": SEED,
        "raters": {name: {"n_categories": k, "a": [int(x) for x in a], "b": [int(x) for x in b]}
                   for name, (k, a, b) in {**sets, **constant}.items()},
        "cohen_kappa": kappa_cases(sets),
        "constant_rater": constant_rater_cases(constant),
        "fleiss_tables": {name: {"n_categories": int(t.shape[1]),
                                 "counts": [int(x) for x in t.ravel()]}
                          for name, t in tables.items()},
        "fleiss_kappa": fleiss_cases(tables),
        "alpha_data": {name: json_matrix(d) for name, d in alphas.items()},
        "published_alpha": [{"data": n, "level": lv, "alpha": a} for n, lv, a in PUBLISHED],
        "krippendorff_alpha": alpha_cases(alphas),
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "agreement.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, allow_nan=False)
        f.write("\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
