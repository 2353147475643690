#!/usr/bin/python3
"""Writes ppi.json: reference values for src/stats/ppi.cpp (prediction-powered inference).

Run with Debian's /usr/bin/python3 (numpy, scipy, statsmodels installed):
    /usr/bin/python3 tests/reference/make_ppi_reference.py
Deterministic: fixed inputs and a fixed seed, so re-running gives the same file.
tests/stats/ppi_test.cpp compares the C++ functions against it at 1e-9.

The ppi_py package is not installed here; ppi_mean_ci below follows its formulas line by line
(ppi_py/ppi.py: ppi_mean_ci with lam=1 for PPI, lam=None for PPI++, and _calc_lam_glm with
clip=True), with numpy's divisors: .std() divides by n, np.cov by n - 1. One deliberate
difference: with constant predictions ppi_py's lambda is 0/0 = NaN; qualbar uses lambda = 0
(the judge carries no information) and so does this script.

`rates` are qualbar's ppi_rate: the same estimate for a rate, clipped to [0, 1], with statsmodels'
Wilson interval (proportion_confint(method="wilson")) at the effective sample size.
"""

import json
import os
import sys

import numpy as np
import scipy
import statsmodels
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

SEED = 20261130


def calc_lambda(Y, Yhat, Yhat_unlabeled):
    """_calc_lam_glm for the mean (d = 1, inverse Hessian 1), clipped to [0, 1]."""
    n, N = len(Y), len(Yhat_unlabeled)
    grads_cent = Y - Y.mean()
    grads_hat_cent = Yhat - Yhat.mean()
    cov_grads = (1 / n) * (grads_cent @ grads_hat_cent + grads_hat_cent @ grads_cent)
    var_grads_hat = np.cov(np.concatenate([Yhat, Yhat_unlabeled]))
    if var_grads_hat == 0:
        return 0.0  # qualbar's convention; ppi_py gives NaN
    lam = cov_grads / (2 * (1 + n / N) * var_grads_hat)
    return float(np.clip(lam, 0, 1))


def ppi_mean_ci(Y, Yhat, Yhat_unlabeled, confidence, lam):
    n, N = len(Y), len(Yhat_unlabeled)
    estimate = (lam * Yhat_unlabeled).mean() + (Y - lam * Yhat).mean()
    imputed_std = (lam * Yhat_unlabeled).std() / np.sqrt(N)
    rectifier_std = (Y - lam * Yhat).std() / np.sqrt(n)
    se = np.sqrt(imputed_std**2 + rectifier_std**2)
    z = stats.norm.ppf(0.5 + confidence / 2)  # statsmodels' _zconfint_generic, two-sided
    return float(estimate), float(se), float(estimate - z * se), float(estimate + z * se)


def datasets():
    rng = np.random.default_rng(SEED)

    def biased_binary(n, N, p, tpr, fpr):
        y = rng.binomial(1, p, n + N).astype(float)
        f = np.where(y == 1, rng.binomial(1, tpr, n + N), rng.binomial(1, fpr, n + N)).astype(float)
        return {"labels": y[:n], "labeled_predictions": f[:n], "unlabeled_predictions": f[n:]}

    def continuous(n, N, slope, offset, noise):
        y = rng.beta(4, 2, n + N)
        f = np.clip(slope * y + offset + rng.normal(0, noise, n + N), 0, 1)
        return {"labels": y[:n], "labeled_predictions": f[:n], "unlabeled_predictions": f[n:]}

    out = {
        "binary_biased": biased_binary(150, 3000, 0.6, 0.95, 0.3),
        "binary_biased_b": biased_binary(120, 2500, 0.7, 0.9, 0.4),
        "continuous": continuous(80, 1200, 0.8, 0.15, 0.2),
        "shrunk_judge": continuous(60, 400, 0.4, 0.3, 0.01),  # lambda > 1 before clipping
        "tiny": {"labels": np.array([1.0, 0.0]), "labeled_predictions": np.array([1.0, 1.0]),
                 "unlabeled_predictions": np.array([0.0, 1.0])},
        "constant_judge": {"labels": rng.binomial(1, 0.7, 40).astype(float),
                           "labeled_predictions": np.full(40, 0.5),
                           "unlabeled_predictions": np.full(500, 0.5)},
    }
    y = rng.binomial(1, 0.5, 50 + 600).astype(float)
    f = 1 - y + rng.normal(0, 0.1, len(y))  # anti-correlated judge: lambda clipped to 0
    out["anti_correlated"] = {"labels": y[:50], "labeled_predictions": f[:50],
                              "unlabeled_predictions": f[50:]}
    # For rates (a generator of their own, so the sets above stay as they were): a small labeled
    # sample on which judge and people always pass (the zero-width "100% [100, 100]" of the plain
    # interval), a rate near 1 whose plain interval passes 1, and a small lenient judge.
    rng = np.random.default_rng(SEED + 5)
    out["eleven_all_pass"] = {"labels": np.ones(11), "labeled_predictions": np.ones(11),
                              "unlabeled_predictions": np.ones(9)}
    out["near_one"] = biased_binary(30, 300, 0.97, 0.99, 0.6)
    out["small_lenient"] = biased_binary(12, 40, 0.8, 1.0, 0.5)
    return {k: {kk: vv.tolist() for kk, vv in v.items()} for k, v in out.items()}


