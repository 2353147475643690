#!/usr/bin/python3
"""Writes pass_at_k.json: reference values for src/stats/pass_at_k.cpp.

Run with Debian's /usr/bin/python3 (numpy installed):
    /usr/bin/python3 tests/reference/make_pass_at_k_reference.py
Deterministic: fixed inputs and a fixed seed, so re-running gives the same file.
tests/stats/pass_at_k_test.cpp compares the C++ functions against it.

Two references per case: `codex`, the numpy estimator from the Codex paper (Chen et al. 2021,
figure 3), and `exact`, 1 - C(n-c, k)/C(n, k) in exact rational arithmetic rounded once to a
double. Where pass@k is tiny, 1 - prod(...) cancels and the Codex form loses digits (1e-11
relative at n = 10**6, c = 1); qualbar sums logarithms and matches `exact`.
"""

import json
import math
import os
import sys
from fractions import Fraction

import numpy as np

SEED = 20261130


def codex_pass_at_k(n, c, k):
    """The Codex paper's implementation, verbatim.

    :param n: total number of samples
    :param c: number of correct samples
    :param k: k in pass@$k$
    """
    if n - c < k:
        return 1.0
    return 1.0 - np.prod(1.0 - k / np.arange(n - c + 1, n + 1))


def codex_estimate_pass_at_k(num_samples, num_correct, k):
    """The mean over problems, as in human-eval's estimate_pass_at_k."""
    return np.array([codex_pass_at_k(int(n), int(c), k) for n, c in zip(num_samples, num_correct)])


def exact_pass_at_k(n, c, k):
    if n - c < k:
        return 1.0
    return float(1 - Fraction(math.comb(n - c, k), math.comb(n, k)))


def single_cases():
    triples = set()
    for n in [1, 2, 3, 5, 10, 20, 50, 100, 200, 1000, 10_000]:
        for k in [1, 2, 5, 10, 50, 100]:
            if k > n:
                continue
            for c in sorted({0, 1, 2, n // 10, n // 2, n - k, n - k + 1, n - 1, n} & set(range(n + 1))):
                triples.add((n, c, k))
    # Large n: a tiny pass@k (1 - prod cancels in the Codex form) and a long product.
    triples |= {(1_000_000, 1, 1), (1_000_000, 3, 2), (1_000_000, 500_000, 10), (1_000_000, 10, 100_000)}
    rng = np.random.default_rng(SEED)
    for _ in range(60):
        n = int(rng.integers(1, 500))
        k = int(rng.integers(1, n + 1))
        triples.add((n, int(rng.integers(0, n + 1)), k))
    out = []
    for n, c, k in sorted(triples):
        out.append({"n": n, "c": c, "k": k, "codex": float(codex_pass_at_k(n, c, k)),
                    "exact": exact_pass_at_k(n, c, k)})
    return out


def mean_cases():
    rng = np.random.default_rng(SEED + 1)
    out = []
    for problems, max_n in [(1, 10), (5, 20), (164, 200), (500, 100)]:
        ns = rng.integers(10, max_n + 1, size=problems)
        cs = [int(rng.binomial(n, rng.uniform(0.0, 0.6))) for n in ns]
        for k in [1, 5, 10]:
            if k > min(ns):
                continue
            exact = sum(Fraction(1) - Fraction(math.comb(n - c, k), math.comb(n, k)) for n, c in zip(ns, cs))
            out.append({"n": [int(n) for n in ns], "c": cs, "k": k,
                        "codex": float(codex_estimate_pass_at_k(ns, cs, k).mean()),
                        "exact": float(exact / problems)})
    return out


def main():
    doc = {
        "generated_by": "tests/reference/make_pass_at_k_reference.py",
        "versions": {"python": sys.version.split()[0], "numpy": np.__version__},
        "seed": SEED,
        "pass_at_k": single_cases(),
        "mean_pass_at_k": mean_cases(),
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pass_at_k.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, allow_nan=False)
        f.write("\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
