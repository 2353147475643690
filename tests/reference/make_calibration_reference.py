#!/usr/bin/python3
"""Writes calibration.json: reference values for src/stats/calibration.cpp.

Run with Debian's /usr/bin/python3 (numpy, sklearn installed):
    /usr/bin/python3 tests/reference/make_calibration_reference.py
Deterministic: fixed inputs and a fixed seed, so re-running gives the same file.
tests/stats/calibration_test.cpp compares the C++ functions against it.

The Brier score and AUROC come from scikit-learn (brier_score_loss, roc_auc_score). ECE, MCE, the
reliability diagram, the Murphy decomposition and the risk-coverage curve have no library
equivalent with qualbar's documented binning and tie rules, so they are computed here in numpy
from the definitions in include/qualbar/stats/calibration.hpp, by other means than the C++ code
(searchsorted on edges instead of floor-and-correct, np.unique blocks instead of a radix sort).
"""

import json
import math
import os
import sys

import numpy as np
import sklearn
from sklearn.metrics import brier_score_loss, roc_auc_score

SEED = 20261128
BIN_COUNTS = [1, 5, 10, 15]


def datasets():
    rng = np.random.default_rng(SEED)
    out = {}
    # Calibrated-ish continuous confidences.
    p = rng.uniform(0.0, 1.0, 1000)
    out["uniform_1000"] = (p, (rng.uniform(0.0, 1.0, 1000) < p).astype(int))
    # Overconfident model: confidences near 1, accuracy 70%.
    p = rng.beta(8.0, 1.2, 800)
    out["overconfident_800"] = (p, (rng.uniform(0.0, 1.0, 800) < 0.7).astype(int))
    # Verbalised confidences on a 0.05 grid: heavy ties, exact bin edges (0.3, 0.5 ...).
    grid = np.round(rng.integers(0, 21, 600) * 0.05, 2)
    out["grid_600"] = (grid, (rng.uniform(0.0, 1.0, 600) < grid).astype(int))
    # Confidence constant within each equal-width bin of B = 10: the Murphy identity is exact.
    centers = (np.arange(10) + 0.5) / 10.0
    p = centers[rng.integers(0, 10, 500)]
    out["bin_constant_500"] = (p, (rng.uniform(0.0, 1.0, 500) < p * 0.9).astype(int))
    # Exact edges, 0 and 1.
    out["edges"] = (np.array([0.0, 0.0, 0.1, 0.2, 0.3, 0.5, 0.5, 0.7, 0.9, 1.0, 1.0, 1.0]),
                    np.array([0, 1, 0, 0, 1, 1, 0, 1, 1, 1, 1, 0]))
    # Tiny and tied.
    out["small_7"] = (np.array([0.9, 0.8, 0.8, 0.6, 0.55, 0.3, 0.8]), np.array([1, 1, 0, 1, 0, 0, 1]))
    out["one_item"] = (np.array([0.7]), np.array([1]))
    out["all_tied_20"] = (np.full(20, 0.6), (np.arange(20) % 3 != 0).astype(int))
    out["all_correct_30"] = (rng.uniform(0.0, 1.0, 30), np.ones(30, dtype=int))
    out["perfect_ranking_50"] = (np.linspace(0.01, 0.99, 50), (np.arange(50) >= 15).astype(int))
    return out


def equal_width_bins(p, bins):
    # Edges are the doubles nearest to i/B; bin i holds edges[i] <= p < edges[i+1], p = 1 in B - 1.
    edges = np.arange(bins + 1) / bins
    idx = np.searchsorted(edges, p, side="right") - 1
    idx = np.minimum(idx, bins - 1)
    return idx, edges[:-1], edges[1:]


