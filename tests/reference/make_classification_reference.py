#!/usr/bin/python3
"""Writes classification.json: reference values for src/stats/classification.cpp.

Run with Debian's /usr/bin/python3 (numpy, sklearn installed):
    /usr/bin/python3 tests/reference/make_classification_reference.py
Deterministic: fixed inputs and a fixed seed, so re-running gives the same file.
tests/stats/classification_test.cpp compares the C++ functions against it.

Two conventions for an undefined ratio (zero division), see include/qualbar/stats/classification.hpp:
  "zero": scikit-learn's own output with zero_division=0 (its default value).
  "nan":  qualbar's default. scikit-learn 1.2 cannot produce it (zero_division=np.nan arrived in
          1.3), so the per-class values are scikit-learn's with the undefined ones (found from the
          counts) set to NaN, and averages skip NaN as scikit-learn >= 1.3 does (np.nanmean, and a
          support-weighted mean over the defined classes).
"""

import json
import math
import os
import sys
import warnings

import numpy as np
import sklearn
from sklearn.metrics import (accuracy_score, confusion_matrix, f1_score,
                             precision_recall_fscore_support)

SEED = 20261129


def datasets():
    rng = np.random.default_rng(SEED)
    out = {}
    # 14 classes, 70% correct, confusions spread at random.
    t = rng.integers(0, 14, 2000)
    p = np.where(rng.uniform(size=2000) < 0.7, t, rng.integers(0, 14, 2000))
    out["k14_2000"] = (14, t, p)
    # Imbalanced 5 classes; class 4 is never predicted, class 3 never true.
    t = rng.choice([0, 1, 2, 4], size=500, p=[0.6, 0.25, 0.1, 0.05])
    p = np.where(rng.uniform(size=500) < 0.8, t, rng.choice([0, 1, 2, 3], size=500))
    p = np.where(p == 4, 0, p)
    out["imbalanced_k5_500"] = (5, t, p)
    # Binary.
    t = rng.integers(0, 2, 300)
    p = np.where(rng.uniform(size=300) < 0.85, t, 1 - t)
    out["binary_300"] = (2, t, p)
    # A class absent from both truth and predictions (class 2 of 3).
    out["absent_class"] = (3, np.array([0, 0, 1, 1, 0, 1]), np.array([0, 1, 1, 1, 0, 0]))
    # Every item of one class, all correct: fpr of that class undefined.
    out["one_class_all_correct"] = (2, np.zeros(5, dtype=int), np.zeros(5, dtype=int))
    # All wrong.
    out["all_wrong"] = (3, np.array([0, 1, 2, 0]), np.array([1, 2, 0, 2]))
    out["one_item"] = (4, np.array([2]), np.array([1]))
    out["k1"] = (1, np.zeros(3, dtype=int), np.zeros(3, dtype=int))
    return out


def none_if_nan(x):
    x = float(x)
    return None if math.isnan(x) else x


def case(name, k, t, p, convention):
    labels = list(range(k))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cm = confusion_matrix(t, p, labels=labels)
        prec, rec, f1, support = precision_recall_fscore_support(
            t, p, labels=labels, average=None, zero_division=0)
        averages = {avg: precision_recall_fscore_support(t, p, labels=labels, average=avg,
                                                         zero_division=0)[:3]
                    for avg in ["macro", "micro", "weighted"]}
        # f1_score(average=...) must agree with the tuple above.
        for avg in ["macro", "micro", "weighted"]:
            assert f1_score(t, p, labels=labels, average=avg, zero_division=0) == averages[avg][2]
    n = len(t)
    tp = np.diag(cm).astype(float)
    predicted = cm.sum(axis=0).astype(float)
    fp = predicted - tp
    fn = support - tp
    tn = n - tp - fp - fn
    fpr = np.divide(fp, fp + tn, out=np.zeros(k), where=(fp + tn) > 0)
    fnr = np.divide(fn, support, out=np.zeros(k), where=support > 0)
    if convention == "nan":
        prec = np.where(tp + fp > 0, prec, np.nan)
        rec = np.where(support > 0, rec, np.nan)
        f1 = np.where(2 * tp + fp + fn > 0, f1, np.nan)
        fpr = np.where(fp + tn > 0, fpr, np.nan)
        fnr = np.where(support > 0, fnr, np.nan)

        def nan_weighted(v):
            ok = ~np.isnan(v)
            w = support[ok]
            return float(np.sum(v[ok] * w) / w.sum()) if w.sum() > 0 else math.nan

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # nanmean of all-NaN is NaN, as intended
            averages["macro"] = tuple(float(np.nanmean(v)) for v in (prec, rec, f1))
        averages["weighted"] = tuple(nan_weighted(v) for v in (prec, rec, f1))
    classes = [{"tp": int(tp[c]), "fp": int(fp[c]), "fn": int(fn[c]), "tn": int(tn[c]),
                "support": int(support[c]), "precision": none_if_nan(prec[c]),
                "recall": none_if_nan(rec[c]), "f1": none_if_nan(f1[c]),
                "fpr": none_if_nan(fpr[c]), "fnr": none_if_nan(fnr[c])} for c in range(k)]
    return {
        "data": name, "zero_division": convention, "n_classes": k,
        "confusion": cm.astype(int).ravel().tolist(),
        "classes": classes,
        "macro": [none_if_nan(v) for v in averages["macro"]],
        "micro": [none_if_nan(v) for v in averages["micro"]],
        "weighted": [none_if_nan(v) for v in averages["weighted"]],
        "accuracy": float(accuracy_score(t, p)),
    }


def main():
    data = datasets()
    cases = [case(name, k, t, p, conv) for name, (k, t, p) in data.items() for conv in ["nan", "zero"]]
    doc = {
        "generated_by": "tests/reference/make_classification_reference.py",
        "versions": {"python": sys.version.split()[0], "numpy": np.__version__,
                     "sklearn": sklearn.__version__},
        "seed": SEED,
        "data": {name: {"n_classes": k, "truth": [int(v) for v in t], "predicted": [int(v) for v in p]}
                 for name, (k, t, p) in data.items()},
        "cases": cases,
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "classification.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, allow_nan=False)
        f.write("\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