def mean_case(name, sample, variant, confidence):
    Y, Yhat, Yu = (np.asarray(sample[k]) for k in ("labels", "labeled_predictions", "unlabeled_predictions"))
    lam = 1.0 if variant == "ppi" else calc_lambda(Y, Yhat, Yu)
    estimate, se, lo, hi = ppi_mean_ci(Y, Yhat, Yu, confidence, lam)
    return {"data": name, "variant": variant, "confidence": confidence, "lambda": lam,
            "estimate": estimate, "standard_error": se, "lo": lo, "hi": hi}


def rate_case(name, sample, variant, confidence):
    """PPI for a rate (qualbar's ppi_rate): the estimate clipped to [0, 1] and statsmodels' Wilson
    interval at the effective sample size n_eff = est (1 - est) / se^2, at most n + N; n when est
    is 0 or 1 or se is 0."""
    c = mean_case(name, sample, variant, confidence)
    n, N = len(sample["labels"]), len(sample["unlabeled_predictions"])
    est = min(1.0, max(0.0, c["estimate"]))
    se = c["standard_error"]
    spread = est * (1 - est)
    n_eff = min(n + N, spread / se**2) if spread > 0 and se > 0 else float(n)
    lo, hi = proportion_confint(est * n_eff, n_eff, alpha=1 - confidence, method="wilson")
    return {"data": name, "variant": variant, "confidence": confidence, "lambda": c["lambda"],
            "estimate": est, "standard_error": se, "effective_n": n_eff,
            "lo": float(lo), "hi": float(hi), "plain_lo": c["lo"], "plain_hi": c["hi"]}


def main():
    data = datasets()
    means = [mean_case(name, sample, variant, conf)
             for name, sample in data.items()
             for variant in ("ppi", "ppi_plus_plus")
             for conf in (0.9, 0.95)]
    differences = []
    for a, b in [("binary_biased", "binary_biased_b"), ("continuous", "shrunk_judge")]:
        for variant in ("ppi", "ppi_plus_plus"):
            ca, cb = mean_case(a, data[a], variant, 0.95), mean_case(b, data[b], variant, 0.95)
            est = ca["estimate"] - cb["estimate"]
            se = float(np.hypot(ca["standard_error"], cb["standard_error"]))
            z = stats.norm.ppf(0.975)
            differences.append({"a": a, "b": b, "variant": variant, "confidence": 0.95,
                                "estimate": est, "standard_error": se,
                                "lo": est - z * se, "hi": est + z * se})
    rates = [rate_case(name, data[name], variant, conf)
             for name in ("binary_biased", "binary_biased_b", "continuous", "tiny",
                          "constant_judge", "eleven_all_pass", "near_one", "small_lenient")
             for variant in ("ppi", "ppi_plus_plus")
             for conf in (0.9, 0.95)]
    for m in means:
        print(f"{m['data']:16s} {m['variant']:14s} {m['confidence']}: {m['estimate']:.5f} "
              f"[{m['lo']:.5f}, {m['hi']:.5f}] lambda={m['lambda']:.4f}")
    doc = {
        "generated_by": "tests/reference/make_ppi_reference.py",
        "versions": {"python": sys.version.split()[0], "numpy": np.__version__,
                     "scipy": scipy.__version__, "statsmodels": statsmodels.__version__},
        "seed": SEED,
        "data": data,
        "means": means,
        "differences": differences,
        "rates": rates,
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ppi.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, allow_nan=False)
        f.write("\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
