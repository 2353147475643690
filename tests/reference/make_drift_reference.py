#!/usr/bin/python3
"""Writes drift.json: reference values for src/stats/drift.cpp (PSI, Jensen-Shannon, chi-square,
two-sample Kolmogorov-Smirnov) from NumPy / SciPy.

Run with Debian's /usr/bin/python3 (numpy, scipy installed):
    /usr/bin/python3 tests/reference/make_drift_reference.py
Deterministic: fixed inputs and fixed seeds, so re-running gives the same file.
tests/stats/drift_test.cpp compares the C++ functions against it.

Large samples are not stored: they are drawn from qualbar's own generator (xoshiro256**, ported
below from include/qualbar/stats/random.hpp), which the C++ test runs with the same seed, so
both sides see bit-identical data. Only exact arithmetic is applied to the uniforms (u + c,
u * c, floor(u * k) / k), so the transformed values are bit-identical too.
"""

import json
import os
import sys

import numpy as np
import scipy
from scipy import special, stats
from scipy.spatial.distance import jensenshannon

SEED = 20261127
PSI_EPSILON = 1e-4
MASK = (1 << 64) - 1


class Rng:
    """qb::stats::Rng: xoshiro256** seeded through SplitMix64 from (seed, stream)."""

    def __init__(self, seed, stream=0):
        x = (seed ^ ((0x9E3779B97F4A7C15 * (stream + 1)) & MASK)) & MASK
        self.s = []
        for _ in range(4):
            x = (x + 0x9E3779B97F4A7C15) & MASK
            z = x
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
            self.s.append(z ^ (z >> 31))

    @staticmethod
    def _rotl(x, k):
        return ((x << k) | (x >> (64 - k))) & MASK

    def next(self):
        s = self.s
        result = (self._rotl((s[1] * 5) & MASK, 7) * 9) & MASK
        t = (s[1] << 17) & MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = self._rotl(s[3], 45)
        return result

    def uniform(self):
        return (self.next() >> 11) * 2.0 ** -53


def generated(spec):
    """A sample described by {"seed", "stream", "n", "transform", "c"} (see drift_test.cpp)."""
    rng = Rng(spec["seed"], spec["stream"])
    u = np.array([rng.uniform() for _ in range(spec["n"])])
    kind, c = spec["transform"], spec["c"]
    if kind == "shift":
        return u + c
    if kind == "scale":
        return u * c
    if kind == "round":
        return np.floor(u * c) / c
    raise ValueError(kind)


def spec(seed, stream, n, transform="shift", c=0.0):
    return {"seed": seed, "stream": stream, "n": n, "transform": transform, "c": c}


# ---- PSI -------------------------------------------------------------------------------------------

def psi_ref(baseline, current, eps):
    """PSI with qualbar's rule: eps added to every proportion, then renormalised."""
    b = np.asarray(baseline, dtype=float)
    c = np.asarray(current, dtype=float)
    k = len(b)
    b = (b / b.sum() + eps) / (1.0 + k * eps)
    c = (c / c.sum() + eps) / (1.0 + k * eps)
    return float(np.sum((c - b) * np.log(c / b)))


def psi_cases():
    rng = np.random.default_rng(SEED)
    tables = [
        ("identical", [10, 20, 30, 40], [10, 20, 30, 40]),
        ("proportional", [1, 2, 3, 4], [100, 200, 300, 400]),
        ("proportions", [0.1, 0.2, 0.3, 0.4], [0.25, 0.25, 0.25, 0.25]),
        ("moderate", [120, 95, 100, 105, 80, 100, 110, 90, 100, 100],
                     [100, 90, 95, 130, 90, 95, 100, 105, 95, 100]),
        ("empty_current_bin", [50, 30, 20], [70, 30, 0]),
        ("empty_baseline_bin", [50, 50, 0], [40, 40, 20]),
        ("empty_both", [50, 0, 50], [30, 0, 70]),
        ("one_bin", [17], [4]),
        ("random_10", rng.integers(0, 200, 10).tolist(), rng.integers(0, 200, 10).tolist()),
        ("random_50", rng.integers(0, 50, 50).tolist(), rng.integers(0, 50, 50).tolist()),
    ]
    out = []
    for name, b, c in tables:
        for eps in [PSI_EPSILON, 1e-6, 0.01, 0.0]:
            b_arr, c_arr = np.asarray(b, float), np.asarray(c, float)
            if eps == 0.0 and np.any((b_arr == 0) != (c_arr == 0)):
                continue  # infinite: checked as a property in the test
            if eps == 0.0:
                keep = (b_arr > 0) | (c_arr > 0)  # a bin empty on both sides contributes 0
                value = psi_ref(b_arr[keep], c_arr[keep], 0.0)
            else:
                value = psi_ref(b, c, eps)
            out.append({"name": name, "baseline": [float(x) for x in b],
                        "current": [float(x) for x in c], "epsilon": eps, "psi": value})
    return out