def equal_mass_bins(p, bins):
    # Cut points at sorted positions floor(b n / B); a tie block goes to the bin where it starts.
    n = len(p)
    order = np.argsort(p, kind="stable")
    sp = p[order]
    cuts = np.array([(b * n) // bins for b in range(bins)])
    idx_sorted = np.empty(n, dtype=int)
    values, first = np.unique(sp, return_index=True)
    block_bin = np.searchsorted(cuts, first, side="right") - 1
    counts = np.diff(np.append(first, n))
    idx_sorted = np.repeat(block_bin, counts)
    idx = np.empty(n, dtype=int)
    idx[order] = idx_sorted
    lo = np.full(bins, np.nan)
    hi = np.full(bins, np.nan)
    for b in range(bins):
        members = p[idx == b]
        if len(members):
            lo[b], hi[b] = members.min(), members.max()
    return idx, lo, hi


def bins_of(p, bins, binning):
    return equal_width_bins(p, bins) if binning == "equal_width" else equal_mass_bins(p, bins)


def nan_to_none(x):
    return None if isinstance(x, float) and math.isnan(x) else x


def reliability_case(name, p, y, bins, binning):
    idx, lo, hi = bins_of(p, bins, binning)
    n = len(p)
    out_bins, ece, mce = [], 0.0, 0.0
    for b in range(bins):
        mask = idx == b
        count = int(mask.sum())
        row = {"count": count, "lo": nan_to_none(float(lo[b])), "hi": nan_to_none(float(hi[b])),
               "mean_confidence": None, "accuracy": None}
        if count:
            conf = float(p[mask].mean())
            acc = float(y[mask].mean())
            row["mean_confidence"], row["accuracy"] = conf, acc
            ece += count / n * abs(acc - conf)
            mce = max(mce, abs(acc - conf))
        out_bins.append(row)
    return {"data": name, "bins": bins, "binning": binning, "ece": ece, "mce": mce,
            "reliability": out_bins}


def brier_case(name, p, y, bins, binning):
    idx, _, _ = bins_of(p, bins, binning)
    n = len(p)
    base = y.mean()
    rel = res = within = 0.0
    for b in range(bins):
        mask = idx == b
        if not mask.any():
            continue
        pb, yb = p[mask].mean(), y[mask].mean()
        rel += mask.sum() * (pb - yb) ** 2
        res += mask.sum() * (yb - base) ** 2
        dp = p[mask] - pb
        within += float(np.sum(dp * dp - 2.0 * dp * (y[mask] - yb)))
    return {"data": name, "bins": bins, "binning": binning,
            "brier": float(brier_score_loss(y, p, pos_label=1)),
            "reliability": float(rel / n), "resolution": float(res / n),
            "uncertainty": float(base * (1.0 - base)), "within_bin": float(within / n)}


def risk_coverage(p, y):
    # Blocks of equal confidence, most confident first; risk at the end of each block.
    values, inverse = np.unique(p, return_inverse=True)
    size = np.bincount(inverse, minlength=len(values))[::-1]
    errs = np.bincount(inverse, weights=1 - y, minlength=len(values))[::-1]
    accepted = np.cumsum(size)
    risk = np.cumsum(errs) / accepted
    n = len(p)
    aurc = float(np.sum(size * risk) / n)
    points = [{"threshold": float(t), "coverage": float(a / n), "risk": float(r)}
              for t, a, r in zip(values[::-1], accepted, risk)]
    return aurc, points


def naive_aurc(p, y):
    # Check of the block definition: each item gets the risk of everything at or above it.
    n = len(p)
    total = 0.0
    for i in range(n):
        accepted = p >= p[i]
        total += (1 - y[accepted]).sum() / accepted.sum()
    return total / n


def selective_case(name, p, y, coverage):
    aurc, points = risk_coverage(p, y)
    n = len(p)
    target = coverage * n
    needed = round(target) if abs(target - round(target)) <= 1e-9 * max(1.0, target) else math.ceil(target)
    needed = max(needed, 1)
    point = next(pt for pt in points if pt["coverage"] * n >= needed - 1e-9)
    return {"data": name, "coverage": coverage, "risk": point["risk"],
            "achieved_coverage": point["coverage"], "threshold": point["threshold"]}


def main():
    data = datasets()
    reliability, brier, auroc, curves, selective = [], [], [], [], []
    for name, (p, y) in data.items():
        p = np.asarray(p, dtype=float)
        y = np.asarray(y, dtype=int)
        # More bins than items (some always empty) on the small sets only, to keep the file small.
        for bins in BIN_COUNTS + ([len(p) + 3] if len(p) <= 50 else []):
            for binning in ["equal_width", "equal_mass"]:
                reliability.append(reliability_case(name, p, y, bins, binning))
                brier.append(brier_case(name, p, y, bins, binning))
        if 0 < y.sum() < len(y):
            auroc.append({"data": name, "auroc": float(roc_auc_score(y, p))})
        else:
            auroc.append({"data": name, "auroc": None})  # one class: undefined
        aurc, points = risk_coverage(p, y)
        if len(p) <= 1000:
            assert abs(aurc - naive_aurc(p, y)) < 1e-12, name
        # Every point only where there are few tie blocks, to keep the file small.
        curves.append({"data": name, "aurc": aurc, "n_points": len(points),
                       "points": points if len(points) <= 100 else points[:5] + points[-5:]})
        for coverage in [0.01, 0.1, 0.25, 0.5, 0.8, 0.9, 1.0]:
            selective.append(selective_case(name, p, y, coverage))
    doc = {
        "generated_by": "tests/reference/make_calibration_reference.py",
        "versions": {"python": sys.version.split()[0], "numpy": np.__version__,
                     "sklearn": sklearn.__version__},
        "seed": SEED,
        "data": {name: {"confidence": [float(v) for v in p], "outcome": [int(v) for v in y]}
                 for name, (p, y) in data.items()},
        "reliability": reliability,
        "brier": brier,
        "auroc": auroc,
        "risk_coverage": curves,
        "selective_risk": selective,
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "calibration.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, allow_nan=False)
        f.write("\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
