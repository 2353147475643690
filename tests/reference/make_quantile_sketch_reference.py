#!/usr/bin/python3
"""Writes quantile_sketch.json: exact numpy quantiles of the data that
tests/stats/quantile_sketch_test.cpp feeds to the t-digest (src/stats/quantile_sketch.cpp).

Run with Debian's /usr/bin/python3 (numpy, scipy installed):
    /usr/bin/python3 tests/reference/make_quantile_sketch_reference.py
Deterministic. A million values per distribution are too many for a fixture, so both sides
generate them from qualbar's own generator (stats/random.hpp: xoshiro256** seeded through
SplitMix64), re-implemented here with numpy's wrapping uint64 arithmetic, one stream per 1,000
values. The C++ test first checks that its exact quantiles equal numpy's (so the data are the
same), then measures the rank error of the t-digest's estimates on that data.

Data: distribution d uses streams d * STREAMS + s for s in 0..STREAMS-1; value s * PER_STREAM + j
is the j-th draw of stream s, u = ((next() >> 11) + 0.5) * 2**-53 in (0, 1), transformed by
    uniform u; normal Phi^-1(u); lognormal exp(6.5 + 0.6 Phi^-1(u)); exponential -log(u);
    pareto u ** (-1 / 1.5); discrete floor(20 u)
"""

import json
import os
import sys

import numpy as np
import scipy
from scipy import stats

SEED = 20261131
STREAMS = 1000
PER_STREAM = 1000
DISTRIBUTIONS = ["uniform", "normal", "lognormal", "exponential", "pareto", "discrete"]
QS = [0.0, 0.0001, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.3, 0.4, 0.5,
      0.6, 0.7, 0.75, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.998, 0.999, 0.9995, 0.9999, 1.0]

M64 = np.uint64(0xFFFFFFFFFFFFFFFF)


def u64(x):
    return np.uint64(x & 0xFFFFFFFFFFFFFFFF)


def rotl(x, k):
    return (x << np.uint64(k)) | (x >> np.uint64(64 - k))


def splitmix64(x):
    """Returns (new state, output), elementwise."""
    x = x + u64(0x9E3779B97F4A7C15)
    z = x
    z = (z ^ (z >> np.uint64(30))) * u64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * u64(0x94D049BB133111EB)
    return x, z ^ (z >> np.uint64(31))


def uniforms(seed, first_stream, streams, per_stream):
    """u in (0, 1): value s * per_stream + j from stream first_stream + s, as stats::Rng."""
    stream = np.arange(first_stream, first_stream + streams, dtype=np.uint64)
    x = u64(seed) ^ (u64(0x9E3779B97F4A7C15) * (stream + np.uint64(1)))
    s = []
    for _ in range(4):
        x, word = splitmix64(x)
        s.append(word)
    s0, s1, s2, s3 = s
    out = np.empty((per_stream, streams), dtype=np.uint64)
    for j in range(per_stream):
        out[j] = rotl(s1 * np.uint64(5), 7) * np.uint64(9)
        t = s1 << np.uint64(17)
        s2 = s2 ^ s0
        s3 = s3 ^ s1
        s1 = s1 ^ s2
        s0 = s0 ^ s3
        s2 = s2 ^ t
        s3 = rotl(s3, 45)
    bits = out.T.reshape(-1)  # stream-major: value s * per_stream + j
    return ((bits >> np.uint64(11)).astype(np.float64) + 0.5) * 2.0 ** -53


def data(d):
    u = uniforms(SEED, d * STREAMS, STREAMS, PER_STREAM)
    name = DISTRIBUTIONS[d]
    if name == "uniform":
        return u
    if name == "normal":
        return stats.norm.ppf(u)
    if name == "lognormal":
        return np.exp(6.5 + 0.6 * stats.norm.ppf(u))
    if name == "exponential":
        return -np.log(u)
    if name == "pareto":
        return u ** (-1.0 / 1.5)
    return np.floor(20.0 * u)


def main():
    with np.errstate(over="ignore"):  # uint64 products wrap, as in C++
        sets = []
        for d, name in enumerate(DISTRIBUTIONS):
            xs = data(d)
            sets.append({"name": name, "first_values": xs[:3].tolist(),
                         "quantiles": [float(v) for v in np.quantile(xs, QS)]})
    doc = {
        "generated_by": "tests/reference/make_quantile_sketch_reference.py",
        "versions": {"python": sys.version.split()[0], "numpy": np.__version__, "scipy": scipy.__version__},
        "seed": SEED,
        "streams": STREAMS,
        "per_stream": PER_STREAM,
        "q": QS,
        "distributions": sets,
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "quantile_sketch.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, allow_nan=False)
        f.write("\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