def bins_ref(baseline, current, bins):
    q = np.arange(1, bins) / bins
    edges = np.unique(np.quantile(baseline, q))  # numpy's default (linear) quantile
    k = len(edges) + 1
    cb = np.bincount(np.searchsorted(edges, baseline, side="left"), minlength=k)
    cc = np.bincount(np.searchsorted(edges, current, side="left"), minlength=k)
    return edges, cb, cc


def quantile_bin_cases():
    rng = np.random.default_rng(SEED + 1)
    explicit = {
        "normal": (rng.normal(0, 1, 200), rng.normal(0.3, 1.2, 150)),
        "ties": (np.round(rng.normal(0, 1, 300), 1), np.round(rng.normal(0, 1, 100), 1)),
        "discrete": (rng.integers(0, 3, 100).astype(float), rng.integers(0, 4, 80).astype(float)),
        "constant": (np.full(20, 2.5), np.array([1.0, 2.5, 2.5, 3.0])),
        "tiny": (np.array([3.0]), np.array([1.0, 3.0, 4.0])),
        "two": (np.array([1.0, 2.0]), np.array([1.5, 0.5, 2.0, 2.5])),
    }
    out = []
    for name, (b, c) in explicit.items():
        for bins in [1, 2, 4, 10, 20]:
            edges, cb, cc = bins_ref(b, c, bins)
            out.append({"name": name, "baseline": b.tolist(), "current": c.tolist(), "bins": bins,
                        "edges": edges.tolist(), "baseline_counts": cb.tolist(),
                        "current_counts": cc.tolist(),
                        "psi": psi_ref(cb, cc, PSI_EPSILON)})
    generated_cases = []
    for name, sb, sc in [
        ("uniform_shift", spec(SEED, 10, 20000), spec(SEED, 11, 15000, "shift", 0.05)),
        ("uniform_scale", spec(SEED, 12, 50000), spec(SEED, 13, 50000, "scale", 1.1)),
        ("uniform_round", spec(SEED, 14, 30000, "round", 7.0), spec(SEED, 15, 30000, "round", 9.0)),
    ]:
        b, c = generated(sb), generated(sc)
        for bins in [5, 10, 100]:
            edges, cb, cc = bins_ref(b, c, bins)
            generated_cases.append({"name": name, "baseline": sb, "current": sc, "bins": bins,
                                    "edges": edges.tolist(), "baseline_counts": cb.tolist(),
                                    "current_counts": cc.tolist(),
                                    "psi": psi_ref(cb, cc, PSI_EPSILON)})
    return out, generated_cases


# ---- Jensen-Shannon ----------------------------------------------------------------------------

def js_cases():
    rng = np.random.default_rng(SEED + 2)
    pairs = [
        ("identical", [1, 2, 3], [1, 2, 3]),
        ("scaled", [1, 2, 3], [10, 20, 30]),
        ("disjoint", [1, 0, 0], [0, 0, 5]),
        ("textbook", [1.0, 0.0, 0.0], [0.5, 0.5, 0.0]),
        ("empty_bins", [10, 0, 5, 0, 5], [8, 2, 5, 0, 5]),
        ("close", [100, 200, 300, 400], [101, 199, 300, 400]),
        ("one_bin", [3], [7]),
        ("random_10", rng.integers(0, 100, 10).tolist(), rng.integers(0, 100, 10).tolist()),
        ("random_100", rng.uniform(0, 1, 100).tolist(), rng.uniform(0, 1, 100).tolist()),
    ]
    out = []
    for name, p, q in pairs:
        for base in [2.0, float(np.e), 10.0, None]:
            value = jensenshannon(np.asarray(p, float), np.asarray(q, float), base=base)
            out.append({"name": name, "p": [float(x) for x in p], "q": [float(x) for x in q],
                        "base": base, "distance": float(value)})
    return out


