#!/usr/bin/python3
"""Writes bootstrap.json: reference values for src/stats/bootstrap.cpp from scipy.stats.bootstrap.

Run with Debian's /usr/bin/python3 (numpy, scipy installed):
    /usr/bin/python3 tests/reference/make_bootstrap_reference.py
Deterministic: fixed inputs and fixed seeds, so re-running gives the same file (about a minute).
tests/stats/bootstrap_test.cpp compares the C++ functions against it.

Bootstrap intervals are Monte Carlo: SciPy runs REF_RESAMPLES resamples here and qualbar runs its
own with its own generator, so the two agree only up to Monte Carlo error. For each interval end
the script stores se_*_unit, the Monte Carlo standard error of that end times sqrt(B):

    se = sqrt(q (1 - q) / B) * dQ/dq          (an order statistic of B draws; percentile)
    dQ/dq from the bootstrap distribution by a central difference over q +- 0.005,

plus, for BCa, the error the level q = alpha_1 inherits from z0 (itself estimated from the B
draws). The C++ test accepts |qualbar - SciPy| <= 4 * se_unit * sqrt(1/B_ref + 1/B_qualbar) + gap,
gap being the spacing of the distinct bootstrap values at that end (a lattice step for pass/fail
and 1-5 data, whose bootstrap distribution is discrete; negligible for continuous data).

The BCa acceleration involves no random draws: it is computed here from SciPy's own jackknife
(scipy.stats._resampling._bca_interval) and compared at 1e-9 relative.
"""

import json
import math
import os
import sys

import numpy as np
import scipy
from scipy import special, stats
from scipy.stats import _resampling

SEED = 20261128
REF_RESAMPLES = 100_000
BATCH = 2_000
FD_STEP = 0.005


def datasets():
    rng = np.random.default_rng(SEED)
    pf_a = rng.binomial(1, 0.82, 1000)
    pf_b = np.where(rng.uniform(size=1000) < 0.85, pf_a, rng.binomial(1, 0.78, 1000))
    s_a = rng.choice([1, 2, 3, 4, 5], size=2000, p=[0.05, 0.1, 0.2, 0.35, 0.3])
    s_b = np.clip(s_a + rng.choice([-2, -1, 0, 1], size=2000, p=[0.05, 0.25, 0.6, 0.1]), 1, 5)
    c_a = rng.uniform(0.2, 1.0, 400)
    c_b = np.clip(c_a - 0.03 + rng.normal(0.0, 0.12, 400), 0.01, None)
    return {
        "normal_50": rng.normal(0.7, 0.2, 50).tolist(),
        "lognormal_200": rng.lognormal(0.0, 0.8, 200).tolist(),
        "pass_fail_300": rng.binomial(1, 0.8, 300).astype(float).tolist(),
        "scores_500": rng.choice([1, 2, 3, 4, 5], size=500, p=[0.1, 0.1, 0.2, 0.3, 0.3]).astype(float).tolist(),
        "paired_continuous_a": c_a.tolist(),
        "paired_continuous_b": c_b.tolist(),
        "paired_pass_fail_a": pf_a.astype(float).tolist(),
        "paired_pass_fail_b": pf_b.astype(float).tolist(),
        "paired_scores_a": s_a.astype(float).tolist(),
        "paired_scores_b": s_b.astype(float).tolist(),
    }


# Statistics by name: (vectorised statistic for SciPy, number of samples). The C++ test maps the
# same names to its own callables.
def mean(x, axis=-1):
    return np.mean(x, axis=axis)


def median(x, axis=-1):
    return np.median(x, axis=axis)


def std(x, axis=-1):
    return np.std(x, ddof=1, axis=axis)


def mean_difference(a, b, axis=-1):
    return np.mean(a - b, axis=axis)


def ratio_of_means(a, b, axis=-1):
    return np.mean(a, axis=axis) / np.mean(b, axis=axis)


STATISTICS = {"mean": mean, "median": median, "std": std, "mean_difference": mean_difference,
              "ratio_of_means": ratio_of_means}

CASES = [
    # (statistic, data sets, confidence)
    ("mean", ["normal_50"], 0.95),
    ("mean", ["lognormal_200"], 0.95),
    ("mean", ["lognormal_200"], 0.9),
    ("mean", ["pass_fail_300"], 0.95),
    ("mean", ["scores_500"], 0.95),
    ("median", ["lognormal_200"], 0.95),
    ("std", ["normal_50"], 0.95),
    ("mean_difference", ["paired_continuous_a", "paired_continuous_b"], 0.95),
    ("mean_difference", ["paired_pass_fail_a", "paired_pass_fail_b"], 0.95),
    ("mean_difference", ["paired_scores_a", "paired_scores_b"], 0.99),
    ("ratio_of_means", ["paired_continuous_a", "paired_continuous_b"], 0.95),
]


def jackknife_acceleration(samples, statistic):
    """a_hat as SciPy computes it (one sample, or pairs left out together)."""
    if len(samples) == 1:
        alpha = np.array(0.025)
        theta_b = np.zeros(1)
        with np.errstate(invalid="ignore", divide="ignore"):  # z0 of the dummy theta_b is infinite
            a_scipy = _resampling._bca_interval((samples[0],), statistic, -1, alpha, theta_b, None)[2]
        return float(a_scipy)
    # Paired: SciPy resamples the indices of the pairs; leave one pair out at a time.
    n = len(samples[0])
    jack = np.array([statistic(*[np.delete(s, i) for s in samples]) for i in range(n)])
    u = (n - 1) * (jack.mean() - jack)
    return float(1 / 6 * (u**3).sum() / n**3 / ((u**2).sum() / n**2) ** 1.5)


