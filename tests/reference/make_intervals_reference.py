#!/usr/bin/python3
"""Writes intervals.json: reference values for src/stats/intervals.cpp from SciPy / statsmodels.

Run with Debian's /usr/bin/python3 (numpy, scipy, statsmodels installed):
    /usr/bin/python3 tests/reference/make_intervals_reference.py
Deterministic: fixed inputs and a fixed seed, so re-running gives the same file.
tests/stats/intervals_test.cpp compares the C++ functions against it.
"""

import json
import math
import os
import sys

import numpy as np
import scipy
import statsmodels
from scipy import optimize, special, stats
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

SEED = 20261127
CONFIDENCES = [0.9, 0.95, 0.99]


def wilson_cases():
    out = []
    for n in [1, 2, 5, 10, 17, 30, 100, 200, 1000, 1_000_000]:
        xs = sorted({0, 1, n // 3, n // 2, n - 1, n} & set(range(n + 1)))
        if n == 1_000_000:
            xs = sorted(set(xs) | {3, 999_990, 123_457})
        for x in xs:
            for conf in CONFIDENCES:
                lo, hi = proportion_confint(x, n, alpha=1.0 - conf, method="wilson")
                out.append({"x": x, "n": n, "confidence": conf, "lo": float(lo), "hi": float(hi)})
    return out


def proportion_grid():
    """(x, n) pairs over small, medium and large n, with both ends and the middle."""
    out = []
    for n in [1, 2, 5, 10, 17, 30, 100, 200, 1000, 1_000_000]:
        xs = sorted({0, 1, n // 3, n // 2, n - 1, n} & set(range(n + 1)))
        if n == 1_000_000:
            xs = sorted(set(xs) | {3, 999_990, 123_457})
        out.extend((x, n) for x in xs)
    return out


def one_proportion_cases(method):
    """statsmodels proportion_confint: 'beta' is Clopper-Pearson, 'agresti_coull' Agresti-Coull."""
    out = []
    for x, n in proportion_grid():
        for conf in CONFIDENCES + [0.999]:
            lo, hi = proportion_confint(x, n, alpha=1.0 - conf, method=method)
            out.append({"x": x, "n": n, "confidence": conf, "lo": float(lo), "hi": float(hi)})
    return out


def newcombe_cases():
    """Newcombe's hybrid score interval for p_a - p_b (statsmodels 'newcomb', p1 - p2, first minus
    second), on fixed pairs and on random pairs from the fixed seed."""
    pairs = [(0, 1, 0, 1), (1, 1, 0, 1), (0, 10, 10, 10), (10, 10, 0, 10), (5, 10, 5, 10),
             (178, 200, 190, 200), (8, 17, 12, 17), (0, 30, 0, 40), (30, 30, 40, 40),
             (1, 1000, 0, 5), (890, 1000, 905, 1000), (450_000, 1_000_000, 451_234, 1_000_000),
             (3, 7, 99, 100)]
    rng = np.random.default_rng(SEED + 1)
    for _ in range(20):
        n_a, n_b = (int(v) for v in rng.integers(1, 2000, size=2))
        pairs.append((int(rng.integers(0, n_a + 1)), n_a, int(rng.integers(0, n_b + 1)), n_b))
    out = []
    for x_a, n_a, x_b, n_b in pairs:
        for conf in CONFIDENCES:
            lo, hi = confint_proportions_2indep(x_a, n_a, x_b, n_b, compare="diff", method="newcomb",
                                                alpha=1.0 - conf)
            out.append({"x_a": x_a, "n_a": n_a, "x_b": x_b, "n_b": n_b, "confidence": conf,
                        "lo": float(lo), "hi": float(hi)})
    return out


def t_cases():
    inputs = [
        (0.5, 0.1, 2),
        (0.8, 0.25, 3),
        (10.0, 2.0, 17),
        (0.73, 0.4, 200),
        (-3.0, 1.5, 50),
        (100.0, 0.0, 10),
        (0.5, 0.2, 1_000_000),
        (812.5, 143.25, 31),
    ]
    out = []
    for mean, sd, n in inputs:
        for conf in CONFIDENCES:
            if sd > 0:
                lo, hi = stats.t.interval(conf, n - 1, loc=mean, scale=sd / math.sqrt(n))
            else:  # SciPy rejects scale 0 (NaN); the interval collapses onto the mean
                half = stats.t.ppf(0.5 + conf / 2.0, n - 1) * sd / math.sqrt(n)
                lo, hi = mean - half, mean + half
            out.append({"mean": mean, "sd": sd, "n": n, "confidence": conf,
                        "lo": float(lo), "hi": float(hi)})
    return out


def t_quantile(p, df):
    """Student's t quantile for p > 0.5 from the inverse regularized incomplete beta function:
    x = I^-1(df/2, 1/2; 2(1 - p)), t = sqrt(df (1/x - 1)). SciPy 1.10's t.ppf (cephes) is off by
    about 1e-10 relative here (mpmath at 40 digits agrees with this form and with Boost to 1e-15),
    which is at the edge of the tests' 1e-9."""
    x = special.betaincinv(df / 2.0, 0.5, 2.0 * (1.0 - p))
    return math.sqrt(df * (1.0 / x - 1.0))


def unit_mean_interval(xs, conf):
    """Interval for a mean of scores in [0, 1]: the Wilson interval at the effective sample size
    n_eff = n m (1 - m) / s^2 (n when the scores show no spread), with Student's t quantile in
    place of z; checked against statsmodels' proportion_confint(method="wilson") with the alpha
    whose normal quantile is that t."""
    arr = np.asarray(xs, dtype=float)
    n = len(arr)
    m = float(arr.mean())
    var = float(arr.var(ddof=1))
    spread = m * (1.0 - m)
    n_eff = n * spread / var if var > 1e-12 * spread else float(n)
    q = t_quantile(0.5 + conf / 2.0, n - 1)
    # The Wilson formula with q written out. statsmodels is asked with the alpha whose z is q; the
    # round trip q -> alpha -> norm.isf(alpha/2) costs about 1e-9, so the fixture keeps the
    # formula's ends after checking them against statsmodels to 1e-8 (alpha underflows to 0 for
    # n = 2 at 99%, where t = 63.7: that one case is the formula alone).
    centre = (m + q * q / (2 * n_eff)) / (1 + q * q / n_eff)
    half = q * math.sqrt(spread / n_eff + q * q / (4 * n_eff * n_eff)) / (1 + q * q / n_eff)
    lo = 0.0 if m == 0 else max(0.0, centre - half)
    hi = 1.0 if m == 1 else min(1.0, centre + half)
    alpha = 2.0 * stats.norm.sf(q)
    if alpha > 0:
        sm_lo, sm_hi = proportion_confint(m * n_eff, n_eff, alpha=alpha, method="wilson")
        assert abs(lo - sm_lo) < 1e-8 and abs(hi - sm_hi) < 1e-8, (xs, conf, lo, sm_lo, hi, sm_hi)
    return m, math.sqrt(var), n_eff, float(lo), float(hi)


def unit_mean_data():
    """Scores in [0, 1] as a graded dimension has them: near 1, skewed, 1-5 grades, pass/fail,
    no spread, and large."""
    rng = np.random.default_rng(SEED + 11)
    return {
        "near_one_20": [1.0] * 17 + [0.95, 0.97, 0.98],   # t interval: [0.984, 1.005]-like
        "beta_skewed_10": np.clip(rng.beta(8.0, 0.4, 10), 0, 1).tolist(),
        "judge_scale_12": [1.0, 1.0, 0.75, 1.0, 1.0, 0.5, 1.0, 0.25, 1.0, 1.0, 0.75, 1.0],
        "near_zero_15": np.clip(rng.beta(0.3, 9.0, 15), 0, 1).tolist(),
        "pass_fail_17": [1.0] * 8 + [0.0] * 9,
        "uniform_40": rng.uniform(0.0, 1.0, 40).tolist(),
        "two": [0.2, 0.9],
        "constant_08_10": [0.8] * 10,
        "all_one_10": [1.0] * 10,
        "all_zero_5": [0.0] * 5,
        "token_f1_1000": np.clip(rng.beta(5.0, 1.5, 1000), 0, 1).tolist(),
    }


def unit_mean_cases(data):
    out = []
    for name, xs in data.items():
        for conf in CONFIDENCES:
            m, sd, n_eff, lo, hi = unit_mean_interval(xs, conf)
            n = len(xs)
            half = t_quantile(0.5 + conf / 2.0, n - 1) * sd / math.sqrt(n)
            out.append({"data": name, "confidence": conf, "n": n, "mean": m, "sd": sd,
                        "n_eff": n_eff, "lo": lo, "hi": hi,
                        "t_lo": m - half, "t_hi": m + half})
    return out


def quantile_interval_min_n_cases():
    """The smallest n whose order-statistic interval has a lower / an upper end, by search over
    n with scipy.stats.binom.cdf (the same rule as quantile_interval)."""
    out = []
    for q in [0.5, 0.9, 0.95, 0.99]:
        for conf in CONFIDENCES:
            alpha = 1.0 - conf
            lower = next(n for n in range(1, 10_000) if stats.binom.cdf(0, n, q) <= alpha / 2.0)
            upper = next(n for n in range(1, 10_000)
                         if stats.binom.cdf(n - 1, n, q) >= 1.0 - alpha / 2.0)
            out.append({"q": q, "confidence": conf, "lower": lower, "upper": upper})
    return out


def datasets():
    rng = np.random.default_rng(SEED)
    return {
        "one": [7.5],
        "two": [1.0, 2.0],
        "pi_digits": sorted([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5]),
        "ties": [1.0, 1.0, 1.0, 2.0, 2.0, 3.0],
        "normal_101": sorted(rng.normal(0.0, 1.0, 101).tolist()),
        "latency_1000": sorted(rng.lognormal(6.5, 0.6, 1000).tolist()),
        "scores_40": sorted(rng.uniform(0.0, 1.0, 40).tolist()),
    }


def quantile_cases(data):
    out = []
    for name, xs in data.items():
        arr = np.asarray(xs, dtype=float)
        for q in [0.0, 0.1, 0.25, 0.5, 0.9, 0.95, 0.99, 1.0]:
            value = np.quantile(arr, q)  # numpy's default, method='linear'
            out.append({"data": name, "q": q, "value": float(value)})
    return out


def quantile_interval(xs, q, conf):
    """Distribution-free interval from binomial order statistics (see stats/intervals.hpp).

    K ~ Binomial(n, q). lower = sorted[k_lo], k_lo the largest k with F(k) <= alpha/2, absent when
    F(0) > alpha/2; upper = sorted[k_hi], k_hi the smallest k with F(k) >= 1 - alpha/2, absent
    when k_hi >= n.
    """
    n = len(xs)
    alpha = 1.0 - conf
    cdf = stats.binom.cdf(np.arange(n + 1), n, q)
    lo = None
    if cdf[0] <= alpha / 2.0:
        k_lo = max(k for k in range(n + 1) if cdf[k] <= alpha / 2.0)
        lo = float(xs[k_lo])
    k_hi = min(k for k in range(n + 1) if cdf[k] >= 1.0 - alpha / 2.0)
    hi = float(xs[k_hi]) if k_hi < n else None
    return lo, hi


def quantile_interval_cases(data):
    out = []
    for name, xs in data.items():
        for q in [0.0, 0.1, 0.5, 0.9, 0.95, 0.99, 1.0]:
            for conf in CONFIDENCES:
                lo, hi = quantile_interval(xs, q, conf)
                out.append({"data": name, "q": q, "confidence": conf, "lo": lo, "hi": hi})
    return out


def min_detectable_drop(p0, n, conf, power):
    """One-sided one-sample test of a proportion, normal approximation, solved for the drop."""
    za = stats.norm.ppf(conf)
    zb = stats.norm.ppf(power)

    def needed(delta):
        p1 = p0 - delta
        s = za * math.sqrt(p0 * (1.0 - p0)) + zb * math.sqrt(p1 * (1.0 - p1))
        return (s / delta) ** 2

    if needed(p0) > n:
        return math.inf  # not even a drop to zero is detectable
    return optimize.brentq(lambda d: needed(d) - n, 1e-12, p0, xtol=1e-16, rtol=1e-15, maxiter=500)


def mde_case(p0, n, conf, power):
    delta = float(min_detectable_drop(p0, n, conf, power))
    return {"p0": p0, "n": n, "confidence": conf, "power": power,
            "delta": None if math.isinf(delta) else delta}


def mde_cases():
    out = []
    for p0 in [0.3, 0.5, 0.8, 0.9, 0.95, 1.0]:
        for n in [30, 100, 400, 1000, 10_000]:
            for conf in CONFIDENCES:
                for power in [0.8, 0.9]:
                    out.append(mde_case(p0, n, conf, power))
    # Too few cases for any drop to show: infinity, written as null (JSON has no infinity).
    for p0, n in [(0.05, 3), (0.1, 1)]:
        out.append(mde_case(p0, n, 0.95, 0.8))
    return out


def z_cases():
    return [{"confidence": c, "z": float(stats.norm.ppf(0.5 + c / 2.0))}
            for c in [0.5, 0.8, 0.9, 0.95, 0.99, 0.999]]


def ratio_katz_cases():
    """The ratio p_a / p_b of two proportions with Katz's log interval (scipy.stats.contingency.
    relative_risk(x_a, n_a, x_b, n_b).confidence_interval): the four-fifths rule's ratio. Only
    pairs with x_a, x_b > 0 (with a zero the log interval is undefined)."""
    pairs = [(8, 17, 12, 17), (1, 1, 1, 1), (17, 17, 17, 17), (5, 10, 9, 10), (178, 200, 190, 200),
             (40, 100, 60, 100), (1, 1000, 3, 5), (450_000, 1_000_000, 451_234, 1_000_000),
             (3, 7, 99, 100), (30, 30, 20, 40)]
    rng = np.random.default_rng(SEED + 7)
    for _ in range(20):
        n_a, n_b = (int(v) for v in rng.integers(1, 2000, size=2))
        pairs.append((int(rng.integers(1, n_a + 1)), n_a, int(rng.integers(1, n_b + 1)), n_b))
    out = []
    from scipy.stats.contingency import relative_risk
    for x_a, n_a, x_b, n_b in pairs:
        for conf in CONFIDENCES:
            r = relative_risk(x_a, n_a, x_b, n_b)
            ci = r.confidence_interval(confidence_level=conf)
            out.append({"x_a": x_a, "n_a": n_a, "x_b": x_b, "n_b": n_b, "confidence": conf,
                        "ratio": float(r.relative_risk), "lo": float(ci.low),
                        "hi": float(ci.high)})
    return out


def main():
    data = datasets()
    doc = {
        "generated_by": "tests/reference/make_intervals_reference.py",
        "versions": {"python": sys.version.split()[0], "numpy": np.__version__,
                     "scipy": scipy.__version__, "statsmodels": statsmodels.__version__},
        "seed": SEED,
        "wilson": wilson_cases(),
        "clopper_pearson": one_proportion_cases("beta"),
        "agresti_coull": one_proportion_cases("agresti_coull"),
        "newcombe": newcombe_cases(),
        "ratio_katz": ratio_katz_cases(),
        "t_interval": t_cases(),
        "unit_mean_data": unit_mean_data(),
        "unit_mean": unit_mean_cases(unit_mean_data()),
        "quantile_interval_min_n": quantile_interval_min_n_cases(),
        "data": data,
        "quantile": quantile_cases(data),
        "quantile_interval": quantile_interval_cases(data),
        "min_detectable_drop": mde_cases(),
        "z_two_sided": z_cases(),
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "intervals.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, allow_nan=False)
        f.write("\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