# ---- chi-square ----------------------------------------------------------------------------------

def gof_cases():
    cases = [
        ("uniform_default", [16, 18, 16, 14, 12, 12], None, 0),
        ("uniform_ddof1", [16, 18, 16, 14, 12, 12], None, 1),
        ("expected_same_total", [16, 18, 16, 14, 12, 12], [16, 16, 16, 16, 16, 8], 0),
        ("expected_proportions", [43, 52, 54, 40], [0.25, 0.25, 0.3, 0.2], 0),
        ("expected_counts_other_total", [43, 52, 54, 40], [2500, 2500, 3000, 2000], 2),
        ("small_expected", [3, 1, 0, 6], [0.4, 0.3, 0.2, 0.1], 0),
        ("two_cells", [9, 1], [0.5, 0.5], 0),
        ("fit", [100, 100, 100], None, 0),
        ("drift_categories", [412, 230, 118, 140, 100], [0.45, 0.25, 0.12, 0.10, 0.08], 0),
    ]
    out = []
    for name, obs, exp, ddof in cases:
        o = np.asarray(obs, float)
        if exp is None:
            res = stats.chisquare(o, ddof=ddof)
            e = np.full(len(o), o.mean())
        else:
            w = np.asarray(exp, float)
            e = w * (o.sum() / w.sum())  # qualbar rescales the expected weights to the total
            res = stats.chisquare(o, e, ddof=ddof)
        out.append({"name": name, "observed": obs, "expected": exp, "ddof": ddof,
                    "statistic": float(res.statistic), "p_value": float(res.pvalue),
                    "dof": len(obs) - 1 - ddof, "expected_counts": e.tolist(),
                    "cells_below_5": int(np.sum(e < 5)), "min_expected": float(e.min())})
    # A cell that neither side has is left out of k (SciPy would give NaN).
    o = np.array([30.0, 0.0, 20.0, 50.0])
    w = np.array([0.3, 0.0, 0.3, 0.4])
    e = w * (o.sum() / w.sum())
    res = stats.chisquare(o[[0, 2, 3]], e[[0, 2, 3]])
    out.append({"name": "zero_cell_dropped", "observed": o.tolist(), "expected": w.tolist(),
                "ddof": 0, "statistic": float(res.statistic), "p_value": float(res.pvalue),
                "dof": 2, "expected_counts": e.tolist(), "cells_below_5": 0,
                "min_expected": float(e[[0, 2, 3]].min())})
    return out