def end_se_unit(sorted_dist, q):
    """Monte Carlo standard error of the q-quantile of B draws, times sqrt(B)."""
    lo, hi = max(q - FD_STEP, 0.0), min(q + FD_STEP, 1.0)
    slope = (np.quantile(sorted_dist, hi) - np.quantile(sorted_dist, lo)) / (hi - lo)
    return math.sqrt(q * (1 - q)) * slope


def bca_level_se_unit(z0, a, z, p0):
    """Standard error (times sqrt(B)) that alpha_i = Phi(g(z0)) inherits from z0 = ndtri(p0)."""
    w = z0 + z
    g = z0 + w / (1 - a * w)
    dg = 1 + 1 / (1 - a * w) ** 2
    se_z0 = math.sqrt(p0 * (1 - p0)) / stats.norm.pdf(z0)
    return stats.norm.pdf(g) * dg * se_z0


def gap_at(unique_values, value):
    i = int(np.searchsorted(unique_values, value))
    i = min(max(i, 1), len(unique_values) - 1)
    below = unique_values[i] - unique_values[i - 1]
    above = unique_values[min(i + 1, len(unique_values) - 1)] - unique_values[i]
    return float(max(below, above))


def run_case(data, stat_name, names, confidence, method, seed):
    statistic = STATISTICS[stat_name]
    samples = [np.asarray(data[k], dtype=float) for k in names]
    paired = len(samples) == 2
    res = stats.bootstrap(tuple(samples), statistic, vectorized=True, paired=paired,
                          confidence_level=confidence, n_resamples=REF_RESAMPLES, batch=BATCH,
                          method=method, random_state=np.random.default_rng(seed))
    dist = np.sort(res.bootstrap_distribution)
    estimate = float(statistic(*samples))
    alpha = (1 - confidence) / 2
    case = {"statistic": stat_name, "data": names, "confidence": confidence,
            "method": "bca" if method == "BCa" else method, "resamples": REF_RESAMPLES,
            "estimate": estimate,
            "lo": float(res.confidence_interval.low), "hi": float(res.confidence_interval.high),
            "standard_error": float(res.standard_error)}
    q_lo, q_hi = alpha, 1 - alpha
    if method == "BCa":
        p0 = ((dist < estimate).sum() + (dist <= estimate).sum()) / (2 * len(dist))
        z0 = float(special.ndtri(p0))
        a = jackknife_acceleration(samples, statistic)
        levels = [special.ndtr(z0 + (z0 + z) / (1 - a * (z0 + z)))
                  for z in (special.ndtri(alpha), -special.ndtri(alpha))]
        q_lo, q_hi = float(levels[0]), float(levels[1])
        # The levels reproduce SciPy's interval: the formulas here are SciPy's.
        assert math.isclose(np.percentile(dist, q_lo * 100), case["lo"], rel_tol=1e-12, abs_tol=1e-15)
        assert math.isclose(np.percentile(dist, q_hi * 100), case["hi"], rel_tol=1e-12, abs_tol=1e-15)
        case.update({"z0": z0, "z0_se_unit": math.sqrt(p0 * (1 - p0)) / stats.norm.pdf(z0),
                     "acceleration": a, "level_lo": q_lo, "level_hi": q_hi})
    se_lo = end_se_unit(dist, q_lo)
    se_hi = end_se_unit(dist, q_hi)
    if method == "BCa":
        z = special.ndtri(alpha)
        slope_lo = se_lo / math.sqrt(q_lo * (1 - q_lo))
        slope_hi = se_hi / math.sqrt(q_hi * (1 - q_hi))
        se_lo = math.hypot(se_lo, slope_lo * bca_level_se_unit(z0, a, z, p0))
        se_hi = math.hypot(se_hi, slope_hi * bca_level_se_unit(z0, a, -z, p0))
    unique = np.unique(dist)
    case.update({"se_lo_unit": float(se_lo), "se_hi_unit": float(se_hi),
                 "gap_lo": gap_at(unique, case["lo"]), "gap_hi": gap_at(unique, case["hi"])})
    return case


def acceleration_cases(data):
    """Exact (non-random) jackknife acceleration of the mean, from SciPy's own code."""
    out = []
    for name in ["normal_50", "lognormal_200", "pass_fail_300", "scores_500"]:
        x = np.asarray(data[name])
        out.append({"data": name, "statistic": "mean",
                    "acceleration": jackknife_acceleration([x], mean)})
    for name in ["lognormal_200", "normal_50"]:
        x = np.asarray(data[name])
        out.append({"data": name, "statistic": "median",
                    "acceleration": jackknife_acceleration([x], median)})
    return out


def main():
    data = datasets()
    cases = []
    seed = SEED
    for stat_name, names, confidence in CASES:
        for method in ["percentile", "BCa"]:
            seed += 1
            cases.append(run_case(data, stat_name, names, confidence, method, seed))
            print(f"{stat_name} {names} {method}: [{cases[-1]['lo']:.6g}, {cases[-1]['hi']:.6g}]")
    doc = {
        "generated_by": "tests/reference/make_bootstrap_reference.py",
        "versions": {"python": sys.version.split()[0], "numpy": np.__version__,
                     "scipy": scipy.__version__},
        "seed": SEED,
        "data": data,
        "cases": cases,
        "acceleration": acceleration_cases(data),
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bootstrap.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, allow_nan=False)
        f.write("\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