def contingency_cases():
    rng = np.random.default_rng(SEED + 3)
    tables = [
        ("2x2", [[12, 5], [7, 9]]),
        ("2x2_large", [[940, 60], [870, 130]]),
        ("2x2_small", [[2, 1], [0, 3]]),
        ("2x2_near_expected", [[10, 10], [10, 11]]),
        ("2x5_drift", [[412, 230, 118, 140, 100], [380, 260, 150, 120, 90]]),
        ("3x4", [[10, 20, 30, 40], [15, 25, 20, 40], [30, 10, 10, 10]]),
        ("4x3_sparse", [[1, 0, 3], [2, 4, 1], [0, 1, 2], [5, 0, 0]]),
        ("random_5x6", rng.integers(0, 60, (5, 6)).tolist()),
    ]
    out = []
    for name, table in tables:
        t = np.asarray(table, float)
        for correction in [True, False]:
            res = stats.chi2_contingency(t, correction=correction)
            chi2, p, dof, expected = res
            out.append({"name": name, "table": table, "correction": correction,
                        "statistic": float(chi2), "p_value": float(p), "dof": int(dof),
                        "expected": expected.ravel().tolist(),
                        "cells_below_5": int(np.sum(expected < 5)),
                        "min_expected": float(expected.min())})
    # An all-zero column (a category neither window has) is dropped: SciPy raises on the full
    # table, so the reference runs SciPy on the table without it.
    full = [[30, 0, 20, 10], [25, 0, 30, 5]]
    reduced = np.asarray(full, float)[:, [0, 2, 3]]
    for correction in [True, False]:
        chi2, p, dof, expected = stats.chi2_contingency(reduced, correction=correction)
        e_full = np.insert(expected, 1, 0.0, axis=1)
        out.append({"name": "zero_column_dropped", "table": full, "correction": correction,
                    "statistic": float(chi2), "p_value": float(p), "dof": int(dof),
                    "expected": e_full.ravel().tolist(),
                    "cells_below_5": int(np.sum(expected < 5)),
                    "min_expected": float(expected.min())})
    # 2x2 inside a 3x3 with an empty row and column: dof 1, so Yates applies.
    full = [[12, 0, 5], [0, 0, 0], [7, 0, 9]]
    chi2, p, dof, expected = stats.chi2_contingency(np.array([[12, 5], [7, 9]], float))
    e_full = np.zeros((3, 3))
    e_full[np.ix_([0, 2], [0, 2])] = expected
    out.append({"name": "zero_row_and_column_dropped", "table": full, "correction": True,
                "statistic": float(chi2), "p_value": float(p), "dof": int(dof),
                "expected": e_full.ravel().tolist(), "cells_below_5": int(np.sum(expected < 5)),
                "min_expected": float(expected.min())})
    return out


# ---- Kolmogorov-Smirnov --------------------------------------------------------------------------

def num(x):
    """A float for JSON: infinities as the strings "inf" / "-inf" (JSON has none)."""
    x = float(x)
    if np.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def ks_result(a, b, method):
    r = stats.ks_2samp(a, b, method=method)
    return {"statistic": float(r.statistic), "p_value": float(r.pvalue),
            "location": num(r.statistic_location), "sign": int(r.statistic_sign)}


def ks_explicit_cases():
    rng = np.random.default_rng(SEED + 4)
    samples = [
        ("one_one_equal", [1.0], [1.0]),
        ("one_one", [1.0], [2.0]),
        ("one_two", [0.5], [0.1, 0.9]),
        ("all_equal", [2.0] * 5, [2.0] * 7),
        ("separated", [1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0]),
        ("interleaved_ties", [1.0, 2.0, 2.0, 3.0, 3.0], [2.0, 3.0, 3.0, 4.0]),
        ("infinities", [-np.inf, 0.0, 1.0, np.inf], [0.5, 1.5, np.inf]),
        ("negative_zero", [-0.0, 1.0, 2.0], [0.0, 0.0, 3.0]),
        ("n5_5", rng.normal(0, 1, 5).tolist(), rng.normal(1, 1, 5).tolist()),
        ("n7_10", rng.normal(0, 1, 7).tolist(), rng.normal(0, 1, 10).tolist()),
        ("n20_20", rng.normal(0, 1, 20).tolist(), rng.normal(0.8, 1, 20).tolist()),
        ("n30_45", rng.normal(0, 1, 30).tolist(), rng.normal(0.2, 1.5, 45).tolist()),
        ("n100_150", rng.normal(0, 1, 100).tolist(), rng.normal(0.3, 1, 150).tolist()),
        ("n250_300_ties", np.round(rng.normal(0, 1, 250), 1).tolist(),
         np.round(rng.normal(0, 1, 300), 1).tolist()),
        ("n300_12", rng.exponential(1, 300).tolist(), rng.exponential(2, 12).tolist()),
    ]
    out = []
    for name, a, b in samples:
        for method in ["auto", "exact", "asymp"]:
            if method == "asymp" and np.round(len(a) * len(b) / (len(a) + len(b))) < 1:
                continue  # round(n m / (n + m)) = 0: SciPy gives NaN; a reason in qualbar
            case = {"name": name, "a": [num(x) for x in a], "b": [num(x) for x in b],
                    "method": method}
            case.update(ks_result(np.asarray(a), np.asarray(b), method))
            out.append(case)
    return out


def ks_generated_cases():
    cases = [
        ("equal_1000_same", spec(SEED, 20, 1000), spec(SEED, 21, 1000), "auto"),
        ("equal_1000_shift", spec(SEED, 22, 1000), spec(SEED, 23, 1000, "shift", 0.08), "auto"),
        ("inside_3000_2000", spec(SEED, 24, 3000), spec(SEED, 25, 2000, "shift", 0.02), "auto"),
        ("inside_3000_2000_ties", spec(SEED, 26, 3000, "round", 50.0),
         spec(SEED, 27, 2000, "round", 40.0), "auto"),
        ("equal_10000", spec(SEED, 28, 10000), spec(SEED, 29, 10000, "shift", 0.01), "auto"),
        ("inside_10000_7919", spec(SEED, 30, 10000), spec(SEED, 31, 7919, "scale", 1.01), "auto"),
        ("asymp_10001_500", spec(SEED, 32, 10001), spec(SEED, 33, 500, "shift", 0.05), "auto"),
        ("asymp_20000_30000_same", spec(SEED, 34, 20000), spec(SEED, 35, 30000), "auto"),
        ("asymp_20000_30000_shift", spec(SEED, 36, 20000),
         spec(SEED, 37, 30000, "shift", 0.02), "auto"),
        ("asymp_5_40000", spec(SEED, 38, 5), spec(SEED, 39, 40000), "auto"),
        ("asymp_100000_same", spec(SEED, 40, 100000), spec(SEED, 41, 100000), "auto"),
        ("asymp_100000_shift", spec(SEED, 42, 100000), spec(SEED, 43, 100000, "shift", 0.004),
         "auto"),
        ("asymp_100000_far", spec(SEED, 44, 100000), spec(SEED, 45, 100000, "shift", 0.3), "auto"),
        ("forced_asymp_1000", spec(SEED, 46, 1000), spec(SEED, 47, 800, "shift", 0.05), "asymp"),
        ("forced_exact_20000_15000", spec(SEED, 48, 20000), spec(SEED, 49, 15000, "shift", 0.01),
         "exact"),
    ]
    out = []
    for name, sa, sb, method in cases:
        case = {"name": name, "a": sa, "b": sb, "method": method}
        case.update(ks_result(generated(sa), generated(sb), method))
        out.append(case)
    return out


def kstwo_cases():
    rng = np.random.default_rng(SEED + 5)
    out = []
    for n in [1, 2, 3, 5, 10, 20, 50, 100, 140, 141, 200, 1000, 10000, 100000, 100001,
              500000, 1000000, 2000000]:
        ds = sorted(set([float(x) for x in rng.uniform(0, 1, 4)] +
                        [float(x) for x in rng.uniform(0, 3 / np.sqrt(n), 8)] +
                        [0.5 / n, 0.75 / n, 1.0 / n, 1.0 - 1.0 / n, 0.5, 0.25,
                         np.sqrt(2.2 / n), np.sqrt(0.754693 / n), np.sqrt(4.0 / n)]))
        for d in ds:
            if not 0.0 < d < 1.0:
                continue
            out.append({"n": n, "d": d, "kstwo_sf": float(stats.kstwo.sf(d, n)),
                        "smirnov": float(special.smirnov(n, d))})
    return out


def main():
    explicit_bins, generated_bins = quantile_bin_cases()
    doc = {
        "generated_by": "tests/reference/make_drift_reference.py",
        "versions": {"python": sys.version.split()[0], "numpy": np.__version__,
                     "scipy": scipy.__version__},
        "seed": SEED,
        "psi_epsilon": PSI_EPSILON,
        "psi": psi_cases(),
        "quantile_bins": explicit_bins,
        "quantile_bins_generated": generated_bins,
        "jensen_shannon": js_cases(),
        "chi_square_gof": gof_cases(),
        "chi_square_independence": contingency_cases(),
        "ks": ks_explicit_cases(),
        "ks_generated": ks_generated_cases(),
        "kstwo": kstwo_cases(),
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "drift.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, allow_nan=False)
        f.write("\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
